import {
  COMMITTEE_ROLES,
  MANAGER_ROLES,
  ROLE_LABEL,
  ROLES,
  type Category,
  type OrgKind,
  type Role,
} from "./domain/labels";
import { hasVote } from "./domain/people";

// The one place that answers "may this user read / write / manage this?", one function per
// resource. Loaders, actions and the collaboration server all call these with data the server
// loaded; nothing checks roles inline. Pure functions, so they are unit-tested as a matrix.
//
// A resource the user may not see answers "none", and callers answer 404 for it, so its
// existence does not leak.

/** Ordered: each level includes the ones before it. */
export type Access = "none" | "read" | "write" | "manage";
const LEVEL: Record<Access, number> = { none: 0, read: 1, write: 2, manage: 3 };
const max = (a: Access, b: Access): Access => (LEVEL[a] >= LEVEL[b] ? a : b);

export const canRead = (a: Access) => LEVEL[a] >= LEVEL.read;
export const canWrite = (a: Access) => LEVEL[a] >= LEVEL.write;
export const canManage = (a: Access) => a === "manage";

/** An organisation as the permission module sees it. */
export interface OrgResource {
  id: string;
  kind: OrgKind;
  /** Ids from the root of the tree down to and including id. */
  path: string[];
}

export interface SubjectMembership {
  orgId: string;
  orgKind: OrgKind;
  role: Role;
  /** Ids from the root of the tree down to and including orgId. */
  orgPath: string[];
  /** The 党支部 this membership sits in (the org itself or the branch above a group); null above branches. */
  branchId: string | null;
}

export interface Subject {
  userId: string;
  /** Live memberships only. */
  memberships: SubjectMembership[];
}

/**
 * Organisations.
 * - manage: 书记, 副书记 or 组织委员 of the organisation or of one above it (a 党委
 *   administrator manages every branch below; a branch secretary their branch and its groups).
 * - read: anything inside one's own 党支部 (its home, its groups); an organisation one belongs
 *   to; and, for committee members of a 党委 or 党总支, everything below it.
 * - none: everything else, including sibling branches.
 */
export function orgAccess(subject: Subject | null, org: OrgResource): Access {
  if (!subject) return "none";
  let access: Access = "none";
  for (const m of subject.memberships) {
    const atOrAbove = org.path.includes(m.orgId);
    if (atOrAbove && m.orgKind !== "group" && MANAGER_ROLES.includes(m.role)) return "manage";
    if (m.orgId === org.id) access = "read";
    else if (m.branchId && org.path.includes(m.branchId)) access = "read";
    else if (atOrAbove && COMMITTEE_ROLES.includes(m.role)) access = "read";
  }
  return access;
}

/**
 * Scheduling an organisation's meetings (new meetings, plans, series; editing, rescheduling and
 * cancelling them): those who convene it (`convenes`): its own 书记, 副书记 and 组织委员 (for a
 * 党小组 also its branch's) and a group's 党小组长 (domain.md). The levels above read, as orgAccess
 * gives them; they review a branch's meetings, they do not hold them (docs/decisions/019).
 */
export function scheduleAccess(subject: Subject | null, org: OrgResource): Access {
  if (!subject) return "none";
  if (convenes(subject, org)) return "manage";
  return orgAccess(subject, org) === "none" ? "none" : "read";
}

/**
 * Whether the subject convenes and keeps the records of meetings held by this organisation: a
 * manager of the organisation itself, of the branch above a 党小组, or the group's 党小组长. A
 * manager of an organisation further up is not: the 党委 reviews a branch, it does not run it.
 */
function convenes(subject: Subject, org: OrgResource): boolean {
  const branch = org.kind === "group" ? org.path[org.path.length - 2] : null;
  return subject.memberships.some(
    (m) =>
      (MANAGER_ROLES.includes(m.role) && (m.orgId === org.id || m.orgId === branch)) ||
      (m.role === "group_leader" && m.orgId === org.id),
  );
}

const orgOf = (m: MeetingResource): OrgResource => ({ id: m.orgId, kind: m.orgKind, path: m.orgPath });

/** A person, with the organisations they belong to (ended memberships included, as history). */
export interface MemberResource {
  userId: string;
  memberships: { org: OrgResource; active: boolean }[];
}

/**
 * People. A person is managed by whoever manages every organisation they belong to: their
 * record and credentials follow their whole organisational life, so a branch 书记 does not
 * manage a 党委 leader who also attends one of the branch's groups (双重组织生活), nor a
 * 流动党员 whose home branch is elsewhere; each membership is still managed by its own
 * organisation's managers (`orgAccess` on it). Someone who left and belongs nowhere is managed
 * by the managers of an organisation they belonged to (to re-admit them); once they belong
 * elsewhere, the old organisation only reads its history. Whoever may read one of their live
 * organisations sees them in its roster; a person writes their own profile (password, devices).
 */
export function memberAccess(subject: Subject | null, member: MemberResource): Access {
  if (!subject) return "none";
  let access: Access = subject.userId === member.userId ? "write" : "none";
  const live = member.memberships.filter((m) => m.active);
  const levels = live.map((m) => orgAccess(subject, m.org));
  if (live.length > 0 && levels.every((a) => a === "manage")) return "manage";
  if (levels.some((a) => a !== "none")) access = max(access, "read");
  if (live.length === 0 && member.memberships.some((m) => orgAccess(subject, m.org) === "manage")) return "manage";
  if (member.memberships.some((m) => !m.active && orgAccess(subject, m.org) === "manage")) access = max(access, "read");
  return access;
}

/** Which of a person's memberships a subject may see listed: live ones in organisations they can read, past ones in organisations they manage. */
export function membershipVisible(
  subject: Subject | null,
  member: MemberResource,
  m: MemberResource["memberships"][number],
): boolean {
  if (!subject) return false;
  if (subject.userId === member.userId) return true;
  const o = orgAccess(subject, m.org);
  return m.active ? o !== "none" : o === "manage";
}

/** The audit log of an organisation's scope: only those who manage it. */
export function auditAccess(subject: Subject | null, org: OrgResource): Access {
  return orgAccess(subject, org) === "manage" ? "read" : "none";
}

