import { describe, expect, it } from "vitest";
import { DEFAULT_BRANCH_SETTINGS, DEFAULT_RULES } from "./kind-rules";
import { MEETING_KINDS } from "./labels";

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
    expect(DEFAULT_RULES.leadership_life_meeting).toMatchObject({ cadence: "yearly", noticeDays: 10 });
    expect(DEFAULT_RULES.member_review).toMatchObject({ cadence: "yearly" });
    for (const k of MEETING_KINDS) {
      if (k !== "party_lecture") expect(DEFAULT_RULES[k].inviteActivists).toBe(false);
      if (k !== "life_meeting") expect(DEFAULT_RULES[k].noticeDays).toBeGreaterThanOrEqual(1);
      if (k !== "life_meeting" && k !== "leadership_life_meeting" && k !== "party_congress")
        expect(DEFAULT_RULES[k].noticeDays).toBeLessThanOrEqual(3);
      expect(DEFAULT_RULES[k].attendanceThreshold).toBeGreaterThan(0);
      expect(DEFAULT_RULES[k].attendanceThreshold).toBeLessThanOrEqual(1);
    }
    expect(DEFAULT_BRANCH_SETTINGS).toEqual({
      absenceAlertCount: 3,
      lapseWarningDays: 120,
      minutesDueDays: 7,
      reflectionVisibility: "committee",
      reviewExcellentPercent: 30,
      criticismAuthors: "concerned",
    });
  });
});
