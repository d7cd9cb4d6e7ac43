import type { Sql } from "../../../db/client";
import { BUILT_IN_BOILERPLATE, type Boilerplate } from "../../../shared/domain/examination-boilerplate";
import { hasLifeCycle } from "../../../shared/domain/life-cycle";
import {
  examinationAccess,
  type Access,
  type ExaminationResource,
  type ReflectionStatus,
  type Subject,
} from "../../../shared/permissions";
import { audit } from "../audit";
import { hidden, UUID_RE } from "../errors";
import { loadMeetingScope, meetingRecord, type MeetingRecord, type MeetingScope } from "../meeting-scope";
import { aboveGrantActive } from "./above-access";

// 对照检查材料 (issue 16, docs/decisions/034): what the author's side (examination.ts), the
// reviewer's side (examination-review.ts), the collaboration server (session/documents.ts) and
// the criticism round (examination-text.ts) share — the meeting as a 组织生活会, one material's
// row, its permission resource for one reader, the branch's reviewer and template texts.

export type ExaminationStatus = ReflectionStatus;

export interface ExaminationRow {
  status: ExaminationStatus;
  submitted_text: string | null;
  word_count: number;
  submitted_at: Date | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_comment: string | null;
  passage_comments: PassageComment[];
  similarity: number | null;
  similarity_detail: ExaminationSimilarity | null;
}

/** A reviewer's note on one paragraph of the submitted text (the paragraph is quoted, as it was). */
export interface PassageComment {
  /** Index of the line in the submitted text. */
  paragraph: number;
  /** Its number as shown (blank lines not counted), from 1. */
  n: number;
  quote: string;
  comment: string;
}

/** One other text sharing passages with a submitted material. */
export interface ExaminationMatch {
  /** Another member's material of this year, the author's own of an earlier year, or a template text. */
  source: "member" | "earlier" | "boilerplate";
  /** The other author (member, earlier); null for a template. */
  userId: string | null;
  /** The other author's name, or the template's title. */
  name: string;
  meetingId: string | null;
  meetingTitle: string | null;
  meetingStartsAt: string | null;
  score: number;
  passages: { start: number; end: number; otherStart: number; otherEnd: number }[];
  otherText: string;
}

export interface ExaminationSimilarity {
  checked: boolean;
  flagged: boolean;
  score: number;
  threshold: number;
  quoted: number;
  comparedWith: { members: number; earlier: number; boilerplate: number };
  matches: ExaminationMatch[];
  checkedAt: string;
}

/** Whether a meeting has 对照检查材料: one with the 组织生活会 cycle (LIFE_CYCLE_KINDS). */
export const hasExamination = (m: MeetingRecord) => hasLifeCycle(m.row.kind);

/** The 组织生活会 if the subject may read it; hidden (404) otherwise, and for any other kind of meeting. */
export async function lifeMeeting(sql: Sql, subject: Subject, meetingId: string): Promise<MeetingScope> {
  const m = await loadMeetingScope(sql, subject, meetingId);
  if (!hasExamination(m)) throw hidden();
  return m;
}

export async function examinationRow(sql: Sql, meetingId: string, userId: string): Promise<ExaminationRow | null> {
  const [r] = await sql<ExaminationRow[]>`
    select status, submitted_text, word_count, submitted_at, reviewed_by, reviewed_at, review_comment,
      passage_comments, similarity, similarity_detail
    from examinations where meeting_id = ${meetingId} and user_id = ${userId}`;
  return r ?? null;
}

/** The reviewer the branch named (examination_settings); null: its 书记 reviews. */
export async function namedReviewer(sql: Sql, orgId: string): Promise<string | null> {
  const [r] = await sql<{ reviewer_id: string | null }[]>`
    select reviewer_id from examination_settings where org_id = ${orgId}`;
  return r?.reviewer_id ?? null;
}

/** Whether the person is a live 书记 of the organisation. */
async function isSecretary(sql: Sql, orgId: string, userId: string): Promise<boolean> {
  const [r] = await sql`
    select 1 from memberships where org_id = ${orgId} and user_id = ${userId} and role = 'secretary'
      and ended_at is null`;
  return !!r;
}

/** The meeting is under way now: begun and not ended. */
export const inProgress = (m: MeetingRecord) => m.row.session_started_at !== null && m.row.session_ended_at === null;

/**
 * One author's material as a permission resource for one reader (who may be on the list and the
 * meeting under way, or hold a grant from above). `status` as stored (no row: a draft).
 */
export async function examinationResource(
  sql: Sql,
  m: MeetingRecord,
  readerId: string | null,
  authorId: string,
  status?: ExaminationStatus,
): Promise<ExaminationResource> {
  const invited = await sql<{ user_id: string }[]>`
    select user_id from meeting_invitees
    where meeting_id = ${m.row.id} and user_id = any(${[authorId, readerId ?? authorId]}::uuid[])`;
  const onList = (id: string | null) => id !== null && invited.some((r) => r.user_id === id);
  if (status === undefined) status = (await examinationRow(sql, m.row.id, authorId))?.status ?? "draft";
  return {
    meeting: m.resource,
    personId: authorId,
    attendingNow: onList(readerId) && inProgress(m),
    aboveGrant: readerId !== null && readerId !== authorId ? await aboveGrantActive(sql, readerId, m.row.id) : false,
    authorInvited: onList(authorId),
    status,
    reviewerId: await namedReviewer(sql, m.row.org_id),
    authorIsSecretary: await isSecretary(sql, m.row.org_id, authorId),
  };
}

/** The subject's access to one author's material, with the meeting; hidden (404) for a bad id or a non-life meeting. */
export async function accessTo(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  authorId: string,
): Promise<{ m: MeetingScope; row: ExaminationRow | null; resource: ExaminationResource; access: Access }> {
  if (!UUID_RE.test(authorId)) throw hidden();
  const m = await lifeMeeting(sql, subject, meetingId);
  const row = await examinationRow(sql, meetingId, authorId);
  const resource = await examinationResource(sql, m, subject.userId, authorId, row?.status ?? "draft");
  return { m, row, resource, access: examinationAccess(subject, resource) };
}

/** The collaboration side: the meeting as stored (no reader check: documentAccess decides). */
export async function lifeMeetingRecord(sql: Sql, meetingId: string): Promise<MeetingRecord | null> {
  const m = await meetingRecord(sql, meetingId);
  return m && hasExamination(m) ? m : null;
}

/** A read by someone other than the author goes into the audit log (issue 16 §2: sensitive records). */
export async function auditRead(
  sql: Sql,
  readerId: string,
  m: MeetingRecord,
  authorId: string,
  via: "page" | "live",
  address: string | null = null,
) {
  if (readerId === authorId) return;
  await audit(sql, {
    actorId: readerId,
    action: "examination.view",
    orgId: m.row.org_id,
    subjectUserId: authorId,
    detail: { meetingId: m.row.id, via },
    address,
  });
}

/** The template texts compared with a submission: the built-in ones and the branch's own. */
export async function boilerplateFor(sql: Sql, orgId: string): Promise<(Boilerplate & { builtIn: boolean })[]> {
  const own = await sql<Boilerplate[]>`
    select id::text, title, text from examination_boilerplate where org_id = ${orgId} order by created_at, id`;
  return [...BUILT_IN_BOILERPLATE.map((b) => ({ ...b, builtIn: true })), ...own.map((b) => ({ ...b, builtIn: false }))];
}
