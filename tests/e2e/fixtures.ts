import { test as base, expect, devices, type Browser, type Page } from "@playwright/test";

export const PASSWORD = "tongxin2026";
/** A 375 px phone, emulated in Chromium. */
export const phone = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: devices["Pixel 7"].userAgent,
};

/** Any console error or uncaught exception in a page fails the test that opened it. */
export function guardConsole(page: Page) {
  const problems: string[] = [];
  page.on("console", (m) => {
    // A 4xx the test itself provokes (a wrong password) is logged by Chromium too; tests assert
    // those statuses themselves. Script errors and 5xx answers still fail the test.
    if (m.type() !== "error" || /^Failed to load resource: .*status of 4\d\d/.test(m.text())) return;
    // Chromium reports every Content-Security-Policy violation as a console error.
    problems.push(`${/Content Security Policy/.test(m.text()) ? "CSP violation" : "console.error"}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

export const test = base.extend<{ consoleProblems: string[] }>({
  consoleProblems: [
    async ({ page }, use) => {
      const problems = guardConsole(page);
      await use(problems);
      expect(problems, "console errors in the page").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export async function signInThroughForm(page: Page, username: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("登录名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** A new browser context (phone or desktop) signed in as the given member. */
export async function memberPage(browser: Browser, username: string, opts: { phone?: boolean } = {}) {
  const context = await browser.newContext(
    opts.phone
      ? { ...phone, locale: "zh-CN", timezoneId: "Asia/Shanghai" }
      : { locale: "zh-CN", timezoneId: "Asia/Shanghai" },
  );
  const page = await context.newPage();
  const problems = guardConsole(page);
  await signInThroughForm(page, username);
  return { context, page, problems };
}

/** Goes ahead in the app's own confirmation dialog (app/components/confirm-dialog.tsx). */
export async function confirmDialog(page: Page, title: string | RegExp, button: string) {
  const dialog = page.getByRole("alertdialog", { name: title });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: button, exact: true }).click();
  await expect(dialog).toHaveCount(0);
}
