import { expect, memberPage, test } from "./fixtures";
import { shoot } from "./screens";

// The 组织生活会 cycle on the meeting page (decision 036): the 书记 sees the six stages (a vertical
// stepper on a phone, six columns on a desktop), links the branch's 党课 as the study and reports
// the plan upward; the 党委's 组织委员 joins as 列席, asks to read the confidential records with a
// reason and a period, and then reads the minutes; the branch sees the line.

const SEC = "13800000001"; // 王建国 书记
const REVIEWER = "13800000009"; // 周志强 党委组织委员

test("the stages, the study, the plan reported, and the 党委 asks and reads", async ({ browser, request }) => {
  test.setTimeout(240_000);
  const run = async <T>(query: string, params: unknown[] = []) =>
    (await (await request.post("/__e2e/sql", { data: { query, params } })).json()) as T;
  const tag = `e2e ${Date.now() % 100000}`;
  const branch = `(select id from organizations where name = '机关第一党支部')`;
  const user = (u: string) => `(select id from users where username = '${u}')`;
  const [{ id: meeting }] = await run<{ id: string }[]>(
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, status, created_by, host_id)
     values (${branch}, 'life_meeting', $1, now() + interval '12 days', now() + interval '12 days 3 hours',
       '党员活动室', 'scheduled', ${user(SEC)}, ${user(SEC)}) returning id`,
    [`2026年度组织生活会（${tag}）`],
  );
  await run(
    `insert into meeting_invitees (meeting_id, user_id, role)
     select $1::uuid, id, 'attendee' from users where username in ('13800000001', '13800000002', '13800000004', '13800000005')`,
    [meeting],
  );
  await run(
    `insert into meetings (org_id, kind, title, starts_at, ends_at, location, status, created_by, host_id)
     values (${branch}, 'party_lecture', $1, now() - interval '5 days', now() - interval '5 days' + interval '2 hours',
       '党员活动室', 'scheduled', ${user(SEC)}, ${user(SEC)})`,
    [`专题党课：对照党章找差距（${tag}）`],
  );

  const sec = await memberPage(browser, SEC);
  await sec.page.goto(`/meetings/${meeting}`);
  const stages = sec.page.getByTestId("life-stages");
  await expect(stages).toBeVisible();
  await expect(stages.locator("li.life-stage")).toHaveCount(6);
  // Nothing sent, talked or written yet: each of these says what is missing, none is done.
  for (const key of ["opinions", "talks", "examination"])
    await expect(sec.page.getByTestId(`life-stage-${key}`)).toHaveAttribute("data-state", "todo");
  await expect(sec.page.getByTestId("life-stage-opinions")).toContainText("还没有收到意见");
  // The study: link the 党课.
  const study = sec.page.getByTestId("life-study");
  const option = study.locator("option", { hasText: tag });
  await study.getByLabel("关联本组织的党课或学习").selectOption((await option.getAttribute("value"))!);
  await study.getByRole("button", { name: "关联", exact: true }).click();
  await expect(study.getByText("已关联学习")).toBeVisible();
  await sec.page.reload();
  await expect(sec.page.getByTestId("life-stage-study")).toContainText(`对照党章找差距（${tag}）`);
  // The plan goes upward.
  const report = sec.page.getByTestId("life-report");
  await report.getByRole("button", { name: "上报会议方案" }).click();
  // The page's data reloads after the post: the state says it, the button is gone.
  await expect(sec.page.getByTestId("life-report-plan")).toContainText("已上报");
  await expect(report.getByRole("button", { name: "上报会议方案" })).toHaveCount(0);
  await shoot(sec.page, "life-stages-secretary");

  // The 党委's 组织委员: the minutes are closed to him until he asks.
  const rev = await memberPage(browser, REVIEWER, { phone: true });
  await rev.page.goto(`/meetings/${meeting}`);
  await expect(rev.page.getByTestId("minutes-confidential")).toBeVisible();
  await rev.page.getByTestId("life-report").getByRole("button", { name: "报名列席" }).click();
  await expect(rev.page.getByText("你已在本次会议的列席名单中")).toBeVisible();
  const ask = rev.page.getByTestId("life-ask");
  // No reason: refused, the period kept.
  await ask.getByLabel(/期限/).fill("3");
  await ask.getByRole("button", { name: "调阅保密记录" }).click();
  await expect(ask.getByText("请填写调阅理由")).toBeVisible();
  await expect(ask.getByLabel(/期限/)).toHaveValue("3");
  await ask.getByLabel("调阅理由").fill("年度组织生活会质量抽查");
  await ask.getByRole("button", { name: "调阅保密记录" }).click();
  await expect(rev.page.getByText("你正在调阅本次会议的保密记录")).toBeVisible();
  await rev.page.reload();
  await expect(rev.page.getByTestId("minutes-confidential")).toHaveCount(0);
  await expect(rev.page.getByTestId("life-grants")).toContainText("年度组织生活会质量抽查");
  await shoot(rev.page, "life-stages-committee");

  // The branch sees who asked, why and until when.
  await sec.page.reload();
  await expect(sec.page.getByTestId("life-grants")).toContainText("周志强");
  await expect(sec.page.getByTestId("life-grants")).toContainText("调阅中");
  // The 书记 ends it before its period: listed as 已结束, and the reviewer no longer reads.
  await sec.page.getByTestId("life-grant-end").getByRole("button", { name: "结束调阅" }).click();
  await expect(sec.page.getByTestId("life-grants")).toContainText("已结束");
  await expect(sec.page.getByTestId("life-grants")).toContainText("王建国提前结束");
  await shoot(sec.page, "life-grant-ended");
  await rev.page.reload();
  await expect(rev.page.getByTestId("minutes-confidential")).toHaveCount(1);

  expect(sec.problems).toEqual([]);
  expect(rev.problems).toEqual([]);
});
