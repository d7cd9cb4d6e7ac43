import { beforeAll, describe, expect, it } from "vitest";
import { aboveGrantActive } from "../../server/services/life/above-access";
import { lifeCyclePanel } from "../../server/services/life/cycle-panel";
import { lifeReportsBelow } from "../../server/services/life/reports";
import { lifeQuorum, reportDue } from "../../shared/domain/life-cycle";
import { meetingMinutesDoc } from "../../shared/doc-names";
import { chinaParts, DAY_MS } from "../../shared/time";
import { DEMO, MIN, ORGS, withDemoServer } from "../setup/demo";
import { upgradeStatus } from "../setup/yclient";

// The 组织生活会 cycle (docs/decisions/036) on a real server with the demo data: the stages of a
// 组织生活会, the 民主生活会's 2/3 quorum and 15-day report, the reports upward, the level above's
// grant (asked → logged → active → expired), and a life meeting's minutes over HTTP and the
// WebSocket for those who may and may not read them.

const t = withDemoServer({ timeout: 120_000 });
const { SEC, ORG, LIU, CHEN, WU, REVIEWER } = DEMO;
const wsUrl = (docName: string) => `${t.url.replace(/^http/, "ws")}/collab/${docName}`;
const ws = async (meetingId: string, who: string) =>
  upgradeStatus(wsUrl(meetingMinutesDoc(meetingId)), { cookie: await t.http.cookie(who), origin: t.url });
const life = (id: string) => `/meetings/${id}/life`;

let B1: string;
let COMMITTEE: string;
beforeAll(() => {
  B1 = t.ids.org[ORGS.B1];
  COMMITTEE = t.ids.org[ORGS.COMMITTEE];
});