export interface MeetingResource {
  id: string;
  orgId: string;
  orgKind: OrgKind;
  /** Ids from the root of the tree down to and including orgId. */
  orgPath: string[];
  /**
   * The record is sealed (both sign-offs given, docs/decisions/038): its documents are read-only
   * for everyone (documentAccess). Absent: not sealed.
   */
  sealed?: boolean;
}

/**
 * Meetings. Members of the meeting's organisation take part and may write; for a branch
 * meeting that includes the members of its 党小组. Committee members of an organisation above
 * review and may read. Anyone else may not know the meeting exists.
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

/** A meeting as its session rules see it: who hosts it and whether the subject is on its list (应到 or 列席). */
export interface SessionResource {
  meeting: MeetingResource;
  hostId: string | null;
  invited: boolean;
}

/**
 * A meeting's session: what happens in it and around it. manage (start, move the agenda, end;
 * the sign-in code, attendance corrections and closing; votes; co-editors; reviewing 心得体会 and
 * their deadline; leave decisions): the host and those who convene the meeting's organisation
 * (`convenes`). write (sign oneself in, ask for leave, vote where one has a vote, write one's own
 * 心得体会): those on the list. read: whoever may read the meeting, the levels above included —
 * what they keep is listed per action in docs/decisions/019 (read, be 列席, review records).
 * Someone who may not read the meeting (one whose membership ended) has nothing, host or not.
 */
export function sessionAccess(subject: Subject | null, r: SessionResource): Access {
  const reads = meetingAccess(subject, r.meeting);
  if (!subject || reads === "none") return "none";
  if (r.hostId === subject.userId || convenes(subject, orgOf(r.meeting))) return "manage";
  return r.invited ? "write" : "read";
}

/**
 * Leave requests: decided by whoever manages the session, or by the 党小组长 of a group the
 * requester belongs to ("through the 党小组长 or the 书记").
 */
export function leaveDecisionAccess(
  subject: Subject | null,
  r: SessionResource & { requesterGroupIds: string[] },
): Access {
  const session = sessionAccess(subject, r);
  if (!subject || session === "none") return "none";
  if (session === "manage") return "manage";
  const leads = subject.memberships.some((m) => m.role === "group_leader" && r.requesterGroupIds.includes(m.orgId));
  return leads ? "manage" : "none";
}

/** A meeting's minutes: who runs it and records it, and whom the host allowed to co-edit. */
export interface MinutesResource {
  meeting: MeetingResource;
  hostId: string | null;
  recorderId: string | null;
  editorIds: readonly string[];
  /**
   * Set for a meeting with the 组织生活会 cycle (hasLifeCycle): its minutes are a confidential
   * record (lifeRecordAccess), not ordinary minutes. Absent or null: the ordinary rule.
   */
  life?: { attendingNow: boolean; aboveGrant: boolean } | null;
}

/**
 * Minutes (会议记录). write: the 记录人, the host, the members the host allowed, and those who keep the
 * records where the meeting is held: the managers of its own organisation (for a 党小组 meeting
 * also its branch's) and a group's 党小组长. Committees above review: they read, as everyone who
 * may read the meeting does.
 */
export function minutesAccess(subject: Subject | null, r: MinutesResource): "none" | "read" | "write" {
  const meeting = meetingAccess(subject, r.meeting);
  if (!subject || meeting === "none") return "none";
  const me = subject.userId;
  if (me === r.recorderId || me === r.hostId) return "write";
  if (r.life) return lifeMinutesAccess(subject, r, meeting, r.life);
  // A co-editor writes while they take part in the organisation (one who left only reads).
  if (r.editorIds.includes(me) && meeting !== "read") return "write";
  return convenes(subject, orgOf(r.meeting)) ? "write" : "read";
}

export type ReflectionStatus = "draft" | "submitted" | "returned" | "accepted";

/** One attendee's 心得体会 for a session, with its workflow state and the branch's visibility rule. */
export interface ReflectionResource {
  meeting: MeetingResource;
  hostId: string | null;
  authorId: string;
  /** Whether the author is on the meeting's list (应到 or 列席): only they have a 心得体会 to write. */
  authorInvited: boolean;
  status: ReflectionStatus;
  /** Branch setting: submitted reflections are read by the committee only, or by the whole branch. */
  visibility: "committee" | "branch";
}

/**
 * 心得体会. write: the author, if on the list, while it is a draft or returned to them (read once
 * submitted or accepted). manage (review: accept or return, read the similarity check): whoever
 * manages the session, once it was submitted. read, once submitted or accepted: the levels above
 * that may read the meeting (reviewing a branch's records), and with the "branch" setting
 * everyone who may read the meeting. A draft is the author's alone.
 */
export function reflectionAccess(subject: Subject | null, r: ReflectionResource): Access {
  const reads = meetingAccess(subject, r.meeting);
  if (!subject || reads === "none") return "none";
  if (subject.userId === r.authorId) {
    if (!r.authorInvited) return "none";
    return r.status === "draft" || r.status === "returned" ? "write" : "read";
  }
  if (r.status === "draft") return "none";
  if (sessionAccess(subject, { meeting: r.meeting, hostId: r.hostId, invited: false }) === "manage") return "manage";
  if (r.status === "returned") return "none";
  return reviewsFromAbove(subject, r.meeting) || r.visibility === "branch" ? "read" : "none";
}

/**
 * A committee member of a 党委 or 党总支 above the meeting: they review a branch's records (read
 * what was submitted), also when they attend one of its groups as an ordinary member.
 */
function reviewsFromAbove(subject: Subject, meeting: MeetingResource): boolean {
  return subject.memberships.some(
    (m) =>
      (m.orgKind === "committee" || m.orgKind === "general_branch") &&
      m.orgId !== meeting.orgId &&
      meeting.orgPath.includes(m.orgId) &&
      COMMITTEE_ROLES.includes(m.role),
  );
}

export type DocumentResource =
  | ({ kind: "meeting-minutes" } & MinutesResource)
  | { kind: "meeting-live"; meeting: MeetingResource }
  | ({ kind: "reflection" } & ReflectionResource)
  | ({ kind: "examination" } & ExaminationResource)
  | ({ kind: "criticism" } & CriticismNoteResource & { authorId: string; authorInvited: boolean })
  | ({ kind: "criticism-answer" } & CriticismNoteResource)
  | ({ kind: "criticism-note" } & CriticismNoteResource);

