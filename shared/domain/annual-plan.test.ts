import { describe, expect, it } from "vitest";
import { defaultSettings, resolveSettings } from "./org-settings";
import { type PeriodCadence } from "./kind-rules";
import { defaultHolidays, proposeAnnualPlan, type PlannedMeeting } from "./annual-plan";
import { periodOf } from "./periods";
import { chinaDateKey, chinaParts, chinaTime, daysBetween } from "../time";
import { MEETING_KINDS, type MeetingKind } from "./labels";

const cn = chinaTime;

function countByKind(plan: PlannedMeeting[]): Record<MeetingKind, number> {
  const c = Object.fromEntries(MEETING_KINDS.map((k) => [k, 0])) as Record<MeetingKind, number>;
  for (const m of plan) c[m.kind]++;
  return c;
}

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
      leadership_life_meeting: 0,
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
    // yearly 党课 and its yearly 民主生活会; no 党员代表大会 until turned on, no branch kinds.
    const c = proposeAnnualPlan(2027, defaultSettings("committee"), { id: "c", kind: "committee" });
    expect(countByKind(c)).toMatchObject({
      party_committee: 12,
      central_study: 6,
      party_lecture: 1,
      leadership_life_meeting: 1,
      party_congress: 0,
    });
    expect(c).toHaveLength(20);
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
