import { describe, expect, it } from "vitest";
import {
  CHOICES,
  MATTER_KINDS,
  NO_VOTE_MESSAGE,
  OpenVoteSchema,
  electorate,
  emptyTally,
  noVoteReason,
  quorum,
  quorumRefusal,
  resultText,
  tallyVisible,
  voteResult,
  writtenOpinionsCount,
  type Invitee,
  type MatterKind,
  type Tally,
} from "./votes";

const regular = { mobile: false };
const mobile = { mobile: true };

let n = 0;
/** One person on a meeting's list; by default a 正式党员 of the branch on the 应到 list, absent. */
function person(p: Partial<Invitee> = {}): Invitee {
  return { userId: `u${++n}`, category: "full", memberships: [regular], role: "attendee", attendance: null, ...p };
}
const voters = (k: number, attendance: string | null = null) => Array.from({ length: k }, () => person({ attendance }));

const tally = (f: number, a = 0, ab = 0): Tally => ({ for: f, against: a, abstain: ab });

describe("voting rights at a meeting", () => {
  it("belong to a 正式党员 of the branch on the 应到 list", () => {
    expect(noVoteReason(person())).toBeNull();
    // 双重组织生活: a regular membership in the branch besides others is enough.
    expect(noVoteReason(person({ memberships: [mobile, regular] }))).toBeNull();
  });

  it("are refused with the most basic reason first", () => {
    expect(noVoteReason(person({ category: "probationary" }))).toBe("probationary");
    expect(noVoteReason(person({ category: "probationary", role: null }))).toBe("probationary");
    expect(noVoteReason(person({ category: "candidate" }))).toBe("candidate");
    expect(noVoteReason(person({ category: "activist", role: "guest" }))).toBe("activist");
    expect(noVoteReason(person({ memberships: [mobile] }))).toBe("mobile");
    expect(noVoteReason(person({ memberships: [] }))).toBe("not_member");
    expect(noVoteReason(person({ role: "guest" }))).toBe("guest");
    expect(noVoteReason(person({ role: "guest", memberships: [] }))).toBe("guest");
    expect(noVoteReason(person({ role: null }))).toBe("not_invited");
    expect(NO_VOTE_MESSAGE.probationary).toBe("预备党员没有表决权。");
    expect(NO_VOTE_MESSAGE.mobile).toContain("流动党员");
  });
});

describe("quorum: more than half of the voting members who should attend", () => {
  it("fails at exactly half and holds at half plus one (even 应到)", () => {
    expect(quorum(12, 6)).toEqual({ expected: 12, present: 6, needed: 7, holds: false });
    expect(quorum(12, 7)).toEqual({ expected: 12, present: 7, needed: 7, holds: true });
  });

  it("needs the next whole number above half (odd 应到)", () => {
    expect(quorum(7, 3).holds).toBe(false);
    expect(quorum(7, 4)).toMatchObject({ needed: 4, holds: true });
    expect(quorum(1, 1)).toMatchObject({ needed: 1, holds: true });
    expect(quorum(1, 0).holds).toBe(false);
    expect(quorum(2, 1).holds).toBe(false);
    expect(quorum(2, 2).holds).toBe(true);
  });

  it("never holds without voting members", () => {
    expect(quorum(0, 0)).toMatchObject({ needed: 1, holds: false });
    expect(quorumRefusal(quorum(0, 0))).toContain("没有有表决权的党员");
  });

  it("says the figures when refused", () => {
    expect(quorumRefusal(quorum(12, 6))).toBe(
      "未达到法定人数：应到有表决权党员 12 人，实到 6 人，需超过半数（至少 7 人）。",
    );
  });

  it("rejects impossible figures", () => {
    expect(() => quorum(3, 4)).toThrow(RangeError);
    expect(() => quorum(-1, 0)).toThrow(RangeError);
    expect(() => quorum(2.5, 1)).toThrow(RangeError);
  });

  it("counts only voting members: 预备党员, 流动党员, 列席 and the absent do not make it", () => {
    // 6 voters on the list, 3 present: exactly half.
    const list = [
      ...voters(3, "present"),
      ...voters(3),
      person({ category: "probationary", attendance: "present" }),
      person({ category: "probationary", attendance: "late" }),
      person({ memberships: [mobile], attendance: "present" }),
      person({ role: "guest", attendance: "present" }),
      person({ category: "activist", role: "guest", attendance: "present" }),
    ];
    const e = electorate(list);
    expect(e.electors).toHaveLength(6);
    expect(e.present).toHaveLength(3);
    expect(e.quorum).toMatchObject({ expected: 6, present: 3, holds: false });

    // One more voting member signs in (late still counts as present): the quorum holds.
    list[3] = { ...list[3], attendance: "late" };
    expect(electorate(list).quorum).toMatchObject({ expected: 6, present: 4, holds: true });
  });

  it("reads 实到 as the attendance sheet does: present, late or left early; not absent, on leave or pending", () => {
    const e = electorate([
      person({ attendance: "present" }),
      person({ attendance: "late" }),
      person({ attendance: "left_early" }),
      person({ attendance: "absent" }),
      person({ attendance: "leave" }),
      person({ attendance: null }),
    ]);
    expect(e.quorum).toMatchObject({ expected: 6, present: 3, holds: false });
  });

  it("keeps a 流动党员 present out of both figures", () => {
    const list = [...voters(2, "present"), ...voters(2), person({ memberships: [mobile], attendance: "present" })];
    expect(electorate(list).quorum).toMatchObject({ expected: 4, present: 2, holds: false });
  });
});

