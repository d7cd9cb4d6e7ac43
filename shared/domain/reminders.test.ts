import { describe, expect, it } from "vitest";
import { chinaTime } from "../time";
import {
  DUE_WARNING_DAYS,
  currentPeriodWords,
  dueTitle,
  dueWarning,
  dueWarningDays,
  reminderDue,
  reminderTitle,
  reminderWhen,
} from "./reminders";

const cn = chinaTime;

describe("meeting reminders", () => {
  const meeting = cn(2026, 11, 24, 14, 30); // a Tuesday

  it("is due from local midnight `noticeDays` days before the meeting day until it starts", () => {
    expect(reminderDue(meeting, 3, cn(2026, 11, 20, 23, 59))).toBe(false);
    expect(reminderDue(meeting, 3, cn(2026, 11, 21, 0, 0))).toBe(true);
    expect(reminderDue(meeting, 3, cn(2026, 11, 24, 14, 29))).toBe(true);
    expect(reminderDue(meeting, 3, cn(2026, 11, 24, 14, 30))).toBe(false);
    // two days ahead: within three days' notice, not within one
    expect(reminderDue(meeting, 1, cn(2026, 11, 22, 9, 0))).toBe(false);
    expect(reminderDue(meeting, 1, cn(2026, 11, 23, 0, 0))).toBe(true);
    // no notice: on the day itself
    expect(reminderDue(meeting, 0, cn(2026, 11, 23, 23, 0))).toBe(false);
    expect(reminderDue(meeting, 0, cn(2026, 11, 24, 8, 0))).toBe(true);
  });

  it("counts China-time days whatever the UTC date is", () => {
    // 00:30 on the 24th in Beijing is still the 23rd in UTC
    const early = cn(2026, 11, 24, 0, 30);
    expect(reminderDue(early, 1, cn(2026, 11, 23, 0, 0))).toBe(true);
    expect(reminderDue(early, 1, cn(2026, 11, 22, 23, 59))).toBe(false);
  });

  it("names the meeting, its day, weekday, time and place", () => {
    expect(reminderWhen(meeting)).toBe("11月24日（周二）14:30");
    expect(reminderWhen(cn(2027, 1, 3, 9, 5))).toBe("1月3日（周日）09:05");
    expect(
      reminderTitle({ kind: "general_assembly", title: "学习条例", startsAt: meeting, location: "三楼党员活动室" }),
    ).toBe("提醒：支部党员大会「学习条例」将于 11月24日（周二）14:30 召开，地点：三楼党员活动室");
    expect(
      reminderTitle({
        kind: "party_lecture",
        title: "专题党课",
        startsAt: meeting,
        location: "礼堂",
        onlineUrl: "https://meet.example/1",
      }),
    ).toBe("提醒：党课「专题党课」将于 11月24日（周二）14:30 召开，地点：礼堂（也可线上参加）");
    expect(
      reminderTitle({ kind: "group_meeting", title: "学习会", startsAt: meeting, onlineUrl: "https://meet.example/2" }),
    ).toBe("提醒：党小组会「学习会」将于 11月24日（周二）14:30 召开，线上召开");
    expect(reminderTitle({ kind: "theme_day", title: "主题党日", startsAt: meeting, location: "  " })).toBe(
      "提醒：主题党日「主题党日」将于 11月24日（周二）14:30 召开",
    );
  });
});

describe("due-meeting warnings", () => {
  it("has a window per cadence, never shorter than the notice plus a week", () => {
    expect(dueWarningDays("monthly")).toBe(10);
    expect(dueWarningDays("quarterly")).toBe(21);
    expect(dueWarningDays("half_yearly")).toBe(30);
    expect(dueWarningDays("yearly")).toBe(30);
    expect(dueWarningDays("monthly", 3)).toBe(10);
    expect(dueWarningDays("monthly", 20)).toBe(27);
    expect(dueWarningDays("yearly", 10)).toBe(30);
    expect(dueWarningDays("quarterly", 30)).toBe(37);
    expect(dueWarningDays("quarterly", -5)).toBe(DUE_WARNING_DAYS.quarterly);
  });

  it("warns in the last days of the current period only", () => {
    // a quarter ending on 31 March: 21 days → from 11 March
    expect(dueWarning("quarterly", 3, cn(2027, 3, 10, 23, 59))).toBeNull();
    const w = dueWarning("quarterly", 3, cn(2027, 3, 11, 0, 0))!;
    expect(w.period.key).toBe("2027-Q1");
    expect(w.from).toEqual(cn(2027, 3, 11));
    expect(w.lastDay).toEqual(cn(2027, 3, 31));
    expect(dueWarning("quarterly", 3, cn(2027, 3, 31, 23, 59))?.period.key).toBe("2027-Q1");
    // the next day belongs to the next quarter, far from its end
    expect(dueWarning("quarterly", 3, cn(2027, 4, 1, 0, 0))).toBeNull();

    // a month of 30 days: 10 days → from the 21st
    expect(dueWarning("monthly", 1, cn(2026, 11, 20, 12))).toBeNull();
    expect(dueWarning("monthly", 1, cn(2026, 11, 21, 0))?.period.key).toBe("2026-11");
    // February 2028 (29 days): from the 20th
    expect(dueWarning("monthly", 1, cn(2028, 2, 19, 23))).toBeNull();
    expect(dueWarning("monthly", 1, cn(2028, 2, 20, 0))?.lastDay).toEqual(cn(2028, 2, 29));

    // a year: from 2 December; a half-year: from 1 June / 2 December
    expect(dueWarning("yearly", 10, cn(2027, 12, 1, 23))).toBeNull();
    expect(dueWarning("yearly", 10, cn(2027, 12, 2, 0))?.period.key).toBe("2027");
    expect(dueWarning("half_yearly", 3, cn(2027, 5, 31, 23))).toBeNull();
    expect(dueWarning("half_yearly", 3, cn(2027, 6, 1, 0))?.period.key).toBe("2027-H1");

    expect(dueWarning("none", 3, cn(2027, 12, 31))).toBeNull();
  });

  it("starts no earlier than the period when the notice is longer than the period", () => {
    const w = dueWarning("monthly", 60, cn(2027, 2, 1, 8))!;
    expect(w.from).toEqual(cn(2027, 2, 1));
    expect(w.period.key).toBe("2027-02");
  });

  it("says what is missing and by when", () => {
    const q = dueWarning("quarterly", 3, cn(2027, 3, 21))!;
    expect(dueTitle("机关第一党支部", "general_assembly", "quarterly", q)).toBe(
      "机关第一党支部本季度尚未安排支部党员大会，3月31日前需召开",
    );
    const m = dueWarning("monthly", 1, cn(2026, 11, 25))!;
    expect(dueTitle("第一党小组", "group_meeting", "monthly", m)).toBe(
      "第一党小组本月尚未安排党小组会，11月30日前需召开",
    );
    const y = dueWarning("yearly", 10, cn(2027, 12, 20))!;
    expect(dueTitle("机关第一党支部", "life_meeting", "yearly", y)).toBe(
      "机关第一党支部本年度尚未安排组织生活会，12月31日前需召开",
    );
    expect(currentPeriodWords("half_yearly", { key: "2027-H1" })).toBe("上半年");
    expect(currentPeriodWords("half_yearly", { key: "2027-H2" })).toBe("下半年");
  });
});
