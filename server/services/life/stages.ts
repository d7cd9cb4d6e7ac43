import type { Sql } from "../../../db/client";
import { hasLifeCycle, LIFE_QUORUM_KINDS, lifeQuorum, lifeQuorumLine } from "../../../shared/domain/life-cycle";
import { LIFE_STAGES, type LifeStage, type LifeStageKey } from "../../../shared/domain/life-stages";
import { isPresent } from "../../../shared/domain/votes";
import { lifeStagesAccess } from "../../../shared/permissions";
import { chinaDateKey } from "../../../shared/time";
import { hidden } from "../errors";
import type { MeetingScope } from "../meeting-scope";
import { examinationStage } from "./examination-review";
import { opinionsStage } from "./opinions";
import { studyStage } from "./study";
import { talksStage } from "./talks";

// The stages of a meeting with the 组织生活会 cycle (学习 → 征求意见 → 谈心谈话 → 对照检查 → 会议 →
// 整改; issue 16 §1, decision 036) as a registry of stage functions, one per stage, each owned by
// the service that keeps the stage's records. This module computes 会议 and 整改 and takes 学习
// from study.ts; 征求意见, 谈心谈话 and 对照检查 are added by whoever builds them (pass them in
// `LIFE_STAGE_FUNCTIONS`). A stage nobody has registered shows "todo" with 「尚未开始」: never a
// fake "done". No ranking and no points: a stage says what is done, what is missing and who.

export type StageFunction = (sql: Sql, scope: MeetingScope) => Promise<LifeStage>;
export type StageRegistry = Partial<Record<LifeStageKey, StageFunction>>;

/** 会议: scheduled / in progress / held, and attendance against the rule (a 民主生活会's 2/3). */
export async function meetingStage(sql: Sql, scope: MeetingScope): Promise<LifeStage> {
  const row = scope.row;
  const people = await sql<{ id: string; name: string; status: string | null; leave: string | null }[]>`
    select u.id, u.display_name as name, a.status,
      (select l.status from leave_requests l where l.meeting_id = i.meeting_id and l.user_id = i.user_id
        order by l.requested_at desc limit 1) as leave
    from meeting_invitees i join users u on u.id = i.user_id
      left join attendance a on a.meeting_id = i.meeting_id and a.user_id = i.user_id
    where i.meeting_id = ${row.id} and i.role = 'attendee'
    order by u.display_name, u.id`;
  const present = people.filter((p) => isPresent(p.status));
  const expected = people.length;
  const done: string[] = [];
  const missing: string[] = [];
  const started = row.session_started_at !== null;
  const ended = row.session_ended_at !== null;
  if (row.status === "cancelled") missing.push("会议已取消");
  else if (ended) done.push("会议已召开");
  else if (started) done.push("会议进行中");
  else done.push(`已安排在 ${chinaDateKey(row.starts_at)}`);
  if (started) done.push(`应到 ${expected} 人，实到 ${present.length} 人`);
  if (LIFE_QUORUM_KINDS.includes(row.kind) && started && expected > 0) {
    const q = lifeQuorum(expected, present.length);
    (q.holds ? done : missing).push(lifeQuorumLine(q));
  }
  // Absent without approved leave, once the session has run: who is missing.
  const missingPeople = started
    ? people.filter((p) => !isPresent(p.status) && p.leave !== "approved").map(({ id, name }) => ({ id, name }))
    : [];
  if (missingPeople.length && ended) missing.push(`${missingPeople.length} 人缺席且未请假`);
  const quorumHolds =
    !LIFE_QUORUM_KINDS.includes(row.kind) || (expected > 0 && lifeQuorum(expected, present.length).holds);
  const state = ended && quorumHolds ? "done" : started || ended ? "doing" : "todo";
  return { key: "meeting", state, done, missing, missingPeople, href: `/meetings/${row.id}/attendance` };
}

/** 整改: the 整改清单 items of this meeting: open, overdue, closed (decision 031's service keeps them). */
export async function rectificationStage(sql: Sql, scope: MeetingScope, now = new Date()): Promise<LifeStage> {
  const [c] = await sql<{ total: number; closed: number; overdue: number }[]>`
    select count(*)::int as total, count(*) filter (where status = 'closed')::int as closed,
      count(*) filter (where status <> 'closed' and deadline < ${chinaDateKey(now)}::date)::int as overdue
    from rectification_items where meeting_id = ${scope.row.id}`;
  const owners = await sql<{ id: string; name: string }[]>`
    select distinct u.id, u.display_name as name from rectification_items r join users u on u.id = r.owner_id
    where r.meeting_id = ${scope.row.id} and r.status <> 'closed' and r.deadline < ${chinaDateKey(now)}::date
    order by u.display_name, u.id`;
  const open = c.total - c.closed;
  const done: string[] = [];
  const missing: string[] = [];
  if (c.total === 0) missing.push(scope.row.session_ended_at ? "尚未列出整改清单" : "会后列出整改清单");
  else {
    done.push(`整改事项 ${c.total} 项，已销号 ${c.closed} 项`);
    if (open > 0) missing.push(`${open} 项整改中${c.overdue ? `，其中 ${c.overdue} 项逾期` : ""}`);
  }
  const state = c.total === 0 ? "todo" : open === 0 ? "done" : "doing";
  const href = scope.org.kind === "branch" ? `/orgs/${scope.org.id}/rectification` : null;
  return { key: "rectification", state, done, missing, missingPeople: [...owners], href };
}

/** A stage nobody computes yet: plainly not started. */
export const notStarted = (key: LifeStageKey): LifeStage => ({
  key,
  state: "todo",
  done: [],
  missing: ["尚未开始"],
  missingPeople: [],
  href: null,
});

/**
 * The stage functions the page uses. The lead adds opinionsStage, talksStage and
 * examinationStage here when the other parts of the cycle are merged.
 */
export const LIFE_STAGE_FUNCTIONS: StageRegistry = {
  study: studyStage,
  opinions: opinionsStage,
  talks: talksStage,
  examination: examinationStage,
  meeting: meetingStage,
  rectification: (sql, scope) => rectificationStage(sql, scope),
};

/**
 * The six stages in order for a meeting with the cycle, as the viewer may see them: the names of
 * who is missing only for those with "detail" (lifeStagesAccess); a stage whose function fails
 * is not hidden as done: the error propagates.
 */
export async function lifeStages(
  sql: Sql,
  scope: MeetingScope,
  registry: StageRegistry = LIFE_STAGE_FUNCTIONS,
): Promise<{ stages: LifeStage[]; detail: boolean }> {
  if (!hasLifeCycle(scope.row.kind)) throw hidden();
  const access = lifeStagesAccess(scope.subject, { meeting: scope.resource, hostId: scope.row.host_id });
  if (access === "none") throw hidden();
  const stages: LifeStage[] = [];
  for (const key of LIFE_STAGES) {
    const f = registry[key];
    const s = f ? await f(sql, scope) : notStarted(key);
    stages.push(access === "detail" ? s : { ...s, missingPeople: [] });
  }
  return { stages, detail: access === "detail" };
}
