import type { Sql } from "../../../db/client";
import { CATEGORY_LABEL, MANAGER_ROLES, type Category } from "../../../shared/domain/labels";
import {
  excellentCap,
  excellentWarning,
  GRADE_LABEL,
  OutcomeSchema,
  type Grade,
  type GradeCounts,
} from "../../../shared/domain/review";
import {
  reviewBallotAccess,
  reviewOutcomeAccess,
  reviewResultsAccess,
  reviewTallyAccess,
  selfAssessmentAccess,
  type ReviewResource,
  type Subject,
} from "../../../shared/permissions";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { notify } from "../notifications";
import { orgSettings } from "../people/org-settings";
import { reviewScope } from "./review-ballot";

// 民主评议党员, after the ballot: the 支委's results page (participation, 自评, tallies once the
// ballot is closed, the 优秀 cap), the 支委会's 评定 with its written opinion (each member is
// told and reads theirs on the review page), and the report to the level above. A 不合格 is
// flagged for follow-up: 限期改正, 劝退 or 除名 are for a 支部党员大会 vote, never the tally.
// Every read of this page by someone is audited (sensitive reads, domain.md).

interface GradedRow {
  userId: string;
  name: string;
  category: Category;
  votes: boolean;
  self_grade: Grade | null;
  self_summary: string | null;
  excellent_count: number;
  qualified_count: number;
  basic_count: number;
  unqualified_count: number;
  final_grade: Grade | null;
  opinion: string | null;
  decided_at: Date | null;
  decided_by_name: string | null;
}

export interface ResultRow {
  userId: string;
  name: string;
  categoryLabel: string;
  /** Null when the viewer may not read it. */
  self: { grade: Grade; summary: string } | null;
  /** Null while the ballot is open, or when the viewer may not see tallies. */
  counts: GradeCounts | null;
  /** Grades this member should receive: every voter but themselves. */
  expectedGrades: number;
  outcome: { grade: Grade; opinion: string; decidedAt: Date; decidedBy: string | null } | null;
  /** A 不合格 评定: the follow-up a 支部党员大会 decides. */
  flagged: boolean;
}

export interface ReviewResults {
  meeting: { id: string; title: string; kind: string; orgName: string; startsAt: Date };
  status: "open" | "closed";
  reported: boolean;
  submitted: number;
  expected: number;
  tallyVisible: boolean;
  /** May record 评定 (closed, not yet reported) and report upward. */
  canRecord: boolean;
  canClose: boolean;
  canReport: boolean;
  cap: { percent: number; graded: number; max: number; excellent: number; warning: string | null };
  rows: ResultRow[];
}

async function gradedRows(sql: Sql, ballotId: string): Promise<GradedRow[]> {
  return sql<GradedRow[]>`
    select g.user_id as "userId", u.display_name as name, u.category, g.votes, g.self_grade, g.self_summary,
      g.excellent_count, g.qualified_count, g.basic_count, g.unqualified_count, g.final_grade, g.opinion,
      g.decided_at, d.display_name as decided_by_name
    from review_graded g join users u on u.id = g.user_id left join users d on d.id = g.decided_by
    where g.ballot_id = ${ballotId} order by u.display_name, u.id`;
}

