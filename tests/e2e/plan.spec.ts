import type { APIRequestContext } from "@playwright/test";
import { test, expect, memberPage } from "./fixtures";
import { shoot } from "./screens";

// The year, end to end: the 组织委员 plans the year from the proposal and adjusts it; when the
// first 支部党员大会 comes round, a member asks leave on her phone, the 书记 approves, another
// member signs in with the host's code on his phone, and the attendance table shows all of it.
// The only shortcut: the SQL hook moves that meeting to now, instead of waiting for it.

const ORG_MEMBER = "13800000002"; // 李秀英, 组织委员
const SEC = "13800000001"; // 王建国, 书记 (chairs the branch's meetings)
const LIU = "13800000004"; // 刘洋
const ZHAO = "13800000007"; // 赵敏

async function q<T = Record<string, unknown>>(request: APIRequestContext, query: string, params: unknown[] = []) {
  const res = await request.post("/__e2e/sql", { data: { query, params } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T[];
}

test("switching years shows that year's count, with every row of it ticked", async ({ browser, request }) => {
  const [{ id: branch }] = await q<{ id: string }>(
    request,
    `select id from organizations where name = '机关第一党支部'`,
  );
  const li = await memberPage(browser, ORG_MEMBER);
  const { page } = li;
  await page.goto(`/orgs/${branch}/plan`);
  const rows = page.getByTestId("plan-row");
  const heading = page.getByRole("heading", { level: 1 });
  const first = Number((await heading.innerText()).match(/(\d{4})/)![1]);
  // One row unticked in the first year: the count follows.
  const before = await rows.count();
  await rows.first().getByRole("checkbox").uncheck();
  await expect(page.getByRole("button", { name: `确认年度计划（${before - 1} 次）` })).toBeVisible();

  // The other year: its own rows, all ticked, and the button and summary say how many.
  const other = page
    .getByRole("navigation", { name: "选择年份" })
    .getByRole("link")
    .filter({ hasNotText: String(first) });
  const year = Number((await other.first().innerText()).match(/(\d{4})/)![1]);
  await other.first().click();
  await expect(heading).toContainText(`${year} 年度计划`);
  const n = await rows.count();
  expect(n).toBeGreaterThan(0);
  expect(n).not.toBe(before);
  await expect(page.getByRole("button", { name: /确认年度计划/ })).toHaveText(`确认年度计划（${n} 次）`);
  await expect(page.getByTestId("plan-summary")).toContainText(`共 ${n} 次会议`);
  await expect(rows.getByRole("checkbox").and(page.locator(":not(:checked)"))).toHaveCount(0);

  // And back: the first year as proposed again, its rows all ticked.
  await page
    .getByRole("navigation", { name: "选择年份" })
    .getByRole("link", { name: `${first} 年` })
    .click();
  await expect(heading).toContainText(`${first} 年度计划`);
  await expect(rows).toHaveCount(before);
  await expect(page.getByRole("button", { name: /确认年度计划/ })).toHaveText(`确认年度计划（${before} 次）`);
  await expect(rows.getByRole("checkbox").and(page.locator(":not(:checked)"))).toHaveCount(0);
  expect(li.problems).toEqual([]);
  await li.context.close();
});

test("the year planned, then leave, approval, a code sign-in on a phone and the attendance table", async ({
  browser,
  request,
}) => {
  test.setTimeout(150_000);

  // 李秀英 opens the plan from the branch page.
  const li = await memberPage(browser, ORG_MEMBER);
  await li.page.goto("/orgs");
  await li.page
    .getByRole("link", { name: /机关第一党支部/ })
    .first()
    .click();
  await li.page.getByRole("link", { name: "年度计划" }).click();
  await expect(li.page.getByRole("heading", { level: 1 })).toContainText("年度计划");
  const year = Number((await li.page.getByRole("heading", { level: 1 }).innerText()).match(/(\d{4}) 年度计划/)![1]);
  const rows = li.page.getByTestId("plan-row");
  const proposed = await rows.count();
  expect(proposed).toBeGreaterThan(40);
  await expect(li.page.getByRole("button", { name: `确认年度计划（${proposed} 次）` })).toBeVisible();
  await shoot(li.page, "plan-proposal");

  // She drops one 支委会 (the committee meets with the 党员大会 that month) and moves a 主题党日.
  const committee = rows.filter({ hasText: "支委会" }).nth(2);
  await committee.getByRole("checkbox").uncheck();
  await expect(li.page.getByRole("button", { name: `确认年度计划（${proposed - 1} 次）` })).toBeVisible();
  const themeDay = rows.filter({ hasText: "主题党日" }).nth(3);
  const title = await themeDay.getByRole("textbox", { name: "会议主题" }).inputValue();
  await themeDay.getByRole("textbox", { name: "会议主题" }).fill(`${title}：走进红色教育基地`);
  // A mistake first: an end before the start is marked on its row and nothing is created.
  await themeDay.getByLabel("结束时间").fill("08:00");
  await li.page.getByRole("button", { name: /确认年度计划/ }).click();
  await expect(li.page.getByRole("alert").first()).toContainText("有 1 项安排需要调整");
  await expect(rows.filter({ hasText: "结束时间应晚于开始时间" })).toHaveCount(1);
  const none = await q<{ n: number }>(
    request,
    `select count(*)::int as n from meeting_history where detail->>'source' = 'plan'`,
  );
  expect(none[0].n).toBe(0);
  // What she typed is kept; she fixes the time and confirms.
  const fixed = rows.filter({ hasText: "结束时间应晚于开始时间" });
  await expect(fixed.getByRole("textbox", { name: "会议主题" })).toHaveValue(`${title}：走进红色教育基地`);
  await fixed.getByLabel("结束时间").fill("17:00");
  await li.page.getByRole("button", { name: `确认年度计划（${proposed - 1} 次）` }).click();
  await expect(li.page).toHaveURL(/\/calendar\?view=agenda&month=\d{4}-01&planned=\d+/);
  await expect(li.page.getByRole("status")).toContainText(`已安排 ${proposed - 1} 次会议`);
  await expect(li.page.getByText(`${title}：走进红色教育基地`)).toHaveCount(0); // not in January
  await shoot(li.page, "plan-calendar");

  // Back on the plan, only the 支委会 she dropped is still proposed: everything else is covered.
  await li.page.goto(li.page.url().replace(/\/calendar.*$/, `/plan?year=${year}`));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("支委会");

  // 刘洋 was told once, with a link to his calendar.
  const liu = await memberPage(browser, LIU, { phone: true });
  await liu.page.goto("/notifications");
  await expect(liu.page.getByText(new RegExp(`${year} 年度计划已发布：你需参加其中 \\d+ 次会议`))).toHaveCount(1);

  // The year's first 支部党员大会 comes round (moved to now by the hook).
  const [assembly] = await q<{ id: string; title: string }>(
    request,
    `update meetings set starts_at = now() + interval '4 minutes', ends_at = now() + interval '94 minutes'
     where id = (select m.id from meetings m join organizations o on o.id = m.org_id
                 where o.name = '机关第一党支部' and m.kind = 'general_assembly'
                   and extract(year from m.starts_at at time zone 'Asia/Shanghai') = $1
                 order by m.starts_at limit 1)
     returning id, title`,
    [year],
  );
  const path = `/meetings/${assembly.id}/attendance`;

  // 赵敏 asks leave on her phone, before the start.
  const zhao = await memberPage(browser, ZHAO, { phone: true });
  await zhao.page.goto(path);
  await expect(zhao.page.getByRole("heading", { level: 1 })).toHaveText(assembly.title);
  await zhao.page.getByText("无法参加？请假").click();
  await zhao.page.getByLabel("请假原因").fill("外出参加业务培训");
  await zhao.page.getByRole("button", { name: "提交请假" }).click();
  await expect(zhao.page.getByText("请假申请已提交")).toBeVisible();

  // The 书记 approves it from his bell, and shows the code.
  const sec = await memberPage(browser, SEC);
  await sec.page.goto("/notifications");
  await sec.page
    .getByRole("button", { name: /请假申请：赵敏/ })
    .filter({ hasText: assembly.title })
    .click();
  await expect(sec.page).toHaveURL(new RegExp(`${path}$`));
  const request1 = sec.page.getByTestId("leave-requests").locator("li", { hasText: "赵敏" });
  await request1.getByLabel("对赵敏请假的审批意见").fill("同意");
  await request1.getByRole("button", { name: "批准", exact: true }).click();
  await expect(sec.page.getByText("已批准请假。")).toBeVisible();
  // He starts the meeting (votes could open from now on).
  await sec.page.getByRole("button", { name: "开始会议" }).click();
  await expect(sec.page.getByTestId("session-started")).toContainText("会议进行中");
  const code = sec.page.getByTestId("signin-code");
  await expect(code).toHaveText(/^\d{6}$/);

  // 刘洋 signs in with the code on his phone; a second try is refused.
  await liu.page.goto(path);
  await liu.page.getByRole("textbox", { name: "签到码" }).fill(await code.innerText());
  await liu.page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(liu.page.getByText("签到成功，记为现场出席。")).toBeVisible();
  await shoot(liu.page, "plan-signin");

  // The table shows all of it: 刘洋 出席, 赵敏 请假, the counts to match.
  const table = sec.page.getByTestId("attendance-table");
  await expect(table.locator("li", { hasText: "刘洋" })).toContainText("出席", { timeout: 10_000 });
  await expect(table.locator("li", { hasText: "赵敏" })).toContainText("请假");
  const counts = sec.page.getByTestId("attendance-counts");
  await expect(counts.locator('[data-stat="present"] dd')).toHaveText("1");
  await expect(counts.locator('[data-stat="leave"] dd')).toHaveText("1");
  const [{ n: invited }] = await q<{ n: number }>(
    request,
    `select count(*)::int as n from meeting_invitees where meeting_id = $1 and role = 'attendee'`,
    [assembly.id],
  );
  await expect(counts.locator('[data-stat="expected"] dd')).toHaveText(String(invited));
  await shoot(sec.page, "plan-attendance");

  for (const p of [li, liu, zhao, sec]) {
    expect(p.problems).toEqual([]);
    await p.context.close();
  }
});

test("a recurring 主题党日 series: preview, a rule that yields nothing, then created", async ({ browser }) => {
  const sec = await memberPage(browser, SEC, { phone: true });
  await sec.page.goto("/orgs");
  await sec.page
    .getByRole("link", { name: /机关第一党支部/ })
    .first()
    .click();
  await sec.page.getByRole("link", { name: "支部日历" }).click();
  await sec.page.getByRole("link", { name: "周期性安排" }).click();
  await expect(sec.page.getByRole("heading", { level: 1 })).toHaveText("按固定日子重复的会议");
  const next = new Date().getFullYear() + 3;
  await sec.page.getByLabel("会议主题").fill("青年理论学习小组");
  await sec.page.getByLabel("按星期").check();
  await sec.page.getByLabel("第几个").selectOption("1");
  await sec.page.getByLabel("星期几").selectOption("5");
  await sec.page.getByLabel("从", { exact: true }).fill(`${next}-03-08`);
  await sec.page.getByLabel("到", { exact: true }).fill(`${next}-03-31`);
  await sec.page.getByLabel("地点", { exact: true }).fill("二楼小会议室");
  await sec.page.getByRole("button", { name: "预览日期" }).click();
  await expect(sec.page.getByRole("alert")).toContainText("按这个规则排不出任何会议");
  await sec.page.getByLabel(/^到/).fill(`${next}-06-30`);
  await sec.page.getByRole("button", { name: "预览日期" }).click();
  const preview = sec.page.getByTestId("series-preview");
  await expect(preview).toContainText("每月第一个周五，共 3 次");
  await shoot(sec.page, "series-preview");
  await sec.page.getByRole("button", { name: "确认安排" }).click();
  await expect(sec.page.getByRole("status")).toContainText("已安排 3 次会议");
  expect(sec.problems).toEqual([]);
  await sec.context.close();
});
