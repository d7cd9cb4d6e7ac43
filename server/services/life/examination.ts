import type { Sql } from "../../../db/client";
import { refuseIfSealed } from "../meeting-scope";
import { examinationDoc } from "../../../shared/doc-names";
import { LIFE_CYCLE_KINDS } from "../../../shared/domain/life-cycle";
import { countWords } from "../../../shared/domain/text";
import { examinationAccess, type Subject } from "../../../shared/permissions";
import { EXAMINATION_MAX_WORDS, EXAMINATION_MIN_WORDS } from "../../../shared/schemas/examination";
import type { Actor, LiveAccess } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { notify } from "../notifications";
import { submittedDocumentText } from "../reflections/records";
import { SLOGANS } from "../reflections/submit";
import { compareReflections, FLAG_THRESHOLD } from "../reflections/similarity";
import {
  boilerplateFor,
  examinationResource,
  examinationRow,
  lifeMeeting,
  type ExaminationMatch,
  type ExaminationSimilarity,
  type ExaminationStatus,
  type PassageComment,
} from "./examination-records";
import { reviewersOf } from "./examination-review";

// 对照检查材料, the author's side: their own material (the live document, the 问题清单 items
// addressed to them, the review), and its submission with the similarity check against the
// other members' materials of this year, the author's own of earlier years and the template
// texts (built-in and the branch's own). The comparison is the 心得体会's (reflections/similarity.ts).

/** Matches kept with a submission, with the other text, for the side-by-side view. */
const KEPT_MATCHES = 4;
const KEPT_PASSAGES = 60;
/** Materials of earlier years compared (the most recent first). */
const EARLIER_LIMIT = 10;

export interface MyExamination {
  meeting: { id: string; title: string; orgName: string; startsAt: Date; endsAt: Date; cancelled: boolean };
  docName: string;
  status: ExaminationStatus;
  canEdit: boolean;
  wordCount: number;
  submittedAt: Date | null;
  submittedText: string | null;
  review: { comment: string | null; passages: PassageComment[]; at: Date; byName: string | null } | null;
  /** The 问题清单 items the branch addressed to the author (person_id = author). */
  problems: { id: string; text: string; meetingTitle: string | null; createdAt: Date }[];
}

/** The signed-in member's own material for a 组织生活会. Not on the list: 403. */
export async function myExamination(sql: Sql, subject: Subject, meetingId: string): Promise<MyExamination> {
  const m = await lifeMeeting(sql, subject, meetingId);
  if (!m.invited) throw new DomainError("你不在本次组织生活会的名单中，无需撰写对照检查材料。", 403);
  const row = await examinationRow(sql, meetingId, subject.userId);
  const status = row?.status ?? "draft";
  let review: MyExamination["review"] = null;
  if (row?.reviewed_at) {
    const [by] = await sql<{ display_name: string }[]>`select display_name from users where id = ${row.reviewed_by}`;
    review = {
      comment: row.review_comment,
      passages: row.passage_comments ?? [],
      at: row.reviewed_at,
      byName: by?.display_name ?? null,
    };
  }
  const problems = await sql<MyExamination["problems"]>`
    select p.id, p.text, mt.title as "meetingTitle", p.created_at as "createdAt"
    from problem_items p left join meetings mt on mt.id = p.meeting_id
    where p.person_id = ${subject.userId}
      and p.org_id in (select id from organizations where id = ${m.row.org_id} or parent_id = ${m.row.org_id})
    order by p.created_at desc limit 50`;
  const done = status === "submitted" || status === "accepted";
  const cancelled = m.row.status === "cancelled";
  return {
    meeting: {
      id: m.row.id,
      title: m.row.title,
      orgName: m.row.org_name,
      startsAt: m.row.starts_at,
      endsAt: m.row.ends_at,
      cancelled,
    },
    docName: examinationDoc(meetingId, subject.userId),
    status,
    canEdit: !cancelled && !done && !m.sealed,
    wordCount: row?.word_count ?? 0,
    submittedAt: row?.submitted_at ?? null,
    submittedText: done ? (row?.submitted_text ?? null) : null,
    review,
    problems,
  };
}

