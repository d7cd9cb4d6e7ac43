import type { Page } from "@playwright/test";
import { formatRange } from "../../app/lib/format";
import { chinaDateTime, chinaParts } from "../../shared/time";
import { test, expect, confirmDialog, memberPage } from "./fixtures";
import { openPanels, shoot } from "./screens";

// The 书记 schedules a 主题党日 with an agenda and a study link, a member finds it on the home
// page, the 书记 reschedules it; a time that ends before it starts is refused in Chinese with
// everything typed still in the form.

const TITLE = "主题党日：重温入党誓词，学习党章";

/** A China-time date `days` from today. */
const dayAhead = (days: number) => chinaParts(new Date(Date.now() + days * 86_400_000)).date;

async function openBranch(page: Page) {
  await page.goto("/orgs");
  await page
    .getByRole("link", { name: /机关第一党支部/ })
    .first()
    .click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "机关第一党支部" })).toBeVisible();
}

test("the 书记 schedules, a member sees it, the 书记 reschedules; a bad time keeps the form", async ({ browser }) => {
  // Six pages captured at two widths each, and two people: more than the default 30 s.
  test.setTimeout(90_000);
  const date = dayAhead(9);
  const sec = await memberPage(browser, "13800000001"); // 王建国, 书记, desktop
  const { page } = sec;
  await openBranch(page);
  await page.getByRole("link", { name: "安排会议" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "安排会议" })).toBeVisible();

  // Choosing the kind fetches its default list: every 党员 of the branch, 流动党员 included.
  await page.getByLabel("会议类型").selectOption({ label: "主题党日" });
  await expect(page.getByText("已按“主题党日”重新生成参会名单。")).toBeVisible();
  const invitees = page.getByTestId("invitees");
  await expect(invitees.getByRole("checkbox", { name: /郑华/ }).first()).toBeChecked();
  await expect(invitees.getByRole("checkbox", { name: /冯雪/ }).first()).not.toBeChecked();

  await page.getByLabel("会议主题").fill(TITLE);
  await page.getByLabel("日期", { exact: true }).fill(date);
  await page.getByLabel("开始时间").fill("14:30");
  await page.getByLabel("结束时间").fill("13:00");
  await page.getByLabel("地点", { exact: true }).fill("机关办公楼三楼党员活动室");
  await page.getByLabel("议程", { exact: true }).fill("重温入党誓词\n集中学习党章第一章");
  await page.getByLabel("学习资料链接（可选）").fill("党章全文 | https://www.12371.cn/special/dangzhang/");
  await shoot(page, "meeting-new");

  // Ends before it starts: refused in Chinese, on the end time, nothing typed is lost.
  const refused = page.waitForResponse((r) => r.request().method() === "POST" && r.status() === 400);
  await page.getByRole("button", { name: "安排会议" }).click();
  await refused;
  await expect(page.locator("#meeting-endTime-error")).toHaveText("结束时间应晚于开始时间");
  await expect(page.getByRole("alert")).toHaveText("请检查标出的内容：结束时间应晚于开始时间");
  await expect(page.getByLabel("结束时间")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("会议主题")).toHaveValue(TITLE);
  await expect(page.getByLabel("议程", { exact: true })).toHaveValue("重温入党誓词\n集中学习党章第一章");
  await expect(page.getByLabel("地点", { exact: true })).toHaveValue("机关办公楼三楼党员活动室");
  await expect(invitees.getByRole("checkbox", { name: /郑华/ }).first()).toBeChecked();
  await shoot(page, "meeting-new-error");

  await page.getByLabel("结束时间").fill("16:30");
  await page.getByRole("button", { name: "安排会议" }).click();
  await page.waitForURL(/\/meetings\/[0-9a-f-]{36}$/);
  const meetingPath = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();
  const start = chinaDateTime(date, "14:30");
  await expect(page.getByText(formatRange(start, chinaDateTime(date, "16:30")))).toBeVisible();
  await expect(page.getByText("主持人 王建国 · 记录人 李秀英")).toBeVisible();
  await expect(page.getByText(/应到 \d+ 人/)).toBeVisible();
  await expect(page.getByTestId("agenda").locator(".session-agenda__title")).toHaveText([
    "重温入党誓词",
    "集中学习党章第一章",
  ]);
  const link = page.getByTestId("materials-panel").getByRole("link", { name: /党章全文/ });
  await expect(link).toHaveAttribute("href", "https://www.12371.cn/special/dangzhang/");
  await shoot(page, "meeting-scheduled");

  // The branch home lists the next few meetings (other specs' may come sooner); the branch's
  // calendar, for the month, has it.
  await openBranch(page);
  await shoot(page, "org-home-meetings");
  await page.goto(`${new URL(page.url()).pathname}/calendar?view=agenda&month=${date.slice(0, 7)}`);
  await expect(page.getByRole("link", { name: new RegExp(TITLE) })).toBeVisible();

  // A member of the first group finds it among their arrangements (home shows only the next five;
  // other specs' meetings may come sooner, so look in the month's agenda that 全部安排 opens).
  const liu = await memberPage(browser, "13800000004"); // 刘洋
  const agenda = `/calendar?view=agenda&month=${date.slice(0, 7)}`;
  await liu.page.goto(agenda);
  const card = liu.page.getByRole("link", { name: new RegExp(TITLE) });
  await expect(card).toBeVisible();
  await expect(card).toContainText("14:30–16:30");
  await card.click();
  await expect(liu.page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();
  // Members do not get the manager's edit link.
  await expect(liu.page.getByRole("link", { name: "编辑/改期/取消" })).toHaveCount(0);

  // The 书记 moves it to the next day, 15:00–17:00.
  const next = dayAhead(10);
  await page.goto(meetingPath);
  await page.getByRole("link", { name: "编辑/改期/取消" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "编辑会议" })).toBeVisible();
  await expect(page.getByLabel("会议主题")).toHaveValue(TITLE);
  await expect(page.getByLabel("学习资料链接（可选）")).toHaveValue(
    "党章全文 | https://www.12371.cn/special/dangzhang/",
  );
  await page.getByLabel("日期", { exact: true }).fill(next);
  await page.getByLabel("开始时间").fill("15:00");
  await page.getByLabel("结束时间").fill("17:00");
  await openPanels(page);
  await shoot(page, "meeting-edit");
  await page.getByRole("button", { name: "保存修改" }).click();
  await page.waitForURL(new RegExp(`${meetingPath}$`));
  await expect(page.getByText(formatRange(chinaDateTime(next, "15:00"), chinaDateTime(next, "17:00")))).toBeVisible();
  await page.getByRole("link", { name: "编辑/改期/取消" }).click();
  await expect(page.getByTestId("meeting-history")).toContainText("改期");

  // The member sees the new time.
  await liu.page.goto(`/calendar?view=agenda&month=${next.slice(0, 7)}`);
  await expect(liu.page.getByRole("link", { name: new RegExp(TITLE) })).toContainText("15:00–17:00");

  // Cancelled with a reason: the meeting stays, marked, and can no longer be edited.
  await page.locator("details", { hasText: "取消这次会议" }).locator("summary").click();
  await page.getByRole("button", { name: "取消会议" }).click();
  await expect(page.locator("#reason-error")).toHaveText("请填写取消原因，参会人员会收到通知");
  await page.getByLabel("取消原因").fill("与上级党委集中学习冲突，另行安排");
  await page.getByRole("button", { name: "取消会议" }).click();
  await confirmDialog(page, "取消这次会议？", "取消会议");
  await page.waitForURL(new RegExp(`${meetingPath}$`));
  await expect(page.getByText("此会议已取消：与上级党委集中学习冲突，另行安排")).toBeVisible();
  await expect(page.getByRole("link", { name: "编辑/改期/取消" })).toHaveCount(0);
  await shoot(page, "meeting-cancelled");

  await sec.context.close();
  await liu.context.close();
  expect(sec.problems).toEqual([]);
  expect(liu.problems).toEqual([]);
});