/**
 * Live documents follow the record they belong to. The live channel of a session (agenda
 * position, presence) is read-only for everyone: only the server writes it. A reviewer reads a
 * reflection; only its author writes it.
 */
export function documentAccess(subject: Subject | null, doc: DocumentResource): "none" | "read" | "write" {
  const a = liveDocumentLevel(subject, doc);
  // A sealed record is kept, not edited (domain.md): at most read, whoever asks.
  return a === "write" && doc.meeting.sealed ? "read" : a;
}

function liveDocumentLevel(subject: Subject | null, doc: DocumentResource): "none" | "read" | "write" {
  switch (doc.kind) {
    case "meeting-minutes":
      return minutesAccess(subject, doc);
    case "meeting-live":
      return meetingAccess(subject, doc.meeting) === "none" ? "none" : "read";
    case "reflection": {
      const a = reflectionAccess(subject, doc);
      return a === "manage" ? "read" : a;
    }
    case "examination": {
      const a = examinationAccess(subject, doc);
      return a === "manage" ? "read" : a;
    }
    case "criticism":
      return criticismAccess(subject, doc);
    case "criticism-answer":
      return criticismAnswerAccess(subject, doc);
    case "criticism-note":
      return criticismNoteAccess(subject, doc);
  }
}

/** A person whose password may be reset: their memberships, and whether they have set a password. */
export interface PasswordResetResource extends MemberResource {
  activated: boolean;
}

/**
 * Password resets: a new one-time code for someone's account. Whoever uses the code becomes the
 * account holder, so for an activated account it is taken over from above only: by a manager
 * (书记, 副书记, 组织委员) of an organisation strictly above every organisation the holder
 * belongs to (their live ones; for someone who left, every one they belonged to). Never by a
 * peer on the same committee, a manager of the same organisation, or oneself. Nobody sits above
 * the top organisation: its people are reset by the operator on the server. An account not yet
 * activated has no holder to take it from: its organisations' managers issue codes
 * (memberAccess).
 */
export function passwordResetAccess(subject: Subject | null, holder: PasswordResetResource): "none" | "manage" {
  if (!subject || subject.userId === holder.userId) return "none";
  if (!holder.activated) return memberAccess(subject, holder) === "manage" ? "manage" : "none";
  const live = holder.memberships.filter((m) => m.active);
  const orgs = (live.length > 0 ? live : holder.memberships).map((m) => m.org);
  const managesAbove = (org: OrgResource) =>
    subject.memberships.some(
      (m) =>
        m.orgKind !== "group" && MANAGER_ROLES.includes(m.role) && m.orgId !== org.id && org.path.includes(m.orgId),
    );
  return orgs.length > 0 && orgs.every(managesAbove) ? "manage" : "none";
}

/** Someone who might chair or record an organisation's meeting: their live roles, whether they can sign in. */
export interface ChairCandidate {
  id: string;
  category: Category;
  /** Has set a password: only someone who can sign in can start a meeting or write its minutes. */
  activated: boolean;
  memberships: readonly { orgId: string; role: Role }[];
}

/**
 * Who may be chosen as 主持人 or 记录人: someone who has activated their account. Someone still
 * holding an unused invitation code could neither start the session nor write the minutes.
 */
export const mayChair = (p: Pick<ChairCandidate, "activated">): boolean => p.activated;

/**
 * The usual 主持人 and 记录人 of an organisation's meetings, from its roles alone (never from who
 * happens to be scheduling, so the 书记 and the 组织委员 see the same proposal): the 书记 chairs
 * (a 党小组's 党小组长; failing that the 副书记), the 组织委员 keeps the record (a 党小组 has none
 * by default). A 党小组 without a 党小组长 gets its first 正式党员 (people come ordered by name).
 * Only activated people are proposed; null when nobody fits, and the form asks.
 */
export function defaultChairs(
  org: { id: string; kind: OrgKind },
  people: readonly ChairCandidate[],
): { hostId: string | null; recorderId: string | null } {
  const holding = (role: Role) =>
    people.find((p) => mayChair(p) && p.memberships.some((m) => m.orgId === org.id && m.role === role))?.id ?? null;
  const hostId =
    org.kind === "group"
      ? (holding("group_leader") ??
        people.find((p) => mayChair(p) && p.category === "full" && p.memberships.some((m) => m.orgId === org.id))?.id ??
        null)
      : (holding("secretary") ?? holding("deputy_secretary"));
  const recorder = org.kind === "group" ? null : holding("organization_member");
  return { hostId, recorderId: recorder === hostId ? null : recorder };
}

/** Whether someone sits on an organisation's own committee (支委会, 党委, 总支委员会): its 书记, 副书记 and 委员. */
export function sitsOnCommittee(person: { memberships: readonly { orgId: string; role: Role }[] }, orgId: string) {
  return person.memberships.some((m) => m.orgId === orgId && COMMITTEE_ROLES.includes(m.role));
}

/**
 * Who is reminded that a required meeting is not yet arranged while its period runs out (the
 * reminders service sends it set-based, with these roles as data): for a 党支部 (or a committee)
 * those who convene it; for a 党小组, its 党小组长 and the branch's 书记 and 组织委员.
 */
export const DUE_MEETING_AUDIENCE: {
  /** Roles in the organisation itself, by whether it is a 党小组. */
  own: { group: readonly Role[]; other: readonly Role[] };
  /** Roles in the 党小组's branch. */
  branchOfGroup: readonly Role[];
} = {
  own: { group: ["group_leader"], other: MANAGER_ROLES },
  branchOfGroup: ["secretary", "organization_member"],
};

// ---------------------------------------------------------------------------------------------
// Roles and organisations: which posts an organisation has, who leads it, how posts are listed.
// Services pass these to SQL as parameters (`m.role = any(${LEADER_ROLES})`) rather than naming
// roles in queries.

/** The ordinary membership, holding no post. */
export const ORDINARY_ROLE: Role = "member";

