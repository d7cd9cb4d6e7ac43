import { describe, expect, it } from "vitest";
import {
  BranchSettingsSchema,
  DEFAULT_BRANCH_SETTINGS,
  DEFAULT_RULES,
  addMonthsClamped,
  chinaDateKey,
  chinaParts,
  chinaTime,
  daysBetween,
  defaultHolidays,
  defaultSettings,
  fixedDayInMonth,
  isLeapYear,
  nthWeekdayOfMonth,
  periodLabel,
  periodOf,
  periodsBetween,
  periodsInYear,
  proposeAnnualPlan,
  resolveSettings,
  settingsOverrides,
  type NthWeekday,
  type PeriodCadence,
  type PlannedMeeting,
  type Weekday,
} from "./cadence";
import { MEETING_KINDS, type MeetingKind } from "./labels";

const cn = chinaTime;
const DAY = 24 * 3600_000;

function countByKind(plan: PlannedMeeting[]): Record<MeetingKind, number> {
  const c = Object.fromEntries(MEETING_KINDS.map((k) => [k, 0])) as Record<MeetingKind, number>;
  for (const m of plan) c[m.kind]++;
  return c;
}

describe("default rules", () => {
  it("follow the 条例 and domain notes", () => {
    expect(DEFAULT_RULES.general_assembly).toMatchObject({ cadence: "quarterly", attendees: "members" });
    expect(DEFAULT_RULES.committee_meeting).toMatchObject({ cadence: "monthly", attendees: "committee" });
    expect(DEFAULT_RULES.group_meeting).toMatchObject({ cadence: "monthly", attendees: "group", noticeDays: 1 });
    expect(DEFAULT_RULES.party_lecture).toMatchObject({ cadence: "quarterly", inviteActivists: true });
    expect(DEFAULT_RULES.theme_day).toMatchObject({
      cadence: "monthly",
      fixedDay: { weekday: 5, nth: 1 },
      attendanceThreshold: 0.85,
    });
    expect(DEFAULT_RULES.life_meeting).toMatchObject({ cadence: "yearly", noticeDays: 10 });
    expect(DEFAULT_RULES.member_review).toMatchObject({ cadence: "yearly" });
    for (const k of MEETING_KINDS) {
      if (k !== "party_lecture") expect(DEFAULT_RULES[k].inviteActivists).toBe(false);
      if (k !== "life_meeting") expect(DEFAULT_RULES[k].noticeDays).toBeGreaterThanOrEqual(1);
      if (k !== "life_meeting" && k !== "party_congress") expect(DEFAULT_RULES[k].noticeDays).toBeLessThanOrEqual(3);
      expect(DEFAULT_RULES[k].attendanceThreshold).toBeGreaterThan(0);
      expect(DEFAULT_RULES[k].attendanceThreshold).toBeLessThanOrEqual(1);
    }
    expect(DEFAULT_BRANCH_SETTINGS).toEqual({
      absenceAlertCount: 3,
      lapseWarningDays: 120,
      minutesDueDays: 7,
      reflectionVisibility: "committee",
      reviewExcellentPercent: 30,
    });
  });
});

