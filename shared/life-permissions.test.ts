import { describe, expect, it } from "vitest";
import {
  auditsLifeMinutesRead,
  lifeReportAccess,
  lifeStagesAccess,
  lifeStudyAccess,
  mayAskAboveAccess,
  mayAttendFromAbove,
  mayEndAboveGrant,
  minutesAccess,
  type MeetingResource,
  type MinutesResource,
} from "./permissions";
import { who } from "./test-subjects";
import { hasLifeCycle, lifeQuorum, noticeInTime, reportDue } from "./domain/life-cycle";
import { chinaTime, DAY_MS } from "./time";

// The 组织生活会 cycle's rules (decision 036) as a matrix: a life meeting's minutes, its reports,
// its study, the stages view, asking and 列席 from above; and the pure rules at their boundaries.

const P = {
  secretary: who("sec", ["b", "secretary"]),
  deputy: who("dep", ["b", "deputy_secretary"]),
  organizer: who("org", ["b", "organization_member"]),
  propaganda: who("prop", ["b", "propaganda_member"]),
  member: who("mem", ["g1", "member"]),
  recorder: who("rec", ["g1", "member"]),
  coEditor: who("co", ["g1", "member"]),
  above: who("above", ["c", "organization_member"]),
  aboveMember: who("plain", ["c", "member"]),
  other: who("x", ["x", "member"]),
};
const meeting: MeetingResource = { id: "m", orgId: "b", orgKind: "branch", orgPath: ["c", "b"] };
const minutes = (life: MinutesResource["life"]): MinutesResource => ({
  meeting,
  hostId: "sec",
  recorderId: "rec",
  editorIds: ["co"],
  life,
});
const after = { attendingNow: false, aboveGrant: false };

describe("a life meeting's minutes", () => {
  it.each([
    ["secretary", "write"],
    ["recorder", "write"],
    ["organizer", "write"],
    ["propaganda", "read"],
    ["member", "none"],
    ["coEditor", "none"],
    ["above", "none"],
    ["other", "none"],
  ] as const)("after the meeting, without a grant: %s → %s", (p, access) => {
    expect(minutesAccess(P[p], minutes(after))).toBe(access);
  });
  it("attendees read while it is in progress; a co-editor writes then", () => {
    expect(minutesAccess(P.member, minutes({ attendingNow: true, aboveGrant: false }))).toBe("read");
    expect(minutesAccess(P.coEditor, minutes({ attendingNow: true, aboveGrant: false }))).toBe("write");
  });
  it("the level above reads with a grant, never writes; a plain member above never reads", () => {
    expect(minutesAccess(P.above, minutes({ attendingNow: false, aboveGrant: true }))).toBe("read");
    expect(minutesAccess(P.aboveMember, minutes({ attendingNow: false, aboveGrant: true }))).toBe("none");
    expect(minutesAccess(P.other, minutes({ attendingNow: true, aboveGrant: true }))).toBe("none");
  });
  it("ordinary minutes keep the ordinary rule", () => {
    expect(minutesAccess(P.member, minutes(null))).toBe("read");
    expect(minutesAccess(P.above, minutes(null))).toBe("read");
  });
  it("reads are audited for all but the 记录人 and the host", () => {
    expect(auditsLifeMinutesRead(P.organizer, minutes(after))).toBe(true);
    expect(auditsLifeMinutesRead(P.secretary, minutes(after))).toBe(false);
    expect(auditsLifeMinutesRead(P.recorder, minutes(after))).toBe(false);
    expect(auditsLifeMinutesRead(P.organizer, minutes(null))).toBe(false);
  });
});

describe("reports, study, stages, asking and 列席 from above", () => {
  it.each([
    ["secretary", "manage", "manage", "detail", false],
    ["deputy", "manage", "manage", "detail", false],
    ["organizer", "read", "manage", "detail", false],
    ["propaganda", "read", "read", "detail", false],
    ["member", "none", "read", "summary", false],
    ["above", "read", "read", "detail", true],
    ["aboveMember", "none", "none", "none", false],
    ["other", "none", "none", "none", false],
  ] as const)("%s: report %s, study %s, stages %s, asks %s", (p, report, study, stages, asks) => {
    expect(lifeReportAccess(P[p], meeting)).toBe(report);
    expect(lifeStudyAccess(P[p], meeting)).toBe(study);
    expect(lifeStagesAccess(P[p], { meeting, hostId: "sec" })).toBe(stages);
    expect(mayAskAboveAccess(P[p], meeting)).toBe(asks);
  });
  it("the host sees the names; 列席 from above only once the plan is reported", () => {
    expect(lifeStagesAccess(P.member, { meeting, hostId: "mem" })).toBe("detail");
    expect(mayAttendFromAbove(P.above, meeting, false)).toBe(false);
    expect(mayAttendFromAbove(P.above, meeting, true)).toBe(true);
    expect(mayAttendFromAbove(P.member, meeting, true)).toBe(false);
  });
  it.each([
    ["secretary", true],
    ["deputy", true],
    ["organizer", false],
    ["propaganda", false],
    ["member", false],
    ["aboveMember", false],
    ["other", false],
  ] as const)("ends a grant held by someone else: %s %s", (p, ends) => {
    expect(mayEndAboveGrant(P[p], meeting, "above")).toBe(ends);
  });
  it("the holder ends their own grant; nobody signed out, and not another meeting's reader", () => {
    expect(mayEndAboveGrant(P.above, meeting, "above")).toBe(true);
    expect(mayEndAboveGrant(null, meeting, "above")).toBe(false);
    expect(mayEndAboveGrant(P.other, meeting, "x")).toBe(false);
  });
});

describe("the pure rules", () => {
  it("which kinds have the cycle", () => {
    expect(hasLifeCycle("life_meeting")).toBe(true);
    expect(hasLifeCycle("leadership_life_meeting")).toBe(true);
    expect(hasLifeCycle("member_review")).toBe(false);
    expect(hasLifeCycle("general_assembly")).toBe(false);
  });
  it("two thirds, rounded up", () => {
    expect(lifeQuorum(5, 4)).toMatchObject({ needed: 4, holds: true });
    expect(lifeQuorum(5, 3).holds).toBe(false);
    expect(lifeQuorum(6, 4).holds).toBe(true);
    expect(() => lifeQuorum(3, 4)).toThrow(RangeError);
  });
  it("the notice counts calendar days in China time", () => {
    const start = chinaTime(2027, 12, 20, 14, 30);
    expect(noticeInTime(chinaTime(2027, 12, 10, 23, 0), start, 10)).toBe(true);
    expect(noticeInTime(chinaTime(2027, 12, 11, 0, 30), start, 10)).toBe(false);
  });
  it("the 15-day report: due on day 15, overdue from day 16, cleared once reported", () => {
    const start = chinaTime(2027, 12, 1, 9, 0);
    const held = { kind: "leadership_life_meeting" as const, startsAt: start, held: true };
    expect(reportDue(held, null, chinaTime(2027, 12, 16, 23, 59))).toEqual({ dueOn: "2027-12-16", overdue: false });
    expect(reportDue(held, null, chinaTime(2027, 12, 17, 0, 0))!.overdue).toBe(true);
    expect(reportDue(held, new Date(start.getTime() + 20 * DAY_MS), chinaTime(2027, 12, 30))!.overdue).toBe(false);
    expect(reportDue({ ...held, held: false }, null, chinaTime(2028, 1, 30))).toBeNull();
  });
});