/** Whether a role is a post (书记, 委员, 党小组长 …) rather than an ordinary membership. */
export const holdsPost = (role: Role): boolean => role !== ORDINARY_ROLE;

const GROUP_ROLES: readonly Role[] = ["group_leader", ORDINARY_ROLE];
const OTHER_ROLES: readonly Role[] = ROLES.filter((r) => r !== "group_leader");

/**
 * The roles a membership may hold in an organisation of this kind: a 党小组 has a 党小组长 and
 * members; every other organisation a committee (书记, 副书记, 委员) and members. In ROLES order.
 */
export function rolesFitting(orgKind: OrgKind): readonly Role[] {
  return orgKind === "group" ? GROUP_ROLES : OTHER_ROLES;
}

/** Whether a role may be held in an organisation of this kind (rolesFitting). */
export const roleFits = (orgKind: OrgKind, role: Role): boolean => rolesFitting(orgKind).includes(role);

/**
 * The role a membership takes when it moves to another organisation: a 党小组长 leads only their
 * own group, and a 党小组 has no committee, so both become ordinary members; other posts are kept.
 */
export function roleAfterMove(role: Role, toKind: OrgKind): Role {
  return role === "group_leader" || !roleFits(toKind, role) ? ORDINARY_ROLE : role;
}

/** The role that leads an organisation of this kind: a 党小组's 党小组长, everywhere else its 书记. */
export const leaderRole = (orgKind: OrgKind): Role => (orgKind === "group" ? "group_leader" : "secretary");

/** Its leader's title, 「党小组长」 or 「书记」, for messages. */
export const leaderTitle = (orgKind: OrgKind): string => ROLE_LABEL[leaderRole(orgKind)];

/** The roles that lead some organisation (a group's listing shows them as its leaders). */
export const LEADER_ROLES: readonly Role[] = ["secretary", "group_leader"];
export const isLeaderRole = (role: Role): boolean => LEADER_ROLES.includes(role);

/**
 * Roles an organisation may never be left without once it has them: its 书记 convenes it, so the
 * last one cannot be removed, moved or given another role until a new one is appointed.
 */
export const requiresOneHolder = (role: Role): boolean => role === "secretary";

/** How posts are listed: 书记, 副书记, the 委员, 党小组长, then ordinary members. */
export const ROLE_ORDER: readonly Role[] = ROLES;
/** A role's place in ROLE_ORDER, for sorting (lower first). */
export const roleRank = (role: Role): number => ROLE_ORDER.indexOf(role);

/** Who reads a branch's 整改清单 besides the owners, the 支委 and the level above (decision 031). */
export type RectificationScope = "committee" | "branch";

/** A 整改清单 item as the permission rules see it: its branch, its owner, the branch's scope. */
export interface RectificationResource {
  /** The 党支部 whose list it is. */
  org: OrgResource;
  /** null: the branch itself owns the item. */
  ownerId: string | null;
  scope: RectificationScope;
}

/** Who adds to a branch's 问题清单 and 整改清单 and sets its scope: the branch's own managers. */
export const RECTIFICATION_CREATORS: readonly Role[] = MANAGER_ROLES;
/**
 * Who confirms an item closed (对单销号) or returns it: the branch's 书记, and the 副书记 standing in
 * for them (domain.md: the 书记 may delegate). Also reminded of the items the branch itself owns.
 */
export const RECTIFICATION_CONFIRMERS: readonly Role[] = ["secretary", "deputy_secretary"];

const holdsIn = (subject: Subject, orgId: string, roles: readonly Role[]) =>
  subject.memberships.some((m) => m.orgId === orgId && roles.includes(m.role));

/** Adding problems and items to a branch's lists, and choosing its scope: the branch's 书记, 副书记, 组织委员. */
export function mayCreateRectification(subject: Subject | null, org: OrgResource): boolean {
  return !!subject && org.kind === "branch" && holdsIn(subject, org.id, RECTIFICATION_CREATORS);
}

/** 对单销号 and returning a reported item: the branch's 书记 (or 副书记); never the level above. */
export function mayConfirmRectification(subject: Subject | null, org: OrgResource): boolean {
  return !!subject && org.kind === "branch" && holdsIn(subject, org.id, RECTIFICATION_CONFIRMERS);
}

/**
 * 整改清单 items. manage (confirm, return): the branch's 书记 or 副书记. write (report done with a
 * note): the owner while a member of the branch; for an item the branch owns, its managers. read:
 * the branch's 支委; every member of the branch (its groups included) when the branch publishes
 * its list to them (scope "branch"); the committee members of the organisations above, to whom the
 * list is reported (上报). Anyone else: none (another branch answers 404).
 */
export function rectificationAccess(subject: Subject | null, r: RectificationResource): Access {
  if (!subject || r.org.kind !== "branch") return "none";
  if (mayConfirmRectification(subject, r.org)) return "manage";
  const inBranch = subject.memberships.some((m) => m.branchId === r.org.id);
  if (
    r.ownerId === null ? holdsIn(subject, r.org.id, RECTIFICATION_CREATORS) : r.ownerId === subject.userId && inBranch
  )
    return "write";
  if (holdsIn(subject, r.org.id, COMMITTEE_ROLES)) return "read";
  if (r.scope === "branch" && inBranch) return "read";
  const above = subject.memberships.some(
    (m) =>
      (m.orgKind === "committee" || m.orgKind === "general_branch") &&
      m.orgId !== r.org.id &&
      r.org.path.includes(m.orgId) &&
      COMMITTEE_ROLES.includes(m.role),
  );
  return above ? "read" : "none";
}

/**
 * The 整改清单 page of a branch: whoever may read some item of it might (members of the branch,
 * the committees above). Which items they see is rectificationAccess per item.
 */
export function rectificationListAccess(subject: Subject | null, org: OrgResource): Access {
  if (!subject || org.kind !== "branch") return "none";
  if (mayConfirmRectification(subject, org)) return "manage";
  if (mayCreateRectification(subject, org)) return "write";
  const reads = rectificationAccess(subject, { org, ownerId: null, scope: "branch" });
  return reads === "none" ? "none" : "read";
}

