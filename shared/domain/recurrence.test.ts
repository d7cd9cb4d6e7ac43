import { describe, expect, it } from "vitest";
import { chinaTime } from "../time";
import { defaultHolidays } from "./annual-plan";
import { describeRecurrence, expandRecurrence, type Recurrence } from "./recurrence";

const base: Recurrence = {
  everyMonths: 1,
  day: { weekday: 5, nth: 1 },
  from: "2027-01-01",
  until: "2027-12-31",
  startTime: "14:30",
  endTime: "16:30",
};

describe("expandRecurrence", () => {
  it("gives the first Friday of each month, in China time", () => {
    const { occurrences, skipped } = expandRecurrence(base);
    expect(occurrences.map((o) => o.date)).toEqual([
      "2027-01-01",
      "2027-02-05",
      "2027-03-05",
      "2027-04-02",
      "2027-05-07",
      "2027-06-04",
      "2027-07-02",
      "2027-08-06",
      "2027-09-03",
      "2027-10-01",
      "2027-11-05",
      "2027-12-03",
    ]);
    expect(skipped).toEqual([]);
    expect(occurrences[1].startsAt.toISOString()).toBe("2027-02-05T06:30:00.000Z");
    expect(occurrences[1].endsAt.toISOString()).toBe("2027-02-05T08:30:00.000Z");
  });

  it("moves a weekday meeting off a holiday to a week later, and reports a day-of-month one as skipped", () => {
    const holidays = new Set(defaultHolidays(2027));
    const fridays = expandRecurrence(base, { holidays });
    expect(fridays.occurrences[0]).toMatchObject({ date: "2027-01-08", movedFrom: "2027-01-01" });
    expect(fridays.occurrences[9]).toMatchObject({ date: "2027-10-08", movedFrom: "2027-10-01" });
    expect(fridays.occurrences).toHaveLength(12);

    const firsts = expandRecurrence({ ...base, day: { dayOfMonth: 1 } }, { holidays });
    expect(firsts.skipped).toEqual([
      { date: "2027-01-01", reason: "holiday" },
      { date: "2027-05-01", reason: "holiday" },
      { date: "2027-10-01", reason: "holiday" },
    ]);
    expect(firsts.occurrences).toHaveLength(9);
  });

  it("keeps to the range: the rule's day before `from` in the first month is not taken", () => {
    const r = expandRecurrence({ ...base, from: "2027-01-02", until: "2027-03-04" });
    expect(r.occurrences.map((o) => o.date)).toEqual(["2027-02-05"]);
  });

  it("steps by quarters from the start month", () => {
    const r = expandRecurrence({ ...base, everyMonths: 3, day: { dayOfMonth: 15 }, from: "2027-02-01" });
    expect(r.occurrences.map((o) => o.date)).toEqual(["2027-02-15", "2027-05-15", "2027-08-15", "2027-11-15"]);
  });

  it("takes the last weekday of a month, across a leap February", () => {
    const r = expandRecurrence({ ...base, day: { weekday: 4, nth: -1 }, from: "2028-02-01", until: "2028-03-31" });
    expect(r.occurrences.map((o) => o.date)).toEqual(["2028-02-24", "2028-03-30"]);
  });

  it("skips dates already past and yields nothing for an empty or reversed range", () => {
    const now = chinaTime(2027, 3, 5, 15, 0); // after the March meeting started
    const r = expandRecurrence(base, { notBefore: now });
    expect(r.occurrences[0].date).toBe("2027-04-02");
    expect(r.skipped.filter((s) => s.reason === "past")).toHaveLength(3);

    expect(expandRecurrence({ ...base, from: "2027-01-02", until: "2027-01-31" }).occurrences).toEqual([]);
    expect(expandRecurrence({ ...base, from: "2027-05-01", until: "2027-04-01" }).occurrences).toEqual([]);
  });
});

describe("describeRecurrence", () => {
  it("says the rule in words", () => {
    expect(describeRecurrence(base)).toBe("每月第一个周五");
    expect(describeRecurrence({ everyMonths: 3, day: { dayOfMonth: 15 } })).toBe("每季度 15 日");
    expect(describeRecurrence({ everyMonths: 1, day: { weekday: 3, nth: -1 } })).toBe("每月最后一个周三");
  });
});