const chinaYear = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).getUTCFullYear();

/** The meeting fields the similarity check reads (the demo seed passes them without a reader). */
export interface SimilarityMeeting {
  row: { id: string; org_id: string; title: string; starts_at: Date };
}

/**
 * The similarity check a submission stores: against the other members' submitted materials of this
 * China-time year in this branch, the author's own of earlier years and the template texts.
 */
export async function checkSimilarity(
  sql: Sql,
  m: SimilarityMeeting,
  authorId: string,
  text: string,
  now: Date,
): Promise<ExaminationSimilarity> {
  const year = chinaYear(m.row.starts_at);
  const kinds = [...LIFE_CYCLE_KINDS];
  const submitted = await sql<
    { user_id: string; name: string; meeting_id: string; title: string; starts_at: Date; text: string }[]
  >`
    select e.user_id, u.display_name as name, e.meeting_id, mt.title, mt.starts_at, e.submitted_text as text
    from examinations e join meetings mt on mt.id = e.meeting_id join users u on u.id = e.user_id
    where mt.org_id = ${m.row.org_id} and mt.kind = any(${kinds}) and e.status <> 'draft'
      and e.submitted_text is not null and not (e.meeting_id = ${m.row.id} and e.user_id = ${authorId})
      and (
        (e.user_id <> ${authorId} and extract(year from mt.starts_at at time zone 'Asia/Shanghai') = ${year})
        or (e.user_id = ${authorId} and extract(year from mt.starts_at at time zone 'Asia/Shanghai') < ${year})
      )
    order by mt.starts_at desc
    limit 200`;
  const members = submitted.filter((s) => s.user_id !== authorId);
  const earlier = submitted.filter((s) => s.user_id === authorId).slice(0, EARLIER_LIMIT);
  const templates = await boilerplateFor(sql, m.row.org_id);
  const agenda = await sql<{ title: string }[]>`
    select title from meeting_agenda_items where meeting_id = ${m.row.id} order by position`;
  const others = [
    ...members.map((s) => ({ id: `m:${s.meeting_id}:${s.user_id}`, text: s.text })),
    ...earlier.map((s) => ({ id: `e:${s.meeting_id}:${s.user_id}`, text: s.text })),
    ...templates.map((b) => ({ id: `b:${b.id}`, text: b.text })),
  ];
  const result = compareReflections(text, others, {
    reference: [m.row.title, ...agenda.map((a) => a.title), ...SLOGANS],
  });
  const byId = new Map<string, Omit<ExaminationMatch, "score" | "passages">>();
  for (const s of members)
    byId.set(`m:${s.meeting_id}:${s.user_id}`, {
      source: "member",
      userId: s.user_id,
      name: s.name,
      meetingId: s.meeting_id,
      meetingTitle: s.title,
      meetingStartsAt: s.starts_at.toISOString(),
      otherText: s.text,
    });
  for (const s of earlier)
    byId.set(`e:${s.meeting_id}:${s.user_id}`, {
      source: "earlier",
      userId: s.user_id,
      name: s.name,
      meetingId: s.meeting_id,
      meetingTitle: s.title,
      meetingStartsAt: s.starts_at.toISOString(),
      otherText: s.text,
    });
  for (const b of templates)
    byId.set(`b:${b.id}`, {
      source: "boilerplate",
      userId: null,
      name: b.title,
      meetingId: null,
      meetingTitle: null,
      meetingStartsAt: null,
      otherText: b.text,
    });
  const matches: ExaminationMatch[] = result.matches.slice(0, KEPT_MATCHES).map((x) => ({
    ...byId.get(x.otherId)!,
    score: x.score,
    passages: x.passages
      .slice(0, KEPT_PASSAGES)
      .map((p) => ({ start: p.start, end: p.end, otherStart: p.otherStart, otherEnd: p.otherEnd })),
  }));
  const score = matches[0]?.score ?? 0;
  return {
    checked: result.checked,
    flagged: result.checked && score >= FLAG_THRESHOLD,
    score,
    threshold: FLAG_THRESHOLD,
    quoted: result.quoted,
    comparedWith: { members: members.length, earlier: earlier.length, boilerplate: templates.length },
    matches,
    checkedAt: now.toISOString(),
  };
}