describe("resolveSettings", () => {
  it("gives the defaults for an empty object and for junk, never throwing", () => {
    const defaults = defaultSettings();
    for (const junk of [{}, null, undefined, "x", 42, [], [1, 2], { kinds: "x" }, { kinds: [] }, { kinds: null }]) {
      expect(resolveSettings(junk)).toEqual(defaults);
    }
    const hostile = {
      get kinds(): unknown {
        throw new Error("boom");
      },
    };
    expect(resolveSettings(hostile)).toEqual(defaults);
  });

  it("merges valid overrides field by field and ignores invalid ones", () => {
    const s = resolveSettings({
      absenceAlertCount: 2,
      lapseWarningDays: "ninety",
      minutesDueDays: 3.5,
      unknownThing: true,
      kinds: {
        theme_day: { fixedDay: { dayOfMonth: 15 }, attendanceThreshold: 0.9 },
        party_lecture: { cadence: "monthly", noticeDays: -1 },
        general_assembly: { cadence: "yearly", noticeDays: 5 }, // less often than the 条例 allows
        committee_meeting: { cadence: "bogus", attendanceThreshold: 1.5 },
        group_meeting: "junk",
        life_meeting: { fixedDay: { dayOfMonth: 31 }, noticeDays: 14 },
        not_a_kind: { cadence: "monthly" },
      },
    });
    expect(s.absenceAlertCount).toBe(2);
    expect(s.lapseWarningDays).toBe(120);
    expect(s.minutesDueDays).toBe(7);
    expect(s.kinds.theme_day).toMatchObject({
      fixedDay: { dayOfMonth: 15 },
      attendanceThreshold: 0.9,
      cadence: "monthly",
    });
    expect(s.kinds.party_lecture).toMatchObject({ cadence: "monthly", noticeDays: 3 });
    expect(s.kinds.general_assembly).toMatchObject({ cadence: "quarterly", noticeDays: 5 });
    expect(s.kinds.committee_meeting).toEqual(DEFAULT_RULES.committee_meeting);
    expect(s.kinds.group_meeting).toEqual(DEFAULT_RULES.group_meeting);
    expect(s.kinds.life_meeting.fixedDay).toBeUndefined();
    expect(s.kinds.life_meeting.noticeDays).toBe(14);
    expect(s).not.toHaveProperty("unknownThing");
    expect(s.kinds).not.toHaveProperty("not_a_kind");
  });

  it("removes a default fixed day with null, and never changes the defaults", () => {
    const s = resolveSettings({ kinds: { theme_day: { fixedDay: null } } });
    expect(s.kinds.theme_day.fixedDay).toBeUndefined();
    expect(DEFAULT_RULES.theme_day.fixedDay).toEqual({ weekday: 5, nth: 1 });
    s.kinds.general_assembly.noticeDays = 99;
    expect(DEFAULT_RULES.general_assembly.noticeDays).toBe(3);
    expect(resolveSettings({}).kinds.general_assembly.noticeDays).toBe(3);
  });

  it("round-trips through settingsOverrides, which stores only the differences", () => {
    expect(settingsOverrides(defaultSettings())).toEqual({});
    const stored = {
      absenceAlertCount: 4,
      kinds: {
        theme_day: { fixedDay: null },
        party_lecture: { cadence: "monthly" as const },
        group_meeting: { fixedDay: { weekday: 3 as const, nth: -1 as const } },
      },
    };
    const s = resolveSettings(stored);
    expect(settingsOverrides(s)).toEqual(stored);
    expect(resolveSettings(settingsOverrides(s))).toEqual(s);
  });
});

describe("BranchSettingsSchema", () => {
  it("accepts partial overrides and drops unknown keys", () => {
    const r = BranchSettingsSchema.safeParse({
      kinds: { theme_day: { fixedDay: { weekday: 3, nth: -1 } } },
      minutesDueDays: 5,
      extra: 1,
    });
    expect(r.success).toBe(true);
    expect(r.data).toEqual({ kinds: { theme_day: { fixedDay: { weekday: 3, nth: -1 } } }, minutesDueDays: 5 });
    expect(BranchSettingsSchema.safeParse({}).success).toBe(true);
  });

  it("explains errors in Chinese", () => {
    const messages = (v: unknown) => {
      const r = BranchSettingsSchema.safeParse(v);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => i.message).join(" | ");
    };
    expect(messages({ kinds: { general_assembly: { cadence: "yearly" } } })).toContain(
      "支部党员大会至少应每季度召开一次",
    );
    expect(messages({ kinds: { committee_meeting: { cadence: "quarterly" } } })).toContain("支委会至少应每月召开一次");
    expect(messages({ lapseWarningDays: 200 })).toContain("六个月");
    expect(messages({ kinds: { theme_day: { attendanceThreshold: 85 } } })).toContain("出席率");
    expect(messages({ kinds: { theme_day: { fixedDay: { dayOfMonth: 30 } } } })).toMatch(/固定活动日|28/);
    expect(messages({ absenceAlertCount: 0 })).toContain("缺席提醒次数");
    expect(messages({ kinds: { life_meeting: { noticeDays: 2.5 } } })).toContain("提前通知天数");
  });

  it("lets the 党课 and 主题党日 cadence be set locally", () => {
    expect(BranchSettingsSchema.safeParse({ kinds: { party_lecture: { cadence: "half_yearly" } } }).success).toBe(true);
    expect(BranchSettingsSchema.safeParse({ kinds: { party_lecture: { cadence: "none" } } }).success).toBe(false);
    expect(BranchSettingsSchema.safeParse({ kinds: { theme_day: { cadence: "none" } } }).success).toBe(true);
  });
});

