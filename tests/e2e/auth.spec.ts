import { test, expect, signInThroughForm, phone, PASSWORD } from "./fixtures";

test.describe("sign-in on a phone", () => {
  test.use({ ...phone });

  test("a protected page sends a visitor to sign in, and back after", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel("登录名").fill("13800000004");
    await page.getByLabel("密码").fill("wrong-password");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByRole("alert")).toHaveText("登录名或密码不正确。");
    // What was typed stays in the form.
    await expect(page.getByLabel("登录名")).toHaveValue("13800000004");
    await page.getByLabel("密码").fill(PASSWORD);
    await page.getByRole("button", { name: "登录" }).click();
    // Home: the to-dos first when there are some (the demo gives 刘洋 one), then 近期安排.
    await expect(page.getByRole("heading", { name: "近期安排" })).toBeVisible();
    await expect(page.getByText("集中学习《中国共产党支部工作条例（试行）》")).toBeVisible();
    await page.screenshot({ path: "test-results/screens/home-phone.png", fullPage: true });

    await page.getByRole("button", { name: "退出" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the sign-in form still works", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("登录名").fill("13800000006");
    await page.getByLabel("密码").fill("nope");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByRole("alert")).toContainText("登录名或密码不正确");
    await signInThroughForm(page, "13800000006");
    // Home: its heading names the to-dos when there are some (other specs may leave some), and
    // 近期安排 always follows.
    await expect(page.getByRole("heading", { level: 1, name: /有 \d+ 件事等你处理|近期组织生活/ })).toBeVisible();
    await expect(page.getByRole("heading", { name: "近期安排" })).toBeVisible();
  });
});
