import { describe, expect, it } from "vitest";
import { documentAccess, meetingAccess, type MeetingResource, type Subject } from "./permissions";
import type { Role } from "./domain/labels";

// Tree: 党委 C → 支部 B → 小组 G1, G2; another 支部 X under C; another 党委 D → 支部 Y.
const C = "c",
  B = "b",
  G1 = "g1",
  G2 = "g2",
  X = "x",
  D = "d",
  Y = "y";
const path: Record<string, string[]> = {
  c: [C],
  b: [C, B],
  g1: [C, B, G1],
  g2: [C, B, G2],
  x: [C, X],
  d: [D],
  y: [D, Y],
};
const kind = {
  c: "committee",
  b: "branch",
  g1: "group",
  g2: "group",
  x: "branch",
  d: "committee",
  y: "branch",
} as const;

const who = (...ms: [string, Role][]): Subject => ({
  userId: "u",
  memberships: ms.map(([orgId, role]) => ({ orgId, role, orgPath: path[orgId] })),
});
const meetingAt = (orgId: keyof typeof kind): MeetingResource => ({
  id: "m",
  orgId,
  orgKind: kind[orgId],
  orgPath: path[orgId],
});

describe("meetingAccess", () => {
  const cases: [string, Subject | null, keyof typeof kind, string][] = [
    ["signed out", null, "b", "none"],
    ["branch secretary, own branch meeting", who([B, "secretary"]), "b", "write"],
    ["branch member, own branch meeting", who([B, "member"]), "b", "write"],
    ["group member, their branch's meeting", who([G1, "member"]), "b", "write"],
    ["group member, own group meeting", who([G1, "member"]), "g1", "write"],
    ["group member, the other group's meeting", who([G2, "member"]), "g1", "none"],
    ["group leader, the other group's meeting", who([G2, "group_leader"]), "g1", "none"],
    ["branch secretary, a group meeting of the branch", who([B, "secretary"]), "g1", "read"],
    ["branch ordinary member, a group meeting", who([B, "member"]), "g1", "none"],
    ["党委 committee member, a branch meeting below", who([C, "organization_member"]), "b", "read"],
    ["党委 committee member, a group meeting below", who([C, "secretary"]), "g2", "read"],
    ["党委 ordinary member, a branch meeting below", who([C, "member"]), "b", "none"],
    ["member of a sibling branch", who([X, "secretary"]), "b", "none"],
    ["member of another 党委's branch", who([Y, "secretary"]), "b", "none"],
    ["branch member, a 党委 meeting above", who([G1, "member"]), "c", "none"],
    ["branch secretary, a 党委 meeting above", who([B, "secretary"]), "c", "none"],
    ["党委 member, own 党委 meeting", who([C, "member"]), "c", "write"],
    [
      "双重组织生活: 党委 secretary who is also an ordinary group member",
      who([C, "secretary"], [G1, "member"]),
      "g1",
      "write",
    ],
    ["双重组织生活: same person, the other group", who([C, "secretary"], [G1, "member"]), "g2", "read"],
  ];
  for (const [name, subject, at, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(meetingAccess(subject, meetingAt(at))).toBe(expected);
    });
  }

  it("documents inherit the meeting's access", () => {
    expect(documentAccess(who([B, "member"]), { kind: "meeting-minutes", meeting: meetingAt("b") })).toBe("write");
    expect(documentAccess(who([C, "secretary"]), { kind: "meeting-minutes", meeting: meetingAt("b") })).toBe("read");
    expect(documentAccess(who([X, "member"]), { kind: "meeting-minutes", meeting: meetingAt("b") })).toBe("none");
  });
});
