import * as Y from "yjs";
import type { Sql } from "../../../db/client";
import { reflectionDoc } from "../../../shared/doc-names";
import { chinaDateKey } from "../../../shared/domain/cadence";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../../shared/domain/labels";
import { countWords, REFLECTION_MAX_WORDS, REFLECTION_MIN_WORDS } from "../../../shared/domain/text";
import { plainText } from "../../../shared/editor/minutes";
import {
  sessionAccess,
  reflectionAccess,
  type Access,
  type ReflectionResource,
  type ReflectionStatus,
  type Subject,
} from "../../../shared/permissions";
import { chinaShort } from "../../../shared/schemas/meetings";
import { REVIEW_COMMENT_MAX, REVIEW_COMMENT_MIN } from "../../../shared/schemas/reflections";
import type { Actor, LiveAccess } from "../actor";
import { DomainError, hidden, UUID_RE } from "../errors";
import { notify } from "../notifications";
import { orderPassages, storedTimedText, type Earlier } from "./passage-order";
import { compareReflections, FLAG_THRESHOLD } from "./similarity";
import {
  findMeetingScope,
  forgetMeetingScope,
  loadMeetingScope,
  scopeSettings,
  type MeetingScope,
} from "../meeting-scope";
import { storedStates } from "../../collab/persistence";

// 心得体会: each attendee (应到 or 列席) writes their own reflection on a session in a live
// document (meeting.<m>.reflection.<author>), then submits it by the host's deadline. The
// reviewers (whoever manages the meeting's attendance) return it with a comment or accept it.
// On submission the text is compared with the session's other submitted reflections and with the
// author's own earlier ones (similarity.ts); the figure and the passages are stored for the
// reviewer. Every function checks reflectionAccess / sessionAccess on data it loads itself;
// a reflection the subject may not see is "hidden" (404).

export type { ReflectionStatus };

/** Earlier reflections of the author compared with a new one (the most recent first). */
const EARLIER_LIMIT = 20;
/** Matches kept with a submission, with the other text, for the side-by-side view. */
const KEPT_MATCHES = 3;
/** Passages kept per match. */
const KEPT_PASSAGES = 60;
/** Plain-text study materials read as reference, up to this many bytes each. */
const MATERIAL_TEXT_BYTES = 200_000;

/** Slogans and set phrases every reflection may quote: not copying. */
const SLOGANS = [
  "不忘初心、牢记使命",
  "全心全意为人民服务",
  "坚持以人民为中心",
  "两个确立",
  "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
  "守正创新",
  "学思想、强党性、重实践、建新功",
];

/** The meeting as a reader sees it, with the branch's visibility rule for submitted reflections. */
type Loaded = MeetingScope & { visibility: "committee" | "branch" };

interface ReflectionRow {
  status: ReflectionStatus;
  submitted_text: string | null;
  word_count: number;
  submitted_at: Date | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_comment: string | null;
  similarity: number | null;
  similarity_detail: SimilarityDetail | null;
  reminded_at: Date | null;
}

export interface MeetingSummary {
  id: string;
  title: string;
  kind: MeetingKind;
  orgName: string;
  startsAt: Date;
  endsAt: Date;
  cancelled: boolean;
}

/** One other text that shares passages with a submitted reflection, as stored with it. */
export interface SimilarityMatch {
  /** Another member's reflection for the same session, or one of the author's own earlier ones. */
  source: "session" | "earlier";
  userId: string;
  name: string;
  meetingId: string;
  meetingTitle: string;
  meetingStartsAt: string;
  /** 0..1, counting only passages the other side had first (or whose order is unknown). */
  score: number;
  /** The score before that: every shared passage counted. */
  rawScore?: number;
  /** Who had the shared passages first (another member's reflection only). */
  earlier?: Earlier;
  /**
   * Offsets into the submitted text (start, end) and into otherText (otherStart, otherEnd), end
   * exclusive; for another member's reflection also when each side first stored the passage.
   */
  passages: {
    start: number;
    end: number;
    otherStart: number;
    otherEnd: number;
    mineAt?: string | null;
    otherAt?: string | null;
  }[];
  /** The other text as it was when compared, so the offsets stay right if it changes later. */
  otherText: string;
}

