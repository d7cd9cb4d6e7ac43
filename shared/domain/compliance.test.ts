import { describe, expect, it } from "vitest";
import { chinaDateKey, chinaTime } from "../time";
import { defaultSettings, resolveSettings } from "./org-settings";
import { periodOf, periodsInYear } from "./periods";
import {
  lapseWarnings,
  lastAttendedLife,
  meetingsWithoutMinutes,
  repeatedAbsences,
  requiredVsHeld,
  type AttendanceRow,
  type ComplianceMeeting,
  type KindCompliance,
  type LapseMember,
} from "./compliance";
import type { MeetingKind } from "./labels";

const cn = chinaTime;
const rules = defaultSettings().kinds;

// ---------------------------------------------------------------------------------------------
// A scripted 2027 for 党支部 "b" with 党小组 "g1" and "g2"; today is 20 November 2027, 10:00.
//   支部党员大会: Feb, May, Aug held; 25 Nov scheduled.
//   支委会: every month to November, but March's was cancelled; nothing yet for December.
//   主题党日: first Friday, January to November; December's only planned (not confirmed).
//   党课: two in Q1, none in Q2, one in Q3, none yet in Q4.
//   组织生活会: 10 Dec scheduled; 民主评议党员: nothing yet.
//   党小组会: g1 every month to November; g2 too, except May.
// ---------------------------------------------------------------------------------------------

const NOW = cn(2027, 11, 20, 10);
let seq = 0;
function meeting(
  kind: MeetingKind,
  startsAt: Date,
  extra: Partial<ComplianceMeeting> = {},
): ComplianceMeeting & { id: string } {
  return { id: `m${++seq}`, kind, orgId: "b", startsAt, status: "scheduled", hasMinutes: true, ...extra };
}

const firstFriday = [1, 5, 5, 2, 7, 4, 2, 6, 3, 1, 5, 3];

const YEAR_2027: ComplianceMeeting[] = [
  meeting("general_assembly", cn(2027, 2, 10, 14, 30)),
  meeting("general_assembly", cn(2027, 5, 10, 14, 30)),
  meeting("general_assembly", cn(2027, 8, 10, 14, 30)),
  meeting("general_assembly", cn(2027, 11, 25, 14, 30)),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((m) =>
    meeting("committee_meeting", cn(2027, m, 2, 9), m === 3 ? { status: "cancelled" } : {}),
  ),
  ...firstFriday.map((d, i) =>
    meeting("theme_day", cn(2027, i + 1, d, 14, 30), i === 11 ? { status: "planned", hasMinutes: false } : {}),
  ),
  meeting("party_lecture", cn(2027, 1, 15, 14, 30)),
  meeting("party_lecture", cn(2027, 3, 16, 14, 30)),
  meeting("party_lecture", cn(2027, 7, 15, 14, 30)),
  meeting("life_meeting", cn(2027, 12, 10, 14, 30), { hasMinutes: false }),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((m) => meeting("group_meeting", cn(2027, m, 8, 14, 30), { orgId: "g1" })),
  ...[1, 2, 3, 4, 6, 7, 8, 9, 10, 11].map((m) => meeting("group_meeting", cn(2027, m, 9, 14, 30), { orgId: "g2" })),
];

function byKind(rows: KindCompliance[]): Record<MeetingKind, KindCompliance> {
  return Object.fromEntries(rows.map((r) => [r.kind, r])) as Record<MeetingKind, KindCompliance>;
}

function report(period: { start: Date; end: Date }, meetings = YEAR_2027, now = NOW) {
  return byKind(requiredVsHeld({ rules, period, meetings, now, groupIds: ["g1", "g2"] }));
}

