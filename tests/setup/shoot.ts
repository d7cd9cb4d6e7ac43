import { chromium, type Page } from "@playwright/test";
import { startTestServer, type TestServer } from "./server";

// For looking at pages by hand: a real Tongxin on a copy of the demo, and a Chromium that signs in
// and takes screenshots at phone and desktop width. Not a test; used by scripts under
// /work/evidence while developing (see docs/ARCHITECTURE.md, tests/setup).

export async function withScreens(
  run: (ctx: {
    s: TestServer;
    shot: (who: string, path: string, name: string, setup?: (p: Page) => Promise<void>) => Promise<void>;
  }) => Promise<void>,
  outDir: string,
) {
  const s = await startTestServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    await run({
      s,
      async shot(who, path, name, setup) {
        for (const width of [375, 1280]) {
          const context = await browser.newContext({
            viewport: { width, height: width === 375 ? 812 : 900 },
            deviceScaleFactor: width === 375 ? 2 : 1,
            locale: "zh-CN",
            timezoneId: "Asia/Shanghai",
          });
          const page = await context.newPage();
          await page.goto(`${s.url}/login`);
          await page.getByLabel("登录名").fill(who);
          await page.getByLabel("密码").fill("tongxin2026");
          await page.getByRole("button", { name: "登录" }).click();
          await page.waitForURL((u) => !u.pathname.startsWith("/login"));
          await page.goto(`${s.url}${path}`);
          if (setup) await setup(page);
          await page.screenshot({ path: `${outDir}/${name}-${width}.png`, fullPage: true });
          await context.close();
        }
      },
    });
  } finally {
    await browser.close();
    await s.stop();
  }
}
