import type { Sql } from "../../../db/client";
import { COMMITTEE_ROLES } from "../../../shared/domain/labels";
import { LIFE_STAGE_LABEL, type LifeStage } from "../../../shared/domain/life-stages";
import {
  examinationAccess,
  lifeRecordAccess,
  mayManageExaminationSettings,
  reviewsExamination,
  type Access,
  type Subject,
} from "../../../shared/permissions";
import { REVIEW_COMMENT_MAX, REVIEW_COMMENT_MIN } from "../../../shared/schemas/examination";
import type { Actor, LiveAccess } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden, UUID_RE } from "../errors";
import { refuseIfSealed, type MeetingRecord, type MeetingScope } from "../meeting-scope";
import { notify } from "../notifications";
import { aboveGrantActive } from "./above-access";
import {
  accessTo,
  auditRead,
  boilerplateFor,
  examinationResource,
  inProgress,
  lifeMeeting,
  namedReviewer,
  type ExaminationSimilarity,
  type ExaminationStatus,
  type PassageComment,
} from "./examination-records";

// 对照检查材料, the reviewer's side (docs/decisions/034): one material as a reader or reviewer sees
// it (every read by someone other than the author is audited), return with a comment and notes
// on passages, accept; the overview of a meeting's materials; its stage in the cycle; and the
// branch's settings (who reviews, its own template texts). Rules: shared/permissions.ts
// (examinationAccess, reviewsExamination, mayManageExaminationSettings).

// ---------------------------------------------------------------------------------------------
// Reviewers

/** Who reviews an author's material at this meeting (for notifications): the rule of reviewsExamination, set-based. */
export async function reviewersOf(sql: Sql, m: MeetingRecord, authorId: string): Promise<string[]> {
  const [sec] = await sql`
    select 1 from memberships where org_id = ${m.row.org_id} and user_id = ${authorId} and role = 'secretary'
      and ended_at is null`;
  if (sec) {
    const parent = m.orgPath[m.orgPath.length - 2];
    if (!parent) return [];
    const rows = await sql<{ user_id: string }[]>`
      select distinct user_id from memberships where org_id = ${parent} and role = any(${[...COMMITTEE_ROLES]})
        and ended_at is null and user_id <> ${authorId}`;
    return rows.map((r) => r.user_id);
  }
  const named = await namedReviewer(sql, m.row.org_id);
  if (named && named !== authorId) return [named];
  const rows = await sql<{ user_id: string }[]>`
    select user_id from memberships where org_id = ${m.row.org_id} and role = 'secretary' and ended_at is null
      and user_id <> ${authorId}`;
  return rows.map((r) => r.user_id);
}

// ---------------------------------------------------------------------------------------------
// One material

export interface ExaminationView {
  meeting: { id: string; title: string; startsAt: Date; endsAt: Date };
  author: { id: string; name: string };
  status: ExaminationStatus;
  access: Access;
  canReview: boolean;
  text: string;
  wordCount: number;
  submittedAt: Date | null;
  review: { comment: string | null; passages: PassageComment[]; at: Date; byName: string | null } | null;
  /** The similarity check, for the reviewer only; another member's text only where they may read it. */
  similarity:
    | (Omit<ExaminationSimilarity, "matches"> & {
        matches: (Omit<ExaminationSimilarity["matches"][number], "otherText"> & { otherText: string | null })[];
      })
    | null;
}

/** A submitted material as the actor may see it; a draft, or one they may not read, is hidden. The read is audited. */
export async function examinationFor(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  authorId: string,
): Promise<ExaminationView> {
  const { m, row, access } = await accessTo(sql, actor.subject, meetingId, authorId);
  if (access === "none" || !row || row.submitted_text === null) throw hidden();
  const [author] = await sql<{ name: string }[]>`select display_name as name from users where id = ${authorId}`;
  let review: ExaminationView["review"] = null;
  if (row.reviewed_at) {
    const [by] = row.reviewed_by
      ? await sql<{ display_name: string }[]>`select display_name from users where id = ${row.reviewed_by}`
      : [];
    review = {
      comment: row.review_comment,
      passages: row.passage_comments ?? [],
      at: row.reviewed_at,
      byName: by?.display_name ?? null,
    };
  }
  await auditRead(sql, actor.userId, m, authorId, "page", actor.address);
  const manage = access === "manage";
  let similarity: ExaminationView["similarity"] = null;
  if (manage && row.similarity_detail) {
    const matches = [];
    for (const x of row.similarity_detail.matches) {
      if (x.source !== "member" || !x.userId || !x.meetingId) {
        matches.push(x);
        continue;
      }
      // Another member's material: shown side by side only to whoever may read it, and audited.
      const other = await accessTo(sql, actor.subject, x.meetingId, x.userId).catch(() => null);
      const reads = other !== null && other.access !== "none";
      if (reads) await auditRead(sql, actor.userId, other.m, x.userId, "page", actor.address);
      matches.push({ ...x, otherText: reads ? x.otherText : null });
    }
    similarity = { ...row.similarity_detail, matches };
  }
  return {
    meeting: { id: m.row.id, title: m.row.title, startsAt: m.row.starts_at, endsAt: m.row.ends_at },
    author: { id: authorId, name: author?.name ?? "" },
    status: row.status,
    access,
    canReview: manage && row.status === "submitted",
    text: row.submitted_text,
    wordCount: row.word_count,
    submittedAt: row.submitted_at,
    review,
    similarity,
  };
}

