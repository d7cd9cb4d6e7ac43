import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect, memberPage } from "./fixtures";
import { shoot } from "./screens";

// Sign-in names 13912350xxx are this spec's own (the invite spec uses 13912340xxx).

async function openBranch(page: Page): Promise<string> {
  await page.goto("/orgs");
  await page
    .getByRole("link", { name: /机关第一党支部/ })
    .first()
    .click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname;
}

test("the 组织委员 uploads a CSV roster, sees the bad rows with reasons, imports the good ones and finds them", async ({
  browser,
}) => {
  // What Excel in China writes when asked for "CSV UTF-8": a BOM, CRLF line ends.
  const csv =
    "\uFEFF" +
    [
      "姓名,手机号,人员类别,党小组",
      "钱文博,13912350001,正式党员,第一党小组",
      "孙雅琴,139 1235 0002,入党积极分子,第二党小组",
      "欧阳振华,13912350003,发展对象,",
      "马立新,1391235000,正式党员,第一党小组",
      "牛晓东,13912350005,正式党员,第九党小组",
    ].join("\r\n") +
    "\r\n";
  const file = path.join(mkdtempSync(path.join(tmpdir(), "tongxin-roster-")), "党员名册.csv");
  writeFileSync(file, csv, "utf8");

  const org = await memberPage(browser, "13800000002"); // 李秀英, 组织委员
  const page = org.page;
  const branch = await openBranch(page);
  await page.getByRole("link", { name: "批量导入" }).click();
  await expect(page.getByRole("heading", { name: "批量导入成员" })).toBeVisible();
  await shoot(page, "import-form");

  await page.getByLabel("名册文件").setInputFiles(file);
  await page.getByRole("button", { name: "核对名册" }).click();
  await expect(page.getByRole("heading", { name: "核对导入内容" })).toBeVisible();
  await expect(page.getByTestId("import-summary")).toHaveText("共 5 行：3 行无误，2 行有问题");

  // The bad rows, by the file's line numbers (the header is line 1), with the reason.
  const bad = page.getByTestId("bad-rows").locator("tbody tr");
  await expect(bad).toHaveCount(2);
  await expect(bad.nth(0)).toContainText("第 5 行");
  await expect(bad.nth(0)).toContainText("马立新");
  await expect(bad.nth(0)).toContainText("手机号“1391235000”格式不正确：应为 1 开头的 11 位数字");
  await expect(bad.nth(1)).toContainText("第 6 行");
  await expect(bad.nth(1)).toContainText("牛晓东");
  await expect(bad.nth(1)).toContainText("党小组“第九党小组”不存在");
  const good = page.getByTestId("good-rows").locator("tbody tr");
  await expect(good).toHaveCount(3);
  // Spaces typed inside a phone number are dropped; an empty 党小组 is the branch itself.
  await expect(good.nth(1)).toContainText("13912350002");
  await expect(good.nth(2)).toContainText("机关第一党支部");
  await shoot(page, "import-preview");

  await page.getByRole("button", { name: "只导入无误的 3 行，跳过 2 行" }).click();
  await expect(page.getByRole("heading", { name: "已导入 3 人" })).toBeVisible();
  await expect(page.getByText("跳过了 2 行有问题的数据")).toBeVisible();
  const codes = page.getByTestId("invitations").locator("tbody tr");
  await expect(codes).toHaveCount(3);
  for (const [i, who] of ["钱文博", "孙雅琴", "欧阳振华"].entries()) {
    await expect(codes.nth(i)).toContainText(who);
    await expect(codes.nth(i).locator("td").nth(2)).toHaveText(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  }
  await shoot(page, "import-result");

  // The roster finds them, by name and by phone number.
  await page.getByRole("link", { name: "返回成员名册" }).click();
  await expect(page).toHaveURL(new RegExp(`${branch}/members$`));
  const search = page.getByRole("searchbox");
  await search.fill("钱文博");
  await expect(page.getByTestId("member-count")).toHaveText("共 1 人");
  await expect(page.getByTestId("member-list")).toContainText("钱文博");
  await expect(page.getByTestId("member-list")).toContainText("第一党小组");
  await expect(page.getByTestId("member-list")).toContainText("未激活");
  await search.fill("13912350002");
  await expect(page.getByTestId("member-list")).toContainText("孙雅琴");
  await expect(page.getByTestId("member-list")).toContainText("入党积极分子");
  await search.fill("欧阳振华");
  await expect(page.getByTestId("member-list")).toContainText("机关第一党支部");
  // The rows with problems were not imported.
  for (const absent of ["马立新", "牛晓东"]) {
    await search.fill(absent);
    await expect(page.getByTestId("member-count")).toHaveText("共 0 人");
  }

  expect(org.problems).toEqual([]);
  await org.context.close();
});

test("rows pasted from Excel (tab separated) import too; the audit log records the import", async ({ browser }) => {
  const org = await memberPage(browser, "13800000002");
  const page = org.page;
  const branch = await openBranch(page);
  await page.goto(`${branch}/import`);
  await page
    .getByLabel("或粘贴名册内容")
    .fill(
      ["姓名\t手机号\t人员类别\t党小组", "吴小丽\t13912350011\t正式党员\t第二党小组", "郭子明\t13912350012\t\t"].join(
        "\n",
      ),
    );
  await page.getByRole("button", { name: "核对名册" }).click();
  await expect(page.getByTestId("import-summary")).toHaveText("共 2 行：2 行无误，0 行有问题");
  await expect(page.getByTestId("bad-rows")).toHaveCount(0);
  await page.getByRole("button", { name: "导入全部 2 人" }).click();
  await expect(page.getByRole("heading", { name: "已导入 2 人" })).toBeVisible();
  await expect(page.getByTestId("invitations").locator("tbody tr")).toHaveCount(2);

  await page.goto(`${branch}/members?q=${encodeURIComponent("吴小丽")}`);
  await expect(page.getByTestId("member-list")).toContainText("第二党小组");

  await page.goto(`${branch}/audit`);
  await expect(page.getByRole("heading", { name: "审计日志" })).toBeVisible();
  await expect(page.getByTestId("audit-list")).toContainText("吴小丽");
  await shoot(page, "audit");
  expect(org.problems).toEqual([]);
  await org.context.close();
});
