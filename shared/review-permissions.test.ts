import { describe, expect, it } from "vitest";
import {
  REVIEW_GRADED,
  REVIEW_VOTERS,
  reviewBallotAccess,
  reviewOutcomeAccess,
  reviewResultsAccess,
  reviewTallyAccess,
  selfAssessmentAccess,
  type ReviewResource,
} from "./permissions";
import { who } from "./test-subjects";
import { checkBallot, excellentCap, excellentWarning, gradesFromForm, outcomesFromForm } from "./domain/review";

// 民主评议党员: the named audiences (who grades, who is graded, who sees tallies and when, who
// records 评定) and the ballot's pure rules, at their boundaries.

const PEOPLE = {
  secretary: who("sec", ["b", "secretary"]),
  propaganda: who("prop", ["b", "propaganda_member"]),
  host: who("host", ["g1", "member"]),
  member: who("mem", ["g1", "member"]),
  concerned: who("me", ["g1", "member"]),
  otherBranch: who("wu", ["x", "secretary"]),
  partyCommittee: who("zhou", ["c", "organization_member"]),
};

const ballot = (over: Partial<ReviewResource> = {}): ReviewResource => ({
  meeting: { id: "m", orgId: "b", orgKind: "branch", orgPath: ["c", "b"] },
  hostId: "host",
  status: "open",
  reported: false,
  ...over,
});

describe("who grades and who is graded", () => {
  it("正式党员 with a regular membership grade; 预备, 流动 and non-members do not", () => {
    expect(REVIEW_VOTERS({ category: "full", memberships: [{ mobile: false }] })).toBe(true);
    expect(REVIEW_VOTERS({ category: "full", memberships: [{ mobile: true }] })).toBe(false);
    expect(REVIEW_VOTERS({ category: "full", memberships: [{ mobile: true }, { mobile: false }] })).toBe(true);
    expect(REVIEW_VOTERS({ category: "probationary", memberships: [{ mobile: false }] })).toBe(false);
    expect(REVIEW_VOTERS({ category: "activist", memberships: [{ mobile: false }] })).toBe(false);
    expect(REVIEW_VOTERS({ category: "full", memberships: [] })).toBe(false);
  });
  it("正式 and 预备党员 are graded; 流动党员 at their home branch; 发展对象 and 积极分子 never", () => {
    expect(REVIEW_GRADED({ category: "full", memberships: [{ mobile: false }] })).toBe(true);
    expect(REVIEW_GRADED({ category: "probationary", memberships: [{ mobile: false }] })).toBe(true);
    expect(REVIEW_GRADED({ category: "full", memberships: [{ mobile: true }] })).toBe(false);
    expect(REVIEW_GRADED({ category: "candidate", memberships: [{ mobile: false }] })).toBe(false);
    expect(REVIEW_GRADED({ category: "activist", memberships: [{ mobile: false }] })).toBe(false);
  });
});

describe("the visibility matrix", () => {
  const open = ballot();
  const closed = ballot({ status: "closed" });
  const reported = ballot({ status: "closed", reported: true });

  it("the ballot is run by the host and the branch's managers; 委员 and members read; outsiders see nothing", () => {
    expect(reviewBallotAccess(PEOPLE.secretary, open)).toBe("manage");
    expect(reviewBallotAccess(PEOPLE.host, open)).toBe("manage");
    expect(reviewBallotAccess(PEOPLE.propaganda, open)).toBe("read");
    expect(reviewBallotAccess(PEOPLE.member, open)).toBe("read");
    expect(reviewBallotAccess(PEOPLE.otherBranch, open)).toBe("none");
    expect(reviewBallotAccess(PEOPLE.partyCommittee, open)).toBe("read");
    expect(reviewBallotAccess(null, open)).toBe("none");
  });

  it("tallies: nobody while open; the 支委 and the host once closed; the 党委 once reported", () => {
    for (const p of Object.values(PEOPLE)) expect(reviewTallyAccess(p, open)).toBe("none");
    expect(reviewTallyAccess(PEOPLE.secretary, closed)).toBe("read");
    expect(reviewTallyAccess(PEOPLE.propaganda, closed)).toBe("read");
    expect(reviewTallyAccess(PEOPLE.host, closed)).toBe("read");
    expect(reviewTallyAccess(PEOPLE.concerned, closed)).toBe("none");
    expect(reviewTallyAccess(PEOPLE.member, closed)).toBe("none");
    expect(reviewTallyAccess(PEOPLE.otherBranch, closed)).toBe("none");
    expect(reviewTallyAccess(PEOPLE.partyCommittee, closed)).toBe("none");
    expect(reviewTallyAccess(PEOPLE.partyCommittee, reported)).toBe("read");
    expect(reviewTallyAccess(PEOPLE.member, reported)).toBe("none");
  });

  it("自评: the person writes it while open and reads it after; the 支委 read; nobody else", () => {
    const mine = (r: ReviewResource) => ({ ...r, personId: "me" });
    expect(selfAssessmentAccess(PEOPLE.concerned, mine(open))).toBe("write");
    expect(selfAssessmentAccess(PEOPLE.concerned, mine(closed))).toBe("read");
    expect(selfAssessmentAccess(PEOPLE.secretary, mine(open))).toBe("read");
    expect(selfAssessmentAccess(PEOPLE.propaganda, mine(open))).toBe("read");
    expect(selfAssessmentAccess(PEOPLE.member, mine(open))).toBe("none");
    expect(selfAssessmentAccess(PEOPLE.otherBranch, mine(open))).toBe("none");
    expect(selfAssessmentAccess(PEOPLE.partyCommittee, mine(reported))).toBe("none");
  });

  it("评定意见: recorded by the managers once closed and until reported; read by the person once recorded, the 支委, the 党委 once reported", () => {
    const about = (r: ReviewResource, recorded: boolean) => ({ ...r, personId: "me", recorded });
    expect(reviewOutcomeAccess(PEOPLE.secretary, about(open, false))).toBe("read");
    expect(reviewOutcomeAccess(PEOPLE.secretary, about(closed, false))).toBe("manage");
    expect(reviewOutcomeAccess(PEOPLE.secretary, about(reported, true))).toBe("read");
    expect(reviewOutcomeAccess(PEOPLE.propaganda, about(closed, true))).toBe("read");
    expect(reviewOutcomeAccess(PEOPLE.concerned, about(closed, false))).toBe("none");
    expect(reviewOutcomeAccess(PEOPLE.concerned, about(closed, true))).toBe("read");
    expect(reviewOutcomeAccess(PEOPLE.member, about(closed, true))).toBe("none");
    expect(reviewOutcomeAccess(PEOPLE.otherBranch, about(reported, true))).toBe("none");
    expect(reviewOutcomeAccess(PEOPLE.partyCommittee, about(closed, true))).toBe("none");
    expect(reviewOutcomeAccess(PEOPLE.partyCommittee, about(reported, true))).toBe("read");
  });

  it("the results page: the 支委 and the host any time, the 党委 once reported", () => {
    expect(reviewResultsAccess(PEOPLE.secretary, open)).toBe("read");
    expect(reviewResultsAccess(PEOPLE.host, open)).toBe("read");
    expect(reviewResultsAccess(PEOPLE.member, closed)).toBe("none");
    expect(reviewResultsAccess(PEOPLE.concerned, reported)).toBe("none");
    expect(reviewResultsAccess(PEOPLE.otherBranch, reported)).toBe("none");
    expect(reviewResultsAccess(PEOPLE.partyCommittee, closed)).toBe("none");
    expect(reviewResultsAccess(PEOPLE.partyCommittee, reported)).toBe("read");
  });
});

