import { describe, expect, it } from "vitest";
import { BranchSettingsSchema, defaultSettings, resolveSettings, settingsOverrides } from "./org-settings";
import { DEFAULT_RULES } from "./kind-rules";

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
