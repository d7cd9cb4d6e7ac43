import { beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "../../db/client";
import type { Actor } from "../../server/services/actor";
import { confirmPlan, proposePlan, type PlanRowInput } from "../../server/services/calendar/annual-plan";
import { RowsRefused } from "../../server/services/calendar/bulk-schedule";
import { DomainError } from "../../server/services/errors";
import { orgSettings } from "../../server/services/people/org-settings";
import { findOrg, type Org } from "../../server/services/people/orgs";
import { dueInMonth } from "../../server/services/oversight/compliance";
import { sendReminders } from "../../server/services/calendar/reminders";
import { cancelMeeting } from "../../server/services/calendar/schedule";
import { createSeries } from "../../server/services/calendar/series";
import { chinaParts, chinaTime } from "../../shared/time";
import { PlanRowSchema, SeriesFormSchema } from "../../shared/schemas/plan";
import { DEMO, withDemoServer } from "../setup/demo";

// The annual plan and recurring series over the seeded demo branches: what is proposed, what a
// confirmation creates (and whom it tells, once), and every refusal leaving nothing behind.

const t = withDemoServer();
let sql: Sql;
const org: Record<string, Org> = {};
const user: Record<string, string> = {};
const actors: Record<string, Actor> = {};
const B1 = "机关第一党支部";
const B2 = "机关第二党支部";
const G1 = "第一党小组";
const G2 = "第二党小组";
// Always a whole year ahead, whenever the tests run.
const Y = chinaParts(new Date()).year + 1;

beforeAll(async () => {
  sql = t.sql;
  for (const [name, id] of Object.entries(t.ids.org)) org[name] = (await findOrg(sql, id))!;
  for (const [id, name] of Object.entries(t.ids.name)) user[name] = id;
  for (const [name, username] of [
    ["王建国", DEMO.SEC],
    ["孙丽", DEMO.SUN],
    ["刘洋", DEMO.LIU],
  ])
    actors[name] = await t.actor(username, "198.51.100.7");
});

const count = async (table: string) => (await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`)[0].n;
const unread = async (name: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from notifications where user_id = ${user[name]}`)[0].n;

async function refusal<E extends Error = DomainError>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as E;
  }
  throw new Error("expected a refusal, but the call succeeded");
}

const row = (index: number, fields: Record<string, unknown>): PlanRowInput => ({
  index,
  row: PlanRowSchema.parse(fields),
});

