import { beforeAll, describe, expect, it } from "vitest";
import { oversight, type BranchOversight } from "../../server/services/oversight/oversight";
import { chinaTime } from "../../shared/time";
import type { MeetingKind, OrgKind } from "../../shared/domain/labels";
import { DEMO, ORGS, withDemoServer, type Invitee } from "../setup/demo";

// The 党委 overview on a scripted subtree, at a fixed moment (20 May 2026, 12:00 China time,
// second quarter): 测试党委 → 丙支部 (directly below) and 测试党总支 → 甲支部 (two 党小组) and
// 乙支部 (its own rule: minutes due in 2 days). Every figure below is worked out by hand from the
// meetings listed here under the default rules (shared/domain/kind-rules.ts).

const t = withDemoServer();
const users: string[] = [];
const org: Record<string, string> = {};
const NOW = chinaTime(2026, 5, 20, 12, 0);

const at = (month: number, day: number, hour = 14, minute = 30) => chinaTime(2026, month, day, hour, minute);

/** Tracked since before the scripted year (the test runs later than NOW: its organisations are judged from 2025). */
async function makeOrg(parent: string | null, kind: OrgKind, name: string) {
  const [row] = await t.sql<{ id: string }[]>`
    insert into organizations (parent_id, kind, name, tracking_started_on)
    values (${parent}, ${kind}, ${name}, '2025-01-01') returning id`;
  return row.id;
}

interface Spec {
  status?: "scheduled" | "planned" | "cancelled";
  /** Minutes written: as a snapshot, as updates in the log, or none. */
  /** Minutes someone wrote in, as the collaboration store keeps them (folded or still a log). */
  minutes?: "snapshot" | "updates" | false;
  hours?: number;
  attendees?: { user: number; status?: "present" | "late" | "left_early" | "leave" | "absent" }[];
  guests?: { user: number; status?: "present" }[];
}

async function meeting(orgId: string, kind: MeetingKind, start: Date, spec: Spec = {}) {
  const sql = t.sql;
  const person = (a: NonNullable<Spec["attendees"]>[number]): Invitee => ({
    user: { id: users[a.user] },
    status: a.status,
  });
  const id = await t.meeting({
    org: { id: orgId },
    kind,
    title: `${kind} ${start.toISOString()}`,
    start,
    minutes: (spec.hours ?? 2) * 60,
    status: spec.status ?? "scheduled",
    location: null,
    createdBy: null,
    host: null,
    attendees: (spec.attendees ?? []).map(person),
    guests: (spec.guests ?? []).map(person),
  });
  const doc = `meeting.${id}.minutes`;
  if ((spec.minutes ?? "snapshot") === "snapshot")
    await sql`insert into doc_snapshots (doc_name, state, last_update_id, person_edited)
              values (${doc}, ${Buffer.from([0, 0])}, 0, true)`;
  else if (spec.minutes === "updates")
    await sql`insert into doc_updates (doc_name, data, by_person)
              values (${doc}, ${Buffer.from([0, 0])}, true), (${doc}, ${Buffer.from([0, 0])}, true)`;
  return id;
}

const figures = (f: BranchOversight["quarter"]) => ({
  required: f.required,
  held: f.held,
  scheduled: f.scheduled,
  planned: f.planned,
  missing: f.missing,
  overdue: f.overdue,
});

let groupMeetingA1Apr: string;