describe("requiredVsHeld over the scripted 2027", () => {
  const year = periodOf("yearly", cn(2027, 6, 1));

  it("counts the year", () => {
    const r = report(year);
    expect(r.general_assembly).toMatchObject({
      required: 4,
      held: 3,
      scheduled: 1,
      missing: 0,
      overdue: 0,
      nextDue: null,
    });
    expect(r.committee_meeting).toMatchObject({ required: 12, held: 10, scheduled: 0, missing: 2, overdue: 1 });
    expect(chinaDateKey(r.committee_meeting.nextDue!)).toBe("2027-12-31");
    expect(r.theme_day).toMatchObject({ required: 12, held: 11, scheduled: 0, planned: 1, missing: 1, overdue: 0 });
    expect(r.party_lecture).toMatchObject({ required: 4, held: 3, missing: 2, overdue: 1 });
    expect(chinaDateKey(r.party_lecture.nextDue!)).toBe("2027-12-31");
    expect(r.life_meeting).toMatchObject({ required: 1, held: 0, scheduled: 1, missing: 0, nextDue: null });
    expect(r.member_review).toMatchObject({ required: 1, held: 0, scheduled: 0, missing: 1, overdue: 0 });
    expect(chinaDateKey(r.member_review.nextDue!)).toBe("2027-12-31");
  });

  it("requires 党小组会 per group", () => {
    const r = report(year).group_meeting;
    expect(r).toMatchObject({ required: 24, held: 21, missing: 3, overdue: 1 });
    expect(r.groups).toEqual([
      expect.objectContaining({ orgId: "g1", required: 12, held: 11, missing: 1, overdue: 0 }),
      expect.objectContaining({ orgId: "g2", required: 12, held: 10, missing: 2, overdue: 1 }),
    ]);
    // without groups, none are required
    const none = byKind(requiredVsHeld({ rules, period: year, meetings: YEAR_2027, now: NOW }));
    expect(none.group_meeting).toMatchObject({ required: 0, held: 21, missing: 0, groups: [] });
  });

  it("counts each quarter", () => {
    const [q1, q2, q3, q4] = periodsInYear("quarterly", 2027).map((p) => report(p));
    expect(q1.general_assembly).toMatchObject({ required: 1, held: 1, missing: 0 });
    expect(q1.theme_day).toMatchObject({ required: 3, held: 3, missing: 0 });
    expect(q1.committee_meeting).toMatchObject({ required: 3, held: 2, missing: 1, overdue: 1, nextDue: null });
    expect(q1.party_lecture).toMatchObject({ required: 1, held: 2, missing: 0 });
    // the yearly meetings fall due in the fourth quarter only
    for (const q of [q1, q2, q3]) {
      expect(q.life_meeting.required).toBe(0);
      expect(q.member_review.required).toBe(0);
    }
    expect(q2.party_lecture).toMatchObject({ required: 1, held: 0, missing: 1, overdue: 1 });
    expect(q2.group_meeting).toMatchObject({ required: 6, held: 5, missing: 1, overdue: 1 });
    expect(q3.party_lecture).toMatchObject({ required: 1, held: 1, missing: 0 });
    expect(q4.general_assembly).toMatchObject({ required: 1, held: 0, scheduled: 1, missing: 0 });
    expect(q4.theme_day).toMatchObject({ required: 3, held: 2, planned: 1, missing: 1 });
    expect(q4.life_meeting).toMatchObject({ required: 1, scheduled: 1, missing: 0 });
    expect(q4.member_review).toMatchObject({ required: 1, missing: 1 });
  });

  it("counts a month against the quarter it closes", () => {
    const march = report(periodOf("monthly", cn(2027, 3, 1)));
    // the Q1 大会 falls due in March and February's counts for it
    expect(march.general_assembly).toMatchObject({ required: 1, held: 0, missing: 0 });
    expect(march.committee_meeting).toMatchObject({ required: 1, held: 0, missing: 1, overdue: 1 });
    const feb = report(periodOf("monthly", cn(2027, 2, 1)));
    expect(feb.general_assembly).toMatchObject({ required: 0, held: 1 });
  });

  it("gives next due dates from the start of a year still ahead", () => {
    const y2028 = report(periodOf("yearly", cn(2028, 1, 1)));
    expect(y2028.general_assembly).toMatchObject({ required: 4, held: 0, missing: 4, overdue: 0 });
    expect(chinaDateKey(y2028.general_assembly.nextDue!)).toBe("2028-03-31");
    expect(chinaDateKey(y2028.committee_meeting.nextDue!)).toBe("2028-01-31");
    expect(chinaDateKey(y2028.life_meeting.nextDue!)).toBe("2028-12-31");
  });

  it("cancelled and planned meetings are not held", () => {
    const q1 = periodsInYear("quarterly", 2027)[0];
    const r = report(
      q1,
      [
        meeting("general_assembly", cn(2027, 2, 10, 14, 30), { status: "cancelled" }),
        meeting("general_assembly", cn(2027, 3, 10, 14, 30), { status: "planned" }),
      ],
      cn(2027, 4, 2),
    );
    expect(r.general_assembly).toMatchObject({
      required: 1,
      held: 0,
      scheduled: 0,
      planned: 1,
      missing: 1,
      overdue: 1,
    });
  });
});

