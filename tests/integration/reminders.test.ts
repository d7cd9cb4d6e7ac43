import { beforeAll, describe, expect, it } from "vitest";
import { startTongxin } from "../../server/app";
import { loadConfig } from "../../server/config";
import { sendReminders } from "../../server/services/calendar/reminders";
import { chinaTime } from "../../shared/time";
import type { MeetingKind } from "../../shared/domain/labels";
import { createTestDatabase } from "../setup/database";
import { buildMeeting, DEMO, demoIds, ORGS, withDemoServer } from "../setup/demo";

// Reminders run against a migrated, seeded database at scripted moments years ahead, so the demo's
// own meetings (days from today) are long past and only the meetings made here count. The test
// servers run with REMINDERS=off; here sendReminders is called directly.

const t = withDemoServer();
/** User ids by display name (the names the assertions use). */
const user: Record<string, string> = {};
let name: Record<string, string>;
let org: Record<string, string>;

beforeAll(() => {
  ({ name, org } = t.ids);
  for (const [id, display] of Object.entries(name)) user[display] = id;
});

const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function meeting(
  orgName: string,
  kind: MeetingKind,
  title: string,
  startsAt: Date,
  invitees: (string | [string, "attendee" | "guest"])[],
  extra: { status?: "scheduled" | "cancelled" | "planned"; startedAt?: Date; location?: string } = {},
): Promise<string> {
  const person = (i: (typeof invitees)[number]) => (typeof i === "string" ? [i, "attendee"] : i);
  return t.meeting({
    org: orgName,
    kind,
    title,
    start: startsAt,
    minutes: 120,
    location: extra.location ?? "党员活动室",
    status: extra.status ?? "scheduled",
    started: extra.startedAt ?? false,
    createdBy: null,
    host: null,
    attendees: invitees.filter((i) => person(i)[1] === "attendee").map((i) => ({ id: user[person(i)[0]] })),
    guests: invitees.filter((i) => person(i)[1] === "guest").map((i) => ({ id: user[person(i)[0]] })),
  });
}

/** Who got a notification of the kind with this link (or any link), by name, sorted. */
async function told(kind: string, link?: string): Promise<string[]> {
  const rows = await t.sql<{ user_id: string }[]>`
    select user_id from notifications where kind = ${kind} ${link ? t.sql`and link = ${link}` : t.sql``}`;
  return rows.map((r) => name[r.user_id]).sort();
}

async function setRules(orgName: string, settings: object | null) {
  const sql = t.sql;
  if (settings === null) await sql`delete from org_settings where org_id = ${org[orgName]}`;
  else
    await sql`insert into org_settings (org_id, settings) values (${org[orgName]}, ${sql.json(settings as never)})
              on conflict (org_id) do update set settings = excluded.settings`;
}

