import type { Sql } from "../../../db/client";
import { CATEGORY_LABEL, MEETING_KIND_LABEL, type Category } from "../../../shared/domain/labels";
import {
  ballotIncrements,
  checkBallot,
  gradesFromForm,
  holdsReview,
  SelfAssessmentSchema,
  type Grade,
  type RollPerson,
} from "../../../shared/domain/review";
import {
  REVIEW_GRADED,
  REVIEW_VOTERS,
  reviewBallotAccess,
  reviewOutcomeAccess,
  reviewResultsAccess,
  selfAssessmentAccess,
  type Access,
  type MeetingResource,
  type ReviewResource,
  type Subject,
} from "../../../shared/permissions";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { getMeetingFor, type Meeting } from "../calendar/meetings";
import { DomainError, hidden, isUniqueViolation } from "../errors";
import { notify } from "../notifications";

// 民主评议党员: the ballot of one 民主评议 (or 组织生活会) meeting. Those who run the meeting open
// and close it; each graded member writes a 个人自评; each 正式党员 of the branch submits one
// secret 互评/测评 ballot grading every other member on the roll. Secrecy (docs/decisions/030):
// review_voters says only whether someone has submitted, and the grades exist only as counts on
// review_graded, added in the same transaction by one statement whatever the grades. Nothing
// here logs, audits or notifies anything about a ballot's content or the moment it was cast.

interface BallotRow {
  id: string;
  status: "open" | "closed";
  opened_at: Date;
  closed_at: Date | null;
  reported_at: Date | null;
}

export interface ReviewScope {
  meeting: Meeting;
  /** meetingAccess of the subject (read or write). */
  access: Access;
  ballot: BallotRow | null;
  resource: ReviewResource | null;
  /** The meeting as shared/permissions sees it. */
  meetingResource: MeetingResource;
}

/** The meeting (404 when hidden or missing, 400 when not a review meeting) and its ballot, locked when asked. */
export async function reviewScope(sql: Sql, subject: Subject, meetingId: string, lock = false): Promise<ReviewScope> {
  const found = await getMeetingFor(sql, subject, meetingId);
  if (!found) throw hidden();
  const res = found.scope.resource;
  if (!holdsReview(found.meeting.kind) || res.orgKind !== "branch")
    throw new DomainError(
      `民主评议党员在党支部的“民主评议党员”或“组织生活会”中进行；本次会议是“${MEETING_KIND_LABEL[found.meeting.kind]}”。`,
      404,
    );
  const [ballot] = await sql<BallotRow[]>`
    select id, status, opened_at, closed_at, reported_at from review_ballots where meeting_id = ${meetingId}
    ${lock ? sql`for update` : sql``}`;
  const resource: ReviewResource | null = ballot
    ? { meeting: res, hostId: found.meeting.hostId, status: ballot.status, reported: ballot.reported_at !== null }
    : null;
  return { meeting: found.meeting, access: found.access, ballot: ballot ?? null, resource, meetingResource: res };
}

/** The ballot as a permission resource before it exists (who may open it). */
const draftResource = (scope: ReviewScope): ReviewResource => ({
  meeting: scope.meetingResource,
  hostId: scope.meeting.hostId,
  status: "open",
  reported: false,
});

interface RollRow {
  userId: string;
  name: string;
  category: Category;
  memberships: { mobile: boolean }[];
}

/** The branch's people with live memberships in it or its groups, by name. */
async function branchRoll(sql: Sql, branchId: string): Promise<RollRow[]> {
  return sql<RollRow[]>`
    select u.id as "userId", u.display_name as name, u.category,
      json_agg(json_build_object('mobile', ms.mobile)) as memberships
    from memberships ms join users u on u.id = ms.user_id
    where ms.ended_at is null
      and ms.org_id in (select id from organizations where id = ${branchId} or parent_id = ${branchId})
    group by u.id order by u.display_name, u.id`;
}

/** Those graded on a ballot, in the roll's order (by name). */
async function gradedRoll(sql: Sql, ballotId: string): Promise<(RollPerson & { votes: boolean })[]> {
  return sql<(RollPerson & { votes: boolean })[]>`
    select g.user_id as "userId", u.display_name as name, g.votes
    from review_graded g join users u on u.id = g.user_id
    where g.ballot_id = ${ballotId} order by u.display_name, u.id`;
}