describe("requiredVsHeld at period boundaries (China time)", () => {
  it("puts a meeting at 01:00 on 1 April in the second quarter", () => {
    const apr1 = meeting("general_assembly", new Date("2027-03-31T17:00:00Z"));
    const [q1, q2] = periodsInYear("quarterly", 2027);
    const now = cn(2027, 7, 1);
    expect(report(q1, [apr1], now).general_assembly).toMatchObject({ held: 0, missing: 1 });
    expect(report(q2, [apr1], now).general_assembly).toMatchObject({ held: 1, missing: 0 });
  });

  it("splits the year end at Beijing midnight", () => {
    const nye = meeting("committee_meeting", cn(2027, 12, 31, 20)); // 12:00Z
    const newYear = meeting("committee_meeting", cn(2028, 1, 1, 0, 30)); // 2027-12-31T16:30Z
    const now = cn(2028, 2, 1);
    const dec = report(periodOf("monthly", cn(2027, 12, 1)), [nye, newYear], now);
    const jan = report(periodOf("monthly", cn(2028, 1, 1)), [nye, newYear], now);
    expect(dec.committee_meeting).toMatchObject({ required: 1, held: 1, missing: 0 });
    expect(jan.committee_meeting).toMatchObject({ required: 1, held: 1, missing: 0 });
  });

  it("counts 29 February 2028 in February and the first quarter", () => {
    const leap = meeting("theme_day", cn(2028, 2, 29, 14, 30));
    const now = cn(2028, 3, 15);
    const feb = report(periodOf("monthly", cn(2028, 2, 29)), [leap], now);
    expect(feb.theme_day).toMatchObject({ required: 1, held: 1, missing: 0 });
    const q1 = report(periodOf("quarterly", cn(2028, 2, 29)), [leap], now);
    expect(q1.theme_day).toMatchObject({ required: 3, held: 1, missing: 2, overdue: 1 });
    expect(chinaDateKey(q1.theme_day.nextDue!)).toBe("2028-03-31");
  });

  it("follows local cadences", () => {
    const monthlyLectures = resolveSettings({
      kinds: { party_lecture: { cadence: "monthly" }, theme_day: { cadence: "none" } },
    });
    const r = byKind(
      requiredVsHeld({
        rules: monthlyLectures.kinds,
        period: periodOf("yearly", cn(2027, 1, 1)),
        meetings: YEAR_2027,
        now: NOW,
      }),
    );
    expect(r.party_lecture).toMatchObject({ required: 12, held: 3 });
    expect(r.theme_day).toMatchObject({ required: 0, missing: 0, nextDue: null });
  });
});