describe("the result: votes in favour exceed half of the voting members who should attend", () => {
  const base = { matter: "commendation" as MatterKind, expected: 12, present: 10, written: emptyTally() };

  it("fails with exactly half in favour and passes with one more", () => {
    const half = voteResult({ ...base, ballots: tally(6, 4, 0) });
    expect(half).toMatchObject({ inFavour: 6, needed: 7, passed: false });
    expect(voteResult({ ...base, ballots: tally(7, 3, 0) })).toMatchObject({ inFavour: 7, passed: true });
  });

  it("counts against 应到, not against those present", () => {
    // 10 present, 6 in favour is a majority of those present but not of the 12 who should attend.
    expect(voteResult({ ...base, ballots: tally(6, 2, 2) }).passed).toBe(false);
    // Odd 应到: 7 → 4 needed.
    expect(voteResult({ ...base, expected: 7, present: 5, ballots: tally(3, 0, 2) }).passed).toBe(false);
    expect(voteResult({ ...base, expected: 7, present: 5, ballots: tally(4, 1, 0) }).passed).toBe(true);
  });

  it("fails on a tie and when everyone abstains", () => {
    expect(voteResult({ ...base, expected: 8, present: 8, ballots: tally(4, 4, 0) }).passed).toBe(false);
    expect(voteResult({ ...base, ballots: tally(0, 0, 10) })).toMatchObject({ abstain: 10, passed: false });
  });

  it("counts written opinions of absent voters only where allowed (admitting a 预备党员)", () => {
    expect(MATTER_KINDS.filter(writtenOpinionsCount)).toEqual(["admit_probationary"]);
    const input = { expected: 12, present: 8, ballots: tally(6, 1, 1), written: tally(1, 1, 0) };
    const admit = voteResult({ ...input, matter: "admit_probationary" });
    expect(admit).toMatchObject({ writtenCounted: true, inFavour: 7, against: 2, abstain: 1, passed: true });
    for (const matter of MATTER_KINDS.filter((m) => m !== "admit_probationary")) {
      const r = voteResult({ ...input, matter });
      expect(r).toMatchObject({ writtenCounted: false, inFavour: 6, against: 1, passed: false });
      expect(r.written).toEqual(tally(1, 1, 0));
    }
  });

  it("written opinions do not make a quorum: they are not presence", () => {
    // 12 expected, 6 present and 5 written in favour: no quorum whatever the opinions say.
    expect(electorate([...voters(6, "present"), ...voters(6)]).quorum.holds).toBe(false);
  });

  it("rejects more ballots than voting members", () => {
    expect(() => voteResult({ ...base, expected: 3, present: 3, ballots: tally(3, 1, 0) })).toThrow(RangeError);
    expect(() =>
      voteResult({
        ...base,
        matter: "admit_probationary",
        expected: 3,
        present: 2,
        ballots: tally(2),
        written: tally(2),
      }),
    ).toThrow(RangeError);
  });

  it("is written into the minutes in one paragraph", () => {
    const passed = voteResult({
      matter: "admit_probationary",
      expected: 9,
      present: 7,
      ballots: tally(5, 1, 1),
      written: tally(1, 0, 0),
    });
    expect(resultText({ title: "关于接收赵敏同志为预备党员", secret: true, result: passed })).toBe(
      "表决事项：接收预备党员，关于接收赵敏同志为预备党员（无记名投票）。应到有表决权党员 9 人，实到 7 人。" +
        "赞成 6 票，反对 1 票，弃权 1 票（含因故未到会党员的书面意见 1 份：赞成 1、反对 0、弃权 0）。" +
        "赞成票超过应到有表决权党员的半数（至少 5 票），通过。",
    );
    const failed = voteResult({ ...base, ballots: tally(6, 4) });
    expect(resultText({ title: "表彰", secret: false, result: failed })).toContain("公开表决");
    expect(resultText({ title: "表彰", secret: false, result: failed })).toContain("需至少 7 票），未通过。");
  });
});

describe("secret ballots", () => {
  it("show the split only once closed; an open ballot shows it live", () => {
    expect(tallyVisible(true, "open")).toBe(false);
    expect(tallyVisible(true, "closed")).toBe(true);
    expect(tallyVisible(false, "open")).toBe(true);
  });
});

describe("the open-vote form", () => {
  it("reads a form post", () => {
    expect(
      OpenVoteSchema.parse({ title: "  关于接收  赵敏同志为预备党员 ", matter: "admit_probationary", secret: "on" }),
    ).toEqual({ title: "关于接收 赵敏同志为预备党员", matter: "admit_probationary", secret: true, agendaItemId: null });
    expect(OpenVoteSchema.parse({ title: "表彰", matter: "commendation", agendaItemId: "" }).secret).toBe(false);
  });

  it("refuses in Chinese", () => {
    const msg = (v: unknown) => OpenVoteSchema.safeParse(v).error?.issues[0].message;
    expect(msg({ title: " ", matter: "other" })).toBe("请填写表决事项");
    expect(msg({ title: "x".repeat(101), matter: "other" })).toBe("表决事项最长 100 字");
    expect(msg({ title: "表彰", matter: "election" })).toBe("请选择表决事项的类别");
    expect(msg({ title: "表彰", matter: "other", agendaItemId: "1" })).toBe("无效的议程");
  });

  it("has the three choices", () => {
    expect(CHOICES).toEqual(["for", "against", "abstain"]);
  });
});