const requireManage = (r: ReviewResource, subject: Subject, what: string) => {
  if (reviewBallotAccess(subject, r) !== "manage")
    throw new DomainError(`只有主持人、书记、副书记或组织委员可以${what}。`, 403);
};

export interface OpenedReview {
  voters: number;
  graded: number;
}

/**
 * Opens the meeting's ballot: the roll is fixed now, from the branch's live memberships (voters:
 * REVIEW_VOTERS; graded: REVIEW_GRADED). One ballot per meeting; not for a cancelled meeting.
 * Voters and graded members are told.
 */
export async function openReviewBallot(sql: Sql, actor: Actor, meetingId: string): Promise<OpenedReview> {
  try {
    return (await sql.begin(async (tx) => {
      const t = tx as unknown as Sql;
      const scope = await reviewScope(t, actor.subject, meetingId, true);
      requireManage(draftResource(scope), actor.subject, "开始民主评议测评");
      if (scope.meeting.cancelled) throw new DomainError("会议已取消，不能进行民主评议。", 409);
      if (scope.ballot) throw new DomainError("本次会议的民主评议测评已经开始过，不能重复开始。", 409);
      const roll = await branchRoll(t, scope.meeting.orgId);
      const voters = roll.filter(REVIEW_VOTERS);
      const graded = roll.filter(REVIEW_GRADED);
      if (voters.length === 0 || graded.length < 2)
        throw new DomainError("本支部没有足够的正式党员和预备党员进行互评（至少 2 名参评党员、1 名正式党员）。", 409);
      const [b] = await t<{ id: string }[]>`
        insert into review_ballots (meeting_id, opened_by) values (${meetingId}, ${actor.userId}) returning id`;
      await t`
        insert into review_graded (ballot_id, user_id, votes)
        select ${b.id}, u, u = any(${voters.map((p) => p.userId)}::uuid[])
        from unnest(${graded.map((p) => p.userId)}::uuid[]) as u`;
      await t`
        insert into review_voters (ballot_id, user_id)
        select ${b.id}, u from unnest(${voters.map((p) => p.userId)}::uuid[]) as u`;
      await audit(t, {
        actorId: actor.userId,
        action: "review.open",
        orgId: scope.meeting.orgId,
        detail: { meeting: meetingId, title: scope.meeting.title, voters: voters.length, graded: graded.length },
        address: actor.address,
      });
      const everyone = [...new Set([...voters, ...graded].map((p) => p.userId))];
      await notify(t, everyone, {
        kind: "review.opened",
        title: `民主评议党员已开始：请完成个人自评${voters.length > 0 ? "和互评" : ""}（${scope.meeting.title}）`,
        link: `/meetings/${meetingId}/review`,
        dedupeKey: `review.opened:${b.id}`,
      });
      return { voters: voters.length, graded: graded.length };
    })) as OpenedReview;
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError("本次会议的民主评议测评已经开始过，不能重复开始。", 409);
    throw e;
  }
}

/** Closes the ballot: no more ballots or 自评; the tallies become visible to the 支委. */
export async function closeReviewBallot(sql: Sql, actor: Actor, meetingId: string): Promise<void> {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const scope = await reviewScope(t, actor.subject, meetingId, true);
    if (!scope.ballot || !scope.resource) throw new DomainError("民主评议测评还没有开始。", 409);
    requireManage(scope.resource, actor.subject, "结束民主评议测评");
    if (scope.ballot.status === "closed") throw new DomainError("民主评议测评已经结束。", 409);
    const [{ submitted, expected }] = await t<{ submitted: number; expected: number }[]>`
      select count(*) filter (where submitted)::int as submitted, count(*)::int as expected
      from review_voters where ballot_id = ${scope.ballot.id}`;
    await t`update review_ballots set status = 'closed', closed_by = ${actor.userId}, closed_at = now()
      where id = ${scope.ballot.id}`;
    await audit(t, {
      actorId: actor.userId,
      action: "review.close",
      orgId: scope.meeting.orgId,
      detail: { meeting: meetingId, title: scope.meeting.title, submitted, expected },
      address: actor.address,
    });
  });
}