describe("the stages of a 组织生活会", () => {
  let m: string;
  let lecture: string;
  beforeAll(async () => {
    m = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "2026年度组织生活会",
      inMin: 14 * 24 * 60,
      attendees: [SEC, ORG, LIU, CHEN],
    });
    // A 党课 held a week ago: 刘洋 and 陈静 were absent.
    lecture = await t.meeting({
      org: ORGS.B1,
      kind: "party_lecture",
      title: "学习党章党规",
      inMin: -7 * 24 * 60,
      ended: true,
      attendees: [
        { user: SEC, status: "present" },
        { user: ORG, status: "present" },
        { user: LIU, status: "absent" },
      ],
    });
  });

  it("shows six stages in order, each from the service that keeps its records", async () => {
    const panel = (await lifeCyclePanel(t.sql, (await t.actor(SEC)).subject, m))!;
    expect(panel.stages.map((s) => s.key)).toEqual([
      "study",
      "opinions",
      "talks",
      "examination",
      "meeting",
      "rectification",
    ]);
    // Nothing sent, talked or written yet: each says what is missing, none claims to be done.
    const stage = (key: string) => panel.stages.find((x) => x.key === key)!;
    expect(stage("opinions")).toMatchObject({ state: "todo", missing: ["还没有收到意见"] });
    for (const key of ["talks", "examination"]) {
      expect(stage(key).state).not.toBe("done");
      expect(stage(key).missing.length).toBeGreaterThan(0);
      expect(stage(key).missingPeople.length).toBeGreaterThan(0);
    }
    const study = panel.stages[0];
    expect(study.state).toBe("todo");
    expect(study.missing.join()).toContain("尚未关联集中学习");
    // Put on the calendar today for a meeting in 14 days: the 10-day notice holds.
    expect(study.done.join()).toContain("提前 14 天通知");
    expect(panel.stages[4]).toMatchObject({ key: "meeting", state: "todo" });
    expect(panel.stages[5]).toMatchObject({ key: "rectification", state: "todo" });
    const page = await t.http.getText(`/meetings/${m}`, SEC);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="life-stages"');
    expect(page.text).toContain("征求意见");
  });

  it("the 书记 links the 党课: the study is done for those who came, and names who missed it", async () => {
    const res = await t.http.submit(life(m), { intent: "link-study", studyMeetingId: lecture }, SEC);
    expect(res.status).toBe(200);
    expect(res.text).toContain("已关联学习");
    const panel = (await lifeCyclePanel(t.sql, (await t.actor(SEC)).subject, m))!;
    const study = panel.stages[0];
    expect(study.state).toBe("doing");
    expect(study.done.join()).toContain("学习党章党规");
    // 刘洋 was absent and 陈静 was not there at all; neither did 补学.
    expect(study.missingPeople.map((p) => p.name).sort()).toEqual(
      [t.ids.name[t.ids.user[LIU]], t.ids.name[t.ids.user[CHEN]]].sort(),
    );
    // An ordinary member sees the stages without names.
    const member = (await lifeCyclePanel(t.sql, (await t.actor(LIU)).subject, m))!;
    expect(member.detail).toBe(false);
    expect(member.stages[0].missingPeople).toEqual([]);
    const [a] = await t.sql`select 1 from audit_log where action = 'life.study_linked' and org_id = ${B1}`;
    expect(a).toBeTruthy();
  });

  it("records an offline study; refuses bad input with a Chinese message and a 4xx", async () => {
    const ok = await t.http.submit(
      life(m),
      { intent: "offline-study", topic: "学习新修订的条例", studiedOn: "2026-01-05", hours: "3" },
      SEC,
    );
    expect(ok.status).toBe(200);
    const before = (await t.sql`select count(*)::int as n from life_offline_studies where meeting_id = ${m}`)[0].n;
    const cases: [Record<string, string>, string, string | null][] = [
      [{ intent: "offline-study", topic: "", studiedOn: "2026-01-05", hours: "3" }, "请填写学习内容", SEC],
      [{ intent: "offline-study", topic: "学习", studiedOn: "2026-02-30", hours: "3" }, "有效的学习日期", SEC],
      [{ intent: "offline-study", topic: "学习", studiedOn: "2026-01-05", hours: "0" }, "学习时长应大于 0", SEC],
      [{ intent: "offline-study", topic: "学".repeat(201), studiedOn: "2026-01-05", hours: "2" }, "最长 200 字", SEC],
      [{ intent: "link-study", studyMeetingId: "x" }, "请选择要关联的学习", SEC],
      [{ intent: "link-study", studyMeetingId: lecture }, "已经关联过了", SEC],
      [{ intent: "link-study", studyMeetingId: m }, "只能关联党课或主题党日", SEC],
      [{ intent: "nonsense" }, "无法识别的操作", SEC],
    ];
    for (const [body, message, who] of cases) {
      const r = await t.http.submit(life(m), body, who);
      expect(r.status, message).toBeGreaterThanOrEqual(400);
      expect(r.status, message).toBeLessThan(500);
      expect(r.text).toContain(message);
    }
    // An ordinary member may not arrange the study; another branch does not see the meeting.
    expect((await t.http.post(life(m), { intent: "link-study", studyMeetingId: lecture }, LIU)).status).toBe(403);
    expect((await t.http.post(life(m), { intent: "link-study", studyMeetingId: lecture }, WU)).status).toBe(404);
    const after = (await t.sql`select count(*)::int as n from life_offline_studies where meeting_id = ${m}`)[0].n;
    expect(after).toBe(before);
  });
});