describe("the annual plan", () => {
  it("proposes every required meeting of the year for the branch and its groups, each in its own slot", async () => {
    const p = await proposePlan(sql, org[B1], Y);
    const byKind: Record<string, number> = {};
    for (const r of p.rows) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    expect(byKind).toEqual({
      committee_meeting: 12,
      theme_day: 12,
      group_meeting: 24,
      general_assembly: 4,
      party_lecture: 4,
      life_meeting: 1,
      member_review: 1,
    });
    expect(new Set(p.rows.filter((r) => r.kind === "group_meeting").map((r) => r.orgName))).toEqual(new Set([G1, G2]));
    const slots = p.rows.map((r) => `${r.date} ${r.startTime}`);
    expect(new Set(slots).size).toBe(slots.length);
    expect(p.rows.every((r) => r.date.startsWith(String(Y)))).toBe(true);
  });

  it("creates the confirmed rows with their chairs and invitees, and tells each invitee once", async () => {
    const p = await proposePlan(sql, org[B1], Y);
    const before = { meetings: await count("meetings"), liu: await unread("刘洋"), wang: await unread("王建国") };
    const rows = p.rows.map((r, i) => row(i, { ...r }));
    const n = await confirmPlan(sql, actors["王建国"], org[B1].id, Y, rows, {
      location: "三楼党员活动室",
      onlineUrl: null,
    });
    expect(n).toBe(58);
    expect(await count("meetings")).toBe(before.meetings + 58);
    expect(await unread("刘洋")).toBe(before.liu + 1);
    expect(await unread("王建国")).toBe(before.wang); // the secretary is not told of their own plan
    const [note] = await sql<{ title: string; link: string }[]>`
      select title, link from notifications where user_id = ${user["刘洋"]} order by created_at desc, id desc limit 1`;
    // 刘洋 is in the first group: 12 theme days, 4 assemblies, 4 lectures, 1 life meeting, 1 review, 12 group meetings
    expect(note.title).toBe(`${B1} ${Y} 年度计划已发布：你需参加其中 34 次会议`);
    expect(note.link).toBe(`/calendar?view=agenda&month=${Y}-01`);

    const made = await sql<{ kind: string; org_id: string; host: string; recorder: string | null; invitees: number }[]>`
      select m.kind, m.org_id, h.display_name as host, r.display_name as recorder,
        (select count(*)::int from meeting_invitees i where i.meeting_id = m.id) as invitees
      from meetings m join users h on h.id = m.host_id left join users r on r.id = m.recorder_id
      where m.org_id = any(${[org[B1].id, org[G1].id, org[G2].id]}) and m.starts_at >= ${chinaTime(Y, 1, 1)}`;
    expect(made).toHaveLength(58);
    const committee = made.filter((m) => m.kind === "committee_meeting");
    expect(new Set(committee.map((m) => `${m.host}/${m.recorder}`))).toEqual(new Set(["王建国/李秀英"]));
    const g1 = made.filter((m) => m.org_id === org[G1].id);
    expect(g1).toHaveLength(12);
    expect(new Set(g1.map((m) => m.host))).toEqual(new Set(["张伟"]));
    expect(made.every((m) => m.invitees > 0)).toBe(true);
    const [audit] = await sql<{ detail: { year: number; meetings: number } }[]>`
      select detail from audit_log where action = 'plan.confirm' and org_id = ${org[B1].id}`;
    expect(audit.detail).toEqual({ year: Y, meetings: 58 });
  });

  it("proposes nothing more once the year is covered, and refuses the same plan confirmed twice", async () => {
    expect((await proposePlan(sql, org[B1], Y)).rows).toEqual([]);
    const before = await count("meetings");
    const e = await refusal<RowsRefused>(
      confirmPlan(
        sql,
        actors["王建国"],
        org[B1].id,
        Y,
        [
          row(0, {
            kind: "theme_day",
            orgId: org[B1].id,
            title: "再来一次",
            date: `${Y}-03-12`,
            startTime: "09:00",
            endTime: "10:00",
          }),
        ],
        { location: "礼堂", onlineUrl: null },
      ),
    );
    expect(e).toBeInstanceOf(RowsRefused);
    expect(e.rows[0].message).toMatch(/^\d{4}年3月已有安排：“.+”。$/);
    expect(await count("meetings")).toBe(before);
  });

  it("marks every bad row at once and creates nothing: past, outside the year, clashing host, doubled period", async () => {
    const base = { orgId: org[B2].id, startTime: "14:30", endTime: "16:30" };
    const rows = [
      row(0, { ...base, kind: "committee_meeting", title: "一月支委会", date: `${Y}-01-05` }),
      row(1, { ...base, kind: "theme_day", title: "同一时间的主题党日", date: `${Y}-01-05` }),
      row(2, { ...base, kind: "theme_day", title: "一月第二次主题党日", date: `${Y}-01-20` }),
      row(3, { ...base, kind: "committee_meeting", title: "去年的支委会", date: "2020-01-06" }),
      row(4, { ...base, kind: "committee_meeting", title: "明年的支委会", date: `${Y + 1}-01-06` }),
      row(5, { ...base, kind: "group_meeting", orgId: org[G1].id, title: "别的支部的小组会", date: `${Y}-02-03` }),
    ];
    const before = await count("meetings");
    const e = await refusal<RowsRefused>(
      confirmPlan(sql, actors["孙丽"], org[B2].id, Y, rows, { location: "会议室", onlineUrl: null }),
    );
    const byRow = Object.fromEntries(e.rows.map((r) => [r.index, r.message]));
    expect(Object.keys(byRow).sort()).toEqual(["2", "3", "4", "5"]);
    expect(byRow[2]).toContain("已有安排");
    expect(byRow[3]).toContain(`日期应在 ${Y} 年内`);
    expect(byRow[4]).toContain(`日期应在 ${Y} 年内`);
    expect(byRow[5]).toContain("不属于本支部");
    expect(await count("meetings")).toBe(before);

    // Once the period checks pass, the per-meeting rules run: the host cannot chair two at once.
    const e2 = await refusal<RowsRefused>(
      confirmPlan(sql, actors["孙丽"], org[B2].id, Y, rows.slice(0, 2), { location: "会议室", onlineUrl: null }),
    );
    expect(e2.rows).toEqual([{ index: 1, message: expect.stringContaining("主持人 孙丽 在该时段已有会议") }]);
    expect(await count("meetings")).toBe(before);
    expect(
      (await refusal(confirmPlan(sql, actors["孙丽"], org[B2].id, Y, [], { location: "会议室", onlineUrl: null })))
        .message,
    ).toBe("请至少保留一项安排。");
  });

  it("tells the secretary what falls due in a month and is not yet scheduled", async () => {
    expect((await dueInMonth(sql, org[B1], Y, 3)).due).toEqual([]);
    const empty = await dueInMonth(sql, org[B2], Y + 3, 3);
    expect(empty.over).toBe(false);
    expect(empty.due.map((d) => d.kind)).toEqual([
      "general_assembly",
      "committee_meeting",
      "party_lecture",
      "theme_day",
    ]);
    expect(empty.due.find((d) => d.kind === "general_assembly")?.periodLabel).toBe(`${Y + 3}年第一季度`);
    // A group is told about its own 党小组会 only.
    const group = await dueInMonth(sql, org[G1], Y + 3, 5);
    expect(group.due).toEqual([{ kind: "group_meeting", groups: [G1], periodLabel: `${Y + 3}年5月` }]);
  });

  it("gives a 党小组 its branch's rules unless it has its own", async () => {
    const g2 = org[G2].id;
    const before = (await orgSettings(sql, g2)).kinds.group_meeting.noticeDays;
    await sql`insert into org_settings (org_id, settings) values (${org[B1].id}, ${sql.json({ kinds: { group_meeting: { noticeDays: 5 } } })})
              on conflict (org_id) do update set settings = excluded.settings`;
    expect((await orgSettings(sql, g2)).kinds.group_meeting.noticeDays).toBe(5);
    await sql`insert into org_settings (org_id, settings) values (${g2}, ${sql.json({ kinds: { group_meeting: { noticeDays: 2 } } })})`;
    expect((await orgSettings(sql, g2)).kinds.group_meeting.noticeDays).toBe(2);
    await sql`delete from org_settings where org_id in (${g2}, ${org[B1].id})`;
    expect((await orgSettings(sql, g2)).kinds.group_meeting.noticeDays).toBe(before);
  });

  it("refuses a plan to anyone who does not manage the branch", async () => {
    const rows = [
      row(0, {
        kind: "committee_meeting",
        orgId: org[B1].id,
        title: "越权",
        date: `${Y}-06-01`,
        startTime: "09:00",
        endTime: "10:00",
      }),
    ];
    expect(
      (await refusal(confirmPlan(sql, actors["刘洋"], org[B1].id, Y, rows, { location: "x", onlineUrl: null }))).status,
    ).toBe(403);
    expect(
      (await refusal(confirmPlan(sql, actors["孙丽"], org[B1].id, Y, rows, { location: "x", onlineUrl: null }))).status,
    ).toBe(404);
  });
});