beforeAll(async () => {
  const sql = t.sql;
  for (let i = 0; i < 6; i++) {
    const [u] = await sql<{ id: string }[]>`
      insert into users (username, display_name) values (${`ov-${i}`}, ${`概览测试${i}`}) returning id`;
    users.push(u.id);
  }
  org.committee = await makeOrg(null, "committee", "测试党委");
  org.general = await makeOrg(org.committee, "general_branch", "测试党总支");
  org.c = await makeOrg(org.committee, "branch", "丙支部");
  org.a = await makeOrg(org.general, "branch", "甲支部");
  org.a1 = await makeOrg(org.a, "group", "第一党小组");
  org.a2 = await makeOrg(org.a, "group", "第二党小组");
  org.b = await makeOrg(org.general, "branch", "乙支部");
  await sql`insert into org_settings (org_id, settings) values (${org.b}, ${sql.json({ minutesDueDays: 2 })})`;

  // 丙支部: everything due so far held; one cancelled; the May 16 minutes not yet due; a 主题党日
  // in progress right now (held, not over: its attendance is not counted yet); one to come, one
  // only planned.
  for (const m of [1, 2, 3, 4]) await meeting(org.c, "committee_meeting", at(m, 10));
  await meeting(org.c, "committee_meeting", at(5, 16), { minutes: false });
  await meeting(org.c, "committee_meeting", at(3, 3), { status: "cancelled", minutes: false });
  for (const m of [1, 2, 3, 4]) await meeting(org.c, "theme_day", at(m, 5), { minutes: "updates" });
  await meeting(org.c, "theme_day", at(5, 20, 10, 0), {
    hours: 4,
    minutes: false,
    attendees: [{ user: 0 }, { user: 1, status: "present" }],
  });
  await meeting(org.c, "theme_day", at(5, 25), { minutes: false });
  await meeting(org.c, "general_assembly", at(2, 15), {
    attendees: [
      { user: 0, status: "present" },
      { user: 1, status: "late" },
      { user: 2, status: "left_early" },
      { user: 3 }, // no record after the end: absent
    ],
    guests: [{ user: 4, status: "present" }], // 列席: not counted
  });
  await meeting(org.c, "general_assembly", at(6, 10), { status: "planned", minutes: false });
  await meeting(org.c, "party_lecture", at(3, 1));

  // 甲支部: the April 支委会 and the second group's April meeting are missing, and no 党课 in Q1.
  for (const m of [1, 2, 3, 5]) await meeting(org.a, "committee_meeting", at(m, 8));
  await meeting(org.a, "committee_meeting", chinaTime(2025, 12, 15, 14, 30)); // last year
  for (const m of [1, 2, 3]) await meeting(org.a1, "group_meeting", at(m, 12));
  groupMeetingA1Apr = await meeting(org.a1, "group_meeting", at(4, 12), {
    attendees: [
      { user: 0, status: "present" },
      { user: 1, status: "leave" },
    ],
  });
  for (const m of [1, 2, 3]) await meeting(org.a2, "group_meeting", at(m, 13));
  for (const m of [1, 2, 3, 4, 5]) await meeting(org.a, "theme_day", at(m, 6));
  await meeting(org.a, "general_assembly", at(3, 20), {
    attendees: [0, 1, 2, 3, 4].map((user) => ({ user, status: "present" as const })),
  });

  // 乙支部: nothing overdue, but the May 17 minutes are past its 2-day limit (not the default 7).
  for (const m of [1, 2, 3, 4]) await meeting(org.b, "committee_meeting", at(m, 9));
  await meeting(org.b, "committee_meeting", at(5, 17), { minutes: false });
  for (const m of [1, 2, 3, 4]) await meeting(org.b, "theme_day", at(m, 7));
  await meeting(org.b, "general_assembly", at(2, 20));
  await meeting(org.b, "party_lecture", at(3, 25));

  // The 党委's own meeting is not a branch's organisational life.
  await meeting(org.committee, "committee_meeting", at(5, 8), { minutes: false });
});