describe("the 民主生活会: 2/3 quorum and the 15-day report", () => {
  it("the quorum is two thirds of 应到, at its boundaries", () => {
    expect(lifeQuorum(3, 2).holds).toBe(true);
    expect(lifeQuorum(3, 1).holds).toBe(false);
    expect(lifeQuorum(9, 6)).toMatchObject({ needed: 6, holds: true });
    expect(lifeQuorum(9, 5).holds).toBe(false);
    expect(lifeQuorum(4, 3)).toMatchObject({ needed: 3, holds: true });
    expect(lifeQuorum(0, 0).holds).toBe(false);
  });

  it("a held 民主生活会 with 1 of 3 present is not done; its report is overdue after 15 days, cleared by 上报", async () => {
    const start = new Date(Date.now() - 20 * DAY_MS);
    const m = await t.meeting({
      org: { id: COMMITTEE },
      kind: "leadership_life_meeting",
      title: "党委班子民主生活会",
      start,
      ended: new Date(start.getTime() + 120 * MIN),
      host: REVIEWER,
      attendees: [
        { user: REVIEWER, status: "present" },
        { user: SEC, status: "absent" },
        { user: ORG, status: "absent" },
      ],
    });
    const panel = (await lifeCyclePanel(t.sql, (await t.actor(REVIEWER)).subject, m))!;
    const meeting = panel.stages.find((s) => s.key === "meeting")!;
    expect(meeting.state).toBe("doing");
    expect(meeting.missing.join()).toContain("未达到三分之二（至少 2 人）");
    expect(panel.reports.due?.overdue).toBe(true);
    const year = chinaParts(start).year;
    const row = (await lifeReportsBelow(t.sql, COMMITTEE, year)).find((r) => r.meetingId === m)!;
    expect(row.due?.overdue).toBe(true);
    // Day 15 is still in time; day 16 is overdue (pure rule).
    const held = { kind: "leadership_life_meeting" as const, startsAt: start, held: true };
    expect(reportDue(held, null, new Date(start.getTime() + 15 * DAY_MS))!.overdue).toBe(false);
    expect(reportDue(held, null, new Date(start.getTime() + 16 * DAY_MS + 1))!.overdue).toBe(true);
    expect(reportDue({ ...held, kind: "life_meeting" }, null, new Date())).toBeNull();
    // The committee's 书记 is not in the demo roll as such: 周志强 is its 组织委员, not a reporter.
    const refused = await t.http.submit(life(m), { intent: "report-outcome" }, REVIEWER);
    expect(refused.status).toBe(403);
    // Its 书记 reports (given the post for this test).
    await t.sql`
      insert into memberships (user_id, org_id, role) values (${t.ids.user[WU]}, ${COMMITTEE}, 'secretary')`;
    const ok = await t.http.submit(life(m), { intent: "report-outcome" }, WU);
    expect(ok.status).toBe(200);
    const after = (await lifeReportsBelow(t.sql, COMMITTEE, year)).find((r) => r.meetingId === m)!;
    expect(after.outcomeReportedAt).not.toBeNull();
    expect(after.due?.overdue).toBe(false);
    await t.sql`delete from memberships where user_id = ${t.ids.user[WU]} and org_id = ${COMMITTEE}`;
  });
});

describe("reported upward", () => {
  let m: string;
  beforeAll(async () => {
    m = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "上报测试组织生活会",
      inMin: 12 * 24 * 60,
      attendees: [SEC, ORG, LIU],
    });
  });

  it("the 书记 reports the plan; the 党委's committee is told; once only; a member may not", async () => {
    expect((await t.http.post(life(m), { intent: "report-plan" }, LIU)).status).toBe(403);
    const early = await t.http.submit(life(m), { intent: "report-outcome" }, SEC);
    expect(early.status).toBe(409);
    expect(early.text).toContain("会议结束后才能上报");
    const ok = await t.http.submit(life(m), { intent: "report-plan" }, SEC);
    expect(ok.status).toBe(200);
    const [n] = await t.sql<{ title: string; link: string }[]>`
      select title, link from notifications where user_id = ${t.ids.user[REVIEWER]} and kind = 'life.plan_reported'
        and link = ${`/meetings/${m}`}`;
    expect(n.title).toContain("上报测试组织生活会");
    const again = await t.http.submit(life(m), { intent: "report-plan" }, SEC);
    expect(again.status).toBe(409);
    const overview = await t.http.getText(`/orgs/${COMMITTEE}/overview`, REVIEWER);
    expect(overview.status).toBe(200);
    expect(overview.text).toContain("上报测试组织生活会");
    expect(overview.text).toContain("方案已上报");
  });

  it("a 党委 member joins as 列席 once the plan reached them", async () => {
    const res = await t.http.submit(life(m), { intent: "attend-above" }, REVIEWER);
    expect(res.status).toBe(200);
    const [g] = await t.sql`
      select role from meeting_invitees where meeting_id = ${m} and user_id = ${t.ids.user[REVIEWER]}`;
    expect(g.role).toBe("guest");
    expect((await t.http.submit(life(m), { intent: "attend-above" }, REVIEWER)).status).toBe(409);
    // An ordinary member of the branch may not.
    expect((await t.http.post(life(m), { intent: "attend-above" }, CHEN)).status).toBe(403);
  });
});