describe("recurring series", () => {
  const series = (over: Record<string, string> = {}) =>
    SeriesFormSchema.parse({
      kind: "theme_day",
      title: "主题党日",
      everyMonths: "1",
      pattern: "weekday",
      nth: "1",
      weekday: "5",
      dayOfMonth: "",
      from: `${Y + 1}-01-01`,
      until: `${Y + 1}-06-30`,
      startTime: "09:00",
      endTime: "11:00",
      location: "党员活动室",
      onlineUrl: "",
      hostId: user["孙丽"],
      recorderId: "",
      ...over,
    });

  it("creates one meeting per date, moving a holiday a week on, under one series, with one notice per invitee", async () => {
    const before = await unread("吴刚");
    const n = await createSeries(sql, actors["孙丽"], org[B2].id, series());
    expect(n).toBe(6);
    const made = await sql<{ title: string; starts_at: Date; series_id: string }[]>`
      select title, starts_at, series_id from meetings where org_id = ${org[B2].id} and title like '主题党日（%'
      order by starts_at`;
    expect(made).toHaveLength(6);
    expect(new Set(made.map((m) => m.series_id)).size).toBe(1);
    expect(made[0].title).toBe(`主题党日（${Y + 1}年1月）`);
    // 1 January is 元旦: the first Friday that is not a holiday comes a week later at the latest
    expect(chinaParts(made[0].starts_at).day).toBeGreaterThan(1);
    expect(made.every((m) => chinaParts(m.starts_at).weekday === 5)).toBe(true);
    expect(await unread("吴刚")).toBe(before + 1);
  });

  it("says why a rule yields nothing, and creates nothing", async () => {
    const before = await count("meetings");
    const none = await refusal(
      createSeries(
        sql,
        actors["孙丽"],
        org[B2].id,
        series({ from: `${Y + 1}-07-08`, until: `${Y + 1}-07-31`, nth: "1" }),
      ),
    );
    expect(none.status).toBe(400);
    expect(none.message).toContain("按这个规则排不出任何会议");
    const past = await refusal(
      createSeries(sql, actors["孙丽"], org[B2].id, series({ from: "2021-01-01", until: "2021-06-30" })),
    );
    expect(past.message).toContain("都已过去");
    expect(await count("meetings")).toBe(before);
    expect(await count("meeting_series")).toBe(1);
  });

  it("refuses the whole series when a date clashes with the host's other meeting, naming the date", async () => {
    const before = await count("meetings");
    const e = await refusal(
      createSeries(sql, actors["孙丽"], org[B2].id, series({ kind: "party_lecture", title: "党课" })),
    );
    expect(e.status).toBe(409);
    expect(e.message).toContain("有 6 个日期无法安排");
    expect(e.message).toContain("主持人 孙丽 在该时段已有会议");
    expect(await count("meetings")).toBe(before);
  });

  it("cancels a meeting and the rest of its series, leaving the earlier ones", async () => {
    const made = await sql<{ id: string }[]>`
      select id from meetings where org_id = ${org[B2].id} and title like '主题党日（%' order by starts_at`;
    const cancelled = await cancelMeeting(sql, actors["孙丽"], made[3].id, "改为集中学习", { following: true });
    expect(cancelled).toBe(3);
    const status = await sql<{ status: string }[]>`
      select status from meetings where org_id = ${org[B2].id} and title like '主题党日（%' order by starts_at`;
    expect(status.map((r) => r.status)).toEqual([
      "scheduled",
      "scheduled",
      "scheduled",
      "cancelled",
      "cancelled",
      "cancelled",
    ]);
  });
});

