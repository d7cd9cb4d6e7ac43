import { describe, expect, it } from "vitest";
import { type NthWeekday, type PeriodCadence } from "./kind-rules";
import { fixedDayInMonth, nthWeekdayOfMonth, periodLabel, periodOf, periodsBetween, periodsInYear } from "./periods";
import { chinaDateKey, chinaParts, chinaTime, type Weekday } from "../time";

const cn = chinaTime;
const DAY = 24 * 3600_000;

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