/** The member's 个人自评, while the ballot is open; saved again as often as they like. */
export async function saveSelfAssessment(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  input: { grade?: unknown; summary?: unknown },
): Promise<void> {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const scope = await reviewScope(t, actor.subject, meetingId, true);
    if (!scope.ballot || !scope.resource) throw new DomainError("民主评议还没有开始，暂不能填写个人自评。", 409);
    const [me] =
      await t`select 1 from review_graded where ballot_id = ${scope.ballot.id} and user_id = ${actor.userId}`;
    if (!me) throw new DomainError("你不在本次民主评议的参评名单上（参评的是本支部的正式党员和预备党员）。", 403);
    const access = selfAssessmentAccess(actor.subject, { ...scope.resource, personId: actor.userId });
    if (access !== "write") throw new DomainError("民主评议已经结束，不能再修改个人自评。", 409);
    const parsed = SelfAssessmentSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError(issue.message, 400, String(issue.path[0] ?? "summary"));
    }
    await t`update review_graded set self_grade = ${parsed.data.grade}, self_summary = ${parsed.data.summary}
      where ballot_id = ${scope.ballot.id} and user_id = ${actor.userId}`;
  });
}

/**
 * One voter's secret ballot: every other member on the roll graded, once. The check runs before
 * anything is written; a refusal changes nothing and says nothing about the grades. The
 * participation flag and the counts change in one transaction, the counts by one statement over
 * every graded row (see docs/decisions/030 for what remains).
 */
export async function submitReviewBallot(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  form: Record<string, unknown>,
): Promise<void> {
  const posted = gradesFromForm(form);
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const scope = await reviewScope(t, actor.subject, meetingId, true);
    if (!scope.ballot) throw new DomainError("民主评议测评还没有开始。", 409);
    if (scope.ballot.status === "closed") throw new DomainError("民主评议测评已经结束，不能再提交。", 409);
    const [voter] = await t<{ submitted: boolean }[]>`
      select submitted from review_voters where ballot_id = ${scope.ballot.id} and user_id = ${actor.userId}`;
    if (!voter) throw new DomainError(await noVoteMessage(t, scope, actor.userId), 403);
    if (voter.submitted) throw new DomainError("你已经提交过测评票，不能重复提交。", 409);
    const roll = await gradedRoll(t, scope.ballot.id);
    const check = checkBallot(roll, actor.userId, posted);
    if (!check.ok) throw new DomainError(check.message, 400, check.field);
    const done = await t`update review_voters set submitted = true
      where ballot_id = ${scope.ballot.id} and user_id = ${actor.userId} and not submitted returning 1`;
    if (done.length === 0) throw new DomainError("你已经提交过测评票，不能重复提交。", 409);
    const { ids, inc } = ballotIncrements(roll, check.grades as Map<string, Grade>);
    await t`
      update review_graded g set
        excellent_count = excellent_count + x.e, qualified_count = qualified_count + x.q,
        basic_count = basic_count + x.b, unqualified_count = unqualified_count + x.u
      from unnest(${ids}::uuid[], ${inc.excellent}::int[], ${inc.qualified}::int[], ${inc.basic}::int[],
        ${inc.unqualified}::int[]) as x(id, e, q, b, u)
      where g.ballot_id = ${scope.ballot.id} and g.user_id = x.id`;
  });
}

/** Why someone on no voter row may not grade, in words. */
async function noVoteMessage(sql: Sql, scope: ReviewScope, userId: string): Promise<string> {
  const roll = await branchRoll(sql, scope.meeting.orgId);
  const me = roll.find((p) => p.userId === userId);
  if (!me) return "你不是本支部的党员，不参加本支部的民主评议测评。";
  if (me.category !== "full") return `${CATEGORY_LABEL[me.category]}没有表决权，不参加互评和民主测评。`;
  if (!REVIEW_VOTERS(me)) return "流动党员在组织关系所在的党支部参加民主评议，不参加本支部的互评。";
  return "测评开始后才加入本支部，不在本次测评名单上。";
}