describe("reminders of a cancelled meeting", () => {
  it("leave the bell when the meeting is cancelled; the cancellation notice stays", async () => {
    const made = await sql<{ id: string; starts_at: Date }[]>`
      select id, starts_at from meetings where org_id = ${org[B2].id} and title like '主题党日（%'
        and status = 'scheduled' order by starts_at limit 1`;
    const { id, starts_at } = made[0];
    // The sweep as it would run two days before the meeting.
    await sendReminders(sql, new Date(starts_at.getTime() - 2 * 86_400_000));
    const unreadReminders = () => sql<{ n: number }[]>`
      select count(*)::int as n from notifications
      where user_id = ${user["吴刚"]} and kind = 'meeting.reminder' and link = ${`/meetings/${id}`} and read_at is null`;
    expect((await unreadReminders())[0].n).toBe(1);
    await cancelMeeting(sql, actors["孙丽"], id, "改为参加党委集中学习");
    expect((await unreadReminders())[0].n).toBe(0);
    const [cancelled] = await sql<{ read_at: Date | null }[]>`
      select read_at from notifications where user_id = ${user["吴刚"]} and kind = 'meeting.cancelled'
        and link = ${`/meetings/${id}`}`;
    expect(cancelled.read_at).toBeNull();
  });
});

describe("the pages", () => {
  it("opens the plan and series pages to managers only", async () => {
    expect((await t.http.get(`/orgs/${org[B2].id}/plan?year=${Y + 2}`, DEMO.SUN)).status).toBe(200);
    expect((await t.http.get(`/orgs/${org[B1].id}/plan`, DEMO.LIU)).status).toBe(403);
    expect((await t.http.get(`/orgs/${org[B1].id}/plan`, DEMO.WU)).status).toBe(404);
    expect((await t.http.get(`/orgs/${org[B1].id}/series/new`, DEMO.SEC)).status).toBe(200);
    expect((await t.http.get(`/orgs/${org[B1].id}/series/new`, DEMO.LIU)).status).toBe(403);
  });

  it("shows a plan form that, posted without JavaScript, keeps a bad row's typing and says what is wrong", async () => {
    const page = await (await t.http.get(`/orgs/${org[B2].id}/plan?year=${Y + 2}`, DEMO.SUN)).text();
    expect(page).toContain(`${Y + 2} 年度计划`);
    const body = new URLSearchParams({ year: String(Y + 2), location: "会议室", onlineUrl: "" });
    const r = { kind: "committee_meeting", orgId: org[B2].id, date: `${Y + 2}-03-02`, startTime: "15:00" };
    for (const [k, v] of Object.entries({ ...r, title: "三月支委会", endTime: "14:00", include: "on" }))
      body.set(`rows.0.${k}`, v);
    const before = await count("meetings");
    const res = await t.http.post(`/orgs/${org[B2].id}/plan`, body, DEMO.SUN);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("结束时间应晚于开始时间");
    expect(html).toContain('value="三月支委会"');
    expect(await count("meetings")).toBe(before);

    body.set("rows.0.endTime", "16:00");
    const ok = await t.http.post(`/orgs/${org[B2].id}/plan`, body, DEMO.SUN);
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`/orgs/${org[B2].id}/calendar?view=agenda&month=${Y + 2}-03&planned=1`);
    expect(await count("meetings")).toBe(before + 1);
  });

  it("previews a series and answers a rule that yields nothing with a 400 in Chinese", async () => {
    const fields = {
      kind: "theme_day",
      title: "主题党日",
      everyMonths: "1",
      pattern: "dayOfMonth",
      dayOfMonth: "15",
      nth: "1",
      weekday: "5",
      from: `${Y + 2}-05-16`,
      until: `${Y + 2}-06-14`,
      startTime: "09:00",
      endTime: "10:00",
      location: "会议室",
      onlineUrl: "",
      hostId: user["王建国"],
      recorderId: "",
      intent: "preview",
    };
    const res = await t.http.post(`/orgs/${org[B1].id}/series/new`, new URLSearchParams(fields), DEMO.SEC);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("按这个规则排不出任何会议");
    const ok = await t.http.post(
      `/orgs/${org[B1].id}/series/new`,
      new URLSearchParams({ ...fields, until: `${Y + 2}-08-31` }),
      DEMO.SEC,
    );
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain("每月 15 日，共 3 次");
    expect(html).toContain(`主题党日（${Y + 2}年7月）`);
  });

  it("lets a 党小组长 convene their own group's meetings, and only those", async () => {
    const zhang = DEMO.LEADER; // 张伟, 第一党小组 组长
    expect((await t.http.get(`/orgs/${org[G1].id}/meetings/new`, zhang)).status).toBe(200);
    expect((await t.http.get(`/orgs/${org[G1].id}/plan?year=${Y + 2}`, zhang)).status).toBe(200);
    expect((await t.http.get(`/orgs/${org[G2].id}/meetings/new`, zhang)).status).toBe(403);
    expect((await t.http.get(`/orgs/${org[B1].id}/meetings/new`, zhang)).status).toBe(403);
    expect((await t.http.get(`/orgs/${org[B1].id}/plan`, zhang)).status).toBe(403);
    const calendar = await (await t.http.get(`/orgs/${org[G1].id}/calendar`, zhang)).text();
    expect(calendar).toContain("安排会议");
    // He still does not manage the group's people.
    expect((await t.http.get(`/orgs/${org[G1].id}/members/new`, zhang)).status).toBe(403);
  });

  it("shows the branch calendar to its members, with planning tools only for managers", async () => {
    const month = `${Y}-03`;
    const mine = await (await t.http.get(`/orgs/${org[B1].id}/calendar?view=agenda&month=${month}`, DEMO.SEC)).text();
    expect(mine).toContain("年度计划");
    expect(mine).toContain("3月应开的会议都已安排");
    expect(mine).toContain("支委会");
    const member = await t.http.get(`/orgs/${org[B1].id}/calendar?view=agenda&month=${month}`, DEMO.LIU);
    expect(member.status).toBe(200);
    const memberHtml = await member.text();
    expect(memberHtml).not.toContain("周期性安排");
    expect(memberHtml).not.toContain("应开的会议");
    expect((await t.http.get(`/orgs/${org[B1].id}/calendar`, DEMO.WU)).status).toBe(404);
  });

  it("keeps a member's own calendar to what they attend: no 支委会 for a member, no branch meetings for the 党委", async () => {
    const month = `${Y}-03`;
    const liu = await (await t.http.get(`/calendar?view=agenda&month=${month}`, DEMO.LIU)).text();
    expect(liu).toContain("主题党日");
    expect(liu).not.toContain("支委会");
    const wang = await (await t.http.get(`/calendar?view=agenda&month=${month}`, DEMO.SEC)).text();
    expect(wang).toContain("支委会");
    const zhou = await (await t.http.get(`/calendar?view=agenda&month=${month}`, DEMO.REVIEWER)).text();
    expect(zhou).not.toContain("主题党日");
  });
});
