import { describe, expect, it } from "vitest";
import {
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