/** The 问题清单 (what members and the 支委 found; sensitive): the branch's 支委 only. */
export function problemListAccess(subject: Subject | null, org: OrgResource): Access {
  if (!subject || org.kind !== "branch") return "none";
  if (mayCreateRectification(subject, org)) return "write";
  return holdsIn(subject, org.id, COMMITTEE_ROLES) ? "read" : "none";
}

// ---------------------------------------------------------------------------------------------
// 民主评议党员 (docs/decisions/030): the named audiences of a review ballot
// ---------------------------------------------------------------------------------------------

/** A person's standing on a branch's roll: category and their live memberships in the branch or its groups. */
export interface ReviewRollFacts {
  category: Category;
  memberships: readonly { mobile: boolean }[];
}

/**
 * Who grades in the secret 互评 and 民主测评: a 正式党员 with a regular membership in the branch
 * (hasVote). A 预备党员 has no vote; a 流动党员 away from their home branch grades there, not here.
 */
export const REVIEW_VOTERS = (p: ReviewRollFacts): boolean => p.memberships.some((m) => hasVote(p.category, m));

/**
 * Who is graded: every 正式 and 预备党员 with a regular membership in the branch. A 流动党员 is
 * reviewed by their home branch; 发展对象 and 积极分子 are not members.
 */
export const REVIEW_GRADED = (p: ReviewRollFacts): boolean =>
  (p.category === "full" || p.category === "probationary") && p.memberships.some((m) => !m.mobile);

/** A review ballot as its rules see it. */
export interface ReviewResource {
  meeting: MeetingResource;
  hostId: string | null;
  status: "open" | "closed";
  /** Whether the branch has reported the results to the level above. */
  reported: boolean;
}

/** 支委: the branch's own committee (书记, 副书记, 委员), whose 支委会 weighs the results. */
const onBranchCommittee = (subject: Subject, meeting: MeetingResource) =>
  subject.memberships.some((m) => m.orgId === meeting.orgId && COMMITTEE_ROLES.includes(m.role));

/**
 * The ballot itself. manage (open, close, report upward): whoever runs the meeting
 * (sessionAccess manage: the host and the branch's 书记, 副书记, 组织委员). read (see that it
 * exists, how many took part): whoever may read the meeting. Voting is REVIEW_VOTERS on the roll.
 */
export function reviewBallotAccess(subject: Subject | null, r: ReviewResource): Access {
  const s = sessionAccess(subject, { meeting: r.meeting, hostId: r.hostId, invited: false });
  return s === "manage" ? "manage" : s === "none" ? "none" : "read";
}

/**
 * The tallies (counts per member and grade). Nobody while the ballot is open: live counts would
 * tell each grade as it comes in. Once closed: the 支委 and those who run the meeting. Once
 * reported: also the committee members of the 党委 or 党总支 above. Not the person concerned,
 * not other members.
 */
export function reviewTallyAccess(subject: Subject | null, r: ReviewResource): "none" | "read" {
  if (!subject || r.status !== "closed") return "none";
  if (reviewBallotAccess(subject, r) === "manage" || onBranchCommittee(subject, r.meeting)) return "read";
  return r.reported && reviewsFromAbove(subject, r.meeting) ? "read" : "none";
}

/**
 * One member's 个人自评. write: the member, while the ballot is open. read: the member; the 支委
 * and those who run the meeting. Nobody else (not other members, not the level above, who see
 * the reported 评定).
 */
export function selfAssessmentAccess(subject: Subject | null, r: ReviewResource & { personId: string }): Access {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  if (subject.userId === r.personId) return r.status === "open" ? "write" : "read";
  if (reviewBallotAccess(subject, r) === "manage" || onBranchCommittee(subject, r.meeting)) return "read";
  return "none";
}

/**
 * The 评定 and 评定意见 about one member. manage (record them, until reported): the branch's
 * managers who convene the 支委会 (书记, 副书记, 组织委员), once the ballot is closed. read: the
 * person concerned (their own, once recorded), the 支委 and the host; the level above once
 * reported. Nobody else.
 */
export function reviewOutcomeAccess(
  subject: Subject | null,
  r: ReviewResource & { personId: string; recorded: boolean },
): Access {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  if (convenes(subject, orgOf(r.meeting)) && r.status === "closed") return r.reported ? "read" : "manage";
  if (subject.userId === r.personId) return r.recorded ? "read" : "none";
  if (onBranchCommittee(subject, r.meeting) || reviewBallotAccess(subject, r) === "manage") return "read";
  return r.reported && reviewsFromAbove(subject, r.meeting) ? "read" : "none";
}

/**
 * The results page (participation, 自评, tallies once closed, 评定): the 支委 and those who run the
 * meeting at any time; the 党委 or 党总支 above once the results are reported. What each part
 * shows follows its own rule above.
 */
export function reviewResultsAccess(subject: Subject | null, r: ReviewResource): "none" | "read" {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  if (reviewBallotAccess(subject, r) === "manage" || onBranchCommittee(subject, r.meeting)) return "read";
  return r.reported && reviewsFromAbove(subject, r.meeting) ? "read" : "none";
}

// ── 组织生活会 confidentiality (issue 16 §2) ──────────────────────────────────────────────────
// 对照检查材料, criticism notes and the 批评与自我批评 note, and the minutes of a 组织生活会 are
// visible to the person concerned, the 支委 (the committee of the meeting's organisation) and,
// while the meeting is in progress, its attendees; the level above reads them only while it holds
// a grant it asked for (an explicit, logged, time-limited action the branch sees). Everyone
// else: none (callers answer 404, over HTTP and over the WebSocket).

export interface LifeRecordResource {
  meeting: MeetingResource;
  /** The person the record is about (the author of a 对照检查材料, the one criticised); null: the meeting's own record. */
  personId: string | null;
  /** The subject is on the meeting's list and the meeting is in progress now. */
  attendingNow: boolean;
  /** The subject sits on a committee above and holds an active grant for this meeting (asked, logged). */
  aboveGrant: boolean;
}