describe("China-time calendar", () => {
  it("puts local midnight eight hours before UTC midnight", () => {
    expect(cn(2027, 1, 1).toISOString()).toBe("2026-12-31T16:00:00.000Z");
    expect(cn(2027, 1, 1, 14, 30).toISOString()).toBe("2027-01-01T06:30:00.000Z");
    expect(chinaDateKey(new Date("2026-12-31T16:30:00Z"))).toBe("2027-01-01");
    expect(chinaDateKey(new Date("2026-12-31T15:59:59Z"))).toBe("2026-12-31");
    expect(chinaParts(new Date("2028-02-28T16:00:00Z"))).toMatchObject({ year: 2028, month: 2, day: 29, weekday: 2 });
  });

  it("knows leap years", () => {
    expect([2027, 2028, 2100, 2000].map(isLeapYear)).toEqual([false, true, false, true]);
    expect(daysBetween(cn(2028, 2, 28), cn(2028, 3, 1))).toBe(2);
    expect(daysBetween(cn(2027, 2, 28), cn(2027, 3, 1))).toBe(1);
    expect(daysBetween(cn(2027, 12, 31, 23, 59), cn(2028, 1, 1, 0, 1))).toBe(1);
  });

  it("adds months clamped to the end of a shorter month", () => {
    expect(chinaDateKey(addMonthsClamped(cn(2027, 8, 31, 15), 6))).toBe("2028-02-29");
    expect(chinaDateKey(addMonthsClamped(cn(2026, 8, 31), 6))).toBe("2027-02-28");
    expect(chinaDateKey(addMonthsClamped(cn(2027, 9, 30), 6))).toBe("2028-03-30");
    expect(chinaDateKey(addMonthsClamped(cn(2027, 12, 15), 6))).toBe("2028-06-15");
    expect(addMonthsClamped(cn(2027, 7, 1, 14, 30), 6).getTime()).toBe(cn(2028, 1, 1).getTime());
  });
});

