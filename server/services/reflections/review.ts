import type { Sql } from "../../../db/client";
import { reflectionAccess, type Access, type Subject } from "../../../shared/permissions";
import { REVIEW_COMMENT_MAX, REVIEW_COMMENT_MIN } from "../../../shared/schemas/reflections";
import type { Actor, LiveAccess } from "../actor";
import { DomainError, hidden, UUID_RE } from "../errors";
import { findMeetingScope, refuseIfSealed, scopeSettings } from "../meeting-scope";
import { notify } from "../notifications";
import {
  inviteeRole,
  readableMeeting,
  reflectionRow,
  resourceOf,
  summary,
  type Loaded,
  type MeetingSummary,
  type ReflectionStatus,
  type SimilarityDetail,
  type SimilarityMatch,
} from "./records";

// 心得体会, the reviewers' side: return with a comment or accept a submitted reflection, and one
// reflection as a reader or reviewer sees it (with the similarity check for reviewers).

// ---------------------------------------------------------------------------------------------
// Review

async function reviewable(sql: Sql, subject: Subject, meetingId: string, authorId: string) {
  if (!UUID_RE.test(authorId)) throw hidden();
  const m = await readableMeeting(sql, subject, meetingId);
  const row = await reflectionRow(sql, meetingId, authorId);
  const status = row?.status ?? "draft";
  const invited = (await inviteeRole(sql, meetingId, authorId)) !== null;
  const access = reflectionAccess(subject, resourceOf(m, authorId, status, invited));
  if (access === "none") throw hidden();
  if (subject.userId === authorId) throw new DomainError("不能审阅自己的心得体会，请由其他支委审阅。", 403);
  if (access !== "manage") throw new DomainError("只有主持人、书记、组织委员或党小组长可以审阅心得体会。", 403);
  refuseIfSealed(m);
  return { m, row: row!, status };
}

/** Returns a submitted reflection to its author with a comment (2–500 characters); they revise and resubmit. */
export async function returnReflection(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  authorId: string,
  comment: string,
  now = new Date(),
) {
  const { m, status } = await reviewable(sql, actor.subject, meetingId, authorId);
  if (status === "returned") throw new DomainError("这篇心得体会已经退回，正在等待本人修改后重新提交。", 409);
  if (status === "accepted") throw new DomainError("这篇心得体会已经审阅通过，不能再退回。", 409);
  const text = comment.trim();
  if (text.length < REVIEW_COMMENT_MIN) throw new DomainError("请填写退回意见，说明需要修改的地方。", 400, "comment");
  if (text.length > REVIEW_COMMENT_MAX)
    throw new DomainError(`退回意见最长 ${REVIEW_COMMENT_MAX} 字。`, 400, "comment");
  const rows = await sql`
    update reflections set status = 'returned', reviewed_by = ${actor.userId}, reviewed_at = ${now},
      review_comment = ${text}, updated_at = ${now}
    where meeting_id = ${meetingId} and user_id = ${authorId} and status = 'submitted' returning 1`;
  if (rows.length === 0) throw new DomainError("这篇心得体会的状态已经变化，请刷新页面。", 409);
  const brief = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  await notify(sql, [authorId], {
    kind: "reflection.returned",
    title: `心得体会被退回，请修改后重新提交：“${m.row.title}”（${brief}）`,
    link: `/meetings/${meetingId}/reflection`,
  });
  // The author may write again: their open editor becomes writable.
  live.accessChanged([authorId]);
  await live.sessionChanged(meetingId);
}

/** Accepts a submitted reflection. */
export async function acceptReflection(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  authorId: string,
  now = new Date(),
) {
  const { m, status } = await reviewable(sql, actor.subject, meetingId, authorId);
  if (status === "accepted") throw new DomainError("这篇心得体会已经审阅通过。", 409);
  if (status === "returned") throw new DomainError("这篇心得体会已退回修改，须本人重新提交后才能通过。", 409);
  const rows = await sql`
    update reflections set status = 'accepted', reviewed_by = ${actor.userId}, reviewed_at = ${now},
      updated_at = ${now}
    where meeting_id = ${meetingId} and user_id = ${authorId} and status = 'submitted' returning 1`;
  if (rows.length === 0) throw new DomainError("这篇心得体会的状态已经变化，请刷新页面。", 409);
  await notify(sql, [authorId], {
    kind: "reflection.accepted",
    title: `心得体会已审阅通过：“${m.row.title}”`,
    link: `/meetings/${meetingId}/reflection`,
  });
  live.accessChanged([authorId]);
  await live.sessionChanged(meetingId);
}