/** Who may read a confidential record of a 组织生活会. Writing is decided per record on top of this. */
export function lifeRecordAccess(subject: Subject | null, r: LifeRecordResource): "none" | "read" {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  if (r.personId !== null && subject.userId === r.personId) return "read";
  if (sitsOnCommittee(subject, r.meeting.orgId)) return "read";
  if (r.attendingNow) return "read";
  if (r.aboveGrant && reviewsFromAbove(subject, r.meeting)) return "read";
  return "none";
}

// ── 征求意见 before a 组织生活会 (issue 16 §1, docs/decisions/032) ───────────────────────────────
// Members send opinions to the 支委会, about it, or about a named member. The sender is visible
// to the 支委 only; the person an opinion is about sees it (never its sender) once a manager has
// passed it on, and not before, even when they sit on the 支委 themselves; the sender sees what
// they sent. The level above reads the opinions (not their senders) only with a grant.

/** What someone may see of one opinion: nothing, its text, its text with the sender, or that and sort/pass it. */
export type OpinionAccess = "none" | "read" | "senders" | "manage";

export interface OpinionResource {
  meeting: MeetingResource;
  /** null: collected offline from the masses (群众) and typed in by the 书记. */
  senderId: string | null;
  /** The member it is about; null: to or about the 支委会. */
  aboutPersonId: string | null;
  /** A manager has passed it to the person concerned. */
  passed: boolean;
  /** The subject sits on a committee above and holds an active grant for this meeting. */
  aboveGrant: boolean;
}

/** Who handles opinions (enters those from the masses, sorts them, passes them on): the managers of the meeting's organisation. */
export function mayHandleOpinions(subject: Subject | null, meeting: MeetingResource): boolean {
  return !!subject && holdsIn(subject, meeting.orgId, MANAGER_ROLES);
}

/** One opinion, as this person may see it. */
export function opinionAccess(subject: Subject | null, r: OpinionResource): OpinionAccess {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  const concerned = r.aboutPersonId !== null && r.aboutPersonId === subject.userId;
  // The person concerned, also on the 支委: the text once passed on, never the sender.
  if (concerned) return r.passed || r.senderId === subject.userId ? "read" : "none";
  if (mayHandleOpinions(subject, r.meeting)) return "manage";
  if (sitsOnCommittee(subject, r.meeting.orgId)) return "senders";
  if (r.senderId !== null && r.senderId === subject.userId) return "read";
  if (r.aboveGrant && reviewsFromAbove(subject, r.meeting)) return "read";
  return "none";
}

/** What an opinions page shows this person: "send" (their own and those passed to them), the 支委's view, or the level above's. */
export type OpinionsPageAccess = "none" | "send" | "committee" | "manage" | "above";

/** The 征求意见 page of a meeting. Members of the meeting's organisation send (while it is open); others: none (404). */
export function opinionsPageAccess(
  subject: Subject | null,
  meeting: MeetingResource,
  aboveGrant: boolean,
): OpinionsPageAccess {
  if (!subject) return "none";
  const m = meetingAccess(subject, meeting);
  if (m === "none") return "none";
  if (mayHandleOpinions(subject, meeting)) return "manage";
  if (sitsOnCommittee(subject, meeting.orgId)) return "committee";
  if (m === "write") return "send";
  return aboveGrant && reviewsFromAbove(subject, meeting) ? "above" : "none";
}

/** Sending an opinion: a member of the meeting's organisation, while the preparation stage is open. */
export function maySendOpinion(subject: Subject | null, meeting: MeetingResource, open: boolean): boolean {
  return open && meetingAccess(subject, meeting) === "write";
}

// ── 谈心谈话 (issue 16 §1; docs/decisions/033-talks.md) ─────────────────────────────────────────
// A talk's record (who, when, where, the summary) is sensitive: the two participants, the 支委 and
// the level above with a grant read it; the 支委's reads of others' summaries are audited. Which
// pairs are required, and whether each is done, is the preparation's progress, not its content:
// the 支委 and the level above see the whole matrix, each member their own partners.

export interface TalkResource {
  meeting: MeetingResource;
  /** The two people who talked. */
  participants: readonly [string, string];
  /** The subject sits on a committee above and holds an active grant for this meeting. */
  aboveGrant: boolean;
}

/** Who reads a talk's record: lifeRecordAccess with either participant as the person concerned. */
export function talkRecordAccess(subject: Subject | null, r: TalkResource): "none" | "read" {
  for (const personId of r.participants) {
    if (
      lifeRecordAccess(subject, { meeting: r.meeting, personId, attendingNow: false, aboveGrant: r.aboveGrant }) ===
      "read"
    )
      return "read";
  }
  return "none";
}

/**
 * Recording a talk between `participants`: either participant (someone who takes part in the
 * meeting's organisation), or a manager who convenes the organisation (书记, 副书记, 组织委员) for
 * any two of its people. The level above reads; it never records.
 */
export function talkRecordCreate(
  subject: Subject | null,
  meeting: MeetingResource,
  participants: readonly [string, string],
) {
  if (!subject || meetingAccess(subject, meeting) !== "write") return false;
  return participants.includes(subject.userId) || convenes(subject, orgOf(meeting));
}

/**
 * The talks page of a meeting. "matrix": every required pair with done / missing (the 支委, the
 * level above); "own": the subject's own talks and own required partners (other members of the
 * organisation); "none" (404): anyone who may not see the meeting.
 */
export function talksPageAccess(subject: Subject | null, meeting: MeetingResource): "none" | "own" | "matrix" {
  if (!subject) return "none";
  const m = meetingAccess(subject, meeting);
  if (m === "none") return "none";
  if (sitsOnCommittee(subject, meeting.orgId) || reviewsFromAbove(subject, meeting)) return "matrix";
  return m === "write" ? "own" : "none";
}

/** The branch's rule set for required pairs and its groups' 联系支委: managed by those who convene it, read by the 支委. */
export function talkSettingsAccess(subject: Subject | null, meeting: MeetingResource): Access {
  if (!subject || meetingAccess(subject, meeting) === "none") return "none";
  if (convenes(subject, orgOf(meeting)) && meetingAccess(subject, meeting) === "write") return "manage";
  return sitsOnCommittee(subject, meeting.orgId) ? "read" : "none";
}

// ── 对照检查材料 (issue 16, docs/decisions/034) ───────────────────────────────────────────────