describe("periods", () => {
  it("finds the period of an instant by its China-time date", () => {
    // 2027-01-01 00:30 in Beijing is still 2026 in UTC
    const newYear = new Date("2026-12-31T16:30:00Z");
    expect(periodOf("monthly", newYear).key).toBe("2027-01");
    expect(periodOf("quarterly", newYear).key).toBe("2027-Q1");
    expect(periodOf("half_yearly", newYear).key).toBe("2027-H1");
    expect(periodOf("yearly", newYear).key).toBe("2027");
    const lastMinute = new Date("2027-12-31T15:59:00Z");
    expect(periodOf("monthly", lastMinute).key).toBe("2027-12");
    expect(periodOf("quarterly", lastMinute).key).toBe("2027-Q4");
    expect(periodOf("half_yearly", lastMinute).key).toBe("2027-H2");

    const q1 = periodOf("quarterly", cn(2027, 2, 14));
    expect(q1.start.toISOString()).toBe("2026-12-31T16:00:00.000Z");
    expect(q1.end.toISOString()).toBe("2027-03-31T16:00:00.000Z");
    const q4 = periodOf("quarterly", cn(2027, 11, 2));
    expect(q4.end.getTime()).toBe(cn(2028, 1, 1).getTime());
    expect(periodOf("monthly", cn(2027, 12, 5)).end.getTime()).toBe(cn(2028, 1, 1).getTime());
  });

  it("handles February and leap years", () => {
    const feb28 = periodOf("monthly", cn(2028, 2, 29, 23, 59));
    expect(feb28.key).toBe("2028-02");
    expect((feb28.end.getTime() - feb28.start.getTime()) / DAY).toBe(29);
    const feb27 = periodOf("monthly", cn(2027, 2, 28));
    expect((feb27.end.getTime() - feb27.start.getTime()) / DAY).toBe(28);
    expect(periodOf("monthly", cn(2028, 3, 1)).key).toBe("2028-03");
    const h1 = (y: number) => periodOf("half_yearly", cn(y, 3, 1));
    expect((h1(2027).end.getTime() - h1(2027).start.getTime()) / DAY).toBe(181);
    expect((h1(2028).end.getTime() - h1(2028).start.getTime()) / DAY).toBe(182);
    const y28 = periodOf("yearly", cn(2028, 7, 1));
    expect((y28.end.getTime() - y28.start.getTime()) / DAY).toBe(366);
    expect(periodOf("quarterly", cn(2028, 2, 29)).key).toBe("2028-Q1");
  });

  it("lists a year's periods, contiguous from 1 January to the next", () => {
    const counts: Record<PeriodCadence, number> = {
      monthly: 12,
      bimonthly: 6,
      quarterly: 4,
      half_yearly: 2,
      yearly: 1,
    };
    for (const year of [2027, 2028]) {
      for (const [cadence, n] of Object.entries(counts) as [PeriodCadence, number][]) {
        const ps = periodsInYear(cadence, year);
        expect(ps).toHaveLength(n);
        expect(ps[0].start.getTime()).toBe(cn(year, 1, 1).getTime());
        expect(ps[n - 1].end.getTime()).toBe(cn(year + 1, 1, 1).getTime());
        for (let i = 1; i < n; i++) expect(ps[i].start.getTime()).toBe(ps[i - 1].end.getTime());
      }
    }
    expect(periodsInYear("quarterly", 2027).map((p) => p.key)).toEqual(["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]);
    expect(periodsInYear("half_yearly", 2028).map((p) => p.key)).toEqual(["2028-H1", "2028-H2"]);
    expect(periodsInYear("monthly", 2028)[1].key).toBe("2028-02");
    expect(periodsInYear("none", 2027)).toEqual([]);
  });

  it("lists periods across a year end", () => {
    const from = cn(2027, 11, 15);
    const to = cn(2028, 2, 15);
    expect(periodsBetween("quarterly", from, to).map((p) => p.key)).toEqual(["2027-Q4", "2028-Q1"]);
    expect(periodsBetween("monthly", from, to).map((p) => p.key)).toEqual(["2027-11", "2027-12", "2028-01", "2028-02"]);
    expect(periodsBetween("yearly", from, to).map((p) => p.key)).toEqual(["2027", "2028"]);
    expect(periodsBetween("monthly", to, from)).toEqual([]);
    expect(periodsBetween("none", from, to)).toEqual([]);
  });

  it("labels periods in Chinese", () => {
    expect(periodLabel(periodOf("monthly", cn(2027, 3, 1)))).toBe("2027年3月");
    expect(periodLabel(periodOf("quarterly", cn(2027, 3, 1)))).toBe("2027年第一季度");
    expect(periodLabel(periodOf("quarterly", cn(2027, 12, 1)))).toBe("2027年第四季度");
    expect(periodLabel(periodOf("half_yearly", cn(2027, 9, 1)))).toBe("2027年下半年");
    expect(periodLabel(periodOf("yearly", cn(2027, 9, 1)))).toBe("2027年度");
  });
});

describe("nthWeekdayOfMonth", () => {
  it("finds first, nth and last weekdays", () => {
    expect(chinaDateKey(nthWeekdayOfMonth(2027, 1, 5, 1))).toBe("2027-01-01"); // a Friday
    expect(chinaDateKey(nthWeekdayOfMonth(2027, 1, 4, 1))).toBe("2027-01-07");
    expect(chinaDateKey(nthWeekdayOfMonth(2027, 2, 5, -1))).toBe("2027-02-26");
    expect(chinaDateKey(nthWeekdayOfMonth(2028, 2, 2, -1))).toBe("2028-02-29"); // leap day is a Tuesday
    expect(chinaDateKey(nthWeekdayOfMonth(2027, 12, 0, -1))).toBe("2027-12-26");
    expect(chinaDateKey(nthWeekdayOfMonth(2027, 12, 5, -1))).toBe("2027-12-31");
    expect(chinaDateKey(nthWeekdayOfMonth(2028, 2, 2, 4))).toBe("2028-02-22");
    expect(nthWeekdayOfMonth(2027, 3, 1, 1).getTime()).toBe(cn(2027, 3, 1).getTime());
  });

  it("agrees with counting day by day for every month of 2027 and 2028", () => {
    for (const year of [2027, 2028]) {
      for (let month = 1; month <= 12; month++) {
        for (let weekday = 0 as Weekday; weekday <= 6; weekday++) {
          const days: string[] = [];
          for (let d = cn(year, month, 1); chinaParts(d).month === month; d = new Date(d.getTime() + DAY)) {
            if (chinaParts(d).weekday === weekday) days.push(chinaDateKey(d));
          }
          for (const nth of [1, 2, 3, 4] as NthWeekday[]) {
            expect(chinaDateKey(nthWeekdayOfMonth(year, month, weekday as Weekday, nth))).toBe(days[nth - 1]);
          }
          expect(chinaDateKey(nthWeekdayOfMonth(year, month, weekday as Weekday, -1))).toBe(days[days.length - 1]);
        }
      }
    }
  });

  it("gives a fixed day of month", () => {
    expect(chinaDateKey(fixedDayInMonth(2028, 2, { dayOfMonth: 28 }))).toBe("2028-02-28");
    expect(chinaDateKey(fixedDayInMonth(2027, 9, { weekday: 5, nth: 1 }))).toBe("2027-09-03");
  });
});

describe("proposeAnnualPlan", () => {
  const groups = [
    { id: "g1", name: "第一党小组" },
    { id: "g2", name: "机关二组" },
  ];

  function expectNoOverlap(plan: PlannedMeeting[]) {
    const sorted = [...plan].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i].startsAt.getTime(), `${sorted[i - 1].title} / ${sorted[i].title}`).toBeGreaterThanOrEqual(
        sorted[i - 1].endsAt.getTime(),
      );
    }
    const slots = plan.map((m) => `${chinaDateKey(m.startsAt)} ${chinaParts(m.startsAt).hour < 12 ? "am" : "pm"}`);
    expect(new Set(slots).size).toBe(plan.length);
  }

  function expectWeekdaysUnlessFixed(plan: PlannedMeeting[], holidays: string[]) {
    for (const m of plan) {
      const { weekday } = chinaParts(m.startsAt);
      if (!m.byFixedDay) expect([0, 6], m.title).not.toContain(weekday);
      expect(holidays, m.title).not.toContain(chinaDateKey(m.startsAt));
    }
  }

  it("proposes a 党支部's required meetings for 2027", () => {
    const settings = defaultSettings();
    const plan = proposeAnnualPlan(2027, settings, { id: "b", kind: "branch", groups });
    expect(countByKind(plan)).toEqual({
      general_assembly: 4,
      committee_meeting: 12,
      group_meeting: 24,
      party_lecture: 4,
      theme_day: 12,
      life_meeting: 1,
      member_review: 1,
      party_committee: 0,
      general_committee: 0,
      central_study: 0,
      party_congress: 0,
    });
    expect(plan.filter((m) => m.orgId === "g1")).toHaveLength(12);
    expect(plan.filter((m) => m.orgId === "g2")).toHaveLength(12);
    expect(plan.filter((m) => m.kind !== "group_meeting").every((m) => m.orgId === undefined)).toBe(true);

    expectNoOverlap(plan);
    expectWeekdaysUnlessFixed(plan, defaultHolidays(2027));

    // each meeting lies in the period it fulfils, one per period
    for (const m of plan) {
      const cadence = settings.kinds[m.kind].cadence as PeriodCadence;
      expect(periodOf(cadence, m.startsAt).key, m.title).toBe(m.periodKey);
      expect(chinaParts(m.startsAt)).toMatchObject({ year: 2027, hour: 14, minute: 30 });
      expect(m.endsAt.getTime()).toBeGreaterThan(m.startsAt.getTime());
    }
    const quarters = plan.filter((m) => m.kind === "general_assembly").map((m) => m.periodKey);
    expect(quarters).toEqual(["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]);
    const months = plan.filter((m) => m.kind === "theme_day").map((m) => m.periodKey);
    expect(new Set(months).size).toBe(12);

    // 主题党日 on the first Friday; 1 January and 1 October are holidays, so the second Friday then
    const themeDays = plan.filter((m) => m.kind === "theme_day");
    expect(themeDays.every((m) => m.byFixedDay && chinaParts(m.startsAt).weekday === 5)).toBe(true);
    expect(themeDays.map((m) => chinaDateKey(m.startsAt))).toEqual([
      "2027-01-08",
      "2027-02-05",
      "2027-03-05",
      "2027-04-02",
      "2027-05-07",
      "2027-06-04",
      "2027-07-02",
      "2027-08-06",
      "2027-09-03",
      "2027-10-08",
      "2027-11-05",
      "2027-12-03",
    ]);

    // 组织生活会 in December, 民主评议党员 the next free weekday after it
    const life = plan.find((m) => m.kind === "life_meeting")!;
    const review = plan.find((m) => m.kind === "member_review")!;
    expect(chinaParts(life.startsAt).month).toBe(12);
    expect(review.startsAt.getTime()).toBeGreaterThan(life.startsAt.getTime());
    expect(daysBetween(life.startsAt, review.startsAt)).toBeLessThanOrEqual(3);

    expect(plan.map((m) => m.title)).toEqual(
      expect.arrayContaining([
        "2027年第一季度支部党员大会",
        "2027年第四季度党课",
        "2027年1月支委会",
        "2027年12月主题党日",
        "2027年度组织生活会",
        "2027年度民主评议党员",
        "2027年1月第一党小组会",
        "2027年1月机关二组党小组会",
      ]),
    );
    // in date order
    for (let i = 1; i < plan.length; i++)
      expect(plan[i].startsAt.getTime()).toBeGreaterThanOrEqual(plan[i - 1].startsAt.getTime());
  });

  it("follows local fixed days in a leap year, weekends included when the rule says so", () => {
    const lastTuesday = resolveSettings({ kinds: { theme_day: { fixedDay: { weekday: 2, nth: -1 } } } });
    const plan = proposeAnnualPlan(2028, lastTuesday, { kind: "branch" });
    const feb = plan.find((m) => m.kind === "theme_day" && m.periodKey === "2028-02")!;
    expect(chinaDateKey(feb.startsAt)).toBe("2028-02-29");
    expect(plan.filter((m) => m.kind === "group_meeting")).toHaveLength(0); // no groups

    const saturday = resolveSettings({ kinds: { theme_day: { fixedDay: { weekday: 6, nth: 1 } } } });
    const plan2 = proposeAnnualPlan(2028, saturday, { kind: "branch", groups });
    const themeDays = plan2.filter((m) => m.kind === "theme_day");
    expect(themeDays).toHaveLength(12);
    expect(themeDays.every((m) => m.byFixedDay && chinaParts(m.startsAt).weekday === 6)).toBe(true);
    expectNoOverlap(plan2);
    expectWeekdaysUnlessFixed(plan2, defaultHolidays(2028));
    expect(plan2.filter((m) => m.kind !== "theme_day").every((m) => !m.byFixedDay)).toBe(true);

    const fifteenth = resolveSettings({ kinds: { theme_day: { fixedDay: { dayOfMonth: 15 } } } });
    const plan3 = proposeAnnualPlan(2028, fifteenth, { kind: "branch" });
    expect(
      plan3.filter((m) => m.kind === "theme_day").every((m) => chinaParts(m.startsAt).day === 15 && m.byFixedDay),
    ).toBe(true);
    // the 党课 preferred on the 15th moves to another afternoon
    expectNoOverlap(plan3);
  });

  it("follows local cadences", () => {
    const s = resolveSettings({ kinds: { party_lecture: { cadence: "monthly" }, theme_day: { cadence: "none" } } });
    const c = countByKind(proposeAnnualPlan(2027, s, { kind: "branch" }));
    expect(c.party_lecture).toBe(12);
    expect(c.theme_day).toBe(0);
  });

  it("leaves the half-days already taken by meetings on the calendar to them", () => {
    const settings = defaultSettings();
    const free = proposeAnnualPlan(2027, settings, { kind: "branch", groups });
    const taken = free.slice(0, 10).map((m) => m.startsAt);
    const plan = proposeAnnualPlan(2027, settings, { kind: "branch", groups }, { taken });
    expect(plan).toHaveLength(free.length);
    const takenSlots = new Set(taken.map((t) => `${chinaDateKey(t)} ${chinaParts(t).hour < 12 ? "am" : "pm"}`));
    for (const m of plan) {
      if (m.byFixedDay) continue;
      expect(
        takenSlots.has(`${chinaDateKey(m.startsAt)} ${chinaParts(m.startsAt).hour < 12 ? "am" : "pm"}`),
        m.title,
      ).toBe(false);
    }
  });

  it("keeps free the holidays given, e.g. the Spring Festival", () => {
    const holidays = [
      ...defaultHolidays(2028),
      ...["01-26", "01-27", "01-28", "01-31", "02-01", "02-02"].map((d) => `2028-${d}`),
    ];
    const plan = proposeAnnualPlan(2028, defaultSettings(), { kind: "branch", groups }, { holidays });
    expectWeekdaysUnlessFixed(plan, holidays);
    expect(countByKind(plan).committee_meeting).toBe(12);
  });

  it("plans for a 党小组 and for a 党委", () => {
    const g = proposeAnnualPlan(2027, defaultSettings(), { id: "g1", kind: "group", name: "第一党小组" });
    expect(g).toHaveLength(12);
    expect(g.every((m) => m.kind === "group_meeting" && m.orgId === "g1")).toBe(true);
    expect(g[0].title).toBe("2027年1月第一党小组会");
    // A 党委 its own kinds (KINDS_HELD_BY): 党委会 monthly, 中心组学习 every two months, its 书记's
    // yearly 党课; no 党员代表大会 until turned on, no branch kinds.
    const c = proposeAnnualPlan(2027, defaultSettings("committee"), { id: "c", kind: "committee" });
    expect(countByKind(c)).toMatchObject({
      party_committee: 12,
      central_study: 6,
      party_lecture: 1,
      party_congress: 0,
    });
    expect(c).toHaveLength(19);
    const gb = proposeAnnualPlan(2027, defaultSettings("general_branch"), { id: "b", kind: "general_branch" });
    expect(countByKind(gb)).toMatchObject({ general_committee: 12, central_study: 6, party_lecture: 1 });
  });

  it("plans only what is still ahead when made during the year", () => {
    const notBefore = cn(2027, 3, 15, 9);
    const plan = proposeAnnualPlan(2027, defaultSettings(), { kind: "branch", groups }, { notBefore });
    expect(plan.every((m) => m.startsAt.getTime() > notBefore.getTime())).toBe(true);
    // the first quarter's 大会 and 党课 are still proposed, in its last fortnight
    const q1 = plan.filter((m) => m.periodKey === "2027-Q1");
    expect(q1.map((m) => m.kind).sort()).toEqual(["general_assembly", "party_lecture"]);
    expect(q1.every((m) => chinaParts(m.startsAt).month === 3)).toBe(true);
    // March's monthly meetings too, January's and February's are gone
    expect(plan.filter((m) => m.periodKey === "2027-03").map((m) => m.kind)).toHaveLength(4);
    expect(plan.filter((m) => m.periodKey === "2027-01")).toHaveLength(0);
    expectNoOverlap(plan);
  });

  it("never double-books, even with many groups (falls back to mornings)", () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `g${i}`, name: `第${i + 1}党小组` }));
    const plan = proposeAnnualPlan(2027, defaultSettings(), { kind: "branch", groups: many });
    expect(countByKind(plan).group_meeting).toBe(240);
    expectNoOverlap(plan);
    expectWeekdaysUnlessFixed(plan, defaultHolidays(2027));
    for (const m of plan) {
      const cadence = defaultSettings().kinds[m.kind].cadence as PeriodCadence;
      expect(periodOf(cadence, m.startsAt).key).toBe(m.periodKey);
    }
    expect(plan.some((m) => chinaParts(m.startsAt).hour === 9)).toBe(true);
  });
});