async function reviewable(sql: Sql, subject: Subject, meetingId: string, authorId: string) {
  const { m, row, access } = await accessTo(sql, subject, meetingId, authorId);
  if (access === "none" || !row) throw hidden();
  if (subject.userId === authorId) throw new DomainError("不能审阅自己的对照检查材料。", 403);
  if (access !== "manage")
    throw new DomainError("只有审阅人（书记或支部指定的同志；书记本人的由上级党组织）可以审阅对照检查材料。", 403);
  refuseIfSealed(m);
  return { m, row };
}

/**
 * Returns a submitted material with a comment and notes on passages (paragraph indexes into the
 * submitted text, quoted as they were). At least one of them; the comment 2–500 characters.
 */
export async function returnExamination(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  authorId: string,
  input: { comment: string; notes: { paragraph: number; comment: string }[] },
  now = new Date(),
) {
  const { m, row } = await reviewable(sql, actor.subject, meetingId, authorId);
  if (row.status === "returned") throw new DomainError("这份材料已经退回，正在等待本人修改后重新提交。", 409);
  if (row.status === "accepted") throw new DomainError("这份材料已经审阅通过，不能再退回。", 409);
  const comment = input.comment.trim();
  if (comment.length > REVIEW_COMMENT_MAX)
    throw new DomainError(`退回意见最长 ${REVIEW_COMMENT_MAX} 字。`, 400, "comment");
  if (comment.length < REVIEW_COMMENT_MIN && input.notes.length === 0)
    throw new DomainError("请填写退回意见，或对需要修改的段落写明意见。", 400, "comment");
  const paragraphs = (row.submitted_text ?? "").split("\n");
  const passages: PassageComment[] = [];
  for (const n of input.notes) {
    const quote = paragraphs[n.paragraph]?.trim();
    if (!quote) throw new DomainError("意见所指的段落不存在，请刷新页面后重试。", 400, "comment");
    const shown = paragraphs.slice(0, n.paragraph + 1).filter((l) => l.trim()).length;
    passages.push({
      paragraph: n.paragraph,
      n: shown,
      quote: quote.length > 200 ? `${quote.slice(0, 200)}…` : quote,
      comment: n.comment,
    });
  }
  const rows = await sql`
    update examinations set status = 'returned', reviewed_by = ${actor.userId}, reviewed_at = ${now},
      review_comment = ${comment || null}, passage_comments = ${sql.json(passages as never)}, updated_at = ${now}
    where meeting_id = ${meetingId} and user_id = ${authorId} and status = 'submitted' returning 1`;
  if (rows.length === 0) throw new DomainError("这份材料的状态已经变化，请刷新页面。", 409);
  await audit(sql, {
    actorId: actor.userId,
    action: "examination.return",
    orgId: m.row.org_id,
    subjectUserId: authorId,
    detail: { meetingId, passages: passages.length },
    address: actor.address,
  });
  await notify(sql, [authorId], {
    kind: "examination.returned",
    title: `对照检查材料被退回，请按意见修改后重新提交：“${m.row.title}”`,
    link: `/meetings/${meetingId}/examination`,
  });
  // The author may write again: their open editor becomes writable.
  live.accessChanged([authorId]);
}

export async function acceptExamination(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  authorId: string,
  now = new Date(),
) {
  const { m, row } = await reviewable(sql, actor.subject, meetingId, authorId);
  if (row.status === "accepted") throw new DomainError("这份材料已经审阅通过。", 409);
  if (row.status === "returned") throw new DomainError("这份材料已退回修改，须本人重新提交后才能通过。", 409);
  const rows = await sql`
    update examinations set status = 'accepted', reviewed_by = ${actor.userId}, reviewed_at = ${now},
      updated_at = ${now}
    where meeting_id = ${meetingId} and user_id = ${authorId} and status = 'submitted' returning 1`;
  if (rows.length === 0) throw new DomainError("这份材料的状态已经变化，请刷新页面。", 409);
  await audit(sql, {
    actorId: actor.userId,
    action: "examination.accept",
    orgId: m.row.org_id,
    subjectUserId: authorId,
    detail: { meetingId },
    address: actor.address,
  });
  await notify(sql, [authorId], {
    kind: "examination.accepted",
    title: `对照检查材料已审阅通过：“${m.row.title}”`,
    link: `/meetings/${meetingId}/examination`,
  });
  live.accessChanged([authorId]);
}