describe("meeting reminders", () => {
  // Wednesday 20 November 2030, 09:00 in Beijing
  const now = chinaTime(2030, 11, 20, 9, 0);

  it("reminds the invitees (应到 and 列席) once, within the notice days, except those on approved leave", async () => {
    const sql = t.sql;
    const id = await meeting(
      "机关第一党支部",
      "general_assembly",
      "学习条例",
      chinaTime(2030, 11, 22, 14, 30), // Friday, two days ahead; the default notice is 3 days
      ["刘洋", "杨帆", "黄磊", ["冯雪", "guest"]],
      { location: "三楼党员活动室" },
    );
    await sql`insert into leave_requests (meeting_id, user_id, reason, status)
              values (${id}, ${user["黄磊"]}, '出差', 'approved')`;

    // Four days ahead: nothing yet.
    await sendReminders(sql, new Date(now.getTime() - 2 * DAY));
    expect(await told("meeting.reminder", `/meetings/${id}`)).toEqual([]);

    const first = await sendReminders(sql, now);
    expect(first.meetings).toBe(3);
    expect(await told("meeting.reminder", `/meetings/${id}`)).toEqual(["冯雪", "刘洋", "杨帆"].sort());
    const [n] = await sql<{ title: string; read_at: Date | null }[]>`
      select title, read_at from notifications where kind = 'meeting.reminder' and user_id = ${user["刘洋"]}`;
    expect(n.title).toBe("提醒：支部党员大会「学习条例」将于 11月22日（周五）14:30 召开，地点：三楼党员活动室");
    expect(n.read_at).toBeNull();

    // Again, and an hour later: nothing new.
    expect((await sendReminders(sql, now)).meetings).toBe(0);
    expect((await sendReminders(sql, new Date(now.getTime() + HOUR))).meetings).toBe(0);
    expect(await told("meeting.reminder", `/meetings/${id}`)).toHaveLength(3);

    // Two nodes at the same moment: still once each.
    await sql`update meetings set starts_at = starts_at + interval '1 day', ends_at = ends_at + interval '1 day'
              where id = ${id}`;
    const both = await Promise.all([sendReminders(sql, now), sendReminders(sql, now)]);
    expect(both[0].meetings + both[1].meetings).toBe(3);
    // Moved to Saturday: reminded of the new time, once.
    const titles = await sql<{ title: string }[]>`
      select title from notifications where kind = 'meeting.reminder' and user_id = ${user["刘洋"]} order by id`;
    expect(titles.map((t) => t.title)).toEqual([
      "提醒：支部党员大会「学习条例」将于 11月22日（周五）14:30 召开，地点：三楼党员活动室",
      "提醒：支部党员大会「学习条例」将于 11月23日（周六）14:30 召开，地点：三楼党员活动室",
    ]);
  });

  it("follows the branch's notice days, and a 党小组's own rules before its branch's", async () => {
    const sql = t.sql;
    const friday = chinaTime(2030, 11, 22, 9, 0);
    const themeDay = await meeting("机关第一党支部", "theme_day", "主题党日", friday, ["刘洋"]);
    const group1 = await meeting("第一党小组", "group_meeting", "学习会", friday, ["张伟", "刘洋"]);
    const group2 = await meeting("第二党小组", "group_meeting", "学习会", friday, ["杨帆"]);

    // theme_day: 1 day's notice instead of 3; 党小组会: 2 days in the branch instead of 1, but the
    // second group keeps 1 day in its own rules.
    await setRules("机关第一党支部", { kinds: { theme_day: { noticeDays: 1 }, group_meeting: { noticeDays: 2 } } });
    await setRules("第二党小组", { kinds: { group_meeting: { noticeDays: 1 } } });
    try {
      await sendReminders(sql, now);
      expect(await told("meeting.reminder", `/meetings/${themeDay}`)).toEqual([]);
      expect(await told("meeting.reminder", `/meetings/${group1}`)).toEqual(["刘洋", "张伟"].sort());
      expect(await told("meeting.reminder", `/meetings/${group2}`)).toEqual([]);

      // The next morning, one day ahead: both.
      await sendReminders(sql, new Date(now.getTime() + DAY));
      expect(await told("meeting.reminder", `/meetings/${themeDay}`)).toEqual(["刘洋"]);
      expect(await told("meeting.reminder", `/meetings/${group2}`)).toEqual(["杨帆"]);
    } finally {
      await setRules("机关第一党支部", null);
      await setRules("第二党小组", null);
    }
  });

  it("skips cancelled, planned and started meetings, and people told inside the notice window", async () => {
    const sql = t.sql;
    const soon = new Date(now.getTime() + 5 * HOUR);
    const cancelled = await meeting("机关第一党支部", "party_lecture", "取消的党课", soon, ["刘洋"], {
      status: "cancelled",
    });
    const planned = await meeting("机关第一党支部", "party_lecture", "计划中的党课", soon, ["刘洋"], {
      status: "planned",
    });
    const started = await meeting("机关第一党支部", "party_lecture", "提前开始的党课", soon, ["刘洋"], {
      startedAt: now,
    });
    const past = await meeting("机关第一党支部", "party_lecture", "已开过的党课", new Date(now.getTime() - HOUR), [
      "刘洋",
    ]);
    // Scheduled yesterday for tomorrow: the invitation was the notice. 杨帆 was added before the window.
    const late = await meeting("机关第一党支部", "party_lecture", "临时安排的党课", new Date(now.getTime() + DAY), [
      "刘洋",
      "杨帆",
    ]);
    await sql`insert into notifications (user_id, kind, title, link, created_at) values
      (${user["刘洋"]}, 'meeting.invited', '邀请：党课', ${`/meetings/${late}`}, ${new Date(now.getTime() - DAY)}),
      (${user["杨帆"]}, 'meeting.invited', '邀请：党课', ${`/meetings/${late}`}, ${new Date(now.getTime() - 30 * DAY)})`;

    await sendReminders(sql, now);
    for (const id of [cancelled, planned, started, past])
      expect(await told("meeting.reminder", `/meetings/${id}`)).toEqual([]);
    expect(await told("meeting.reminder", `/meetings/${late}`)).toEqual(["杨帆"]);
  });
});

