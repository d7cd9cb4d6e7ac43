import type { Sql } from "../../../db/client";
import { COMMITTEE_ROLES } from "../../../shared/domain/labels";
import { hasLifeCycle, LIFE_CYCLE_KINDS, reportDue, type ReportDue } from "../../../shared/domain/life-cycle";
import { lifeReportAccess, mayAttendFromAbove } from "../../../shared/permissions";
import { chinaDateKey, chinaShort } from "../../../shared/time";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden } from "../errors";
import { forgetMeetingScope, loadMeetingScope, type MeetingScope } from "../meeting-scope";
import { notify } from "../notifications";

// 上报 (issue 16 §2 "Reported upward"; decision 036): a 组织生活会 (or 民主生活会) reports its plan
// (topic, date) to the level above before the meeting, and its outcome with the 整改清单 after it.
// The 书记 (or 副书记) reports with one action each; the committee members of every 党委 / 党总支
// above are told, and may join the meeting as 列席 once the plan reached them. A 民主生活会 owes
// its outcome within 15 days (shared/domain/life-cycle.ts reportDue): the same report.

export type ReportStage = "plan" | "outcome";

export interface LifeReport {
  reportedAt: Date;
  reportedByName: string;
  detail: Record<string, unknown>;
}

export interface LifeReports {
  access: "none" | "read" | "manage";
  plan: LifeReport | null;
  outcome: LifeReport | null;
  /** The meeting has taken place (its session ended, or its time is past). */
  held: boolean;
  /** The 民主生活会's 15-day rule; null for a 组织生活会 or before it is held. */
  due: ReportDue | null;
  /** The viewer is above and may join as 列席 (the plan reached them, not yet on the list). */
  mayAttend: boolean;
  /** The viewer is on the list as 列席. */
  attendingAsGuest: boolean;
}

const isHeldNow = (scope: MeetingScope, now: Date) =>
  scope.row.status === "scheduled" &&
  (scope.row.session_ended_at !== null || scope.row.ends_at.getTime() < now.getTime());

async function reportsOf(sql: Sql, meetingId: string): Promise<Record<ReportStage, LifeReport | null>> {
  const rows = await sql<(LifeReport & { stage: ReportStage })[]>`
    select r.stage, r.reported_at as "reportedAt", u.display_name as "reportedByName", r.detail
    from life_reports r join users u on u.id = r.reported_by where r.meeting_id = ${meetingId}`;
  const of = (s: ReportStage) => {
    const r = rows.find((x) => x.stage === s);
    return r ? { reportedAt: r.reportedAt, reportedByName: r.reportedByName, detail: r.detail } : null;
  };
  return { plan: of("plan"), outcome: of("outcome") };
}

/** The reports of a meeting with the cycle, as the viewer may see them. */
export async function lifeReports(sql: Sql, scope: MeetingScope, now = new Date()): Promise<LifeReports> {
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
  const access = lifeReportAccess(scope.subject, scope.resource);
  const r = await reportsOf(sql, scope.row.id);
  const held = isHeldNow(scope, now);
  const guest = scope.invited?.role === "guest";
  return {
    access,
    plan: access === "none" ? null : r.plan,
    outcome: access === "none" ? null : r.outcome,
    held,
    due: reportDue({ kind: scope.row.kind, startsAt: scope.row.starts_at, held }, r.outcome?.reportedAt ?? null, now),
    mayAttend:
      !guest &&
      scope.invited === null &&
      !held &&
      scope.row.status === "scheduled" &&
      mayAttendFromAbove(scope.subject, scope.resource, r.plan !== null),
    attendingAsGuest: guest,
  };
}

/** The committee members of the 党委 / 党总支 above the meeting's organisation. */
async function committeesAbove(sql: Sql, scope: MeetingScope): Promise<string[]> {
  const above = scope.orgPath.filter((id) => id !== scope.org.id);
  if (above.length === 0) return [];
  const rows = await sql<{ user_id: string }[]>`
    select distinct ms.user_id from memberships ms join organizations o on o.id = ms.org_id
    where ms.ended_at is null and ms.org_id = any(${above}::uuid[]) and o.kind in ('committee', 'general_branch')
      and ms.role = any(${COMMITTEE_ROLES as unknown as string[]}::text[])`;
  return rows.map((r) => r.user_id);
}

async function reporterScope(sql: Sql, actor: Actor, meetingId: string): Promise<MeetingScope> {
  const scope = await loadMeetingScope(sql, actor.subject, meetingId, { fresh: true });
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
  const access = lifeReportAccess(actor.subject, scope.resource);
  if (access !== "manage") throw new DomainError("只有书记或副书记可以向上级党组织上报。", 403);
  if (scope.row.status !== "scheduled") throw new DomainError("会议已取消或尚未确认，不能上报。", 409);
  return scope;
}

async function insertReport(sql: Sql, actor: Actor, scope: MeetingScope, stage: ReportStage, detail: object) {
  const added = await sql`
    insert into life_reports (meeting_id, stage, reported_by, detail)
    values (${scope.row.id}, ${stage}, ${actor.userId}, ${sql.json(detail as never)})
    on conflict do nothing returning 1`;
  if (added.length === 0)
    throw new DomainError(stage === "plan" ? "会议方案已经上报过了。" : "会议情况已经上报过了。", 409);
}

