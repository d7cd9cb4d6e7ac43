import type { Page } from "@playwright/test";
import { test, expect, guardConsole, memberPage, phone, signInThroughForm } from "./fixtures";
import { openPanels, shoot } from "./screens";
import { CHINA_TIME_ZONE } from "../../shared/time";

// The specs share one seeded database per run: every person added here has a sign-in name of
// their own (13912340xxx), different from the import spec's.

const LONG_BRANCH = "同心示范单位机关后勤服务保障中心暨信息化建设办公室联合党支部";
const LONG_NAME = "阿卜杜热合曼·买买提依明·艾力";

/** From /orgs to the first branch's home page; returns its path. */
async function openBranch(page: Page): Promise<string> {
  await page.goto("/orgs");
  await page
    .getByRole("link", { name: /机关第一党支部/ })
    .first()
    .click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "机关第一党支部" })).toBeVisible();
  return new URL(page.url()).pathname;
}

/** Picks an organisation in a select whose options are indented with full-width spaces. */
async function selectOrg(page: Page, label: string, name: string) {
  const select = page.getByLabel(label);
  const value = await select.locator("option", { hasText: name }).getAttribute("value");
  await select.selectOption(value!);
}

test("the secretary adds a member; the member sets a password from the link on a phone and signs in with it", async ({
  browser,
}) => {
  const name = "林晓华";
  const mobile = "13912340001";
  const password = "hongqi2026";
  // Seven captures at two widths each, two people: more than the default.
  test.setTimeout(90_000);

  const sec = await memberPage(browser, "13800000001"); // 王建国, 书记, desktop
  const branch = await openBranch(sec.page);
  await sec.page.getByRole("link", { name: "添加成员" }).click();
  await expect(sec.page.getByRole("heading", { name: "添加成员" })).toBeVisible();
  await sec.page.getByLabel("姓名").fill(name);
  await sec.page.getByLabel("登录名").fill(mobile);
  await sec.page.getByLabel("人员类别").selectOption({ label: "预备党员" });
  // A 预备党员 needs the start of the probation; the end defaults to a year later.
  await sec.page.getByLabel("预备期开始").fill("2026-03-01");
  await selectOrg(sec.page, "所在组织", "第二党小组");
  await sec.page.getByRole("button", { name: "添加并生成邀请码" }).click();

  await expect(sec.page.getByRole("heading", { name: `已添加 ${name}` })).toBeVisible();
  const code = (await sec.page.getByTestId("invitation-code").innerText()).trim();
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const link = sec.page.getByTestId("invitation-link");
  await expect(link).toHaveText(new RegExp(`^http://[^/]+/invite/${code}$`));
  const href = await link.getAttribute("href");
  expect(href).toBe(`/invite/${code}`);
  await shoot(sec.page, "member-added");

  // The new member, on a phone, not signed in.
  const context = await browser.newContext({ ...phone, locale: "zh-CN", timezoneId: CHINA_TIME_ZONE });
  const page = await context.newPage();
  const problems = guardConsole(page);
  await page.goto(href!);
  await expect(page.getByText(`欢迎你，${name}`)).toBeVisible();
  await expect(page.getByText(mobile)).toBeVisible();
  await expect(page.getByText("第二党小组")).toBeVisible();
  await shoot(page, "invite-code");

  // Too short first: a Chinese message, and nothing is used up.
  await page.getByLabel(/^密码/).fill("abc12");
  await page.getByLabel("再次输入密码").fill("abc12");
  await page.getByRole("button", { name: "设置密码并登录" }).click();
  await expect(page.locator("#password-error")).toHaveText("密码至少 8 位");
  await shoot(page, "invite-code-error");

  await page.getByLabel(/^密码/).fill(password);
  await page.getByLabel("再次输入密码").fill(password);
  await page.getByRole("button", { name: "设置密码并登录" }).click();
  await expect(page).toHaveURL(/\/(\?welcome=1)?$/);
  await expect(page.getByRole("heading", { name: "近期安排" })).toBeVisible();
  await expect(page.getByText(`你好，${name}`)).toBeVisible();

  // Out, and back in with the new password.
  await page.getByRole("button", { name: "退出" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signInThroughForm(page, mobile, password);
  await expect(page.getByText(`你好，${name}`)).toBeVisible();

  // The code was used once; the link now says it cannot be used, and whose it was stays unsaid.
  const again = await page.goto(href!);
  expect(again?.status()).toBe(410);
  await expect(page.getByRole("heading", { name: "这个邀请码无法使用" })).toBeVisible();
  await expect(page.getByText(name)).toHaveCount(0);
  await shoot(page, "invite-used");

  // The secretary's roster now shows the member as activated, in 第二党小组.
  await sec.page.goto(`${branch}/members?q=${encodeURIComponent(name)}`);
  const row = sec.page.getByTestId("member-list").getByRole("link", { name: new RegExp(name) });
  await expect(row).toContainText("第二党小组");
  await expect(row).toContainText("预备党员");
  await expect(row).not.toContainText("未激活");

  expect(problems).toEqual([]);
  expect(sec.problems).toEqual([]);
  await context.close();
  await sec.context.close();
});

test("the add form refuses a malformed phone number and a sign-in name in use, in Chinese, keeping what was typed", async ({
  browser,
}) => {
  const sec = await memberPage(browser, "13800000001");
  const branch = await openBranch(sec.page);
  await sec.page.goto(`${branch}/members/new`);
  const nameField = sec.page.getByLabel("姓名");
  const login = sec.page.getByLabel("登录名");

  await nameField.fill("何志远");
  await login.fill("1391234000");
  await sec.page.getByLabel("人员类别").selectOption({ label: "发展对象" });
  await selectOrg(sec.page, "所在组织", "第一党小组");
  await sec.page.getByRole("button", { name: "添加并生成邀请码" }).click();
  await expect(sec.page.locator("#username-error")).toHaveText("手机号“1391234000”格式不正确：应为 1 开头的 11 位数字");
  await expect(login).toHaveAttribute("aria-invalid", "true");
  await expect(nameField).toHaveValue("何志远");
  await expect(login).toHaveValue("1391234000");
  await expect(sec.page.getByLabel("人员类别")).toHaveValue("candidate");

  await login.fill("13800000004"); // 刘洋's
  await sec.page.getByRole("button", { name: "添加并生成邀请码" }).click();
  await expect(sec.page.locator("#username-error")).toContainText("登录名 13800000004 已被使用");
  await expect(nameField).toHaveValue("何志远");
  await expect(login).toHaveValue("13800000004");
  await expect(sec.page.getByLabel("人员类别")).toHaveValue("candidate");
  await expect(sec.page.getByTestId("invitation")).toHaveCount(0);
  await shoot(sec.page, "member-new-errors");

  // Nothing was added.
  await sec.page.goto(`${branch}/members?q=${encodeURIComponent("何志远")}`);
  await expect(sec.page.getByTestId("member-count")).toHaveText("共 0 人");
  expect(sec.problems).toEqual([]);
  await sec.context.close();
});

test.describe("screens of every new page at 375 and 1280 px", () => {
  // Each capture lays the page out at two widths and checks it: more than the default 30 s.
  test.describe.configure({ timeout: 90_000 });

  test("organisations: the 党委 administrator's tree (with a long-named branch) and a member's own", async ({
    browser,
  }) => {
    const admin = await memberPage(browser, "13800000009");
    await admin.page.goto("/orgs");
    await expect(admin.page.getByTestId("org-tree")).toContainText("机关第二党支部");
    // A branch with a long name, to see it wrap in the tree, the selects and the heading.
    await admin.page.getByText("新建下级组织").click();
    await admin.page.getByLabel("名称", { exact: true }).fill(LONG_BRANCH);
    await admin.page.getByRole("button", { name: "新建", exact: true }).click();
    await expect(admin.page.getByRole("status")).toHaveText(`已新建“${LONG_BRANCH}”。`);
    await expect(admin.page.getByTestId("org-tree")).toContainText(LONG_BRANCH);
    await admin.page.getByText("新建下级组织").click(); // closed again
    await shoot(admin.page, "orgs-committee");
    await openPanels(admin.page);
    await shoot(admin.page, "orgs-committee-panels");
    await admin.page
      .getByTestId("org-tree")
      .getByRole("link", { name: new RegExp(LONG_BRANCH) })
      .click();
    await expect(admin.page.getByRole("heading", { level: 1, name: LONG_BRANCH })).toBeVisible();
    await shoot(admin.page, "branch-long-name");
    expect(admin.problems).toEqual([]);
    await admin.context.close();

    // An ordinary member: their own organisations, no tree.
    const member = await memberPage(browser, "13800000004");
    await member.page.goto("/orgs");
    await expect(member.page.getByRole("link", { name: /第一党小组/ })).toBeVisible();
    await expect(member.page.getByTestId("org-tree")).toHaveCount(0);
    await shoot(member.page, "orgs-member");
    expect(member.problems).toEqual([]);
    await member.context.close();
  });

  test("the secretary's branch home and own profile", async ({ browser }) => {
    const sec = await memberPage(browser, "13800000001");
    await openBranch(sec.page);
    await expect(sec.page.getByTestId("category-counts")).toBeVisible();
    await shoot(sec.page, "branch-home");
    await sec.page.goto("/me");
    await expect(sec.page.getByRole("heading", { name: "修改密码" })).toBeVisible();
    await shoot(sec.page, "me");
    expect(sec.problems).toEqual([]);
    await sec.context.close();
  });

  test("the roster with filters, and members' pages with the manager's panels", async ({ browser }) => {
    const sec = await memberPage(browser, "13800000001");
    const branch = await openBranch(sec.page);

    // Someone with a long name, to see it wrap in the roster and on their page.
    await sec.page.goto(`${branch}/members/new`);
    await sec.page.getByLabel("姓名").fill(LONG_NAME);
    await sec.page.getByLabel("登录名").fill("13912340002");
    await selectOrg(sec.page, "所在组织", "第一党小组");
    await sec.page.getByRole("button", { name: "添加并生成邀请码" }).click();
    await expect(sec.page.getByTestId("invitation-code")).toBeVisible();

    await sec.page.goto(`${branch}/members`);
    await expect(sec.page.getByTestId("member-list")).toContainText(LONG_NAME);
    await shoot(sec.page, "members");
    await sec.page.getByLabel("人员类别").selectOption("full");
    await expect(sec.page).toHaveURL(/category=full/);
    await selectOrg(sec.page, "所在组织", "第二党小组");
    await expect(sec.page).toHaveURL(/within=/);
    await expect(sec.page.getByTestId("member-list")).toContainText("杨帆");
    await expect(sec.page.getByTestId("member-list")).not.toContainText("赵敏");
    await shoot(sec.page, "members-filtered");

    await sec.page.goto(`${branch}/members?q=${encodeURIComponent("赵敏")}`);
    await sec.page.getByTestId("member-list").getByRole("link", { name: /赵敏/ }).click();
    await expect(sec.page.getByRole("heading", { level: 1, name: "赵敏" })).toBeVisible();
    await expect(sec.page.getByText("修改基本信息")).toBeVisible();
    await shoot(sec.page, "member-detail");
    await openPanels(sec.page);
    await shoot(sec.page, "member-detail-panels");

    // A 流动党员: takes part in 第二党小组 without a vote there.
    await sec.page.goto(`${branch}/members?q=${encodeURIComponent("郑华")}`);
    await sec.page.getByTestId("member-list").getByRole("link", { name: /郑华/ }).click();
    await expect(sec.page.getByRole("heading", { level: 1, name: "郑华" })).toBeVisible();
    await shoot(sec.page, "member-detail-mobile");

    await sec.page.goto(`${branch}/members?q=${encodeURIComponent("阿卜杜热合曼")}`);
    await sec.page
      .getByTestId("member-list")
      .getByRole("link", { name: /阿卜杜热合曼/ })
      .click();
    await expect(sec.page.getByRole("heading", { level: 1, name: LONG_NAME })).toBeVisible();
    await shoot(sec.page, "member-detail-long-name");
    expect(sec.problems).toEqual([]);
    await sec.context.close();
  });

  test("another branch's organisation is a 404; the invitation entry, signed out", async ({ browser }) => {
    const sec = await memberPage(browser, "13800000001");
    const branch = await openBranch(sec.page);
    await sec.context.close();

    // A member of the other branch: the first branch does not exist for them.
    const other = await memberPage(browser, "13800000011");
    for (const path of [branch, `${branch}/members`, `${branch}/audit`]) {
      const res = await other.page.goto(path);
      expect(res?.status(), path).toBe(404);
      await expect(other.page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
    }
    await other.page.goto(branch);
    await shoot(other.page, "not-found");
    expect(other.problems).toEqual([]);
    await other.context.close();

    // The invitation entry, signed out: empty, then a code that is not one.
    const context = await browser.newContext({ ...phone, locale: "zh-CN", timezoneId: CHINA_TIME_ZONE });
    const page = await context.newPage();
    const problems = guardConsole(page);
    await page.goto("/invite");
    await expect(page.getByRole("heading", { name: "输入邀请码" })).toBeVisible();
    await shoot(page, "invite-entry");
    await page.getByLabel("邀请码").fill("12-34");
    await page.getByRole("button", { name: "下一步" }).click();
    await expect(page.getByRole("alert")).toContainText("邀请码格式不正确");
    await expect(page.getByLabel("邀请码")).toHaveValue("12-34");
    await shoot(page, "invite-entry-error");
    expect(problems).toEqual([]);
    await context.close();
  });
});
