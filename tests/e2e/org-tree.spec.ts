import type { Page } from "@playwright/test";
import { test, expect, memberPage } from "./fixtures";

// The 党委 administrator shapes the tree: creates a 党总支, moves a branch under it, renames it,
// and is refused (in Chinese, with nothing changed) when a move would make a circle.

const panel = (page: Page, title: string) => page.locator("details", { has: page.getByText(title, { exact: true }) });

async function open(page: Page, title: string) {
  const details = panel(page, title);
  if ((await details.getAttribute("open")) === null) await details.locator("summary").click();
}

/** Picks an organisation in a select whose options are indented with full-width spaces. */
async function pick(page: Page, form: string, label: string, name: string) {
  const select = panel(page, form).getByRole("combobox", { name: label, exact: true });
  const options = await select
    .locator("option")
    .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent?.trim() ?? "" })));
  const option = options.find((o) => o.text === name);
  if (!option) throw new Error(`no option “${name}” in ${label}: ${options.map((o) => o.text).join(", ")}`);
  await select.selectOption(option.value);
}

test("the 党委 administrator builds, moves and renames organisations; a circular move is refused", async ({
  browser,
}) => {
  const admin = await memberPage(browser, "13800000009"); // 周志强, 党委组织委员
  const { page } = admin;
  await page.goto("/orgs");
  const tree = page.getByTestId("org-tree");
  await expect(tree).toContainText("机关第二党支部");

  // Create a 党总支 under the 党委.
  await open(page, "新建下级组织");
  await pick(page, "新建下级组织", "上级组织", "同心示范单位党委");
  await panel(page, "新建下级组织").getByLabel("类型").selectOption("general_branch");
  await panel(page, "新建下级组织").getByLabel("名称", { exact: true }).fill("机关党总支");
  await panel(page, "新建下级组织").getByRole("button", { name: "新建" }).click();
  await expect(page.getByRole("status")).toContainText("已新建“机关党总支”");
  await expect(tree).toContainText("机关党总支");

  // Move the second branch under it.
  await open(page, "调整上级组织");
  await pick(page, "调整上级组织", "要调整的组织", "机关第二党支部");
  await pick(page, "调整上级组织", "新的上级组织", "机关党总支");
  await panel(page, "调整上级组织").getByRole("button", { name: "调整" }).click();
  await expect(page.getByRole("status")).toContainText("已调整上级组织");

  // Moving the 党总支 under its own branch would make a circle: refused, the tree unchanged.
  await open(page, "调整上级组织");
  await pick(page, "调整上级组织", "要调整的组织", "机关党总支");
  await pick(page, "调整上级组织", "新的上级组织", "机关第二党支部");
  const refused = page.waitForResponse((r) => r.request().method() === "POST" && r.status() === 400);
  await panel(page, "调整上级组织").getByRole("button", { name: "调整" }).click();
  await refused;
  await expect(page.getByText(/不能把“机关党总支”移到它自己或它的下级组织“机关第二党支部”之下/)).toBeVisible();
  const rows = await tree.locator(".row__title").allInnerTexts();
  expect(rows.findIndex((r) => r.includes("机关党总支"))).toBeLessThan(
    rows.findIndex((r) => r.includes("机关第二党支部")),
  );

  // Rename it.
  await open(page, "组织更名");
  await pick(page, "组织更名", "组织", "机关党总支");
  await panel(page, "组织更名").getByLabel("新名称").fill("机关第一党总支");
  await panel(page, "组织更名").getByRole("button", { name: "更名" }).click();
  await expect(page.getByRole("status")).toContainText("已更名为“机关第一党总支”");
  await expect(tree).toContainText("机关第一党总支");

  // The second branch's secretary still manages her branch where it now sits.
  const sun = await memberPage(browser, "13800000010");
  await sun.page.goto("/orgs");
  await expect(sun.page.getByRole("link", { name: /机关第二党支部/ }).first()).toBeVisible();
  await admin.context.close();
  await sun.context.close();
});