// ---------------------------------------------------------------------------------------------
// One reflection for a reader or reviewer

export interface ReflectionView {
  meeting: MeetingSummary;
  author: { id: string; name: string; role: "attendee" | "guest" | null };
  status: ReflectionStatus;
  access: Access;
  /** The viewer reviews it (accept / return). */
  canReview: boolean;
  text: string;
  wordCount: number;
  submittedAt: Date | null;
  review: { comment: string | null; at: Date; byName: string | null } | null;
  /** The similarity check, for reviewers only. */
  similarity:
    | (Omit<SimilarityDetail, "matches"> & {
        matches: (Omit<SimilarityMatch, "otherText"> & { otherText: string | null })[];
      })
    | null;
}

/** A submitted reflection as the subject may see it; a draft, or one they may not read, is hidden. */
export async function reflectionFor(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  authorId: string,
): Promise<ReflectionView> {
  if (!UUID_RE.test(authorId)) throw hidden();
  const m = await readableMeeting(sql, subject, meetingId);
  const row = await reflectionRow(sql, meetingId, authorId);
  const status = row?.status ?? "draft";
  const invited = (await inviteeRole(sql, meetingId, authorId)) !== null;
  const access = reflectionAccess(subject, resourceOf(m, authorId, status, invited));
  if (access === "none" || !row || row.submitted_text === null) throw hidden();
  const [author] = await sql<{ name: string; role: "attendee" | "guest" | null }[]>`
    select u.display_name as name, i.role from users u
      left join meeting_invitees i on i.meeting_id = ${meetingId} and i.user_id = u.id
    where u.id = ${authorId}`;
  let review: ReflectionView["review"] = null;
  if (row.reviewed_at || row.review_comment) {
    const [by] = row.reviewed_by
      ? await sql<{ display_name: string }[]>`select display_name from users where id = ${row.reviewed_by}`
      : [];
    review = {
      comment: row.review_comment,
      at: row.reviewed_at ?? row.submitted_at!,
      byName: by?.display_name ?? null,
    };
  }
  const manage = access === "manage";
  let similarity: ReflectionView["similarity"] = null;
  if (manage && row.similarity_detail) {
    const d = row.similarity_detail;
    const matches = [];
    for (const x of d.matches) {
      // The other side is shown only to whoever may read that reflection (an earlier meeting may
      // be another organisation's); the overlapping passages of this text are shown either way.
      matches.push({ ...x, otherText: (await mayRead(sql, subject, x.meetingId, x.userId)) ? x.otherText : null });
    }
    similarity = { ...d, matches };
  }
  return {
    meeting: summary(m),
    author: { id: authorId, name: author?.name ?? "", role: author?.role ?? null },
    status,
    access,
    canReview: manage && status === "submitted",
    text: row.submitted_text,
    wordCount: row.word_count,
    submittedAt: row.submitted_at,
    review,
    similarity,
  };
}

async function mayRead(sql: Sql, subject: Subject, meetingId: string, authorId: string): Promise<boolean> {
  const scope = await findMeetingScope(sql, subject, meetingId);
  if (!scope) return false;
  const m: Loaded = { ...scope, visibility: (await scopeSettings(sql, scope)).reflectionVisibility };
  const [r] = await sql<{ status: ReflectionStatus }[]>`
    select status from reflections where meeting_id = ${meetingId} and user_id = ${authorId}`;
  const invited = (await inviteeRole(sql, meetingId, authorId)) !== null;
  return reflectionAccess(subject, resourceOf(m, authorId, r?.status ?? "draft", invited)) !== "none";
}