describe("the 党委 overview", () => {
  it("gives every branch its compliance this quarter and year, minutes and attendance, in tree order", async () => {
    // 甲支部's 整改清单 as of NOW (20 May): one past its deadline, one still in time, one closed.
    await t.sql`
      insert into rectification_items (org_id, problem, measures, deadline, commitment, status, created_by)
      values (${org.a}, '逾期事项', '措施', '2026-05-19', '承诺', 'open', ${users[0]}),
             (${org.a}, '在期事项', '措施', '2026-05-20', '承诺', 'reported', ${users[0]}),
             (${org.a}, '已销号事项', '措施', '2026-05-01', '承诺', 'closed', ${users[0]})`;
    const view = await oversight(t.sql, { id: org.committee }, NOW);
    expect(view.quarter.key).toBe("2026-Q2");
    expect(view.year.key).toBe("2026");
    // Directly below first, then under the 党总支 by name (甲 jiǎ before 乙 yǐ); never by a figure.
    expect(view.branches.map((b) => b.name)).toEqual(["丙支部", "甲支部", "乙支部"]);
    const [c, a, b] = view.branches;
    expect(c.trail).toEqual([]);
    expect(a.trail).toEqual([{ id: org.general, name: "测试党总支", kind: "general_branch" }]);
    expect(a.groups).toBe(2);

    expect(figures(c.quarter)).toEqual({ required: 8, held: 4, scheduled: 1, planned: 1, missing: 4, overdue: 0 });
    expect(figures(c.year)).toEqual({ required: 34, held: 12, scheduled: 1, planned: 1, missing: 22, overdue: 0 });
    expect(c.minutes).toEqual({ missing: 2, overdue: 0 });
    expect(c.attendance).toEqual({ expected: 4, came: 3, rate: 0.75 });
    expect(c.lacking).toBe(false);

    expect(figures(a.quarter)).toEqual({ required: 14, held: 4, scheduled: 0, planned: 0, missing: 10, overdue: 2 });
    expect(figures(a.year)).toEqual({ required: 58, held: 17, scheduled: 0, planned: 0, missing: 41, overdue: 3 });
    expect(a.year.kinds.filter((k) => k.overdue > 0).map((k) => [k.kind, k.overdue])).toEqual([
      ["committee_meeting", 1],
      ["group_meeting", 1],
      ["party_lecture", 1],
    ]);
    expect(a.minutes).toEqual({ missing: 0, overdue: 0 });
    expect(a.attendance).toEqual({ expected: 7, came: 6, rate: 6 / 7 });
    expect(a.lacking).toBe(true);
    expect(a.rectification).toEqual({ open: 2, overdue: 1 });
    expect(c.rectification).toEqual({ open: 0, overdue: 0 });

    expect(figures(b.quarter)).toEqual({ required: 8, held: 3, scheduled: 0, planned: 0, missing: 5, overdue: 0 });
    expect(figures(b.year)).toEqual({ required: 34, held: 11, scheduled: 0, planned: 0, missing: 23, overdue: 0 });
    expect(b.minutes).toEqual({ missing: 1, overdue: 1 });
    expect(b.attendance).toEqual({ expected: 0, came: 0, rate: null });
    expect(b.lacking).toBe(true);

    expect(view.totals).toEqual({
      branches: 3,
      quarter: { required: 30, held: 11 },
      branchesOverdue: 1,
      minutesOverdue: 1,
      minutesMissing: 3,
      branchesLacking: 2,
      attendance: { expected: 11, came: 9, rate: 9 / 11 },
      rectification: { open: 2, overdue: 1 },
    });
  });

  it("counts meetings held and attendance month by month over the last 24 months", async () => {
    const { months } = await oversight(t.sql, { id: org.committee }, NOW);
    expect(months).toHaveLength(24);
    expect(months[0].key).toBe("2024-06");
    expect(months.at(-1)!.key).toBe("2026-05");
    const by = Object.fromEntries(months.map((m) => [m.key, m]));
    expect(months.filter((m) => m.total > 0).map((m) => [m.key, m.total])).toEqual([
      ["2025-12", 1],
      ["2026-01", 8],
      ["2026-02", 10],
      ["2026-03", 11],
      ["2026-04", 6],
      // 丙 支委会 16th and 主题党日 in progress, 甲 支委会 and 主题党日, 乙 支委会; not the one to come,
      // the planned one, or the 党委's own
      ["2026-05", 5],
    ]);
    expect(by["2026-03"].held).toEqual({
      general_assembly: 1,
      committee_meeting: 3,
      group_meeting: 2,
      party_lecture: 2,
      theme_day: 3,
      life_meeting: 0,
      member_review: 0,
      // the 党委's and 党总支's own kinds: none held in the branches
      leadership_life_meeting: 0,
      party_committee: 0,
      general_committee: 0,
      central_study: 0,
      party_congress: 0,
    });
    expect([by["2026-02"].expected, by["2026-02"].came]).toEqual([4, 3]);
    expect([by["2026-03"].expected, by["2026-03"].came, by["2026-03"].rate]).toEqual([5, 5, 1]);
    expect([by["2026-04"].expected, by["2026-04"].came, by["2026-04"].rate]).toEqual([2, 1, 0.5]);
    // the meeting in progress is not over: no attendance yet
    expect([by["2026-05"].expected, by["2026-05"].rate]).toEqual([0, null]);
  });

  it("looks at a 党总支 on its own", async () => {
    const view = await oversight(t.sql, { id: org.general }, NOW);
    expect(view.branches.map((b) => [b.name, b.trail.length])).toEqual([
      ["甲支部", 0],
      ["乙支部", 0],
    ]);
    expect(view.totals.branches).toBe(2);
  });

  it("orders branches by name, reading Chinese numerals as numbers", async () => {
    const root = await makeOrg(null, "committee", "排序党委");
    for (const name of ["第十党支部", "第二党支部", "第十一党支部", "第一党支部", "第三党支部", "机关党支部"])
      await makeOrg(root, "branch", name);
    const view = await oversight(t.sql, { id: root }, NOW);
    expect(view.branches.map((b) => b.name)).toEqual([
      "第一党支部",
      "第二党支部",
      "第三党支部",
      "第十党支部",
      "第十一党支部",
      "机关党支部",
    ]);
    expect(view.totals.branchesLacking).toBe(6); // nothing held anywhere: all overdue
  });

  it("keeps each meeting's 应到 / 实到 up to date as attendance and invitees change", async () => {
    const sql = t.sql;
    const turnout = async () =>
      (
        await sql<{ expected: number; came: number }[]>`
        select expected, came from meeting_turnout where meeting_id = ${groupMeetingA1Apr}`
      )[0];
    expect(await turnout()).toEqual({ expected: 2, came: 1 });
    // a correction: the one on leave came late after all
    await sql`update attendance set status = 'late' where meeting_id = ${groupMeetingA1Apr} and user_id = ${users[1]}`;
    expect(await turnout()).toEqual({ expected: 2, came: 2 });
    // someone added to the list, with no record: absent
    await sql`insert into meeting_invitees (meeting_id, user_id) values (${groupMeetingA1Apr}, ${users[5]})`;
    expect(await turnout()).toEqual({ expected: 3, came: 2 });
    // made a guest (列席): no longer 应到
    await sql`update meeting_invitees set role = 'guest' where meeting_id = ${groupMeetingA1Apr} and user_id = ${users[5]}`;
    expect(await turnout()).toEqual({ expected: 2, came: 2 });
    await sql`delete from attendance where meeting_id = ${groupMeetingA1Apr} and user_id = ${users[0]}`;
    expect(await turnout()).toEqual({ expected: 2, came: 1 });
    const view = await oversight(sql, { id: org.committee }, NOW);
    expect(view.branches[1].attendance).toEqual({ expected: 7, came: 6, rate: 6 / 7 });
    // put it back as it was for the other tests
    await sql`insert into attendance (meeting_id, user_id, status, via) values (${groupMeetingA1Apr}, ${users[0]}, 'present', 'code')`;
    await sql`update attendance set status = 'leave' where meeting_id = ${groupMeetingA1Apr} and user_id = ${users[1]}`;
    await sql`delete from meeting_invitees where meeting_id = ${groupMeetingA1Apr} and user_id = ${users[5]}`;
    expect(await turnout()).toEqual({ expected: 2, came: 1 });
    // a meeting deleted takes its counts with it
    const gone = await meeting(org.c, "theme_day", at(1, 20), { attendees: [{ user: 0, status: "present" }] });
    await sql`delete from meetings where id = ${gone}`;
    expect(await sql`select 1 from meeting_turnout where meeting_id = ${gone}`).toHaveLength(0);
  });
});