/** The results page; 404 for whoever may not open it (reviewResultsAccess). Audited as a read. */
export async function reviewResults(sql: Sql, actor: Actor, meetingId: string): Promise<ReviewResults> {
  const subject = actor.subject;
  const scope = await reviewScope(sql, subject, meetingId);
  const b = scope.ballot;
  const r = scope.resource;
  if (!b || !r || reviewResultsAccess(subject, r) === "none") throw hidden();
  const rows = await gradedRows(sql, b.id);
  const [{ submitted, expected }] = await sql<{ submitted: number; expected: number }[]>`
    select count(*) filter (where submitted)::int as submitted, count(*)::int as expected
    from review_voters where ballot_id = ${b.id}`;
  const tallyVisible = reviewTallyAccess(subject, r) === "read";
  const percent = (await orgSettings(sql, scope.meeting.orgId)).reviewExcellentPercent;
  const excellent = rows.filter((x) => x.final_grade === "excellent").length;
  const canRecord = rows.some(
    (x) => reviewOutcomeAccess(subject, { ...r, personId: x.userId, recorded: x.final_grade !== null }) === "manage",
  );
  const result: ReviewResults = {
    meeting: {
      id: scope.meeting.id,
      title: scope.meeting.title,
      kind: scope.meeting.kind,
      orgName: scope.meeting.orgName,
      startsAt: scope.meeting.startsAt,
    },
    status: b.status,
    reported: b.reported_at !== null,
    submitted,
    expected,
    tallyVisible,
    canRecord,
    canClose: b.status === "open" && reviewBallotAccess(subject, r) === "manage",
    canReport: canRecord && rows.every((x) => x.final_grade !== null),
    cap: {
      percent,
      graded: rows.length,
      max: excellentCap(percent, rows.length),
      excellent,
      warning: excellentWarning(percent, rows.length, excellent),
    },
    rows: rows.map((x) => {
      const personal = { ...r, personId: x.userId };
      const recorded = x.final_grade !== null;
      const outcomeRead = reviewOutcomeAccess(subject, { ...personal, recorded }) !== "none";
      return {
        userId: x.userId,
        name: x.name,
        categoryLabel: CATEGORY_LABEL[x.category],
        self:
          x.self_grade && x.self_summary && selfAssessmentAccess(subject, personal) !== "none"
            ? { grade: x.self_grade, summary: x.self_summary }
            : null,
        counts: tallyVisible
          ? {
              excellent: x.excellent_count,
              qualified: x.qualified_count,
              basic: x.basic_count,
              unqualified: x.unqualified_count,
            }
          : null,
        expectedGrades: expected - (x.votes ? 1 : 0),
        outcome:
          outcomeRead && x.final_grade && x.opinion && x.decided_at
            ? { grade: x.final_grade, opinion: x.opinion, decidedAt: x.decided_at, decidedBy: x.decided_by_name }
            : null,
        flagged: x.final_grade === "unqualified",
      };
    }),
  };
  await audit(sql, {
    actorId: actor.userId,
    action: "review.results_view",
    orgId: scope.meeting.orgId,
    detail: { meeting: meetingId, title: scope.meeting.title, tallies: tallyVisible },
    address: actor.address,
  });
  return result;
}

/** Whether the subject is one of those who record the 支委会's 评定 (whatever the ballot's state now). */
const recordsOutcomes = (subject: Subject, r: ReviewResource) =>
  reviewOutcomeAccess(subject, { ...r, status: "closed", reported: false, personId: "", recorded: false }) === "manage";

export interface RecordedOutcomes {
  saved: number;
  /** Over the 优秀 cap: saved anyway, with this warning for the 支委会. */
  warning: string | null;
}

/**
 * The 支委会's 评定: for each row a grade and a written opinion, recorded by the branch's managers
 * once the ballot is closed and until the results are reported. Every row is checked before any is
 * written (a bad one refuses all, saying whose). Each member is told; the audit log says whose
 * 评定 was recorded, not which.
 */
export async function recordOutcomes(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  input: { userId: string; grade: string; opinion: string }[],
): Promise<RecordedOutcomes> {
  return (await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const scope = await reviewScope(t, actor.subject, meetingId, true);
    const b = scope.ballot;
    const r = scope.resource;
    if (!b || !r) throw new DomainError("民主评议测评还没有开始。", 409);
    if (!recordsOutcomes(actor.subject, r))
      throw new DomainError("只有书记、副书记或组织委员可以记录支委会的评定意见。", 403);
    if (b.status === "open") throw new DomainError("测评还没有结束：请先结束民主评议测评，再记录评定意见。", 409);
    if (b.reported_at) throw new DomainError("评议结果已经上报，评定意见不能再修改。", 409);
    if (input.length === 0) throw new DomainError("请至少为一名党员选择评定等次并填写评定意见。", 400);
    const rows = await gradedRows(t, b.id);
    const byId = new Map(rows.map((x) => [x.userId, x]));
    const checked: { userId: string; grade: Grade; opinion: string; name: string; before: Grade | null }[] = [];
    for (const row of input) {
      const person = byId.get(row.userId);
      if (!person) throw new DomainError("评定中有不在本次评议名单上的人，请刷新页面后重新填写。", 400);
      const p = OutcomeSchema.safeParse(row);
      if (!p.success) {
        const issue = p.error.issues[0];
        throw new DomainError(
          `${person.name}：${issue.message}`,
          400,
          `outcome.${row.userId}.${String(issue.path[0])}`,
        );
      }
      checked.push({ ...p.data, name: person.name, before: person.final_grade });
    }
    for (const c of checked) {
      await t`update review_graded set final_grade = ${c.grade}, opinion = ${c.opinion},
          decided_by = ${actor.userId}, decided_at = now()
        where ballot_id = ${b.id} and user_id = ${c.userId}`;
      await audit(t, {
        actorId: actor.userId,
        action: "review.outcome",
        orgId: scope.meeting.orgId,
        subjectUserId: c.userId,
        detail: { meeting: meetingId, title: scope.meeting.title, changed: c.before !== null },
        address: actor.address,
      });
    }
    for (const c of checked)
      await notify(t, [c.userId], {
        kind: "review.outcome",
        title: `${c.before ? "你的民主评议评定意见已更新" : "支委会已记录你的民主评议评定意见"}（${scope.meeting.title}）`,
        link: `/meetings/${meetingId}/review`,
      });
    const [{ n }] = await t<{ n: number }[]>`
      select count(*)::int as n from review_graded where ballot_id = ${b.id} and final_grade = 'excellent'`;
    const percent = (await orgSettings(t, scope.meeting.orgId)).reviewExcellentPercent;
    return { saved: checked.length, warning: excellentWarning(percent, rows.length, n) };
  })) as RecordedOutcomes;
}

