import type { Sql } from "../../../db/client";
import { reflectionDoc } from "../../../shared/doc-names";
import { MEETING_KIND_LABEL } from "../../../shared/domain/labels";
import { countWords } from "../../../shared/domain/text";
import { reflectionAccess, type Subject } from "../../../shared/permissions";
import { chinaDateKey, chinaShort } from "../../../shared/time";
import type { Actor, LiveAccess } from "../actor";
import { DomainError, hidden } from "../errors";
import { forgetMeetingScope, refuseIfSealed } from "../meeting-scope";
import {
  deadlinePassed,
  isIn,
  readableMeeting,
  reflectionRow,
  resourceOf,
  reviews,
  storedTexts,
  summary,
  type MeetingSummary,
  type ReflectionStatus,
} from "./records";
import { FLAG_THRESHOLD } from "./similarity";

// 心得体会 around a session: the deadline, reminders to those who have not submitted, the
// reviewers' overview, and the session page's card.

// ---------------------------------------------------------------------------------------------
// Deadline and reminders

/** Sets (or clears, with null) the deadline. Reviewers only; not before the meeting starts. */
export async function setReflectionDeadline(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  deadline: Date | null,
  now = new Date(),
) {
  const m = await readableMeeting(sql, actor.subject, meetingId);
  if (!reviews(actor.subject, m))
    throw new DomainError("只有主持人、书记、组织委员或党小组长可以设置心得体会的截止时间。", 403);
  refuseIfSealed(m);
  if (m.row.status === "cancelled") throw new DomainError("会议已取消，无需设置截止时间。", 409);
  if (deadline) {
    if (deadline < m.row.starts_at)
      throw new DomainError(`截止时间不能早于会议开始时间（${chinaShort(m.row.starts_at)}）。`, 400, "deadline");
    if (deadline <= now) throw new DomainError("截止时间应晚于现在。", 400, "deadline");
    if (deadline.getTime() > m.row.ends_at.getTime() + 366 * 24 * 3_600_000)
      throw new DomainError("截止时间不能晚于会议结束后一年。", 400, "deadline");
  }
  await sql`update meetings set reflection_deadline = ${deadline} where id = ${meetingId}`;
  forgetMeetingScope(actor.subject, meetingId);
  await live.sessionChanged(meetingId);
}

/**
 * Reminds the 应到 attendees who have not submitted (drafts while the deadline has not passed,
 * and returned ones, which may be resubmitted later): one notification each, at most once a
 * (China-time) day per person, however often the button is pressed.
 */
export async function remindMissing(sql: Sql, actor: Actor, meetingId: string, now = new Date()) {
  const m = await readableMeeting(sql, actor.subject, meetingId);
  if (!reviews(actor.subject, m))
    throw new DomainError("只有主持人、书记、组织委员或党小组长可以提醒提交心得体会。", 403);
  refuseIfSealed(m);
  if (m.row.status === "cancelled") throw new DomainError("会议已取消，无需提醒。", 409);
  const passed = deadlinePassed(m, now);
  const pending = await sql<{ user_id: string; status: ReflectionStatus }[]>`
    select i.user_id, coalesce(r.status, 'draft') as status
    from meeting_invitees i left join reflections r on r.meeting_id = i.meeting_id and r.user_id = i.user_id
    where i.meeting_id = ${meetingId} and i.role = 'attendee' and coalesce(r.status, 'draft') in ('draft', 'returned')`;
  // The reviewer is not reminded of their own.
  const others = pending.filter((p) => p.user_id !== actor.userId);
  const targets = others.filter((p) => p.status === "returned" || !passed);
  if (others.length === 0) throw new DomainError("应到同志都已提交心得体会，无需提醒。", 409);
  if (targets.length === 0)
    throw new DomainError("已过提交截止时间，未提交的同志已不能提交；如需补交，请先延后截止时间。", 409);
  const day = chinaDateKey(now);
  const kind = MEETING_KIND_LABEL[m.row.kind];
  const until = m.row.reflection_deadline && !passed ? `，截止 ${chinaShort(m.row.reflection_deadline)}` : "";
  const sent: string[] = [];
  for (const group of ["draft", "returned"] as const) {
    const ids = targets.filter((t) => t.status === group).map((t) => t.user_id);
    if (ids.length === 0) continue;
    const title =
      group === "draft"
        ? `请提交心得体会：${kind}“${m.row.title}”${until}`
        : `请修改后重新提交心得体会：${kind}“${m.row.title}”`;
    const rows = await sql<{ user_id: string }[]>`
      insert into notifications (user_id, kind, title, link, dedupe_key)
      select u, 'reflection.reminder', ${title}, ${`/meetings/${meetingId}/reflection`},
        ${`reflection.remind:${meetingId}:${day}`}
      from unnest(${ids}::uuid[]) as u
      on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing
      returning user_id`;
    sent.push(...rows.map((r) => r.user_id));
  }
  if (sent.length === 0) throw new DomainError("今天已经提醒过这些同志了，每人每天最多提醒一次。", 409);
  await sql`
    insert into reflections (meeting_id, user_id, reminded_at)
    select ${meetingId}, u, ${now} from unnest(${sent}::uuid[]) as u
    on conflict (meeting_id, user_id) do update set reminded_at = excluded.reminded_at`;
  return { sent: sent.length, skipped: targets.length - sent.length };
}

