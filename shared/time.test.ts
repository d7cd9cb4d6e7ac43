import { describe, expect, it } from "vitest";
import {
  addMonthsClamped,
  chinaDateKey,
  chinaTime,
  daysBetween,
  isLeapYear,
  chinaDateTime,
  chinaDateTimeValue,
  chinaDayNumber,
  chinaParts,
  chinaShort,
  parseChinaDateTimeValue,
} from "./time";

describe("China time", () => {
  it("reads an instant's Beijing calendar fields, across the UTC date line", () => {
    // 2026-12-31T17:30Z is 1 January 2027, 01:30, a Friday, in Beijing.
    const p = chinaParts(new Date("2026-12-31T17:30:00Z"));
    expect(p).toEqual({
      year: 2027,
      month: 1,
      day: 1,
      weekday: 5,
      hour: 1,
      minute: 30,
      date: "2027-01-01",
      time: "01:30",
    });
    expect(chinaShort("2026-12-31T17:30:00Z")).toBe("1月1日 01:30");
  });

  it("turns the form's date and time, and a datetime-local value, into the instant and back", () => {
    const at = chinaDateTime("2026-11-24", "14:30");
    expect(at.toISOString()).toBe("2026-11-24T06:30:00.000Z");
    expect(chinaDateTimeValue(at)).toBe("2026-11-24T14:30");
    expect(parseChinaDateTimeValue("2026-11-24T14:30")?.getTime()).toBe(at.getTime());
  });

  it("refuses a datetime-local value that names no moment", () => {
    expect(parseChinaDateTimeValue("2026-02-30T10:00")).toBeNull();
    expect(parseChinaDateTimeValue("2026-13-01T10:00")).toBeNull();
    expect(parseChinaDateTimeValue("2026-11-24 14:30")).toBeNull();
  });

  it("numbers Beijing days as SQL does: midnight in Beijing starts a new day", () => {
    const before = chinaDayNumber(new Date("2026-12-06T15:59:59Z"));
    expect(chinaDayNumber(new Date("2026-12-06T16:00:00Z"))).toBe(before + 1);
  });
});

// Calendar arithmetic (formerly in cadence.test.ts).
const cn = chinaTime;

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