// ---------------------------------------------------------------------------------------------
// What the member's page shows
// ---------------------------------------------------------------------------------------------

export interface ReviewPage {
  meeting: {
    id: string;
    title: string;
    kind: string;
    startsAt: Date;
    endsAt: Date;
    cancelled: boolean;
    orgName: string;
  };
  ballot: { status: "open" | "closed"; submitted: number; expected: number; reported: boolean } | null;
  canManage: boolean;
  /** May see the results page (tallies once closed, 自评 of others, 评定). */
  canSeeResults: boolean;
  /** The viewer as a voter: null when not on the voters' roll. */
  voter: { submitted: boolean } | null;
  /** Why the viewer does not vote, when they do not and a ballot exists. */
  noVoteReason: string | null;
  /** Whom the viewer grades (everyone graded but themselves), by name; empty unless they may vote now. */
  toGrade: RollPerson[];
  /** The viewer's own 自评, when they are graded. */
  self: { grade: Grade | null; summary: string | null; canEdit: boolean } | null;
  /** The 评定 about the viewer, once recorded. */
  outcome: { grade: Grade; opinion: string; decidedAt: Date } | null;
}

export async function reviewPage(sql: Sql, subject: Subject, meetingId: string): Promise<ReviewPage> {
  const scope = await reviewScope(sql, subject, meetingId);
  const m = scope.meeting;
  const base = {
    meeting: {
      id: m.id,
      title: m.title,
      kind: m.kind,
      startsAt: m.startsAt,
      endsAt: m.endsAt,
      cancelled: m.cancelled,
      orgName: m.orgName,
    },
  };
  if (!scope.ballot || !scope.resource) {
    const r = draftResource(scope);
    return {
      ...base,
      ballot: null,
      canManage: reviewBallotAccess(subject, r) === "manage" && !m.cancelled,
      canSeeResults: false,
      voter: null,
      noVoteReason: null,
      toGrade: [],
      self: null,
      outcome: null,
    };
  }
  const b = scope.ballot;
  const r = scope.resource;
  const [{ submitted, expected }] = await sql<{ submitted: number; expected: number }[]>`
    select count(*) filter (where submitted)::int as submitted, count(*)::int as expected
    from review_voters where ballot_id = ${b.id}`;
  const [voter] = await sql<{ submitted: boolean }[]>`
    select submitted from review_voters where ballot_id = ${b.id} and user_id = ${subject.userId}`;
  const [mine] = await sql<
    {
      self_grade: Grade | null;
      self_summary: string | null;
      final_grade: Grade | null;
      opinion: string | null;
      decided_at: Date | null;
    }[]
  >`
    select self_grade, self_summary, final_grade, opinion, decided_at from review_graded
    where ballot_id = ${b.id} and user_id = ${subject.userId}`;
  const roll = voter && !voter.submitted && b.status === "open" ? await gradedRoll(sql, b.id) : [];
  const recorded = mine?.final_grade != null;
  const outcomeVisible =
    recorded && reviewOutcomeAccess(subject, { ...r, personId: subject.userId, recorded }) !== "none";
  const canManage = reviewBallotAccess(subject, r) === "manage";
  return {
    ...base,
    ballot: { status: b.status, submitted, expected, reported: b.reported_at !== null },
    canManage,
    canSeeResults: reviewResultsAccess(subject, r) === "read",
    voter: voter ? { submitted: voter.submitted } : null,
    noVoteReason: voter ? null : await noVoteMessage(sql, scope, subject.userId),
    toGrade: roll.filter((p) => p.userId !== subject.userId).map((p) => ({ userId: p.userId, name: p.name })),
    self: mine
      ? {
          grade: mine.self_grade,
          summary: mine.self_summary,
          canEdit: selfAssessmentAccess(subject, { ...r, personId: subject.userId }) === "write",
        }
      : null,
    outcome:
      outcomeVisible && mine?.final_grade && mine.opinion && mine.decided_at
        ? { grade: mine.final_grade, opinion: mine.opinion, decidedAt: mine.decided_at }
        : null,
  };
}