describe("requiredVsHeld from the tracking start", () => {
  const rules = defaultSettings().kinds;
  const year = periodOf("yearly", cn(2027, 1, 1));
  const now = cn(2027, 12, 20);

  it("owes only the periods that begin on or after it; a meeting before it still counts as held", () => {
    const early = meeting("committee_meeting", cn(2027, 9, 10, 14, 30));
    const r = byKind(requiredVsHeld({ rules, period: year, meetings: [early], now, trackingStart: cn(2027, 10, 1) }));
    // October to December: three 支委会 owed, none held in them; the September one is held all the same.
    expect(r.committee_meeting).toMatchObject({ required: 3, held: 1, missing: 3, overdue: 2 });
    // The fourth quarter began on the tracking start: one 大会 owed; the year began before it: no 组织生活会.
    expect(r.general_assembly).toMatchObject({ required: 1, overdue: 0, missing: 1 });
    expect(r.life_meeting).toMatchObject({ required: 0, missing: 0 });
  });

  it("owes nothing for a period already running when tracking started", () => {
    const r = byKind(requiredVsHeld({ rules, period: year, meetings: [], now, trackingStart: cn(2027, 12, 7) }));
    for (const k of Object.values(r)) expect(k).toMatchObject({ required: 0, overdue: 0 });
  });

  it("counts only the kinds given (a 党委's own)", () => {
    const committee = defaultSettings("committee").kinds;
    const kinds = requiredVsHeld({
      rules: committee,
      period: year,
      meetings: [],
      now,
      kinds: ["party_committee", "central_study", "party_lecture"],
    });
    expect(kinds.map((k) => [k.kind, k.required])).toEqual([
      ["party_committee", 12],
      ["central_study", 6],
      ["party_lecture", 1],
    ]);
  });
});

describe("meetingsWithoutMinutes", () => {
  const m10 = meeting("committee_meeting", cn(2027, 11, 10, 14, 30), { hasMinutes: false });
  const m13 = meeting("group_meeting", cn(2027, 11, 13, 14, 30), { hasMinutes: false });
  const m15 = meeting("party_lecture", cn(2027, 11, 15, 14, 30), { hasMinutes: false });
  const done = meeting("theme_day", cn(2027, 11, 5, 14, 30), { hasMinutes: true });
  const future = meeting("general_assembly", cn(2027, 11, 25, 14, 30), { hasMinutes: false });
  const cancelled = meeting("general_assembly", cn(2027, 11, 3, 14, 30), { hasMinutes: false, status: "cancelled" });
  const planned = meeting("general_assembly", cn(2027, 11, 4, 14, 30), { hasMinutes: false, status: "planned" });
  const all = [m15, future, done, m13, cancelled, m10, planned];

  it("lists held meetings without minutes, oldest first, with their due day", () => {
    const r = meetingsWithoutMinutes(all, NOW, 7);
    expect(r.map((x) => x.meeting.id)).toEqual([m10.id, m13.id, m15.id]);
    expect(r.map((x) => chinaDateKey(x.dueOn))).toEqual(["2027-11-17", "2027-11-20", "2027-11-22"]);
    expect(r.map((x) => x.overdue)).toEqual([true, false, false]);
  });

  it("is overdue from the day after the due day", () => {
    const [, on13] = meetingsWithoutMinutes(all, cn(2027, 11, 20, 23, 59), 7);
    expect(on13.overdue).toBe(false);
    const [, after] = meetingsWithoutMinutes(all, cn(2027, 11, 21, 0, 0), 7);
    expect(after.overdue).toBe(true);
    expect(meetingsWithoutMinutes(all, NOW, 3).filter((x) => x.overdue)).toHaveLength(3);
    expect(meetingsWithoutMinutes(all, NOW, 5).filter((x) => x.overdue)).toHaveLength(2);
  });
});