// ---------------------------------------------------------------------------------------------
// Overview (reviewers) and the session page's summary

export interface OverviewRow {
  userId: string;
  name: string;
  role: "attendee" | "guest";
  status: ReflectionStatus;
  /** 字数: of the submitted text, or of the draft as stored (never its content). */
  wordCount: number;
  submittedAt: Date | null;
  similarity: number | null;
  flagged: boolean;
  remindedToday: boolean;
}

export interface ReflectionOverview {
  meeting: MeetingSummary;
  /** review: every attendee with drafts counted; read: the branch reads submitted ones only. */
  mode: "review" | "read";
  rows: OverviewRow[];
  counts: { expected: number; submitted: number; accepted: number; returned: number; flagged: number };
  deadline: Date | null;
  deadlinePassed: boolean;
  canSetDeadline: boolean;
  /** 应到 attendees a reminder would reach today. */
  remindable: number;
  threshold: number;
}

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");

interface ListRow {
  user_id: string;
  name: string;
  role: "attendee" | "guest";
  status: ReflectionStatus | null;
  word_count: number | null;
  submitted_at: Date | null;
  similarity: number | null;
  /** How many texts the check compared it with (0: nothing to compare, the figure means nothing). */
  compared: number;
  reminded_at: Date | null;
}

async function listRows(sql: Sql, meetingId: string) {
  return sql<ListRow[]>`
    select i.user_id, u.display_name as name, i.role, r.status, r.word_count, r.submitted_at, r.similarity,
      coalesce((r.similarity_detail -> 'comparedWith' ->> 'session')::int, 0)
        + coalesce((r.similarity_detail -> 'comparedWith' ->> 'earlier')::int, 0) as compared,
      r.reminded_at
    from meeting_invitees i join users u on u.id = i.user_id
      left join reflections r on r.meeting_id = i.meeting_id and r.user_id = i.user_id
    where i.meeting_id = ${meetingId}`;
}

function counts(rows: { role: string; status: ReflectionStatus; flagged: boolean }[]) {
  const att = rows.filter((r) => r.role === "attendee");
  return {
    expected: att.length,
    submitted: att.filter((r) => isIn(r.status)).length,
    accepted: att.filter((r) => r.status === "accepted").length,
    returned: att.filter((r) => r.status === "returned").length,
    flagged: rows.filter((r) => isIn(r.status) && r.flagged).length,
  };
}

/**
 * Who has submitted, for the reviewers: everyone on the list (应到 first) with status and 字数 —
 * drafts counted from their stored documents in one query, never shown — the similarity figure
 * and whether it is flagged. With the "branch" setting other members get the submitted ones
 * (no drafts, no figures); otherwise the overview is hidden from them.
 */