describe("the minutes of a 组织生活会 and the grant from above", () => {
  let ended: string;
  let running: string;
  beforeAll(async () => {
    ended = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "已召开的组织生活会",
      inMin: -3 * 24 * 60,
      ended: true,
      host: SEC,
      recorder: null,
      attendees: [
        { user: SEC, status: "present" },
        { user: ORG, status: "present" },
        { user: LIU, status: "present" },
      ],
    });
    running = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "进行中的组织生活会",
      inMin: -10,
      started: true,
      attendees: [SEC, ORG, LIU],
    });
  });

  it("after the meeting: hidden from an attendee member, a non-attendee member and the 党委 without a grant", async () => {
    for (const who of [LIU, CHEN, REVIEWER]) {
      expect(await ws(ended, who), who).toBe(404);
      const page = await t.http.getText(`/meetings/${ended}`, who);
      expect(page.status).toBe(200);
      expect(page.text).toContain('data-testid="minutes-confidential"');
    }
    // Another branch does not see the meeting at all.
    expect((await t.http.get(`/meetings/${ended}`, WU)).status).toBe(404);
    expect(await ws(ended, WU)).toBe(404);
  });

  it("the 支委 and the host read; a 支委's read is audited, the host's is not", async () => {
    const count = async (who: string) =>
      (
        await t.sql<{ n: number }[]>`
          select count(*)::int as n from audit_log where action = 'life.minutes_view' and actor_id = ${t.ids.user[who]}
            and detail->>'meeting' = ${ended}`
      )[0].n;
    expect(await ws(ended, SEC)).toBe(101);
    expect(await ws(ended, ORG)).toBe(101);
    const page = await t.http.getText(`/meetings/${ended}`, ORG);
    expect(page.text).not.toContain('data-testid="minutes-confidential"');
    // The audit is written when the connection has joined.
    const deadline = Date.now() + 5000;
    while ((await count(ORG)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await count(ORG)).toBeGreaterThan(0);
    expect(await count(SEC)).toBe(0);
  });

  it("while in progress its attendees read; ordinary minutes rules do not let a non-attendee member in", async () => {
    expect(await ws(running, LIU)).toBe(101);
    expect(await ws(running, CHEN)).toBe(404);
  });

  it("the 党委 asks (reason, period): logged, told to the 支委, active, then expired", async () => {
    const reviewer = t.ids.user[REVIEWER];
    expect(await aboveGrantActive(t.sql, reviewer, ended)).toBe(false);
    // Bad input: no reason, a period past 30 days; a member of the branch may not ask.
    const empty = await t.http.submit(life(ended), { intent: "ask-above", reason: " ", days: "7" }, REVIEWER);
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("请填写调阅理由");
    const long = await t.http.submit(life(ended), { intent: "ask-above", reason: "检查", days: "31" }, REVIEWER);
    expect(long.status).toBe(400);
    expect(long.text).toContain("1–30 天");
    expect((await t.http.post(life(ended), { intent: "ask-above", reason: "看看", days: "3" }, LIU)).status).toBe(403);
    expect((await t.http.post(life(ended), { intent: "ask-above", reason: "看看", days: "3" }, WU)).status).toBe(404);
    expect(await aboveGrantActive(t.sql, reviewer, ended)).toBe(false);

    const ok = await t.http.submit(
      life(ended),
      { intent: "ask-above", reason: "年度组织生活会质量检查", days: "5" },
      REVIEWER,
    );
    expect(ok.status).toBe(200);
    const [a] = await t.sql<{ org_id: string; detail: { reason: string; days: number } }[]>`
      select org_id, detail from audit_log where action = 'life.access_asked' and actor_id = ${reviewer}`;
    expect(a.org_id).toBe(B1);
    expect(a.detail).toMatchObject({ reason: "年度组织生活会质量检查", days: 5 });
    const [n] = await t.sql`
      select title from notifications where user_id = ${t.ids.user[ORG]} and kind = 'life.access_asked'`;
    expect(n.title).toContain("5 天");
    expect(await aboveGrantActive(t.sql, reviewer, ended)).toBe(true);
    expect(await ws(ended, REVIEWER)).toBe(101);
    // The branch sees the line on the meeting page.
    const page = await t.http.getText(`/meetings/${ended}`, CHEN);
    expect(page.text).toContain("年度组织生活会质量检查");
    // Not another meeting.
    expect(await aboveGrantActive(t.sql, reviewer, running)).toBe(false);

    // The period runs out.
    await t.sql`update life_above_grants set granted_at = now() - interval '6 days', expires_at = now() - interval '1 day'
      where meeting_id = ${ended} and user_id = ${reviewer}`;
    expect(await aboveGrantActive(t.sql, reviewer, ended)).toBe(false);
    expect(await ws(ended, REVIEWER)).toBe(404);
  });
});

