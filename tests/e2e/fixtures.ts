import { randomBytes } from "node:crypto";
import { test as base, expect, devices, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { CHINA_TIME_ZONE } from "../../shared/time";

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

/** The app server of the running test's shard (playwright.config.ts gives each shard its own). */
const baseUrl = () => String(test.info().project.use.baseURL);

/** One statement on the test server's database (tests/e2e/serve.ts's /__e2e/sql). */
async function e2eSql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const res = await fetch(`${baseUrl()}/__e2e/sql`, { method: "POST", body: JSON.stringify({ query, params }) });
  if (!res.ok) throw new Error(`e2e sql: ${res.status} ${await res.text()}`);
  return (await res.json()) as T[];
}

/**
 * Signs a browser context in by writing a session for the person, as Lucia's adapter stores it
 * (server/auth/adapter.ts), and setting its cookie: a spec about something else need not pay for
 * the form and the password hash each time. auth.spec.ts and invite.spec.ts keep the real form.
 */
export async function signInBySession(context: BrowserContext, username: string) {
  const id = randomBytes(20).toString("hex");
  const rows = await e2eSql<{ id: string }>(
    `insert into auth_sessions (id, user_id, expires_at)
     select $1, id, now() + interval '1 day' from users where username = $2 returning user_id as id`,
    [id, username],
  );
  if (rows.length === 0) throw new Error(`no user ${username}`);
  await context.addCookies([{ name: "tongxin_session", value: id, url: baseUrl(), httpOnly: true, sameSite: "Lax" }]);
}

/** A new browser context (phone or desktop) signed in as the given member. */
export async function memberPage(browser: Browser, username: string, opts: { phone?: boolean } = {}) {
  const context = await browser.newContext(
    opts.phone
      ? { ...phone, locale: "zh-CN", timezoneId: CHINA_TIME_ZONE }
      : { locale: "zh-CN", timezoneId: CHINA_TIME_ZONE },
  );
  await signInBySession(context, username);
  const page = await context.newPage();
  const problems = guardConsole(page);
  // Where the form would have landed: home, signed in.
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "近期安排" })).toBeVisible();
  return { context, page, problems };
}

/** Goes ahead in the app's own confirmation dialog (app/components/confirm-dialog.tsx). */
export async function confirmDialog(page: Page, title: string | RegExp, button: string) {
  const dialog = page.getByRole("alertdialog", { name: title });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: button, exact: true }).click();
  await expect(dialog).toHaveCount(0);
}