// ---------------------------------------------------------------------------------------------
// The overview

export interface ExaminationOverviewRow {
  id: string;
  name: string;
  role: "attendee" | "guest";
  status: ExaminationStatus;
  wordCount: number;
  submittedAt: Date | null;
  /** The subject may open it (not a draft, and they may read it). */
  canOpen: boolean;
  /** The subject reviews it. */
  reviews: boolean;
  /** For the reviewer: the highest similarity and whether it reaches the line. */
  similarity: number | null;
  flagged: boolean;
}

export interface ExaminationOverview {
  meeting: { id: string; title: string; startsAt: Date; endsAt: Date; orgId: string };
  rows: ExaminationOverviewRow[];
  counts: Record<ExaminationStatus, number>;
  /** The branch's settings, for those who keep them. */
  settings: {
    reviewerId: string | null;
    candidates: { id: string; name: string }[];
    boilerplate: { id: string; title: string; text: string; builtIn: boolean }[];
  } | null;
}

/**
 * The meeting's materials with their state: for the 支委, whoever reviews one of them, attendees
 * while the meeting is in progress and the level above with a grant. Everyone else: 404.
 */
export async function examinationOverview(sql: Sql, subject: Subject, meetingId: string): Promise<ExaminationOverview> {
  const m = await lifeMeeting(sql, subject, meetingId);
  const people = await sql<
    {
      id: string;
      name: string;
      role: "attendee" | "guest";
      status: ExaminationStatus | null;
      word_count: number | null;
      submitted_at: Date | null;
      similarity: number | null;
      flagged: boolean | null;
    }[]
  >`
    select u.id, u.display_name as name, i.role, e.status, e.word_count, e.submitted_at, e.similarity,
      (e.similarity_detail ->> 'flagged')::boolean as flagged
    from meeting_invitees i join users u on u.id = i.user_id
      left join examinations e on e.meeting_id = i.meeting_id and e.user_id = i.user_id
    where i.meeting_id = ${meetingId}
    order by i.role, u.display_name, u.id`;
  const grant = await aboveGrantActive(sql, subject.userId, meetingId);
  const general = lifeRecordAccess(subject, {
    meeting: m.resource,
    personId: null,
    attendingNow: m.invited !== null && inProgress(m),
    aboveGrant: grant,
  });
  const rows: ExaminationOverviewRow[] = [];
  let reviewsAny = false;
  for (const p of people) {
    const status = p.status ?? "draft";
    const resource = await examinationResource(sql, m, subject.userId, p.id, status);
    const access = examinationAccess(subject, resource);
    const reviews = reviewsExamination(subject, { ...resource, status: "submitted" });
    reviewsAny ||= reviews;
    rows.push({
      id: p.id,
      name: p.name,
      role: p.role,
      status,
      wordCount: p.word_count ?? 0,
      submittedAt: p.submitted_at,
      canOpen: access !== "none" && status !== "draft" && p.id !== subject.userId,
      reviews,
      similarity: access === "manage" ? p.similarity : null,
      flagged: access === "manage" && !!p.flagged,
    });
  }
  if (general === "none" && !reviewsAny) throw hidden();
  // Someone who only reviews (the level above, for the 书记's own material) sees only what they review.
  const shown = general === "none" ? rows.filter((r) => r.reviews) : rows;
  const counts: Record<ExaminationStatus, number> = { draft: 0, submitted: 0, returned: 0, accepted: 0 };
  for (const r of shown) counts[r.status]++;
  let settings: ExaminationOverview["settings"] = null;
  if (mayManageExaminationSettings(subject, { id: m.org.id, kind: m.org.kind, path: m.orgPath })) {
    const candidates = await sql<{ id: string; name: string }[]>`
      select distinct u.id, u.display_name as name from memberships ms join users u on u.id = ms.user_id
      where ms.org_id = ${m.row.org_id} and ms.ended_at is null and ms.role = any(${[...COMMITTEE_ROLES]})
      order by u.display_name`;
    settings = {
      reviewerId: await namedReviewer(sql, m.row.org_id),
      candidates,
      boilerplate: await boilerplateFor(sql, m.row.org_id),
    };
  }
  return {
    meeting: {
      id: m.row.id,
      title: m.row.title,
      startsAt: m.row.starts_at,
      endsAt: m.row.ends_at,
      orgId: m.row.org_id,
    },
    rows: shown,
    counts,
    settings,
  };
}

// ---------------------------------------------------------------------------------------------
// The stage in the 组织生活会 cycle