/** One member's 对照检查材料 for a 组织生活会, with what its rules need about the reader. */
export interface ExaminationResource extends LifeRecordResource {
  /** The author. */
  personId: string;
  /** The author is on the meeting's list (应到 or 列席): only they have material to write. */
  authorInvited: boolean;
  status: ReflectionStatus;
  /** The reviewer the branch named (a branch setting); null: the 书记. */
  reviewerId: string | null;
  /** The author is the 书记 of the meeting's organisation: the level above reviews their material. */
  authorIsSecretary: boolean;
}

/**
 * Who reviews (returns, accepts) a member's 对照检查材料: the person the branch named, else its
 * 书记 — never the author. The 书记's own is reviewed by the level above: a committee member of
 * the parent organisation.
 */
export function reviewsExamination(subject: Subject | null, r: ExaminationResource): boolean {
  if (!subject || subject.userId === r.personId) return false;
  if (r.authorIsSecretary) {
    const parent = r.meeting.orgPath[r.meeting.orgPath.length - 2];
    return (
      parent !== undefined && subject.memberships.some((m) => m.orgId === parent && COMMITTEE_ROLES.includes(m.role))
    );
  }
  if (r.reviewerId && r.reviewerId !== r.personId) return subject.userId === r.reviewerId;
  return holdsIn(subject, r.meeting.orgId, ["secretary"]);
}

/**
 * 对照检查材料. write: the author, if on the list, while a draft or returned to them. A draft is the
 * author's alone. Once submitted, read follows lifeRecordAccess (the author, the 支委, attendees
 * while the meeting is in progress, the level above with a grant); manage (return, accept, the
 * similarity check): the reviewer (reviewsExamination), who reads it also without a grant when
 * they sit above (the 书记's own material). Anyone else: none (404).
 */
export function examinationAccess(subject: Subject | null, r: ExaminationResource): Access {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  if (subject.userId === r.personId) {
    if (!r.authorInvited) return "none";
    return r.status === "draft" || r.status === "returned" ? "write" : "read";
  }
  if (r.status === "draft" || !r.authorInvited) return "none";
  if (reviewsExamination(subject, r)) return "manage";
  return lifeRecordAccess(subject, r);
}

/** Who keeps a branch's 对照检查材料 settings (the reviewer, the boilerplate texts): its 书记, 副书记, 组织委员. */
export function mayManageExaminationSettings(subject: Subject | null, org: OrgResource): boolean {
  return !!subject && org.kind === "branch" && holdsIn(subject, org.id, MANAGER_ROLES);
}

// ── 批评与自我批评 at a 组织生活会 (issue 16 §2, docs/decisions/035) ─────────────────────────────

/** Who sees who wrote a criticism besides its author (branch setting): the person and the 支委, or every reader. */
export type CriticismAuthors = "concerned" | "readers";

/** One person's criticisms at a 组织生活会, as the rules see them for one subject. */
export interface CriticismNoteResource extends LifeRecordResource {
  /** The person criticised (never null here). */
  personId: string;
  /** The session has started and not ended. */
  inProgress: boolean;
  authors: CriticismAuthors;
}

/** Whether the subject may know who wrote the criticisms of this person: a reader who is the person or on the 支委, or any reader when the branch says so. */
export function criticismAuthorsVisible(subject: Subject | null, r: CriticismNoteResource): boolean {
  if (!subject || lifeRecordAccess(subject, r) === "none") return false;
  if (r.authors === "readers") return true;
  return subject.userId === r.personId || sitsOnCommittee(subject, r.meeting.orgId);
}

/**
 * One attendee's criticism of one person (its own live document). write: its author, while the
 * session is in progress and they are on its list, never about themselves. read: the author
 * afterwards (their own words), and whoever may read the note and see its authors (the document's
 * name carries the author). Anyone else: none — they read the composed note, which names nobody.
 */
export function criticismAccess(
  subject: Subject | null,
  r: CriticismNoteResource & { authorId: string; authorInvited: boolean },
): "none" | "read" | "write" {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  if (subject.userId === r.authorId) {
    if (!r.authorInvited || r.authorId === r.personId) return "none";
    return r.inProgress ? "write" : "read";
  }
  return criticismAuthorsVisible(subject, r) ? "read" : "none";
}

/** The person's answer (表态): they write it while the session is in progress and they are on its list; readers of the note read it. */
export function criticismAnswerAccess(subject: Subject | null, r: CriticismNoteResource): "none" | "read" | "write" {
  const reads = lifeRecordAccess(subject, r);
  if (!subject || reads === "none") return "none";
  return subject.userId === r.personId && r.inProgress && r.attendingNow ? "write" : "read";
}

/** The composed 批评与自我批评 note: lifeRecordAccess, read only (the server writes it). */
export const criticismNoteAccess = (subject: Subject | null, r: CriticismNoteResource): "none" | "read" =>
  lifeRecordAccess(subject, r);

/** Running the round of criticism (order, turn, absences): whoever runs the session. */
export const criticismRoundAccess = (subject: Subject | null, r: SessionResource): "none" | "read" | "manage" => {
  const s = sessionAccess(subject, r);
  return s === "manage" ? "manage" : s === "none" ? "none" : "read";
};

/**
 * The minutes of a meeting with the 组织生活会 cycle (docs/decisions/036): read as a confidential
 * record of the meeting itself (lifeRecordAccess, personId null: the 支委, attendees while it is in
 * progress, the level above with a grant); the 记录人 and the host keep them whatever happens
 * (minutesAccess answers for them first). Writing stays with co-editors (while they take part) and
 * those who convene the organisation, and only while they may read: nobody writes what they may
 * not see.
 */
function lifeMinutesAccess(
  subject: Subject,
  r: MinutesResource,
  meeting: Access,
  life: { attendingNow: boolean; aboveGrant: boolean },
): "none" | "read" | "write" {
  const reads = lifeRecordAccess(subject, { meeting: r.meeting, personId: null, ...life });
  if (reads === "none") return "none";
  if (r.editorIds.includes(subject.userId) && meeting !== "read") return "write";
  return convenes(subject, orgOf(r.meeting)) ? "write" : "read";
}