describe("rescheduling a 组织生活会 inside its notice period", () => {
  const dayAhead = (n: number) => chinaParts(new Date(Date.now() + n * DAY_MS)).date;
  const edit = (id: string, date: string, startTime = "09:00") =>
    t.http.post(
      `/meetings/${id}/edit`,
      {
        intent: "save",
        kind: "life_meeting",
        title: "改期的组织生活会",
        date,
        startTime,
        endTime: "11:30",
        location: "党员活动室",
        onlineUrl: "",
        hostId: t.ids.user[SEC],
        recorderId: t.ids.user[ORG],
        agenda: "",
        links: "",
      },
      SEC,
    );
  const studyStage = async (id: string) => (await lifeCyclePanel(t.sql, (await t.actor(SEC)).subject, id))!.stages[0];

  it("counts the notice from the 改期 and warns as when it is scheduled late; moved far enough, in time again", async () => {
    const m = await t.meeting({
      org: ORGS.B1,
      kind: "life_meeting",
      title: "改期的组织生活会",
      start: new Date(`${dayAhead(20)}T09:00:00+08:00`),
      minutes: 150,
      host: SEC,
      recorder: ORG,
      attendees: [SEC, ORG, LIU, CHEN],
    });
    expect((await studyStage(m)).done.join()).toContain("提前 20 天通知");
    // Only the hour changes within the same day: the members learn the new time now, 20 days ahead.
    expect((await edit(m, dayAhead(20), "09:30")).status).toBe(302);
    expect((await studyStage(m)).done.join()).toContain("提前 20 天通知");

    // Moved to 3 days from now: the 改期 notice is what the members get, 3 days ahead (10 required).
    expect((await edit(m, dayAhead(3))).status).toBe(302);
    const late = await studyStage(m);
    expect(late.missing).toContain("通知只提前了 3 天，规定至少 10 天");
    expect(late.done.join()).not.toContain("天通知");
    const page = await t.http.getText(`/meetings/${m}`, SEC);
    const line = /<p class="([^"]*)" data-testid="life-notice">(.*?)<\/p>/.exec(page.text)!;
    expect(line[1]).toBe("life-warn");
    const said = line[2].replaceAll("<!-- -->", "");
    expect(said).toContain("发出改期通知，提前 3 天（规定至少 10 天），通知时间不足");

    // Moved again to 25 days ahead: counted from this 改期, in time.
    expect((await edit(m, dayAhead(25))).status).toBe(302);
    const again = await studyStage(m);
    expect(again.done.join()).toContain("提前 25 天通知");
    expect(again.missing.join()).not.toContain("通知只提前了");
  });
});