/**
 * Submits the author's material (the editor's full state is posted with the form, as for the
 * 心得体会), checks it and stores it with the similarity check; the reviewer is notified.
 */
export async function submitExamination(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  update?: Uint8Array,
  now = new Date(),
) {
  const m = await lifeMeeting(sql, actor.subject, meetingId);
  if (!m.invited) throw new DomainError("你不在本次组织生活会的名单中，无需提交对照检查材料。", 403);
  refuseIfSealed(m);
  if (m.row.status === "cancelled") throw new DomainError("会议已取消，不能提交对照检查材料。", 409);
  const row = await examinationRow(sql, meetingId, actor.userId);
  const status = row?.status ?? "draft";
  if (status === "submitted") throw new DomainError("你已经提交过对照检查材料，正在等待审阅。", 409);
  if (status === "accepted") throw new DomainError("你的对照检查材料已经审阅通过，不能再次提交。", 409);
  const resource = await examinationResource(sql, m, actor.userId, actor.userId, status);
  if (examinationAccess(actor.subject, resource) !== "write") throw hidden();
  const text = await submittedDocumentText(live, examinationDoc(meetingId, actor.userId), update);
  const words = countWords(text);
  if (words === 0) throw new DomainError("对照检查材料还是空的，请写好后再提交。", 400);
  if (words < EXAMINATION_MIN_WORDS)
    throw new DomainError(`对照检查材料至少 ${EXAMINATION_MIN_WORDS} 字，目前只有 ${words} 字，请充实后再提交。`, 400);
  if (words > EXAMINATION_MAX_WORDS)
    throw new DomainError(`对照检查材料最长 ${EXAMINATION_MAX_WORDS} 字，目前有 ${words} 字，请精简后再提交。`, 400);
  const sim = await checkSimilarity(sql, m, actor.userId, text, now);
  const stored = await sql`
    insert into examinations (meeting_id, user_id, status, submitted_text, word_count, submitted_at, similarity,
      similarity_detail, updated_at)
    values (${meetingId}, ${actor.userId}, 'submitted', ${text}, ${words}, ${now},
      ${sim.checked ? Math.min(1, sim.score) : null}, ${sql.json(sim as never)}, ${now})
    on conflict (meeting_id, user_id) do update set status = 'submitted', submitted_text = excluded.submitted_text,
      word_count = excluded.word_count, submitted_at = excluded.submitted_at, similarity = excluded.similarity,
      similarity_detail = excluded.similarity_detail, updated_at = excluded.updated_at
    where examinations.status in ('draft', 'returned')
    returning 1`;
  if (stored.length === 0) throw new DomainError("你已经提交过对照检查材料，正在等待审阅。", 409);
  await audit(sql, {
    actorId: actor.userId,
    action: "examination.submit",
    orgId: m.row.org_id,
    subjectUserId: actor.userId,
    detail: { meetingId, words, resubmitted: status === "returned" },
    address: actor.address,
  });
  const reviewers = await reviewersOf(sql, m, actor.userId);
  if (reviewers.length > 0)
    await notify(sql, reviewers, {
      kind: "examination.submitted",
      title: `${status === "returned" ? "对照检查材料已修改重交" : "收到对照检查材料"}，请审阅：“${m.row.title}”`,
      link: `/meetings/${meetingId}/examinations/${actor.userId}`,
    });
  // The author's editor turns read-only at once.
  live.accessChanged([actor.userId]);
  return { wordCount: words, flagged: sim.flagged, resubmitted: status === "returned" };
}