describe("the 优秀 cap", () => {
  it("rounds down, at least one, none for nobody", () => {
    expect(excellentCap(30, 7)).toBe(2);
    expect(excellentCap(30, 10)).toBe(3);
    expect(excellentCap(30, 9)).toBe(2);
    expect(excellentCap(30, 3)).toBe(1);
    expect(excellentCap(30, 1)).toBe(1);
    expect(excellentCap(30, 0)).toBe(0);
    expect(excellentCap(29, 100)).toBe(29);
    expect(excellentCap(100, 7)).toBe(7);
    expect(() => excellentCap(30.5, 7)).toThrow(RangeError);
  });
  it("warns only above the cap", () => {
    expect(excellentWarning(30, 7, 2)).toBeNull();
    expect(excellentWarning(30, 7, 3)).toContain("上限");
    expect(excellentWarning(30, 7, 3)).toContain("2 人");
  });
});

describe("a ballot", () => {
  const A = "00000000-0000-4000-8000-00000000000a";
  const B = "00000000-0000-4000-8000-00000000000b";
  const C = "00000000-0000-4000-8000-00000000000c";
  const roll = [
    { userId: A, name: "甲" },
    { userId: B, name: "乙" },
    { userId: C, name: "丙" },
  ];
  const form = (o: Record<string, string>) =>
    gradesFromForm(Object.fromEntries(Object.entries(o).map(([k, v]) => [`grade.${k}`, v])));

  it("grades everyone but the voter", () => {
    const r = checkBallot(roll, A, form({ [B]: "excellent", [C]: "basic" }));
    expect(r.ok).toBe(true);
    if (r.ok)
      expect([...r.grades]).toEqual([
        [B, "excellent"],
        [C, "basic"],
      ]);
  });
  it("refuses oneself, a stranger, a missing grade and a bad value, in Chinese", () => {
    const self = checkBallot(roll, A, form({ [A]: "excellent", [B]: "excellent", [C]: "basic" }));
    expect(self).toMatchObject({ ok: false, message: expect.stringContaining("不能给自己") });
    const stranger = checkBallot(
      roll,
      A,
      form({ [B]: "excellent", [C]: "basic", "00000000-0000-4000-8000-0000000000ff": "qualified" }),
    );
    expect(stranger).toMatchObject({ ok: false, message: expect.stringContaining("不在本次评议名单") });
    const missing = checkBallot(roll, A, form({ [B]: "excellent" }));
    expect(missing).toMatchObject({ ok: false, message: expect.stringContaining("丙") });
    const bad = checkBallot(roll, A, form({ [B]: "great", [C]: "basic" }));
    expect(bad).toMatchObject({ ok: false, field: `grade.${B}` });
  });
  it("reads the 支委's rows, skipping blank ones", () => {
    expect(
      outcomesFromForm({
        intent: "record",
        [`outcome.${A}.grade`]: "qualified",
        [`outcome.${A}.opinion`]: "表现良好",
        [`outcome.${B}.grade`]: "",
        [`outcome.${B}.opinion`]: " ",
      }),
    ).toEqual([{ userId: A, grade: "qualified", opinion: "表现良好" }]);
  });
});
