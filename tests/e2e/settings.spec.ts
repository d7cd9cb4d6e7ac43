import { test, expect, memberPage } from "./fixtures";
import { shoot } from "./screens";

test("the 书记 adjusts the branch's local rules and sees the compliance page", async ({ browser }) => {
  const sec = await memberPage(browser, "13800000001");
  const { page } = sec;
  await page.goto("/orgs");
  await page
    .getByRole("link", { name: /机关第一党支部/ })
    .first()
    .click();
  await page.getByRole("link", { name: "组织生活规则" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "组织生活规则" })).toBeVisible();
  await shoot(page, "settings");
  // Typed after the layout check: on a loaded machine a value typed before the page hydrated was
  // put back to the one the server rendered (seen on CI), and the save kept 3.
  await page.getByLabel("星期几").selectOption("3");
  await page.getByLabel("第几个").selectOption("-1");
  await page.getByLabel("无故缺席几次提醒谈心").fill("2");
  await expect(page.getByLabel("无故缺席几次提醒谈心")).toHaveValue("2");
  await page.getByRole("button", { name: "保存规则" }).click();
  await expect(page.getByRole("status")).toContainText("已保存");
  await expect(page.getByLabel("星期几")).toHaveValue("3");
  await expect(page.getByLabel("无故缺席几次提醒谈心")).toHaveValue("2");

  await page.goto(page.url().replace(/\/settings$/, "/compliance"));
  await expect(page.getByRole("heading", { level: 1, name: "组织生活提醒" })).toBeVisible();
  await expect(page.getByText("2 次缺席提醒谈心", { exact: false })).toBeVisible();
  await shoot(page, "compliance");
  expect(sec.problems).toEqual([]);
  await sec.context.close();
});