describe("repeatedAbsences", () => {
  const row = (userId: string, name: string, meetingId: string, day: number, status: AttendanceRow["status"]) => ({
    userId,
    name,
    meetingId,
    startsAt: cn(2027, 3, day, 14, 30),
    status,
  });
  const rows: AttendanceRow[] = [
    // 张伟: four absences
    row("u-zhang", "张伟", "a", 5, "absent"),
    row("u-zhang", "张伟", "b", 12, "absent"),
    row("u-zhang", "张伟", "c", 19, "absent"),
    row("u-zhang", "张伟", "d", 26, "absent"),
    // 王芳: exactly three, given out of order
    row("u-wang", "王芳", "c", 19, "absent"),
    row("u-wang", "王芳", "a", 5, "absent"),
    row("u-wang", "王芳", "b", 12, "absent"),
    // 李明: two absences and two approved leaves
    row("u-li", "李明", "a", 5, "absent"),
    row("u-li", "李明", "b", 12, "leave"),
    row("u-li", "李明", "c", 19, "leave"),
    row("u-li", "李明", "d", 26, "absent"),
    // 陈静: two absences, one row repeated
    row("u-chen", "陈静", "a", 5, "absent"),
    row("u-chen", "陈静", "a", 5, "absent"),
    row("u-chen", "陈静", "b", 12, "absent"),
    // 赵强: late, left early, present
    row("u-zhao", "赵强", "a", 5, "late"),
    row("u-zhao", "赵强", "b", 12, "left_early"),
    row("u-zhao", "赵强", "c", 19, "present"),
  ];

  it("lists members at the threshold, not one below, leave not counting; by name, not by count", () => {
    const r = repeatedAbsences(rows, 3);
    expect(r.map((a) => a.name)).toEqual(["王芳", "张伟"]); // wáng before zhāng
    const wang = r[0];
    expect(wang).toMatchObject({ userId: "u-wang", count: 3, meetingIds: ["a", "b", "c"] });
    expect(wang.dates.map(chinaDateKey)).toEqual(["2027-03-05", "2027-03-12", "2027-03-19"]);
    expect(r[1].count).toBe(4);
    expect(Object.keys(wang).sort()).toEqual(["count", "dates", "meetingIds", "name", "userId"]);
  });

  it("follows the threshold", () => {
    expect(repeatedAbsences(rows, 2).map((a) => a.userId)).toEqual(["u-chen", "u-li", "u-wang", "u-zhang"]);
    expect(repeatedAbsences(rows, 4).map((a) => a.userId)).toEqual(["u-zhang"]);
    expect(repeatedAbsences(rows, 5)).toEqual([]);
    expect(repeatedAbsences([], 3)).toEqual([]);
  });

  it("orders by id when names are not given", () => {
    const noNames = rows.map(({ name: _name, ...r }) => r);
    expect(repeatedAbsences(noNames, 2).map((a) => a.userId)).toEqual(["u-chen", "u-li", "u-wang", "u-zhang"]);
  });
});

