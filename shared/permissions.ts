import { COMMITTEE_ROLES, type OrgKind, type Role } from "./domain/labels";

// The one place that answers "may this user read / write this?". Loaders, actions and the
// collaboration server all call these functions with data the server loaded; nothing checks
// roles inline. Pure functions, so they are unit-tested as a matrix.

export type Access = "none" | "read" | "write";

export interface SubjectMembership {
  orgId: string;
  role: Role;
  /** Ids from the root of the tree down to and including orgId. */
  orgPath: string[];
}

export interface Subject {
  userId: string;
  memberships: SubjectMembership[];
}

export interface MeetingResource {
  id: string;
  orgId: string;
  orgKind: OrgKind;
  /** Ids from the root of the tree down to and including orgId. */
  orgPath: string[];
}

/**
 * Members of the meeting's organisation take part and may write; for a branch meeting that
 * includes the members of its 党小组. Committee members of an organisation above it review
 * and may read. Anyone else may not know the meeting exists.
 */
export function meetingAccess(subject: Subject | null, meeting: MeetingResource): Access {
  if (!subject) return "none";
  let access: Access = "none";
  for (const m of subject.memberships) {
    if (m.orgId === meeting.orgId) return "write";
    if (meeting.orgKind === "branch" && m.orgPath.includes(meeting.orgId)) return "write";
    const above = meeting.orgPath.includes(m.orgId) && m.orgId !== meeting.orgId;
    if (above && COMMITTEE_ROLES.includes(m.role)) access = "read";
  }
  return access;
}

export type DocumentResource = { kind: "meeting-minutes"; meeting: MeetingResource };

/** Live documents inherit the access of the record they belong to. */
export function documentAccess(subject: Subject | null, doc: DocumentResource): Access {
  switch (doc.kind) {
    case "meeting-minutes":
      return meetingAccess(subject, doc.meeting);
  }
}

export const canRead = (a: Access) => a === "read" || a === "write";
export const canWrite = (a: Access) => a === "write";
