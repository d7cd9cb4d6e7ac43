import { describe, expect, it } from "vitest";
import {
  auditAccess,
  canManage,
  canRead,
  canWrite,
  documentAccess,
  examinationAccess,
  mayManageExaminationSettings,
  meetingAccess,
  memberAccess,
  minutesAccess,
  reflectionAccess,
  orgAccess,
  scheduleAccess,
  sessionAccess,
  leaveDecisionAccess,
  type Access,
  type ExaminationResource,
  type MeetingResource,
  type MemberResource,
  type MinutesResource,
  type ReflectionStatus,
  type Subject,
} from "./permissions";
import { org, TREE, who, type OrgId } from "./test-subjects";

// ---------------------------------------------------------------------------------------------
// The tree (shared/test-subjects.ts)
//
//   党委 C ─┬─ 党支部 B ─┬─ 党小组 G1
//           │            └─ 党小组 G2
//           ├─ 党支部 X
//           └─ 党总支 GB ── 党支部 Z
//   党委 D ─── 党支部 Y
// ---------------------------------------------------------------------------------------------

const C = "c",
  B = "b",
  G1 = "g1",
  G2 = "g2",
  X = "x",
  GB = "gb",
  Z = "z",
  Y = "y";

const meetingAt = (orgId: OrgId): MeetingResource => ({
  id: `meeting-${orgId}`,
  orgId,
  orgKind: TREE[orgId].kind,
  orgPath: TREE[orgId].path,
});

// ---------------------------------------------------------------------------------------------
// The subjects
// ---------------------------------------------------------------------------------------------

const SUBJECTS = {
  "党委 administrator (组织委员 of C)": who("c-admin", [C, "organization_member"]),
  "党委 书记 (of C)": who("c-secretary", [C, "secretary"]),
  "党委 ordinary 党员 (of C)": who("c-member", [C, "member"]),
  "党总支 书记 (of GB)": who("gb-secretary", [GB, "secretary"]),
  "支部 书记 (of B)": who("b-secretary", [B, "secretary"]),
  "支部 副书记 (of B)": who("b-deputy", [B, "deputy_secretary"]),
  "支部 组织委员 (of B)": who("b-organization", [B, "organization_member"]),
  // On the 支委会, but not a manager: reads like a member, manages nothing.
  "支部 宣传委员 (of B)": who("b-propaganda", [B, "propaganda_member"]),
  "支部 纪检委员 (of B)": who("b-discipline", [B, "discipline_member"]),
  "党小组长 (of G1)": who("g1-leader", [G1, "group_leader"]),
  "党员 (in G1)": who("g1-member", [G1, "member"]),
  // A 预备党员 has exactly the access of a 正式党员 in the same place: access comes from
  // memberships, and a Subject carries no category at all. Category only matters for voting
  // (shared/domain/people.ts hasVote), which is tested elsewhere.
  "预备党员 (in G1)": who("g1-probationary", [G1, "member"]),
  "双重组织生活 (书记 of X, 党员 in G1)": who("dual", [X, "secretary"], [G1, "member"]),
  "党员 of sibling 支部 X": who("x-member", [X, "member"]),
  "党员 of other 党委's 支部 Y": who("y-member", [Y, "member"]),
  "signed out": null,
} satisfies Record<string, Subject | null>;
type SubjectName = keyof typeof SUBJECTS;

// Shorthands so the matrices stay readable as tables.
const n = "none",
  r = "read",
  w = "write",
  M = "manage";

/** One it() per cell: `${row} × ${column} → ${expected}`. */
function matrix<T>(
  columns: readonly string[],
  rows: [SubjectName, Access[]][],
  resource: (column: string) => T,
  check: (subject: Subject | null, resource: T) => Access,
) {
  it("has one full row per subject", () => {
    expect(rows.map(([name]) => name).sort()).toEqual(Object.keys(SUBJECTS).sort());
    for (const [name, expected] of rows) expect(expected, `row "${name}"`).toHaveLength(columns.length);
  });
  for (const [name, expected] of rows) {
    columns.forEach((column, i) => {
      it(`${name} × ${column} → ${expected[i]}`, () => {
        expect(check(SUBJECTS[name], resource(column))).toBe(expected[i]);
      });
    });
  }
}

const ORG_COLUMNS = [C, B, G1, G2, X, GB, Z, Y] as const;

// ---------------------------------------------------------------------------------------------
// Access levels
// ---------------------------------------------------------------------------------------------