/** Reads of a life meeting's minutes that go into the audit log: anyone's but the 记录人's and the host's. */
export const auditsLifeMinutesRead = (subject: Subject | null, r: MinutesResource): boolean =>
  !!subject && !!r.life && subject.userId !== r.recorderId && subject.userId !== r.hostId;

/**
 * Asking to read a 组织生活会's confidential records from above (an explicit action with a reason
 * and a period, logged, shown to the branch): a committee member (书记, 副书记, 委员) of a 党委 or
 * 党总支 above the meeting's organisation. Nobody in the branch asks: they read by their own rule.
 */
export function mayAskAboveAccess(subject: Subject | null, meeting: MeetingResource): boolean {
  return !!subject && reviewsFromAbove(subject, meeting);
}

/** Who may end a running grant from above before its period: the branch's 书记 or 副书记. */
export const GRANT_ENDERS: readonly Role[] = ["secretary", "deputy_secretary"];

/**
 * Ending a grant to read a 组织生活会's confidential records before its period (issue 16 §2): the
 * 书记 or 副书记 of the meeting's organisation, or the committee member above who asked for it.
 * Nobody else, and never someone who only reads the meeting.
 */
export function mayEndAboveGrant(subject: Subject | null, meeting: MeetingResource, grantHolderId: string): boolean {
  if (!subject || meetingAccess(subject, meeting) === "none") return false;
  if (subject.userId === grantHolderId) return true;
  return subject.memberships.some((m) => m.orgId === meeting.orgId && GRANT_ENDERS.includes(m.role));
}

/** Who reports a 组织生活会 (or 民主生活会) upward: the 书记 of the meeting's organisation, or its 副书记. */
export const LIFE_REPORTERS: readonly Role[] = ["secretary", "deputy_secretary"];

/**
 * A meeting's reports upward (the plan before, the outcome and 整改清单 after). manage (上报): the
 * 书记 or 副书记 of the meeting's organisation. read: its committee, and the committee members of
 * the organisations above (to whom it is reported). Ordinary members: none.
 */
export function lifeReportAccess(subject: Subject | null, meeting: MeetingResource): "none" | "read" | "manage" {
  if (!subject || meetingAccess(subject, meeting) === "none") return "none";
  if (holdsIn(subject, meeting.orgId, LIFE_REPORTERS)) return "manage";
  if (onBranchCommittee(subject, meeting) || reviewsFromAbove(subject, meeting)) return "read";
  return "none";
}

/**
 * The cycle's study (linking 党课 / 学习 meetings, recording an offline study): manage for those who
 * convene the organisation (书记, 副书记, 组织委员); read for whoever may read the meeting.
 */
export function lifeStudyAccess(subject: Subject | null, meeting: MeetingResource): "none" | "read" | "manage" {
  if (!subject || meetingAccess(subject, meeting) === "none") return "none";
  return convenes(subject, orgOf(meeting)) ? "manage" : "read";
}

/**
 * The stages view on a meeting page with the cycle. detail (who is missing, by name): the
 * committee of the meeting's organisation, those who run the meeting, the committees above.
 * summary (each stage's state and counts, no names): everyone else who may read the meeting.
 */
export function lifeStagesAccess(
  subject: Subject | null,
  r: { meeting: MeetingResource; hostId: string | null },
): "none" | "summary" | "detail" {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  if (onBranchCommittee(subject, r.meeting) || reviewsFromAbove(subject, r.meeting)) return "detail";
  if (sessionAccess(subject, { meeting: r.meeting, hostId: r.hostId, invited: false }) === "manage") return "detail";
  return "summary";
}

/**
 * Joining a meeting as 列席 from above: a committee member of an organisation above, once the plan
 * has been reported to them (the plan is what invites them).
 */
export function mayAttendFromAbove(subject: Subject | null, meeting: MeetingResource, planReported: boolean): boolean {
  return planReported && mayAskAboveAccess(subject, meeting);
}

// ── Sign-off and seal of a meeting's record (issue 17 §1, docs/decisions/038) ──────────────────

/** The two who sign a meeting's record off. */
export type SignOffRole = "host" | "recorder";
export const SIGN_OFF_ROLES: readonly SignOffRole[] = ["host", "recorder"];

/** A meeting's record as the sign-off rules see it. */
export interface RecordResource {
  meeting: MeetingResource;
  hostId: string | null;
  recorderId: string | null;
  /** Per role: its holder no longer takes part in the meeting's organisation (left the branch). */
  left: Record<SignOffRole, boolean>;
}

/**
 * The record page of a meeting (preparation, sign-offs, seal). manage: its 主持人 and 记录人 while
 * they take part, those who convene the organisation and its managers (canManage of orgAccess,
 * who sign for a holder who left). read: the committees above, who review records. Ordinary
 * members: none (404): the page lists who has not submitted.
 */
export function recordAccess(subject: Subject | null, r: RecordResource): "none" | "read" | "manage" {
  const meeting = meetingAccess(subject, r.meeting);
  if (!subject || meeting === "none") return "none";
  const holds = subject.userId === r.hostId || subject.userId === r.recorderId;
  if ((holds && meeting === "write") || convenes(subject, orgOf(r.meeting))) return "manage";
  if (canManage(orgAccess(subject, orgOf(r.meeting)))) return "manage";
  return reviewsFromAbove(subject, r.meeting) ? "read" : "none";
}

/**
 * Signing one role off. "self": its holder, while they take part in the meeting's organisation.
 * "behalf": a manager of the organisation (canManage of orgAccess) for a holder who left, or for
 * a role nobody was named to; recorded as such. Nobody signs for a holder who is still there.
 */
export function signOffAccess(
  subject: Subject | null,
  r: RecordResource,
  role: SignOffRole,
): "none" | "self" | "behalf" {
  if (!subject || meetingAccess(subject, r.meeting) === "none") return "none";
  const holder = role === "host" ? r.hostId : r.recorderId;
  if (holder !== null && holder === subject.userId && !r.left[role]) return "self";
  if ((holder === null || r.left[role]) && canManage(orgAccess(subject, orgOf(r.meeting)))) return "behalf";
  return "none";
}