/** 上报方案: the topic and date, before the meeting; the committees above are told and may join as 列席. */
export async function reportPlan(sql: Sql, actor: Actor, meetingId: string, now = new Date()): Promise<void> {
  const scope = await reporterScope(sql, actor, meetingId);
  if (isHeldNow(scope, now) || scope.row.session_started_at)
    throw new DomainError("会议已经开始或结束，方案应在会前上报；会后请上报会议情况和整改清单。", 409);
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await insertReport(t, actor, scope, "plan", {
      title: scope.row.title,
      startsAt: scope.row.starts_at.toISOString(),
      location: scope.row.location,
    });
    await audit(t, {
      actorId: actor.userId,
      action: "life.report_plan",
      orgId: scope.org.id,
      detail: { meeting: meetingId, title: scope.row.title },
      address: actor.address,
    });
    await notify(t, await committeesAbove(t, scope), {
      kind: "life.plan_reported",
      title: `${scope.org.name}上报了「${scope.row.title}」的方案：${chinaShort(scope.row.starts_at)}，可列席`,
      link: `/meetings/${meetingId}`,
      dedupeKey: `life.plan_reported:${meetingId}`,
    });
  });
  forgetMeetingScope(actor.subject, meetingId);
}

/**
 * 上报会议情况和整改清单: after the meeting, with the counts of its 整改清单 (the items stay on the
 * branch's list, which the level above reads). For a 民主生活会 this is the report due in 15 days.
 */
export async function reportOutcome(sql: Sql, actor: Actor, meetingId: string, now = new Date()): Promise<void> {
  const scope = await reporterScope(sql, actor, meetingId);
  if (!isHeldNow(scope, now)) throw new DomainError("会议结束后才能上报会议情况和整改清单。", 409);
  const [items] = await sql<{ total: number; open: number; overdue: number; closed: number }[]>`
    select count(*)::int as total,
      count(*) filter (where status <> 'closed')::int as open,
      count(*) filter (where status <> 'closed' and deadline < ${chinaDateKey(now)}::date)::int as overdue,
      count(*) filter (where status = 'closed')::int as closed
    from rectification_items where meeting_id = ${meetingId}`;
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await insertReport(t, actor, scope, "outcome", { title: scope.row.title, rectification: items });
    await audit(t, {
      actorId: actor.userId,
      action: "life.report_outcome",
      orgId: scope.org.id,
      detail: { meeting: meetingId, title: scope.row.title, rectification: items },
      address: actor.address,
    });
    await notify(t, await committeesAbove(t, scope), {
      kind: "life.outcome_reported",
      title: `${scope.org.name}上报了「${scope.row.title}」的会议情况和整改清单（整改事项 ${items.total} 项）`,
      link: `/meetings/${meetingId}`,
      dedupeKey: `life.outcome_reported:${meetingId}`,
    });
  });
  forgetMeetingScope(actor.subject, meetingId);
}

/** A committee member above joins as 列席, once the plan was reported to them. */
export async function attendFromAbove(sql: Sql, actor: Actor, meetingId: string, now = new Date()): Promise<void> {
  const scope = await loadMeetingScope(sql, actor.subject, meetingId, { fresh: true });
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
  const r = await lifeReports(sql, scope, now);
  if (!mayAttendFromAbove(actor.subject, scope.resource, r.plan !== null))
    throw new DomainError("方案上报后，上级党组织的委员才能报名列席。", 403);
  if (scope.invited) throw new DomainError("你已经在本次会议的名单中。", 409);
  if (!r.mayAttend) throw new DomainError("会议已召开或已取消，不能再报名列席。", 409);
  await sql`
    insert into meeting_invitees (meeting_id, user_id, role, added_by)
    values (${meetingId}, ${actor.userId}, 'guest', ${actor.userId}) on conflict do nothing`;
  await audit(sql, {
    actorId: actor.userId,
    action: "life.attend_above",
    orgId: scope.org.id,
    detail: { meeting: meetingId, title: scope.row.title },
    address: actor.address,
  });
  forgetMeetingScope(actor.subject, meetingId);
}

export interface BelowReport {
  meetingId: string;
  title: string;
  orgId: string;
  orgName: string;
  kind: string;
  startsAt: Date;
  held: boolean;
  planReportedAt: Date | null;
  outcomeReportedAt: Date | null;
  due: ReportDue | null;
}

/**
 * For the 党委 overview: every 组织生活会 / 民主生活会 of the organisation and those below it in
 * the year, with its reports and, for a 民主生活会, whether the outcome is overdue. By date.
 */
export async function lifeReportsBelow(
  sql: Sql,
  orgId: string,
  year: number,
  now = new Date(),
): Promise<BelowReport[]> {
  const rows = await sql<
    (Omit<BelowReport, "held" | "due"> & { endsAt: Date; endedAt: Date | null; status: string })[]
  >`
    with recursive down as (
      select id from organizations where id = ${orgId}
      union select o.id from organizations o join down on o.parent_id = down.id
    )
    select m.id as "meetingId", m.title, m.org_id as "orgId", o.name as "orgName", m.kind, m.starts_at as "startsAt",
      m.ends_at as "endsAt", m.session_ended_at as "endedAt", m.status,
      (select reported_at from life_reports r where r.meeting_id = m.id and r.stage = 'plan') as "planReportedAt",
      (select reported_at from life_reports r where r.meeting_id = m.id and r.stage = 'outcome') as "outcomeReportedAt"
    from meetings m join organizations o on o.id = m.org_id
    where m.org_id in (select id from down) and m.kind = any(${LIFE_CYCLE_KINDS as unknown as string[]}::text[])
      and m.status = 'scheduled'
      and extract(year from m.starts_at at time zone 'Asia/Shanghai') = ${year}
    order by m.starts_at, o.name`;
  return rows.map(({ endsAt, endedAt, status, ...r }) => {
    const held = status === "scheduled" && (endedAt !== null || endsAt.getTime() < now.getTime());
    return {
      ...r,
      held,
      due: reportDue({ kind: r.kind as never, startsAt: r.startsAt, held }, r.outcomeReportedAt, now),
    };
  });
}