/** 对照检查: how many materials are in each state, and who has not yet submitted (in roll order). */
export async function examinationStage(sql: Sql, scope: MeetingScope): Promise<LifeStage> {
  const rows = await sql<{ id: string; name: string; status: ExaminationStatus | null }[]>`
    select u.id, u.display_name as name, e.status
    from meeting_invitees i join users u on u.id = i.user_id
      left join examinations e on e.meeting_id = i.meeting_id and e.user_id = i.user_id
    where i.meeting_id = ${scope.row.id} and i.role = 'attendee'
    order by u.display_name, u.id`;
  const counts = { draft: 0, submitted: 0, returned: 0, accepted: 0 };
  for (const r of rows) counts[r.status ?? "draft"]++;
  const missingPeople = rows.filter((r) => (r.status ?? "draft") === "draft").map((r) => ({ id: r.id, name: r.name }));
  const done: string[] = [];
  if (counts.accepted) done.push(`已通过 ${counts.accepted} 份`);
  if (counts.submitted) done.push(`待审阅 ${counts.submitted} 份`);
  const missing: string[] = [];
  if (missingPeople.length) missing.push(`${missingPeople.length} 人未提交`);
  if (counts.returned) missing.push(`${counts.returned} 份退回修改中`);
  const total = rows.length;
  const state =
    total > 0 && counts.accepted === total
      ? "done"
      : counts.submitted + counts.returned + counts.accepted > 0
        ? "doing"
        : "todo";
  return {
    key: "examination",
    state,
    done: done.length ? done : [`${LIFE_STAGE_LABEL.examination}材料 ${total} 人待写`],
    missing,
    missingPeople,
    href: `/meetings/${scope.row.id}/examinations`,
  };
}

// ---------------------------------------------------------------------------------------------
// The branch's settings

async function settingsScope(sql: Sql, actor: Actor, meetingId: string) {
  const m = await lifeMeeting(sql, actor.subject, meetingId);
  if (!mayManageExaminationSettings(actor.subject, { id: m.org.id, kind: m.org.kind, path: m.orgPath }))
    throw new DomainError("只有书记、副书记或组织委员可以修改对照检查设置。", 403);
  return m;
}

/** Names who reviews the members' material (a member of the branch committee), or the 书记 again (null). */
export async function setExaminationReviewer(sql: Sql, actor: Actor, meetingId: string, reviewerId: string | null) {
  const m = await settingsScope(sql, actor, meetingId);
  if (reviewerId) {
    const [ok] = await sql`
      select 1 from memberships where org_id = ${m.row.org_id} and user_id = ${reviewerId} and ended_at is null
        and role = any(${[...COMMITTEE_ROLES]})`;
    if (!ok) throw new DomainError("审阅人须是本支部支委会成员。", 400, "reviewerId");
  }
  await sql`
    insert into examination_settings (org_id, reviewer_id, updated_by, updated_at)
    values (${m.row.org_id}, ${reviewerId}, ${actor.userId}, now())
    on conflict (org_id) do update set reviewer_id = excluded.reviewer_id, updated_by = excluded.updated_by,
      updated_at = excluded.updated_at`;
  await audit(sql, {
    actorId: actor.userId,
    action: "examination.settings",
    orgId: m.row.org_id,
    subjectUserId: reviewerId,
    detail: { reviewer: reviewerId },
    address: actor.address,
  });
}

export async function addBoilerplate(sql: Sql, actor: Actor, meetingId: string, title: string, text: string) {
  const m = await settingsScope(sql, actor, meetingId);
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from examination_boilerplate where org_id = ${m.row.org_id}`;
  if (n >= 50) throw new DomainError("本支部最多保存 50 条模板，请先删除不再需要的。", 409);
  await sql`
    insert into examination_boilerplate (org_id, title, text, created_by)
    values (${m.row.org_id}, ${title}, ${text}, ${actor.userId})`;
  await audit(sql, {
    actorId: actor.userId,
    action: "examination.settings",
    orgId: m.row.org_id,
    detail: { boilerplateAdded: title },
    address: actor.address,
  });
}

export async function removeBoilerplate(sql: Sql, actor: Actor, meetingId: string, id: string) {
  const m = await settingsScope(sql, actor, meetingId);
  if (!UUID_RE.test(id)) throw new DomainError("没有找到这条模板。", 404);
  const rows = await sql`
    delete from examination_boilerplate where id = ${id} and org_id = ${m.row.org_id} returning title`;
  if (rows.length === 0) throw new DomainError("没有找到这条模板，内置模板不能删除。", 400, "id");
  await audit(sql, {
    actorId: actor.userId,
    action: "examination.settings",
    orgId: m.row.org_id,
    detail: { boilerplateRemoved: rows[0].title },
    address: actor.address,
  });
}