describe("canRead / canWrite / canManage", () => {
  const cases: [Access, boolean, boolean, boolean][] = [
    //        read   write  manage
    ["none", false, false, false],
    ["read", true, false, false],
    ["write", true, true, false],
    ["manage", true, true, true],
  ];
  for (const [access, read, write, manage] of cases) {
    it(`${access} → read ${read}, write ${write}, manage ${manage}`, () => {
      expect(canRead(access)).toBe(read);
      expect(canWrite(access)).toBe(write);
      expect(canManage(access)).toBe(manage);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------------------------

describe("orgAccess", () => {
  matrix(
    ORG_COLUMNS,
    // prettier-ignore
    [
      //                                         C  B  G1 G2 X  GB Z  Y
      ["党委 administrator (组织委员 of C)",   [M, M, M, M, M, M, M, n]],
      ["党委 书记 (of C)",                     [M, M, M, M, M, M, M, n]],
      ["党委 ordinary 党员 (of C)",            [r, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, M, M, n]],
      ["支部 书记 (of B)",                     [n, M, M, M, n, n, n, n]],
      ["支部 副书记 (of B)",                   [n, M, M, M, n, n, n, n]],
      ["支部 组织委员 (of B)",                 [n, M, M, M, n, n, n, n]],
      ["支部 宣传委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, r, r, r, n, n, n, n]],
      ["党员 (in G1)",                         [n, r, r, r, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, r, r, r, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, r, r, r, M, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, r, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, r]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (id) => org(id as OrgId),
    orgAccess,
  );
});

describe("scheduleAccess", () => {
  // Those who convene an organisation's meetings: its own managers (a branch's for its groups too)
  // and a 党小组长 for their group. The levels above read (docs/decisions/019).
  matrix(
    ORG_COLUMNS,
    // prettier-ignore
    [
      //                                         C  B  G1 G2 X  GB Z  Y
      ["党委 administrator (组织委员 of C)",   [M, r, r, r, r, r, r, n]],
      ["党委 书记 (of C)",                     [M, r, r, r, r, r, r, n]],
      ["党委 ordinary 党员 (of C)",            [r, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, M, r, n]],
      ["支部 书记 (of B)",                     [n, M, M, M, n, n, n, n]],
      ["支部 副书记 (of B)",                   [n, M, M, M, n, n, n, n]],
      ["支部 组织委员 (of B)",                 [n, M, M, M, n, n, n, n]],
      ["支部 宣传委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, r, M, r, n, n, n, n]],
      ["党员 (in G1)",                         [n, r, r, r, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, r, r, r, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, r, r, r, M, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, r, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, r]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (id) => org(id as OrgId),
    scheduleAccess,
  );
});

describe("sessionAccess (nobody hosts; the subject is not on the list)", () => {
  // Running a meeting (start, agenda, end, attendance, votes, co-editors, reviews): the host and
  // those who convene the meeting's organisation. Above, and everyone else, read.
  matrix(
    ORG_COLUMNS,
    // prettier-ignore
    [
      //                                         C  B  G1 G2 X  GB Z  Y
      ["党委 administrator (组织委员 of C)",   [M, r, r, r, r, r, r, n]],
      ["党委 书记 (of C)",                     [M, r, r, r, r, r, r, n]],
      ["党委 ordinary 党员 (of C)",            [r, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, M, r, n]],
      ["支部 书记 (of B)",                     [n, M, M, M, n, n, n, n]],
      ["支部 副书记 (of B)",                   [n, M, M, M, n, n, n, n]],
      ["支部 组织委员 (of B)",                 [n, M, M, M, n, n, n, n]],
      ["支部 宣传委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, r, M, n, n, n, n, n]],
      ["党员 (in G1)",                         [n, r, r, n, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, r, r, n, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, r, r, n, M, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, r, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, r]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (at) => ({ meeting: meetingAt(at as OrgId), hostId: null, invited: false }),
    sessionAccess,
  );

  const member = who("g1-member", [G1, "member"]);
  const above = who("c-admin", [C, "organization_member"]);
  it("the host manages; someone on the list writes (signs in, asks for leave, votes)", () => {
    expect(sessionAccess(member, { meeting: meetingAt(B), hostId: "g1-member", invited: false })).toBe(M);
    expect(sessionAccess(member, { meeting: meetingAt(B), hostId: null, invited: true })).toBe(w);
  });
  it("the 党委 invited as 列席 writes what a guest writes, and runs nothing", () => {
    expect(sessionAccess(above, { meeting: meetingAt(B), hostId: null, invited: true })).toBe(w);
  });
  it("a host or invitee who may no longer read the meeting has nothing", () => {
    const left = who("g1-member", [X, "member"]);
    expect(sessionAccess(left, { meeting: meetingAt(B), hostId: "g1-member", invited: true })).toBe(n);
  });
  it("leave: the 党小组长 of the requester's group decides, the 党委 never does", () => {
    const leader = who("g1-leader", [G1, "group_leader"]);
    const r = { meeting: meetingAt(B), hostId: null, invited: true, requesterGroupIds: [G1] };
    expect(leaveDecisionAccess(leader, r)).toBe(M);
    expect(leaveDecisionAccess(leader, { ...r, requesterGroupIds: [G2] })).toBe(n);
    expect(leaveDecisionAccess(above, r)).toBe(n);
    expect(leaveDecisionAccess(who("b-secretary", [B, "secretary"]), { ...r, requesterGroupIds: [] })).toBe(M);
  });
});

// ---------------------------------------------------------------------------------------------
// Audit log
// ---------------------------------------------------------------------------------------------

describe("auditAccess", () => {
  // Only those who manage an organisation read its audit log; nobody writes it.
  matrix(
    ORG_COLUMNS,
    // prettier-ignore
    [
      //                                         C  B  G1 G2 X  GB Z  Y
      ["党委 administrator (组织委员 of C)",   [r, r, r, r, r, r, r, n]],
      ["党委 书记 (of C)",                     [r, r, r, r, r, r, r, n]],
      ["党委 ordinary 党员 (of C)",            [n, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, r, r, n]],
      ["支部 书记 (of B)",                     [n, r, r, r, n, n, n, n]],
      ["支部 副书记 (of B)",                   [n, r, r, r, n, n, n, n]],
      ["支部 组织委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["支部 宣传委员 (of B)",                 [n, n, n, n, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, n, n, n, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, n, n, n, n, n, n, n]],
      ["党员 (in G1)",                         [n, n, n, n, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, n, n, n, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, n, n, n, r, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, n, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, n]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (id) => org(id as OrgId),
    auditAccess,
  );
});

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

describe("memberAccess", () => {
  const person = (userId: string, ...ms: [OrgId, boolean][]): MemberResource => ({
    userId,
    memberships: ms.map(([id, active]) => ({ org: org(id), active })),
  });
  /** The subject as a person: their own live memberships. */
  const self = (s: Subject): MemberResource => ({
    userId: s.userId,
    memberships: s.memberships.map((m) => ({ org: org(m.orgId as OrgId), active: true })),
  });

  const PEOPLE: Record<string, (s: Subject | null) => MemberResource> = {
    "党员 in G2": () => person("p-g2", [G2, true]),
    "党员 in X": () => person("p-x", [X, true]),
    "former 党员 of B (only membership ended)": () => person("p-ended-b", [B, false]),
    // Not in the original brief: 组织关系 transferred from B (ended) to the other 党委's Y (live).
    "transferred from B to Y": () => person("p-moved", [B, false], [Y, true]),
    themself: (s) => (s ? self(s) : person("nobody")),
  };

  matrix(
    Object.keys(PEOPLE),
    // prettier-ignore
    [
      // columns: 党员 in G2 · 党员 in X · former 党员 of B · transferred B→Y · themself
      //                                         G2 X  ex B→Y self
      ["党委 administrator (组织委员 of C)",   [M, M, M, r, M]],
      ["党委 书记 (of C)",                     [M, M, M, r, M]],
      ["党委 ordinary 党员 (of C)",            [n, n, n, n, w]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, M]],
      // Managers keep managing people who left and belong nowhere (to re-admit them); once they
      // belong elsewhere, the old organisation only reads its history (B→Y column).
      ["支部 书记 (of B)",                     [M, n, M, r, M]],
      ["支部 副书记 (of B)",                   [M, n, M, r, M]],
      ["支部 组织委员 (of B)",                 [M, n, M, r, M]],
      // Readers see only live memberships, so not those who have left.
      ["支部 宣传委员 (of B)",                 [r, n, n, n, w]],
      ["支部 纪检委员 (of B)",                 [r, n, n, n, w]],
      ["党小组长 (of G1)",                     [r, n, n, n, w]],
      ["党员 (in G1)",                         [r, n, n, n, w]],
      ["预备党员 (in G1)",                     [r, n, n, n, w]],
      // Manages X but not G1, so not their own record as a whole: they edit only their profile.
      ["双重组织生活 (书记 of X, 党员 in G1)", [r, M, n, n, w]],
      ["党员 of sibling 支部 X",               [n, r, n, n, w]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, r, w]],
      ["signed out",                           [n, n, n, n, n]],
    ],
    (column) => column,
    (subject, column) => memberAccess(subject, PEOPLE[column](subject)),
  );
});

// ---------------------------------------------------------------------------------------------
// Meetings and their documents
// ---------------------------------------------------------------------------------------------

describe("meetingAccess", () => {
  matrix(
    ORG_COLUMNS,
    // prettier-ignore
    [
      //                                         C  B  G1 G2 X  GB Z  Y
      ["党委 administrator (组织委员 of C)",   [w, r, r, r, r, r, r, n]],
      ["党委 书记 (of C)",                     [w, r, r, r, r, r, r, n]],
      ["党委 ordinary 党员 (of C)",            [w, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, w, r, n]],
      ["支部 书记 (of B)",                     [n, w, r, r, n, n, n, n]],
      ["支部 副书记 (of B)",                   [n, w, r, r, n, n, n, n]],
      ["支部 组织委员 (of B)",                 [n, w, r, r, n, n, n, n]],
      ["支部 宣传委员 (of B)",                 [n, w, r, r, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, w, r, r, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, w, w, n, n, n, n, n]],
      ["党员 (in G1)",                         [n, w, w, n, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, w, w, n, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, w, w, n, w, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, w, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, w]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (id) => meetingAt(id as OrgId),
    meetingAccess,
  );

  // The earlier hand-written cases, kept: they include subjects the matrix does not (an ordinary
  // member directly in a 支部, a 党委 secretary who is also a group member).
  const cases: [string, Subject | null, OrgId, Access][] = [
    ["signed out", null, B, n],
    ["branch secretary, own branch meeting", who("u", [B, "secretary"]), B, w],
    ["branch member, own branch meeting", who("u", [B, "member"]), B, w],
    ["group member, their branch's meeting", who("u", [G1, "member"]), B, w],
    ["group member, own group meeting", who("u", [G1, "member"]), G1, w],
    ["group member, the other group's meeting", who("u", [G2, "member"]), G1, n],
    ["group leader, the other group's meeting", who("u", [G2, "group_leader"]), G1, n],
    ["branch secretary, a group meeting of the branch", who("u", [B, "secretary"]), G1, r],
    ["branch ordinary member, a group meeting", who("u", [B, "member"]), G1, n],
    ["党委 committee member, a branch meeting below", who("u", [C, "organization_member"]), B, r],
    ["党委 committee member, a group meeting below", who("u", [C, "secretary"]), G2, r],
    ["党委 ordinary member, a branch meeting below", who("u", [C, "member"]), B, n],
    ["member of a sibling branch", who("u", [X, "secretary"]), B, n],
    ["member of another 党委's branch", who("u", [Y, "secretary"]), B, n],
    ["branch member, a 党委 meeting above", who("u", [G1, "member"]), C, n],
    ["branch secretary, a 党委 meeting above", who("u", [B, "secretary"]), C, n],
    ["党委 member, own 党委 meeting", who("u", [C, "member"]), C, w],
    ["党总支 committee member, a branch meeting below", who("u", [GB, "discipline_member"]), Z, r],
    ["branch member under a 党总支, the 党总支's meeting", who("u", [Z, "member"]), GB, n],
    [
      "双重组织生活: 党委 secretary who is also an ordinary group member",
      who("u", [C, "secretary"], [G1, "member"]),
      G1,
      w,
    ],
    ["双重组织生活: same person, the other group", who("u", [C, "secretary"], [G1, "member"]), G2, r],
  ];
  for (const [name, subject, at, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(meetingAccess(subject, meetingAt(at))).toBe(expected);
    });
  }
});

describe("minutesAccess (nobody named: host, 记录人 and co-editors unset)", () => {
  matrix(
    ORG_COLUMNS,
    // prettier-ignore
    [
      //                                         C  B  G1 G2 X  GB Z  Y
      ["党委 administrator (组织委员 of C)",   [w, r, r, r, r, r, r, n]],
      ["党委 书记 (of C)",                     [w, r, r, r, r, r, r, n]],
      ["党委 ordinary 党员 (of C)",            [r, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, w, r, n]],
      ["支部 书记 (of B)",                     [n, w, w, w, n, n, n, n]],
      ["支部 副书记 (of B)",                   [n, w, w, w, n, n, n, n]],
      ["支部 组织委员 (of B)",                 [n, w, w, w, n, n, n, n]],
      ["支部 宣传委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, r, r, r, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, r, w, n, n, n, n, n]],
      ["党员 (in G1)",                         [n, r, r, n, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, r, r, n, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, r, r, n, w, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, r, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, r]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (at) => ({ meeting: meetingAt(at as OrgId), hostId: null, recorderId: null, editorIds: [] }),
    minutesAccess,
  );

  const member = who("g1-member", [G1, "member"]);
  const at = (p: Partial<MinutesResource>): MinutesResource => ({
    meeting: meetingAt(B),
    hostId: null,
    recorderId: null,
    editorIds: [],
    ...p,
  });
  it("the 记录人, the host and a co-editor the host allowed write", () => {
    expect(minutesAccess(member, at({ recorderId: "g1-member" }))).toBe(w);
    expect(minutesAccess(member, at({ hostId: "g1-member" }))).toBe(w);
    expect(minutesAccess(member, at({ editorIds: ["someone", "g1-member"] }))).toBe(w);
  });
  it("a co-editor who only reads the meeting (left the branch, or a committee above) does not write", () => {
    const above = who("c-member", [C, "propaganda_member"]);
    expect(minutesAccess(above, at({ editorIds: ["c-member"] }))).toBe(r);
  });
  it("being named does not open a meeting the person may not read", () => {
    const outsider = who("x-member", [X, "member"]);
    expect(minutesAccess(outsider, at({ recorderId: "x-member", editorIds: ["x-member"] }))).toBe(n);
  });
});

describe("reflectionAccess (a 党员 in G1 writes on a branch B meeting)", () => {
  const author = "g1-member";
  const columns = ["draft", "submitted", "returned", "accepted"] as const;
  const cell = (visibility: "committee" | "branch") => (status: string) => ({
    meeting: meetingAt(B),
    hostId: "g1-leader",
    authorId: author,
    authorInvited: true,
    status: status as ReflectionStatus,
    visibility,
  });
  describe("visibility: committee", () => {
    matrix(
      columns,
      // prettier-ignore
      [
        //                                         draft submitted returned accepted
        // The levels above review a branch's records: they read what was submitted.
        ["党委 administrator (组织委员 of C)",   [n, r, n, r]],
        ["党委 书记 (of C)",                     [n, r, n, r]],
        ["党委 ordinary 党员 (of C)",            [n, n, n, n]],
        ["党总支 书记 (of GB)",                  [n, n, n, n]],
        ["支部 书记 (of B)",                     [n, M, M, M]],
        ["支部 副书记 (of B)",                   [n, M, M, M]],
        ["支部 组织委员 (of B)",                 [n, M, M, M]],
        ["支部 宣传委员 (of B)",                 [n, n, n, n]],
        ["支部 纪检委员 (of B)",                 [n, n, n, n]],
        // The host of this meeting.
        ["党小组长 (of G1)",                     [n, M, M, M]],
        // The author.
        ["党员 (in G1)",                         [w, r, w, r]],
        ["预备党员 (in G1)",                     [n, n, n, n]],
        ["双重组织生活 (书记 of X, 党员 in G1)", [n, n, n, n]],
        ["党员 of sibling 支部 X",               [n, n, n, n]],
        ["党员 of other 党委's 支部 Y",          [n, n, n, n]],
        ["signed out",                           [n, n, n, n]],
      ],
      cell("committee"),
      reflectionAccess,
    );
  });
  describe("visibility: branch", () => {
    matrix(
      columns,
      // prettier-ignore
      [
        //                                         draft submitted returned accepted
        // The levels above review a branch's records: they read what was submitted.
        ["党委 administrator (组织委员 of C)",   [n, r, n, r]],
        ["党委 书记 (of C)",                     [n, r, n, r]],
        ["党委 ordinary 党员 (of C)",            [n, n, n, n]],
        ["党总支 书记 (of GB)",                  [n, n, n, n]],
        ["支部 书记 (of B)",                     [n, M, M, M]],
        ["支部 副书记 (of B)",                   [n, M, M, M]],
        ["支部 组织委员 (of B)",                 [n, M, M, M]],
        ["支部 宣传委员 (of B)",                 [n, r, n, r]],
        ["支部 纪检委员 (of B)",                 [n, r, n, r]],
        ["党小组长 (of G1)",                     [n, M, M, M]],
        ["党员 (in G1)",                         [w, r, w, r]],
        ["预备党员 (in G1)",                     [n, r, n, r]],
        ["双重组织生活 (书记 of X, 党员 in G1)", [n, r, n, r]],
        ["党员 of sibling 支部 X",               [n, n, n, n]],
        ["党员 of other 党委's 支部 Y",          [n, n, n, n]],
        ["signed out",                           [n, n, n, n]],
      ],
      cell("branch"),
      reflectionAccess,
    );
  });
});

describe("reflectionAccess for an author who is not on the list", () => {
  it("gives nothing to write: no 心得体会 without being invited (a 党委 reviewer on a branch meeting)", () => {
    const above = who("c-admin", [C, "organization_member"]);
    const r = {
      meeting: meetingAt(B),
      hostId: null,
      authorId: "c-admin",
      authorInvited: false,
      status: "draft" as const,
      visibility: "committee" as const,
    };
    expect(reflectionAccess(above, r)).toBe(n);
    expect(reflectionAccess(above, { ...r, authorInvited: true })).toBe(w);
    const member = who("g1-member", [G1, "member"]);
    expect(reflectionAccess(member, { ...r, authorId: "g1-member" })).toBe(n);
  });
});

describe("documentAccess", () => {
  it("minutes follow minutesAccess; the live channel is read-only; a reviewer reads a reflection", () => {
    for (const subject of Object.values(SUBJECTS)) {
      for (const at of ORG_COLUMNS) {
        const minutes = { meeting: meetingAt(at), hostId: null, recorderId: null, editorIds: [] };
        expect(documentAccess(subject, { kind: "meeting-minutes", ...minutes })).toBe(minutesAccess(subject, minutes));
        const meeting = meetingAccess(subject, meetingAt(at));
        expect(documentAccess(subject, { kind: "meeting-live", meeting: meetingAt(at) })).toBe(
          meeting === "none" ? "none" : "read",
        );
      }
    }
    const reflection = {
      kind: "reflection" as const,
      meeting: meetingAt(B),
      hostId: null,
      authorId: "g1-member",
      authorInvited: true,
      status: "submitted" as const,
      visibility: "committee" as const,
    };
    expect(documentAccess(who("b-secretary", [B, "secretary"]), reflection)).toBe(r);
    expect(documentAccess(who("g1-member", [G1, "member"]), { ...reflection, status: "returned" })).toBe(w);
  });
});

// ---------------------------------------------------------------------------------------------
// Password resets (a code for an activated account)
// ---------------------------------------------------------------------------------------------

import { passwordResetAccess, type PasswordResetResource } from "./permissions";

describe("passwordResetAccess", () => {
  const holder = (userId: string, activated: boolean, ...ms: [OrgId, boolean][]): PasswordResetResource => ({
    userId,
    activated,
    memberships: ms.map(([id, active]) => ({ org: org(id), active })),
  });
  const HOLDERS: Record<string, (s: Subject | null) => PasswordResetResource> = {
    "书记 of B, 党员 in G1": () => holder("p-b-secretary", true, [B, true], [G1, true]),
    "党员 in G1": () => holder("p-g1", true, [G1, true]),
    "党员 in B": () => holder("p-b", true, [B, true]),
    "委员 of C": () => holder("p-c", true, [C, true]),
    "党员 in Z": () => holder("p-z", true, [Z, true]),
    "former 党员 of B": () => holder("p-ended-b", true, [B, false]),
    "not activated, in B": () => holder("p-new-b", false, [B, true]),
    themself: (s) =>
      s
        ? {
            userId: s.userId,
            activated: true,
            memberships: s.memberships.map((m) => ({ org: org(m.orgId as OrgId), active: true })),
          }
        : holder("nobody", true),
  };

  matrix(
    Object.keys(HOLDERS),
    // prettier-ignore
    [
      // Only a manager of an organisation above every one the holder belongs to resets an
      // activated account; nobody resets one at the top (the operator does, on the server).
      // An account not yet activated follows memberAccess: its organisation's managers.
      //                                      B+G1 G1 B  C  Z  exB new self
      ["党委 administrator (组织委员 of C)",   [M, M, M, n, M, M, M, n]],
      ["党委 书记 (of C)",                     [M, M, M, n, M, M, M, n]],
      ["党委 ordinary 党员 (of C)",            [n, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, M, n, n, n]],
      // Peers on the same committee and managers of the same organisation: never.
      ["支部 书记 (of B)",                     [n, M, n, n, n, n, M, n]],
      ["支部 副书记 (of B)",                   [n, M, n, n, n, n, M, n]],
      ["支部 组织委员 (of B)",                 [n, M, n, n, n, n, M, n]],
      ["支部 宣传委员 (of B)",                 [n, n, n, n, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, n, n, n, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, n, n, n, n, n, n, n]],
      ["党员 (in G1)",                         [n, n, n, n, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, n, n, n, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, n, n, n, n, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, n, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, n]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (column) => column,
    (subject, column) => passwordResetAccess(subject, HOLDERS[column](subject)),
  );

  it("refuses an account with no organisation at all, and one's own", () => {
    const admin = who("c-admin", [C, "organization_member"]);
    expect(passwordResetAccess(admin, holder("p-none", true))).toBe(n);
    expect(passwordResetAccess(admin, holder("c-admin", true, [G1, true]))).toBe(n);
  });
});

import {
  holdsPost,
  isLeaderRole,
  LEADER_ROLES,
  leaderRole,
  leaderTitle,
  ORDINARY_ROLE,
  requiresOneHolder,
  roleAfterMove,
  roleFits,
  ROLE_ORDER,
  roleRank,
  rolesFitting,
} from "./permissions";
import { ORG_KINDS, ROLES } from "./domain/labels";

describe("roles and organisations", () => {
  it("a 党小组 has a 党小组长 and members; other organisations a committee and members", () => {
    expect(rolesFitting("group")).toEqual(["group_leader", "member"]);
    for (const kind of ["committee", "general_branch", "branch"] as const)
      expect(rolesFitting(kind)).toEqual([
        "secretary",
        "deputy_secretary",
        "organization_member",
        "propaganda_member",
        "discipline_member",
        "member",
      ]);
    expect(roleFits("group", "secretary")).toBe(false);
    expect(roleFits("branch", "group_leader")).toBe(false);
    expect(roleFits("branch", "discipline_member")).toBe(true);
    for (const kind of ORG_KINDS) expect(roleFits(kind, ORDINARY_ROLE)).toBe(true);
  });

  it("every role fits some kind of organisation", () => {
    for (const role of ROLES) expect(ORG_KINDS.some((k) => roleFits(k, role))).toBe(true);
  });

  it("a move keeps a committee post between committees and drops it into a 党小组; a 党小组长 becomes a 党员", () => {
    expect(roleAfterMove("organization_member", "branch")).toBe("organization_member");
    expect(roleAfterMove("organization_member", "group")).toBe("member");
    expect(roleAfterMove("secretary", "group")).toBe("member");
    expect(roleAfterMove("group_leader", "group")).toBe("member");
    expect(roleAfterMove("group_leader", "branch")).toBe("member");
    expect(roleAfterMove("member", "group")).toBe("member");
    for (const kind of ORG_KINDS)
      for (const role of ROLES) expect(roleFits(kind, roleAfterMove(role, kind))).toBe(true);
  });

  it("who leads: the 书记, a 党小组's 党小组长", () => {
    expect(leaderRole("branch")).toBe("secretary");
    expect(leaderRole("committee")).toBe("secretary");
    expect(leaderRole("group")).toBe("group_leader");
    expect(leaderTitle("group")).toBe("党小组长");
    expect(leaderTitle("general_branch")).toBe("书记");
    for (const kind of ORG_KINDS) {
      expect(isLeaderRole(leaderRole(kind))).toBe(true);
      expect(roleFits(kind, leaderRole(kind))).toBe(true);
    }
    expect(LEADER_ROLES).toHaveLength(2);
    expect(isLeaderRole("deputy_secretary")).toBe(false);
    expect(isLeaderRole("member")).toBe(false);
  });

  it("posts and the ordinary membership", () => {
    expect(holdsPost("member")).toBe(false);
    for (const role of ROLES.filter((r) => r !== "member")) expect(holdsPost(role)).toBe(true);
  });

  it("only the 书记 must always have a holder", () => {
    expect(ROLES.filter(requiresOneHolder)).toEqual(["secretary"]);
  });

  it("posts are listed 书记 first, ordinary members last", () => {
    expect(ROLE_ORDER[0]).toBe("secretary");
    expect(ROLE_ORDER[ROLE_ORDER.length - 1]).toBe("member");
    expect([...ROLE_ORDER].sort()).toEqual([...ROLES].sort());
    const sorted = (["member", "group_leader", "propaganda_member", "secretary", "deputy_secretary"] as const)
      .slice()
      .sort((a, b) => roleRank(a) - roleRank(b));
    expect(sorted).toEqual(["secretary", "deputy_secretary", "propaganda_member", "group_leader", "member"]);
  });
});

import {
  mayConfirmRectification,
  mayCreateRectification,
  problemListAccess,
  rectificationAccess,
  rectificationListAccess,
  type RectificationResource,
} from "./permissions";

describe("rectificationAccess (整改清单 items)", () => {
  const COLUMNS = [
    "B, owner 党员 in G1, scope committee",
    "B, owner 党员 in G1, scope branch",
    "B, owned by the branch, scope committee",
    "B, owned by the branch, scope branch",
    "Z (under GB), owned by the branch, scope branch",
  ] as const;
  const item = (column: string): RectificationResource => {
    const i = COLUMNS.indexOf(column as (typeof COLUMNS)[number]);
    return {
      org: org(i === 4 ? Z : B),
      ownerId: i < 2 ? "g1-member" : null,
      scope: i === 0 || i === 2 ? "committee" : "branch",
    };
  };
  matrix(
    COLUMNS,
    [
      ["党委 administrator (组织委员 of C)", [r, r, r, r, r]],
      ["党委 书记 (of C)", [r, r, r, r, r]],
      ["党委 ordinary 党员 (of C)", [n, n, n, n, n]],
      ["党总支 书记 (of GB)", [n, n, n, n, r]],
      ["支部 书记 (of B)", [M, M, M, M, n]],
      ["支部 副书记 (of B)", [M, M, M, M, n]],
      ["支部 组织委员 (of B)", [r, r, w, w, n]],
      ["支部 宣传委员 (of B)", [r, r, r, r, n]],
      ["支部 纪检委员 (of B)", [r, r, r, r, n]],
      ["党小组长 (of G1)", [n, r, n, r, n]],
      ["党员 (in G1)", [w, w, n, r, n]],
      ["预备党员 (in G1)", [n, r, n, r, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, r, n, r, n]],
      ["党员 of sibling 支部 X", [n, n, n, n, n]],
      ["党员 of other 党委's 支部 Y", [n, n, n, n, n]],
      ["signed out", [n, n, n, n, n]],
    ],
    item,
    rectificationAccess,
  );

  it("an owner who left the branch no longer reports on the item", () => {
    const left = who("g1-member", [X, "member"]);
    expect(rectificationAccess(left, { org: org(B), ownerId: "g1-member", scope: "committee" })).toBe("none");
  });
  it("has no list outside a 党支部", () => {
    expect(rectificationAccess(SUBJECTS["党委 书记 (of C)"], { org: org(C), ownerId: null, scope: "branch" })).toBe(
      "none",
    );
  });
});

describe("the 整改清单 and 问题清单 of branch B", () => {
  const rows: [SubjectName, { create: boolean; confirm: boolean; list: Access; problems: Access }][] = [
    ["支部 书记 (of B)", { create: true, confirm: true, list: M, problems: w }],
    ["支部 副书记 (of B)", { create: true, confirm: true, list: M, problems: w }],
    ["支部 组织委员 (of B)", { create: true, confirm: false, list: w, problems: w }],
    ["支部 宣传委员 (of B)", { create: false, confirm: false, list: r, problems: r }],
    ["党小组长 (of G1)", { create: false, confirm: false, list: r, problems: n }],
    ["党员 (in G1)", { create: false, confirm: false, list: r, problems: n }],
    ["党委 书记 (of C)", { create: false, confirm: false, list: r, problems: n }],
    ["党委 administrator (组织委员 of C)", { create: false, confirm: false, list: r, problems: n }],
    ["党总支 书记 (of GB)", { create: false, confirm: false, list: n, problems: n }],
    ["党员 of sibling 支部 X", { create: false, confirm: false, list: n, problems: n }],
    ["signed out", { create: false, confirm: false, list: n, problems: n }],
  ];
  for (const [name, want] of rows)
    it(`${name}: create ${want.create}, confirm ${want.confirm}, list ${want.list}, 问题清单 ${want.problems}`, () => {
      const s = SUBJECTS[name];
      expect(mayCreateRectification(s, org(B))).toBe(want.create);
      expect(mayConfirmRectification(s, org(B))).toBe(want.confirm);
      expect(rectificationListAccess(s, org(B))).toBe(want.list);
      expect(problemListAccess(s, org(B))).toBe(want.problems);
    });
});

// ---------------------------------------------------------------------------------------------
// 谈心谈话 (docs/decisions/033-talks.md)
// ---------------------------------------------------------------------------------------------

import { talkRecordAccess, talkRecordCreate, talkSettingsAccess, talksPageAccess } from "./permissions";

describe("谈心谈话 of a 组织生活会 of branch B", () => {
  const meeting = meetingAt(B);
  // A talk between two members of G1.
  const talk = (aboveGrant: boolean) => ({
    meeting,
    participants: ["g1-member", "g1-probationary"] as const,
    aboveGrant,
  });
  const rows: [
    SubjectName,
    {
      record: "none" | "read";
      granted: "none" | "read";
      recordOwn: boolean;
      recordOthers: boolean;
      page: "none" | "own" | "matrix";
      settings: Access;
    },
  ][] = [
    ["党员 (in G1)", { record: r, granted: r, recordOwn: true, recordOthers: false, page: "own", settings: n }],
    ["预备党员 (in G1)", { record: r, granted: r, recordOwn: true, recordOthers: false, page: "own", settings: n }],
    ["支部 书记 (of B)", { record: r, granted: r, recordOwn: true, recordOthers: true, page: "matrix", settings: M }],
    ["支部 副书记 (of B)", { record: r, granted: r, recordOwn: true, recordOthers: true, page: "matrix", settings: M }],
    [
      "支部 组织委员 (of B)",
      { record: r, granted: r, recordOwn: true, recordOthers: true, page: "matrix", settings: M },
    ],
    [
      "支部 宣传委员 (of B)",
      { record: r, granted: r, recordOwn: true, recordOthers: false, page: "matrix", settings: r },
    ],
    ["党小组长 (of G1)", { record: n, granted: n, recordOwn: true, recordOthers: false, page: "own", settings: n }],
    [
      "双重组织生活 (书记 of X, 党员 in G1)",
      { record: n, granted: n, recordOwn: true, recordOthers: false, page: "own", settings: n },
    ],
    ["党委 书记 (of C)", { record: n, granted: r, recordOwn: false, recordOthers: false, page: "matrix", settings: n }],
    [
      "党委 administrator (组织委员 of C)",
      { record: n, granted: r, recordOwn: false, recordOthers: false, page: "matrix", settings: n },
    ],
    [
      "党委 ordinary 党员 (of C)",
      { record: n, granted: n, recordOwn: false, recordOthers: false, page: "none", settings: n },
    ],
    [
      "党总支 书记 (of GB)",
      { record: n, granted: n, recordOwn: false, recordOthers: false, page: "none", settings: n },
    ],
    [
      "党员 of sibling 支部 X",
      { record: n, granted: n, recordOwn: false, recordOthers: false, page: "none", settings: n },
    ],
    ["signed out", { record: n, granted: n, recordOwn: false, recordOthers: false, page: "none", settings: n }],
  ];
  for (const [name, want] of rows)
    it(`${name}: record ${want.record} (granted ${want.granted}), page ${want.page}, settings ${want.settings}`, () => {
      const s = SUBJECTS[name];
      expect(talkRecordAccess(s, talk(false))).toBe(want.record);
      expect(talkRecordAccess(s, talk(true))).toBe(want.granted);
      const self = s?.userId ?? "nobody";
      expect(talkRecordCreate(s, meeting, [self, "g1-member"])).toBe(want.recordOwn);
      expect(talkRecordCreate(s, meeting, ["someone", "someone-else"])).toBe(want.recordOthers);
      expect(talksPageAccess(s, meeting)).toBe(want.page);
      expect(talkSettingsAccess(s, meeting)).toBe(want.settings);
    });

  it("a member of another branch named as a participant reads nothing of B's meeting", () => {
    const other = SUBJECTS["党员 of sibling 支部 X"];
    expect(talkRecordAccess(other, { meeting, participants: ["x-member", "g1-member"], aboveGrant: true })).toBe(n);
  });
});

// 对照检查材料 (decision 034)
// ---------------------------------------------------------------------------------------------

describe("examinationAccess (a 党员 in G1 writes for a 组织生活会 of branch B)", () => {
  const columns = ["draft", "submitted", "returned", "accepted", "submitted, reader attends now", "submitted, grant"];
  const cell = (column: string): ExaminationResource => ({
    meeting: meetingAt(B),
    personId: "g1-member",
    authorInvited: true,
    status: column.split(",")[0] as ReflectionStatus,
    attendingNow: column.includes("attends"),
    aboveGrant: column.includes("grant"),
    reviewerId: null,
    authorIsSecretary: false,
  });
  matrix(
    columns,
    // prettier-ignore
    [
      //                                         draft sub ret acc attends grant
      // The level above reads only with a grant (or while attending): the confidentiality rule.
      ["党委 administrator (组织委员 of C)",   [n, n, n, n, r, r]],
      ["党委 书记 (of C)",                     [n, n, n, n, r, r]],
      ["党委 ordinary 党员 (of C)",            [n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, n]],
      // The 书记 reviews (no one else named).
      ["支部 书记 (of B)",                     [n, M, M, M, M, M]],
      // The 支委 read; a draft is the author's alone.
      ["支部 副书记 (of B)",                   [n, r, r, r, r, r]],
      ["支部 组织委员 (of B)",                 [n, r, r, r, r, r]],
      ["支部 宣传委员 (of B)",                 [n, r, r, r, r, r]],
      ["支部 纪检委员 (of B)",                 [n, r, r, r, r, r]],
      // Other members: only while attending the meeting in progress.
      ["党小组长 (of G1)",                     [n, n, n, n, r, n]],
      // The author: writes a draft and a returned one.
      ["党员 (in G1)",                         [w, r, w, r, r, r]],
      ["预备党员 (in G1)",                     [n, n, n, n, r, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, n, n, n, r, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n]],
      ["signed out",                           [n, n, n, n, n, n]],
    ],
    cell,
    examinationAccess,
  );
});

describe("examinationAccess: who reviews", () => {
  const base: ExaminationResource = {
    meeting: meetingAt(B),
    personId: "g1-member",
    authorInvited: true,
    status: "submitted",
    attendingNow: false,
    aboveGrant: false,
    reviewerId: null,
    authorIsSecretary: false,
  };
  it("the person the branch names reviews instead of the 书记, who still reads", () => {
    const r = { ...base, reviewerId: "b-organization" };
    expect(examinationAccess(SUBJECTS["支部 组织委员 (of B)"], r)).toBe("manage");
    expect(examinationAccess(SUBJECTS["支部 书记 (of B)"], r)).toBe("read");
  });
  it("a branch naming the author themselves falls back to the 书记", () => {
    const r = { ...base, reviewerId: "g1-member" };
    expect(examinationAccess(SUBJECTS["党员 (in G1)"], r)).toBe("read");
    expect(examinationAccess(SUBJECTS["支部 书记 (of B)"], r)).toBe("manage");
  });
  it("the 书记's own material is reviewed by the committee of the level above, without a grant", () => {
    const r = { ...base, personId: "b-secretary", authorIsSecretary: true };
    expect(examinationAccess(SUBJECTS["支部 书记 (of B)"], r)).toBe("read");
    expect(examinationAccess(SUBJECTS["党委 administrator (组织委员 of C)"], r)).toBe("manage");
    expect(examinationAccess(SUBJECTS["党委 书记 (of C)"], r)).toBe("manage");
    expect(examinationAccess(SUBJECTS["党委 ordinary 党员 (of C)"], r)).toBe("none");
    expect(examinationAccess(SUBJECTS["支部 副书记 (of B)"], r)).toBe("read");
    expect(examinationAccess(SUBJECTS["党员 (in G1)"], r)).toBe("none");
  });
  it("an author not on the list has nothing to write, and nobody reads it", () => {
    const r = { ...base, authorInvited: false, status: "draft" as const };
    expect(examinationAccess(SUBJECTS["党员 (in G1)"], r)).toBe("none");
    expect(examinationAccess(SUBJECTS["支部 书记 (of B)"], { ...r, status: "submitted" })).toBe("none");
  });
  it("the live document: the reviewer reads it, only the author writes", () => {
    const doc = { kind: "examination" as const, ...base, status: "returned" as const };
    expect(documentAccess(SUBJECTS["党员 (in G1)"], doc)).toBe("write");
    expect(documentAccess(SUBJECTS["支部 书记 (of B)"], doc)).toBe("read");
    expect(documentAccess(SUBJECTS["党小组长 (of G1)"], doc)).toBe("none");
  });
  it("the settings are kept by the branch's 书记, 副书记 and 组织委员", () => {
    const allowed = Object.entries(SUBJECTS)
      .filter(([, s]) => mayManageExaminationSettings(s, org(B)))
      .map(([name]) => name);
    expect(allowed).toEqual(["支部 书记 (of B)", "支部 副书记 (of B)", "支部 组织委员 (of B)"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Sign-off and seal of a meeting's record (issue 17 §1, docs/decisions/038)
// ---------------------------------------------------------------------------------------------

import { recordAccess, signOffAccess, type RecordResource } from "./permissions";

describe("recordAccess (the record page; nobody named as 主持人 or 记录人)", () => {
  matrix(
    ORG_COLUMNS,
    // prettier-ignore
    [
      //                                         C  B  G1 G2 X  GB Z  Y
      // Managers of the organisation or above (they sign for a holder who left) and those who convene.
      ["党委 administrator (组织委员 of C)",   [M, M, M, M, M, M, M, n]],
      ["党委 书记 (of C)",                     [M, M, M, M, M, M, M, n]],
      ["党委 ordinary 党员 (of C)",            [n, n, n, n, n, n, n, n]],
      ["党总支 书记 (of GB)",                  [n, n, n, n, n, M, M, n]],
      ["支部 书记 (of B)",                     [n, M, M, M, n, n, n, n]],
      ["支部 副书记 (of B)",                   [n, M, M, M, n, n, n, n]],
      ["支部 组织委员 (of B)",                 [n, M, M, M, n, n, n, n]],
      // The page names who has not submitted: not for ordinary members, nor 委员 who do not convene.
      ["支部 宣传委员 (of B)",                 [n, n, n, n, n, n, n, n]],
      ["支部 纪检委员 (of B)",                 [n, n, n, n, n, n, n, n]],
      ["党小组长 (of G1)",                     [n, n, M, n, n, n, n, n]],
      ["党员 (in G1)",                         [n, n, n, n, n, n, n, n]],
      ["预备党员 (in G1)",                     [n, n, n, n, n, n, n, n]],
      ["双重组织生活 (书记 of X, 党员 in G1)", [n, n, n, n, M, n, n, n]],
      ["党员 of sibling 支部 X",               [n, n, n, n, n, n, n, n]],
      ["党员 of other 党委's 支部 Y",          [n, n, n, n, n, n, n, n]],
      ["signed out",                           [n, n, n, n, n, n, n, n]],
    ],
    (at): RecordResource => ({
      meeting: meetingAt(at as OrgId),
      hostId: null,
      recorderId: null,
      left: { host: false, recorder: false },
    }),
    recordAccess,
  );

  const at = (p: Partial<RecordResource>): RecordResource => ({
    meeting: meetingAt(B),
    hostId: null,
    recorderId: null,
    left: { host: false, recorder: false },
    ...p,
  });
  it("the 主持人 and the 记录人 open it while they take part; once gone, not", () => {
    const member = who("g1-member", [G1, "member"]);
    expect(recordAccess(member, at({ recorderId: "g1-member" }))).toBe(M);
    expect(recordAccess(member, at({ hostId: "g1-member" }))).toBe(M);
    expect(recordAccess(who("g1-member"), at({ recorderId: "g1-member", left: { host: false, recorder: true } }))).toBe(
      n,
    );
  });
  it("a committee member above who does not manage reads it (reviews records)", () => {
    expect(recordAccess(who("c-propaganda", [C, "propaganda_member"]), at({}))).toBe(r);
  });
});

describe("signOffAccess", () => {
  const rec = (p: Partial<RecordResource>): RecordResource => ({
    meeting: meetingAt(B),
    hostId: "g1-leader",
    recorderId: "g1-member",
    left: { host: false, recorder: false },
    ...p,
  });
  const member = who("g1-member", [G1, "member"]);
  const secretary = who("b-secretary", [B, "secretary"]);
  it("each holder signs their own role, and only theirs", () => {
    expect(signOffAccess(member, rec({}), "recorder")).toBe("self");
    expect(signOffAccess(member, rec({}), "host")).toBe("none");
    expect(signOffAccess(member, rec({ hostId: "g1-member" }), "host")).toBe("self");
  });
  it("nobody signs for a holder who is still there, not even the 书记", () => {
    expect(signOffAccess(secretary, rec({}), "recorder")).toBe("none");
    expect(signOffAccess(who("g1-other", [G1, "member"]), rec({}), "recorder")).toBe("none");
  });
  it("a manager of the organisation (or above) signs for a holder who left, or a role nobody held", () => {
    const left = rec({ left: { host: false, recorder: true } });
    expect(signOffAccess(secretary, left, "recorder")).toBe("behalf");
    expect(signOffAccess(who("b-organization", [B, "organization_member"]), left, "recorder")).toBe("behalf");
    expect(signOffAccess(who("c-admin", [C, "organization_member"]), left, "recorder")).toBe("behalf");
    expect(signOffAccess(secretary, rec({ recorderId: null }), "recorder")).toBe("behalf");
    // Not a manager: a 宣传委员, a 党小组长, the other signer.
    expect(signOffAccess(who("b-propaganda", [B, "propaganda_member"]), left, "recorder")).toBe("none");
    expect(signOffAccess(who("g1-leader", [G1, "group_leader"]), left, "recorder")).toBe("none");
  });
  it("a holder who left signs nothing themselves; outsiders and the signed out nothing", () => {
    const left = rec({ left: { host: false, recorder: true } });
    expect(signOffAccess(who("g1-member"), left, "recorder")).toBe("none");
    expect(signOffAccess(who("x-member", [X, "member"]), rec({ recorderId: "x-member" }), "recorder")).toBe("none");
    expect(signOffAccess(null, rec({}), "host")).toBe("none");
  });
});

describe("documentAccess on a sealed meeting: at most read", () => {
  const sealed = { ...meetingAt(B), sealed: true };
  const member = who("g1-member", [G1, "member"]);
  const secretary = who("b-secretary", [B, "secretary"]);
  it("the minutes: their 记录人 and the 书记 read", () => {
    const minutes = { meeting: sealed, hostId: null, recorderId: "g1-member", editorIds: [] };
    expect(documentAccess(member, { kind: "meeting-minutes", ...minutes })).toBe(r);
    expect(documentAccess(secretary, { kind: "meeting-minutes", ...minutes })).toBe(r);
    expect(documentAccess(member, { kind: "meeting-minutes", ...minutes, meeting: meetingAt(B) })).toBe(w);
  });
  it("a 心得体会 draft, a 对照检查材料 draft, a criticism and an answer while in progress: read", () => {
    const reflection = {
      meeting: sealed,
      hostId: null,
      authorId: "g1-member",
      authorInvited: true,
      status: "draft" as const,
      visibility: "committee" as const,
    };
    expect(documentAccess(member, { kind: "reflection", ...reflection })).toBe(r);
    const exam = {
      meeting: sealed,
      personId: "g1-member",
      authorInvited: true,
      status: "returned" as const,
      attendingNow: false,
      aboveGrant: false,
      reviewerId: null,
      authorIsSecretary: false,
    };
    expect(documentAccess(member, { kind: "examination", ...exam })).toBe(r);
    const note = {
      meeting: sealed,
      personId: "g1-member",
      attendingNow: true,
      aboveGrant: false,
      inProgress: true,
      authors: "concerned" as const,
    };
    expect(documentAccess(member, { kind: "criticism-answer", ...note })).toBe(r);
    const other = who("g1-other", [G1, "member"]);
    expect(documentAccess(other, { kind: "criticism", ...note, authorId: "g1-other", authorInvited: true })).toBe(r);
  });
  it("sealing never opens what was closed", () => {
    const outsider = who("x-member", [X, "member"]);
    const minutes = { meeting: sealed, hostId: null, recorderId: null, editorIds: [] };
    expect(documentAccess(outsider, { kind: "meeting-minutes", ...minutes })).toBe(n);
    const draft = {
      meeting: sealed,
      hostId: null,
      authorId: "g1-member",
      authorInvited: true,
      status: "draft" as const,
      visibility: "branch" as const,
    };
    expect(documentAccess(secretary, { kind: "reflection", ...draft })).toBe(n);
  });
});
