import type { Sql } from "../../../db/client";
import { refuseIfSealed } from "../meeting-scope";
import { reflectionDoc } from "../../../shared/doc-names";
import { countWords, REFLECTION_MAX_WORDS, REFLECTION_MIN_WORDS } from "../../../shared/domain/text";
import { reflectionAccess, type Subject } from "../../../shared/permissions";
import { chinaShort } from "../../../shared/time";
import type { Actor, LiveAccess } from "../actor";
import { DomainError, hidden } from "../errors";
import { orderPassages, storedTimedText } from "./passage-order";
import {
  deadlinePassed,
  readableMeeting,
  reflectionRow,
  resourceOf,
  submittedDocumentText,
  summary,
  type Loaded,
  type MeetingSummary,
  type ReflectionStatus,
  type SimilarityDetail,
  type SimilarityMatch,
} from "./records";
import { compareReflections, FLAG_THRESHOLD } from "./similarity";

// 心得体会, the author's side: their own reflection and its submission with the similarity check
// (against the session's other submitted reflections and the author's own earlier ones).

/** Earlier reflections of the author compared with a new one (the most recent first). */
const EARLIER_LIMIT = 20;
/** Matches kept with a submission, with the other text, for the side-by-side view. */
const KEPT_MATCHES = 3;
/** Passages kept per match. */
const KEPT_PASSAGES = 60;
/** Plain-text study materials read as reference, up to this many bytes each. */
const MATERIAL_TEXT_BYTES = 200_000;

/** Slogans and set phrases every reflection may quote: not copying. */
export const SLOGANS = [
  "不忘初心、牢记使命",
  "全心全意为人民服务",
  "坚持以人民为中心",
  "两个确立",
  "增强“四个意识”、坚定“四个自信”、做到“两个维护”",
  "守正创新",
  "学思想、强党性、重实践、建新功",
];

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
  else if (m.sealed) submitBlocked = "本次会议记录已签字封存，不能再提交。";
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
    canEdit: !cancelled && !done && !m.sealed,
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
  refuseIfSealed(m);
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
  const text = await submittedDocumentText(live, reflectionDoc(meetingId, actor.userId), update);
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
