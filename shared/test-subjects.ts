import type { OrgKind, Role } from "./domain/labels";
import type { MeetingResource, OrgResource, Subject } from "./permissions";

// The organisation tree the permission tests share, and subjects built on it the way
// server/services/people/subjects.ts loads them (test code only).
//
//   党委 C ─┬─ 党支部 B ─┬─ 党小组 G1
//           │            └─ 党小组 G2
//           ├─ 党支部 X
//           └─ 党总支 GB ── 党支部 Z
//   党委 D ─── 党支部 Y

export type OrgId = "c" | "b" | "g1" | "g2" | "x" | "gb" | "z" | "d" | "y";

export const TREE: Record<OrgId, { kind: OrgKind; path: string[]; branchId: string | null }> = {
  c: { kind: "committee", path: ["c"], branchId: null },
  b: { kind: "branch", path: ["c", "b"], branchId: "b" },
  g1: { kind: "group", path: ["c", "b", "g1"], branchId: "b" },
  g2: { kind: "group", path: ["c", "b", "g2"], branchId: "b" },
  x: { kind: "branch", path: ["c", "x"], branchId: "x" },
  gb: { kind: "general_branch", path: ["c", "gb"], branchId: null },
  z: { kind: "branch", path: ["c", "gb", "z"], branchId: "z" },
  d: { kind: "committee", path: ["d"], branchId: null },
  y: { kind: "branch", path: ["d", "y"], branchId: "y" },
};

export const org = (id: OrgId): OrgResource => ({ id, kind: TREE[id].kind, path: TREE[id].path });

/** A subject with live memberships: who("sec", ["b", "secretary"], ["g1", "member"]). */
export const who = (userId: string, ...ms: [OrgId, Role][]): Subject => ({
  userId,
  memberships: ms.map(([orgId, role]) => ({
    orgId,
    orgKind: TREE[orgId].kind,
    role,
    orgPath: TREE[orgId].path,
    branchId: TREE[orgId].branchId,
  })),
});

/** A meeting of branch B. */
export const branchMeeting: MeetingResource = { id: "m", orgId: "b", orgKind: "branch", orgPath: ["c", "b"] };