describe("lapse warnings", () => {
  // Attendance in two organisations: branch "b" and, for the 书记 u-dual who has 双重组织生活, group "g1"
  const att = (userId: string, orgId: string, startsAt: Date, status: AttendanceRow["status"]) => ({
    userId,
    orgId,
    meetingId: `${orgId}-${startsAt.getTime()}`,
    startsAt,
    status,
  });
  const attendance = [
    att("u-dual", "b", cn(2027, 4, 2, 14, 30), "present"),
    att("u-dual", "b", cn(2027, 10, 8, 14, 30), "absent"),
    att("u-dual", "g1", cn(2027, 10, 12, 14, 30), "present"),
    att("u-jul1", "b", cn(2027, 7, 1, 14, 30), "late"),
    att("u-120", "b", new Date("2027-07-22T16:30:00Z"), "present"), // 23 July 00:30 in Beijing
    att("u-119", "b", cn(2027, 7, 24, 14, 30), "left_early"),
    att("u-lapsed", "b", cn(2027, 5, 10, 14, 30), "present"),
    att("u-leave", "b", cn(2027, 6, 1, 14, 30), "present"),
    att("u-leave", "b", cn(2027, 10, 8, 14, 30), "leave"),
    att("u-leave", "b", cn(2027, 11, 5, 14, 30), "absent"),
    att("u-future", "b", cn(2027, 12, 3, 14, 30), "present"),
  ];
  const members: LapseMember[] = [
    { userId: "u-dual", name: "周书记", orgIds: ["b", "g1"] },
    { userId: "u-jul1", name: "孙一", orgIds: ["b"] },
    { userId: "u-120", name: "钱二", orgIds: ["b"] },
    { userId: "u-119", name: "吴三", orgIds: ["b"] },
    { userId: "u-lapsed", name: "郑四", orgIds: ["b"] },
    { userId: "u-leave", name: "冯五", orgIds: ["b"] },
    { userId: "u-future", name: "陈六", orgIds: ["b"], since: cn(2027, 3, 1) },
    { userId: "u-new", name: "褚七", orgIds: ["b"], since: cn(2027, 9, 1) },
    { userId: "u-old", name: "卫八", orgIds: ["b"], since: cn(2027, 5, 1) },
    { userId: "u-unknown", name: "蒋九", orgIds: ["b"] },
  ];

  it("takes the last attended organisational life from any organisation", () => {
    const last = lastAttendedLife(attendance, NOW);
    expect(chinaDateKey(last.get("u-dual")!)).toBe("2027-10-12");
    expect(chinaDateKey(last.get("u-leave")!)).toBe("2027-06-01"); // leave and absence do not count
    expect(chinaDateKey(last.get("u-jul1")!)).toBe("2027-07-01"); // late counts
    expect(last.has("u-future")).toBe(false); // a meeting after now
    expect(last.has("u-new")).toBe(false);
  });

  it("warns well before six months, counting attendance in either organisation", () => {
    const w = lapseWarnings({ members, lastLife: lastAttendedLife(attendance, NOW), now: NOW, warnAfterDays: 120 });
    const ids = w.map((x) => x.userId);
    expect(ids).not.toContain("u-dual");
    expect(ids).not.toContain("u-119");
    expect(ids).not.toContain("u-new");
    // unknown first, then by the day six months are up
    expect(ids).toEqual(["u-unknown", "u-future", "u-old", "u-lapsed", "u-leave", "u-jul1", "u-120"]);

    const get = (id: string) => w.find((x) => x.userId === id)!;
    expect(get("u-120")).toMatchObject({ daysSince: 120, lapsed: false });
    expect(chinaDateKey(get("u-120").lapsesOn!)).toBe("2028-01-23");
    expect(get("u-jul1")).toMatchObject({ daysSince: 142, lapsed: false });
    expect(chinaDateKey(get("u-jul1").lapsesOn!)).toBe("2028-01-01");
    expect(get("u-lapsed")).toMatchObject({ lapsed: true });
    expect(chinaDateKey(get("u-lapsed").lapsesOn!)).toBe("2027-11-10");
    expect(get("u-old")).toMatchObject({ lastLife: null, lapsed: true, daysSince: 203 });
    expect(get("u-unknown")).toMatchObject({ lastLife: null, countedFrom: null, daysSince: null, lapsesOn: null });
    expect(get("u-future")).toMatchObject({ lastLife: null, daysSince: 264 });
    expect(Object.keys(get("u-120")).sort()).toEqual(
      ["countedFrom", "daysSince", "lapsed", "lapsesOn", "lastLife", "name", "orgIds", "userId"].sort(),
    );
  });

  it("warns the member in two organisations when neither has seen them", () => {
    const onlyBranch = attendance.filter((a) => !(a.userId === "u-dual" && a.orgId === "g1"));
    const w = lapseWarnings({ members, lastLife: lastAttendedLife(onlyBranch, NOW), now: NOW, warnAfterDays: 120 });
    expect(w.find((x) => x.userId === "u-dual")).toMatchObject({ orgIds: ["b", "g1"], daysSince: 232, lapsed: true });
  });

  it("counts six months across a year end and a leap day", () => {
    const member = { userId: "u", name: "甲", orgIds: ["b"] };
    const lastLife = new Map([["u", cn(2027, 8, 31, 14, 30)]]);
    const before = lapseWarnings({ members: [member], lastLife, now: cn(2028, 2, 28, 23), warnAfterDays: 120 });
    expect(before[0]).toMatchObject({ lapsed: false, daysSince: 181 });
    expect(chinaDateKey(before[0].lapsesOn!)).toBe("2028-02-29");
    const on = lapseWarnings({ members: [member], lastLife, now: cn(2028, 2, 29), warnAfterDays: 120 });
    expect(on[0].lapsed).toBe(true);
    // not yet warned at 119 days
    expect(lapseWarnings({ members: [member], lastLife, now: cn(2027, 12, 28), warnAfterDays: 120 })).toEqual([]);
    expect(lapseWarnings({ members: [member], lastLife, now: cn(2027, 12, 29), warnAfterDays: 120 })).toHaveLength(1);
  });
});