export async function reflectionOverview(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  now = new Date(),
): Promise<ReflectionOverview> {
  const m = await readableMeeting(sql, subject, meetingId);
  const review = reviews(subject, m);
  if (!review && m.visibility !== "branch") throw hidden();
  const list = await listRows(sql, meetingId);
  const open = list.filter((r) => !r.status || r.status === "draft" || r.status === "returned");
  const texts = review
    ? await storedTexts(
        sql,
        open.map((r) => reflectionDoc(meetingId, r.user_id)),
      )
    : new Map<string, string>();
  const today = chinaDateKey(now);
  let rows: OverviewRow[] = list.map((r) => {
    const status = r.status ?? "draft";
    const draftText = texts.get(reflectionDoc(meetingId, r.user_id));
    return {
      userId: r.user_id,
      name: r.name,
      role: r.role,
      status,
      wordCount: isIn(status) ? (r.word_count ?? 0) : draftText !== undefined ? countWords(draftText) : 0,
      submittedAt: r.submitted_at,
      similarity: review && r.compared > 0 ? r.similarity : null,
      flagged: review && r.similarity !== null && r.similarity >= FLAG_THRESHOLD,
      remindedToday: r.reminded_at !== null && chinaDateKey(r.reminded_at) === today,
    };
  });
  const c = counts(rows);
  if (!review)
    rows = rows.filter(
      (r) =>
        r.userId !== subject.userId && reflectionAccess(subject, resourceOf(m, r.userId, r.status, true)) !== "none",
    );
  rows.sort((a, b) => (a.role === b.role ? byPinyin.compare(a.name, b.name) : a.role === "attendee" ? -1 : 1));
  const passed = deadlinePassed(m, now);
  const remindable = rows.filter(
    (r) =>
      r.role === "attendee" &&
      r.userId !== subject.userId &&
      !r.remindedToday &&
      (r.status === "returned" || (r.status === "draft" && !passed)),
  ).length;
  return {
    meeting: summary(m),
    mode: review ? "review" : "read",
    rows,
    counts: review ? c : { ...c, flagged: 0 },
    deadline: m.row.reflection_deadline,
    deadlinePassed: passed,
    canSetDeadline: review && m.row.status !== "cancelled",
    remindable: review && m.row.status !== "cancelled" ? remindable : 0,
    threshold: FLAG_THRESHOLD,
  };
}

export interface SessionReflections {
  deadline: Date | null;
  deadlinePassed: boolean;
  /** The viewer's own reflection; null if they are not on the list. */
  mine: { status: ReflectionStatus; wordCount: number } | null;
  /** Figures for reviewers; null if the viewer does not review. */
  review: { submitted: number; accepted: number; expected: number; flagged: number } | null;
  canSetDeadline: boolean;
}

/** The session page's card: the viewer's own status, and for reviewers the figures. */
export async function sessionReflections(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  now = new Date(),
): Promise<SessionReflections> {
  const m = await readableMeeting(sql, subject, meetingId);
  const review = reviews(subject, m);
  let mine: SessionReflections["mine"] = null;
  const role = m.invited?.role ?? null;
  if (role) {
    const row = await reflectionRow(sql, meetingId, subject.userId);
    const status = row?.status ?? "draft";
    let wordCount = row?.word_count ?? 0;
    if (!isIn(status)) {
      const doc = reflectionDoc(meetingId, subject.userId);
      wordCount = countWords((await storedTexts(sql, [doc])).get(doc) ?? "");
    }
    mine = { status, wordCount };
  }
  let figures: SessionReflections["review"] = null;
  if (review) {
    const list = await listRows(sql, meetingId);
    const c = counts(
      list.map((r) => ({
        role: r.role,
        status: r.status ?? "draft",
        flagged: r.similarity !== null && r.similarity >= FLAG_THRESHOLD,
      })),
    );
    figures = { submitted: c.submitted, accepted: c.accepted, expected: c.expected, flagged: c.flagged };
  }
  return {
    deadline: m.row.reflection_deadline,
    deadlinePassed: deadlinePassed(m, now),
    mine,
    review: figures,
    canSetDeadline: review && m.row.status !== "cancelled",
  };
}