/** What the check found, stored in reflections.similarity_detail. */
export interface SimilarityDetail {
  checked: boolean;
  flagged: boolean;
  score: number;
  threshold: number;
  /** Share of the text that quotes the session's materials, agenda and slogans. */
  quoted: number;
  comparedWith: { session: number; earlier: number };
  matches: SimilarityMatch[];
  checkedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Loading

/** The meeting if the subject may read it (loadMeetingScope); hidden (404) otherwise. */
async function readableMeeting(sql: Sql, subject: Subject, meetingId: string): Promise<Loaded> {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  return { ...scope, visibility: (await scopeSettings(sql, scope)).reflectionVisibility };
}

const summary = (m: Loaded): MeetingSummary => ({
  id: m.row.id,
  title: m.row.title,
  kind: m.row.kind,
  orgName: m.row.org_name,
  startsAt: m.row.starts_at,
  endsAt: m.row.ends_at,
  cancelled: m.row.status === "cancelled",
});

const resourceOf = (
  m: Loaded,
  authorId: string,
  status: ReflectionStatus,
  authorInvited: boolean,
): ReflectionResource => ({
  meeting: m.resource,
  hostId: m.row.host_id,
  authorId,
  authorInvited,
  status,
  visibility: m.visibility,
});

/** Reviewers: whoever manages the meeting's attendance (host, managers, a group's 党小组长). */
const reviews = (subject: Subject, m: Loaded) =>
  sessionAccess(subject, { meeting: m.resource, hostId: m.row.host_id, invited: false }) === "manage";

async function inviteeRole(sql: Sql, meetingId: string, userId: string): Promise<"attendee" | "guest" | null> {
  const [r] = await sql<{ role: "attendee" | "guest" }[]>`
    select role from meeting_invitees where meeting_id = ${meetingId} and user_id = ${userId}`;
  return r?.role ?? null;
}

async function reflectionRow(sql: Sql, meetingId: string, userId: string): Promise<ReflectionRow | null> {
  const [r] = await sql<ReflectionRow[]>`
    select status, submitted_text, word_count, submitted_at, reviewed_by, reviewed_at, review_comment, similarity,
      similarity_detail, reminded_at
    from reflections where meeting_id = ${meetingId} and user_id = ${userId}`;
  return r ?? null;
}

const deadlinePassed = (m: Loaded, now: Date) => m.row.reflection_deadline !== null && now > m.row.reflection_deadline;

/** The plain text of stored live documents, by name (server/collab/persistence.ts reads them). */
export async function storedTexts(sql: Sql, docNames: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, state] of await storedStates(sql, docNames)) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    out.set(name, plainText(doc));
    doc.destroy();
  }
  return out;
}

/** Blank lines and trailing spaces are not content. */
const tidy = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

// ---------------------------------------------------------------------------------------------
// The author's view

export interface MyReflection {
  meeting: MeetingSummary;
  docName: string;
  role: "attendee" | "guest";
  status: ReflectionStatus;
  /** The author may type (a draft, or returned to them). */
  canEdit: boolean;
  /** Why submitting is not possible now, if it is not (deadline, cancelled); null when it is. */
  submitBlocked: string | null;
  deadline: Date | null;
  deadlinePassed: boolean;
  /** 字数 of the submitted text (0 for a draft: the editor counts live). */
  wordCount: number;
  submittedAt: Date | null;
  /** The text as submitted, while it is submitted or accepted. */
  submittedText: string | null;
  /** The reviewer's decision: a return with its comment, or the acceptance. */
  review: { comment: string | null; at: Date; byName: string | null } | null;
}

/** The signed-in attendee's own reflection for a session. Not on the list: 403. */
export async function myReflection(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  now = new Date(),
): Promise<MyReflection> {
  const m = await readableMeeting(sql, subject, meetingId);
  const role = m.invited?.role ?? null;
  if (!role) throw new DomainError("你不在本次会议的应到或列席名单中，无需撰写心得体会。", 403);
  const row = await reflectionRow(sql, meetingId, subject.userId);
  const status = row?.status ?? "draft";
  const cancelled = m.row.status === "cancelled";
  const passed = deadlinePassed(m, now);
  let submitBlocked: string | null = null;
  if (cancelled) submitBlocked = "会议已取消，无需提交心得体会。";
  else if (status === "draft" && passed)
    submitBlocked = `已过提交截止时间（${chinaShort(m.row.reflection_deadline!)}），不能再提交。如有特殊情况，请联系主持人。`;
  let review: MyReflection["review"] = null;
  if (row?.reviewed_at) {
    const [by] = await sql<{ display_name: string }[]>`select display_name from users where id = ${row.reviewed_by}`;
    review = { comment: row.review_comment, at: row.reviewed_at, byName: by?.display_name ?? null };
  }
  const done = status === "submitted" || status === "accepted";
  return {
    meeting: summary(m),
    docName: reflectionDoc(meetingId, subject.userId),
    role,
    status,
    canEdit: !cancelled && !done,
    submitBlocked,
    deadline: m.row.reflection_deadline,
    deadlinePassed: passed,
    wordCount: row?.word_count ?? 0,
    submittedAt: row?.submitted_at ?? null,
    submittedText: done ? (row?.submitted_text ?? null) : null,
    review,
  };
}