/**
 * Reports the results to the level above, once every member's 评定 is recorded: the 评定 are final
 * from then on, and the managers of the organisation above are told; its committee members may
 * read the tallies and the 评定 (not the 自评).
 */
export async function reportReviewResults(sql: Sql, actor: Actor, meetingId: string): Promise<void> {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const scope = await reviewScope(t, actor.subject, meetingId, true);
    const b = scope.ballot;
    const r = scope.resource;
    if (!b || !r) throw new DomainError("民主评议测评还没有开始。", 409);
    if (!recordsOutcomes(actor.subject, r)) throw new DomainError("只有书记、副书记或组织委员可以上报评议结果。", 403);
    if (b.status === "open") throw new DomainError("测评还没有结束，不能上报。", 409);
    if (b.reported_at) throw new DomainError("评议结果已经上报过了。", 409);
    const [{ missing }] = await t<{ missing: number }[]>`
      select count(*)::int as missing from review_graded where ballot_id = ${b.id} and final_grade is null`;
    if (missing > 0) throw new DomainError(`还有 ${missing} 名党员没有记录评定意见，记录完毕后才能上报。`, 409);
    await t`update review_ballots set reported_at = now(), reported_by = ${actor.userId} where id = ${b.id}`;
    const [{ flagged }] = await t<{ flagged: number }[]>`
      select count(*)::int as flagged from review_graded where ballot_id = ${b.id} and final_grade = 'unqualified'`;
    await audit(t, {
      actorId: actor.userId,
      action: "review.report",
      orgId: scope.meeting.orgId,
      detail: { meeting: meetingId, title: scope.meeting.title, unqualified: flagged },
      address: actor.address,
    });
    const above = await t<{ user_id: string }[]>`
      select distinct ms.user_id from memberships ms
      where ms.ended_at is null and ms.role = any(${MANAGER_ROLES as unknown as string[]}::text[])
        and ms.org_id = (select parent_id from organizations where id = ${scope.meeting.orgId})`;
    await notify(
      t,
      above.map((x) => x.user_id),
      {
        kind: "review.reported",
        title: `${scope.meeting.orgName}上报了民主评议党员结果${flagged > 0 ? `（${flagged} 人评定为${GRADE_LABEL.unqualified}，待处置）` : ""}`,
        link: `/meetings/${meetingId}/review/results`,
        dedupeKey: `review.reported:${b.id}`,
      },
    );
  });
}

export interface MyOutcome {
  meetingId: string;
  title: string;
  startsAt: Date;
  grade: Grade;
  opinion: string;
  decidedAt: Date;
}

/**
 * The 评定 and written opinion the 支委会 recorded about the subject, in every 民主评议 they were
 * graded in, newest first: for their own "我的" page (issue 16 §3: each member receives theirs).
 * Only their own rows are asked for, and each passes reviewOutcomeAccess as on the review page;
 * a meeting they may no longer read (membership ended) drops out. Not audited, as the person's
 * own reads of their records are not (the review page, their 对照检查材料); the 支委's reads of
 * the results are (review.results_view).
 */
export async function myReviewOutcomes(sql: Sql, subject: Subject): Promise<MyOutcome[]> {
  const rows = await sql<MyOutcome[]>`
    select m.id as "meetingId", m.title, m.starts_at as "startsAt", g.final_grade as grade, g.opinion,
      g.decided_at as "decidedAt"
    from review_graded g join review_ballots b on b.id = g.ballot_id join meetings m on m.id = b.meeting_id
    where g.user_id = ${subject.userId} and g.final_grade is not null
    order by g.decided_at desc`;
  const out: MyOutcome[] = [];
  for (const row of rows) {
    // A meeting hidden from them now (404 from reviewScope) is left out, not an error.
    const scope = await reviewScope(sql, subject, row.meetingId).catch((e: unknown) => {
      if (e instanceof DomainError) return null;
      throw e;
    });
    if (!scope?.resource) continue;
    const access = reviewOutcomeAccess(subject, { ...scope.resource, personId: subject.userId, recorded: true });
    if (access !== "none") out.push(row);
  }
  return out;
}