describe("the overview page", () => {
  let demo: { committee: string; branch1: string; branch2: string };

  beforeAll(() => {
    demo = { committee: t.ids.org[ORGS.COMMITTEE], branch1: t.ids.org[ORGS.B1], branch2: t.ids.org[ORGS.B2] };
  });

  it("shows the 党委 administrator every branch, and filters to those with something lacking", async () => {
    const reviewer = DEMO.REVIEWER; // 周志强, 党委组织委员
    const page = await t.http.get(`/orgs/${demo.committee}/overview`, reviewer);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("下级支部概览");
    expect(html).toContain("机关第一党支部");
    expect(html).toContain("机关第二党支部");
    expect(html).toContain(`/orgs/${demo.branch1}/compliance`);
    expect(html).toContain(`/orgs/${demo.branch2}"`);
    expect(html).toContain("每月召开的会议");

    // The filter keeps exactly the branches the service finds lacking today.
    const view = await oversight(t.sql, { id: demo.committee });
    const filtered = await (await t.http.get(`/orgs/${demo.committee}/overview?filter=lacking`, reviewer)).text();
    for (const b of view.branches) {
      const linked = filtered.includes(`/orgs/${b.id}/compliance`);
      expect(linked, b.name).toBe(b.lacking);
    }

    // The organisation's home links to it for those who manage a 党委 or 党总支.
    expect(await (await t.http.get(`/orgs/${demo.committee}`, reviewer)).text()).toContain(
      `/orgs/${demo.committee}/overview`,
    );
    const secretary = DEMO.SEC;
    expect(await (await t.http.get(`/orgs/${demo.branch1}`, secretary)).text()).not.toContain("/overview");
  });

  it("pages through a 党委 with many branches, 100 at a time, in name order", async () => {
    const sql = t.sql;
    const root = await makeOrg(null, "committee", "分页党委");
    await sql`insert into organizations (parent_id, kind, name, tracking_started_on)
              select ${root}, 'branch', '第' || n || '支部', '2025-01-01' from generate_series(1, 105) n`;
    const reviewerId = t.ids.user[DEMO.REVIEWER];
    await sql`insert into memberships (user_id, org_id, role) values (${reviewerId}, ${root}, 'organization_member')`;
    const reviewer = DEMO.REVIEWER;
    const rows = (html: string) => [...html.matchAll(/data-testid="branch-row"/g)].length;
    const first = await (await t.http.get(`/orgs/${root}/overview`, reviewer)).text();
    expect(rows(first)).toBe(100);
    expect(first).toMatch(/第 (<!-- -->)?1(<!-- -->)? \/ (<!-- -->)?2(<!-- -->)? 页/);
    expect(first.indexOf("第2支部")).toBeLessThan(first.indexOf("第10支部"));
    const second = await (await t.http.get(`/orgs/${root}/overview?page=2`, reviewer)).text();
    expect(rows(second)).toBe(5);
    expect(second).toContain("第105支部");
    // past the end: the last page; with the filter, all 105 (nothing held) are lacking
    expect(rows(await (await t.http.get(`/orgs/${root}/overview?page=9`, reviewer)).text())).toBe(5);
    expect(rows(await (await t.http.get(`/orgs/${root}/overview?filter=lacking&page=2`, reviewer)).text())).toBe(5);
  });

  it("refuses a branch secretary the 党委's overview, and ordinary members any overview", async () => {
    const secretary = DEMO.SEC; // 王建国, 书记 of 机关第一党支部
    expect((await t.http.get(`/orgs/${demo.committee}/overview`, secretary)).status).toBe(404);
    expect((await t.http.get(`/orgs/${demo.branch1}/overview`, secretary)).status).toBe(200);
    expect((await t.http.get(`/orgs/${demo.branch2}/overview`, secretary)).status).toBe(404);

    const member = DEMO.LIU; // 刘洋, member of 机关第一党支部
    expect((await t.http.get(`/orgs/${demo.committee}/overview`, member)).status).toBe(404);
    expect((await t.http.get(`/orgs/${demo.branch1}/overview`, member)).status).toBe(403);
    const other = DEMO.WU; // 吴刚, member of 机关第二党支部
    expect((await t.http.get(`/orgs/${demo.branch1}/overview`, other)).status).toBe(404);

    const anonymous = await t.http.get(`/orgs/${demo.committee}/overview`, null);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toContain("/login");
  });
});