// ---------------------------------------------------------------------------------------------
// Submission and the similarity check

async function referenceTexts(sql: Sql, m: Loaded): Promise<string[]> {
  const agenda = await sql<{ title: string }[]>`
    select title from meeting_agenda_items where meeting_id = ${m.row.id} order by position`;
  const materials = await sql<{ title: string; text: string | null }[]>`
    select mm.title,
      case when f.mime like 'text/plain%' and f.size <= ${MATERIAL_TEXT_BYTES} then convert_from(f.data, 'UTF8') end as text
    from meeting_materials mm left join files f on f.id = mm.file_id where mm.meeting_id = ${m.row.id}`.catch(
    // A text file that is not valid UTF-8 makes convert_from fail: read the titles only.
    () => sql<{ title: string; text: null }[]>`
      select title, null as text from meeting_materials where meeting_id = ${m.row.id}`,
  );
  return [
    m.row.title,
    ...agenda.map((a) => a.title),
    ...materials.flatMap((x) => (x.text ? [x.title, x.text] : [x.title])),
    ...SLOGANS,
  ];
}

async function checkSimilarity(sql: Sql, m: Loaded, authorId: string, text: string, now: Date) {
  const session = await sql<{ user_id: string; name: string; text: string }[]>`
    select r.user_id, u.display_name as name, r.submitted_text as text
    from reflections r join users u on u.id = r.user_id
    where r.meeting_id = ${m.row.id} and r.user_id <> ${authorId} and r.submitted_text is not null
      and r.status <> 'draft'`;
  const earlier = await sql<{ meeting_id: string; title: string; starts_at: Date; text: string }[]>`
    select r.meeting_id, mt.title, mt.starts_at, r.submitted_text as text
    from reflections r join meetings mt on mt.id = r.meeting_id
    where r.user_id = ${authorId} and r.meeting_id <> ${m.row.id} and r.submitted_text is not null
      and r.status <> 'draft'
    order by r.submitted_at desc nulls last limit ${EARLIER_LIMIT}`;
  const [author] = await sql<{ display_name: string }[]>`select display_name from users where id = ${authorId}`;
  const others = [
    ...session.map((s) => ({ id: `s:${s.user_id}`, text: s.text })),
    ...earlier.map((e) => ({ id: `e:${e.meeting_id}`, text: e.text })),
  ];
  const result = compareReflections(text, others, { reference: await referenceTexts(sql, m) });
  const bySession = new Map(session.map((s) => [`s:${s.user_id}`, s]));
  const byEarlier = new Map(earlier.map((e) => [`e:${e.meeting_id}`, e]));
  // Who was first: the earlier author of a shared passage is not flagged for it (passage-order.ts).
  const mine = session.length > 0 ? await storedTimedText(sql, reflectionDoc(m.row.id, authorId)) : null;
  const matches: SimilarityMatch[] = [];
  for (const x of result.matches.slice(0, KEPT_MATCHES)) {
    const passages = x.passages
      .slice(0, KEPT_PASSAGES)
      .map((p) => ({ start: p.start, end: p.end, otherStart: p.otherStart, otherEnd: p.otherEnd }));
    const s = bySession.get(x.otherId);
    if (s) {
      const other = await storedTimedText(sql, reflectionDoc(m.row.id, s.user_id));
      const order = orderPassages(text, mine, s.text, other, passages);
      matches.push({
        source: "session",
        userId: s.user_id,
        name: s.name,
        meetingId: m.row.id,
        meetingTitle: m.row.title,
        meetingStartsAt: m.row.starts_at.toISOString(),
        score: x.score * order.counted,
        rawScore: x.score,
        earlier: order.earlier,
        passages: order.passages,
        otherText: s.text,
      });
      continue;
    }
    const e = byEarlier.get(x.otherId)!;
    matches.push({
      source: "earlier",
      userId: authorId,
      name: author?.display_name ?? "",
      meetingId: e.meeting_id,
      meetingTitle: e.title,
      meetingStartsAt: e.starts_at.toISOString(),
      score: x.score,
      passages,
      otherText: e.text,
    });
  }
  matches.sort((a, b) => b.score - a.score);
  const score = matches[0]?.score ?? 0;
  const detail: SimilarityDetail = {
    checked: result.checked,
    flagged: result.checked && score >= FLAG_THRESHOLD,
    score,
    threshold: FLAG_THRESHOLD,
    quoted: result.quoted,
    comparedWith: { session: session.length, earlier: earlier.length },
    matches,
    checkedAt: now.toISOString(),
  };
  return { score: result.checked ? Math.min(1, Math.max(0, score)) : null, detail };
}