describe("due meetings", () => {
  // Saturday 22 March 2031, 09:00: nine days left in the quarter and in the month.
  const now = chinaTime(2031, 3, 22, 9, 0);
  const newMeeting = (orgName: string, kind: MeetingKind) => `/orgs/${org[orgName]}/meetings/new?kind=${kind}`;
  /** Who was told that the organisation's kind is due in the period, and the links they got. */
  const dueTold = async (orgName: string, kind: MeetingKind, period: string) => {
    const rows = await t.sql<{ user_id: string; link: string; title: string }[]>`
      select user_id, link, title from notifications
      where kind = 'meeting.due' and dedupe_key = ${`meeting.due:${org[orgName]}:${kind}:${period}`}`;
    return {
      who: rows.map((r) => name[r.user_id]).sort(),
      link: Object.fromEntries(rows.map((r) => [name[r.user_id], r.link])),
      title: rows[0]?.title,
    };
  };

  it("tells the managers once per organisation, kind and period when nothing is scheduled", async () => {
    const sql = t.sql;
    // 第二党支部 held its 支部党员大会 in February; 第一党支部 cancelled one; a 党课 held in the
    // first group counts for its branch; the second group has its March meeting on the calendar.
    await meeting("机关第二党支部", "general_assembly", "二月大会", chinaTime(2031, 2, 10, 14, 30), ["吴刚"]);
    await meeting("机关第一党支部", "general_assembly", "取消的大会", chinaTime(2031, 3, 28, 14, 30), ["刘洋"], {
      status: "cancelled",
    });
    await meeting("第一党小组", "party_lecture", "小组党课", chinaTime(2031, 2, 20, 14, 30), ["刘洋"]);
    await meeting("第二党小组", "group_meeting", "三月学习会", chinaTime(2031, 3, 27, 14, 30), ["杨帆"]);

    // Eleven days before the quarter ends only the quarterly window (21 days) is open.
    await sendReminders(sql, chinaTime(2031, 3, 20, 9, 0));
    const early = await sql<{ key: string }[]>`
      select distinct dedupe_key as key from notifications where kind = 'meeting.due' and dedupe_key like '%:2031-%'`;
    expect(early.map((n) => n.key.replace(/^meeting\.due:[^:]+:/, "")).sort()).toEqual([
      "general_assembly:2031-Q1",
      "party_lecture:2031-Q1",
    ]);

    const run = await sendReminders(sql, now);
    expect(run.due).toBeGreaterThan(0);

    const assembly = await dueTold("机关第一党支部", "general_assembly", "2031-Q1");
    expect(assembly.who).toEqual(["李秀英", "王建国"].sort());
    expect(assembly.link["王建国"]).toBe(newMeeting("机关第一党支部", "general_assembly"));
    expect(assembly.title).toBe("机关第一党支部本季度尚未安排支部党员大会，3月31日前需召开");
    // Monthly kinds too, now that the month has ten days left.
    expect((await dueTold("机关第一党支部", "theme_day", "2031-03")).who).toEqual(["李秀英", "王建国"].sort());
    expect((await dueTold("机关第一党支部", "committee_meeting", "2031-03")).who).toEqual(["李秀英", "王建国"].sort());
    // Held in a group, or scheduled: nobody.
    expect((await dueTold("机关第一党支部", "party_lecture", "2031-Q1")).who).toEqual([]);
    expect((await dueTold("机关第二党支部", "general_assembly", "2031-Q1")).who).toEqual([]);
    expect((await dueTold("机关第二党支部", "party_lecture", "2031-Q1")).who).toEqual(["孙丽"]);
    // Yearly kinds are not due in March.
    expect((await dueTold("机关第一党支部", "life_meeting", "2031")).who).toEqual([]);

    // The first group: its leader (to the group's page: he may not schedule) and the branch's 书记 and
    // 组织委员; the second group's meeting is scheduled.
    const group = await dueTold("第一党小组", "group_meeting", "2031-03");
    expect(group.who).toEqual(["张伟", "李秀英", "王建国"].sort());
    expect(group.link).toEqual({
      张伟: `/orgs/${org["第一党小组"]}`,
      王建国: newMeeting("第一党小组", "group_meeting"),
      李秀英: newMeeting("第一党小组", "group_meeting"),
    });
    expect(group.title).toBe("第一党小组本月尚未安排党小组会，3月31日前需召开");
    expect((await dueTold("第二党小组", "group_meeting", "2031-03")).who).toEqual([]);

    // Plain members: nothing, ever; the 党委's 组织委员 only of the 党委's own meetings, not the branches'.
    const due = await told("meeting.due");
    for (const who of ["刘洋", "陈静", "杨帆", "黄磊", "吴刚"]) expect(due).not.toContain(who);
    expect((await dueTold("机关第一党支部", "general_assembly", "2031-Q1")).who).not.toContain("周志强");
    expect((await dueTold("同心示范单位党委", "party_committee", "2031-03")).who).toEqual(["周志强"]);

    // Again, and on the last day of the period: nothing new.
    expect((await sendReminders(sql, now)).due).toBe(0);
    expect((await sendReminders(sql, chinaTime(2031, 3, 31, 20, 0))).due).toBe(0);
    expect((await dueTold("机关第一党支部", "general_assembly", "2031-Q1")).who).toHaveLength(2);

    // The next quarter's window opens in June and asks again.
    await sendReminders(sql, chinaTime(2031, 6, 20, 9, 0));
    expect((await dueTold("机关第一党支部", "general_assembly", "2031-Q2")).title).toBe(
      "机关第一党支部本季度尚未安排支部党员大会，6月30日前需召开",
    );
  });

  it("shows reminders with their own label on the notifications page and counts them on the bell", async () => {
    const sql = t.sql;
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from notifications where user_id = ${user["张伟"]} and read_at is null`;
    expect(n).toBeGreaterThan(0);
    const home = await (await t.http.get("/", DEMO.LEADER)).text();
    expect(home).toContain(`通知，${n} 条未读`);
    const page = await (await t.http.get("/notifications", DEMO.LEADER)).text();
    expect(page).toContain("会议提醒");
    expect(page).toContain("待安排会议");
    expect(page).toContain("第一党小组本月尚未安排党小组会");
  });
});

describe("the reminder timer", () => {
  it("runs shortly after start when REMINDERS is on, and stops on close", async () => {
    expect(loadConfig({ NODE_ENV: "test", REMINDERS: "off" }).REMINDERS).toBe(false);
    expect(loadConfig({ NODE_ENV: "test" }).REMINDERS).toBe(true);
    const db = await createTestDatabase();
    const config = loadConfig({ ...process.env, ...db.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn" });
    const app = await startTongxin({ config: { ...config, REMINDERS: true }, mode: "production" });
    try {
      const sql = app.db.sql;
      const startsAt = new Date(Date.now() + 2 * HOUR);
      const m = {
        id: await buildMeeting(sql, await demoIds(sql), {
          org: ORGS.B1,
          kind: "theme_day",
          title: "计时器测试",
          start: startsAt,
          minutes: 60,
          location: "活动室",
          createdBy: null,
          host: null,
          attendees: [DEMO.LIU],
        }),
      };
      let found = 0;
      for (let i = 0; i < 60 && found === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        [{ n: found }] = await sql<{ n: number }[]>`
          select count(*)::int as n from notifications where kind = 'meeting.reminder' and link = ${`/meetings/${m.id}`}`;
      }
      expect(found).toBe(1);
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