/**
 * Submits the author's reflection. `update` is the editor's full Yjs state, posted with the form:
 * it is applied to the live document first (so what the author sees is what is stored, even if
 * the websocket lagged or the phone was offline), then the document's text is read, counted,
 * checked against the others and stored. A draft may be submitted until the deadline; a
 * returned one also after it (the reviewer asked for it).
 */
export async function submitReflection(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  update?: Uint8Array,
  now = new Date(),
) {
  const m = await readableMeeting(sql, actor.subject, meetingId);
  const role = m.invited?.role ?? null;
  if (!role) throw new DomainError("你不在本次会议的应到或列席名单中，无需提交心得体会。", 403);
  if (m.row.status === "cancelled") throw new DomainError("会议已取消，不能提交心得体会。", 409);
  const row = await reflectionRow(sql, meetingId, actor.userId);
  const status = row?.status ?? "draft";
  if (status === "submitted") throw new DomainError("你已经提交过心得体会，无需重复提交。", 409);
  if (status === "accepted") throw new DomainError("你的心得体会已经审阅通过，不能再次提交。", 409);
  if (reflectionAccess(actor.subject, resourceOf(m, actor.userId, status, true)) !== "write") throw hidden();
  if (status === "draft" && deadlinePassed(m, now))
    throw new DomainError(
      `已过提交截止时间（${chinaShort(m.row.reflection_deadline!)}），不能再提交。如有特殊情况，请联系主持人。`,
      409,
    );
  if (update) {
    // Decode it apart first: a malformed state must not reach the live document.
    const probe = new Y.Doc();
    try {
      Y.applyUpdate(probe, update);
    } catch {
      throw new DomainError("提交的内容无法读取，请刷新页面后重试。", 400);
    } finally {
      probe.destroy();
    }
  }
  let text = "";
  await live.editDocument(reflectionDoc(meetingId, actor.userId), (doc) => {
    if (update) Y.applyUpdate(doc, update);
    text = plainText(doc);
  });
  text = tidy(text);
  const words = countWords(text);
  if (words === 0) throw new DomainError("心得体会还是空的，请写好后再提交。", 400);
  if (words < REFLECTION_MIN_WORDS)
    throw new DomainError(`心得体会至少 ${REFLECTION_MIN_WORDS} 字，目前只有 ${words} 字，请充实后再提交。`, 400);
  if (words > REFLECTION_MAX_WORDS)
    throw new DomainError(`心得体会最长 ${REFLECTION_MAX_WORDS} 字，目前有 ${words} 字，请精简后再提交。`, 400);
  const sim = await checkSimilarity(sql, m, actor.userId, text, now);
  const stored = await sql`
    insert into reflections (meeting_id, user_id, status, submitted_text, word_count, submitted_at, similarity,
      similarity_detail, updated_at)
    values (${meetingId}, ${actor.userId}, 'submitted', ${text}, ${words}, ${now}, ${sim.score},
      ${sql.json(sim.detail as never)}, ${now})
    on conflict (meeting_id, user_id) do update set status = 'submitted', submitted_text = excluded.submitted_text,
      word_count = excluded.word_count, submitted_at = excluded.submitted_at, similarity = excluded.similarity,
      similarity_detail = excluded.similarity_detail, reviewed_by = null, reviewed_at = null,
      updated_at = excluded.updated_at
    where reflections.status in ('draft', 'returned')
    returning 1`;
  if (stored.length === 0) throw new DomainError("你已经提交过心得体会，无需重复提交。", 409);
  // The author's editor turns read-only at once; open session pages show the new count.
  live.accessChanged([actor.userId]);
  await live.sessionChanged(meetingId);
  return { wordCount: words, similarity: sim.score, flagged: sim.detail.flagged, resubmitted: status === "returned" };
}

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
const isIn = (s: ReflectionStatus) => s === "submitted" || s === "accepted";

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
