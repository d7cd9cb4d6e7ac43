import type { Sql } from "../../../db/client";
import type { OrgKind } from "../../../shared/domain/labels";
import {
  leaveDecisionAccess,
  mayConfirmRectification,
  mayCreateRectification,
  sessionAccess,
  type MeetingResource,
  type Subject,
} from "../../../shared/permissions";
import { chinaDate, chinaDateKey } from "../../../shared/time";
import { orgPaths } from "../people/subjects";

// What needs the person now, for the home page: a list that each domain adds its own to-dos to
// (TODO_SOURCES below), instead of every planned meeting of the year. Each source asks the
// database once, for this person, and checks the rights it shows through shared/permissions.
// No points, no ranking: a to-do says what to do and where.

export interface Todo {
  /** What kind of work, for the icon and for tests: "leave.decide", "reflection.review", … */
  kind: string;
  title: string;
  /** One line of context: the meeting, a count, a deadline. */
  detail: string;
  link: string;
  /** When it falls due, if it does: to-dos are listed soonest first. */
  due: Date | null;
}

type TodoSource = (sql: Sql, subject: Subject, now: Date) => Promise<Todo[]>;

interface MeetingRow {
  meeting_id: string;
  title: string;
  org_id: string;
  org_kind: OrgKind;
  host_id: string | null;
  starts_at: Date;
}

/** The meetings of `rows` as permission resources, keyed by id. */
async function resources(sql: Sql, rows: MeetingRow[]): Promise<Map<string, MeetingResource>> {
  const paths = await orgPaths(sql, [...new Set(rows.map((r) => r.org_id))]);
  return new Map(
    rows.map((r) => [
      r.meeting_id,
      { id: r.meeting_id, orgId: r.org_id, orgKind: r.org_kind, orgPath: paths.get(r.org_id) ?? [r.org_id] },
    ]),
  );
}

const runs = (subject: Subject, r: MeetingRow, res: Map<string, MeetingResource>) =>
  sessionAccess(subject, { meeting: res.get(r.meeting_id)!, hostId: r.host_id, invited: false }) === "manage";

/**
 * Where the person's meetings to run can be: their organisations, the branch each sits in, and the
 * groups below those. The rights themselves are checked on each row.
 */
const near = (subject: Subject) => [
  ...new Set(subject.memberships.flatMap((m) => (m.branchId ? [m.orgId, m.branchId] : [m.orgId]))),
];

/** Leave requests waiting for this person's decision, for meetings still to come. */
const leaveToDecide: TodoSource = async (sql, subject, now) => {
  const rows = await sql<(MeetingRow & { leave_id: string; name: string; groups: string[] })[]>`
    select l.id as leave_id, u.display_name as name, m.id as meeting_id, m.title, m.org_id, o.kind as org_kind,
      m.host_id, m.starts_at,
      coalesce((select array_agg(ms.org_id::text) from memberships ms where ms.user_id = l.user_id and ms.ended_at is null),
        '{}'::text[]) as groups
    from leave_requests l join meetings m on m.id = l.meeting_id join organizations o on o.id = m.org_id
      join users u on u.id = l.user_id
    where l.status = 'pending' and m.status <> 'cancelled' and m.ends_at > ${now}
      and m.org_id in (select id from organizations where id = any(${near(subject)}::uuid[]) or parent_id = any(${near(subject)}::uuid[]))
    order by m.starts_at limit 200`;
  const res = await resources(sql, rows);
  return rows
    .filter(
      (r) =>
        leaveDecisionAccess(subject, {
          meeting: res.get(r.meeting_id)!,
          hostId: r.host_id,
          invited: false,
          requesterGroupIds: r.groups,
        }) === "manage",
    )
    .map((r) => ({
      kind: "leave.decide",
      title: `审批${r.name}的请假`,
      detail: r.title,
      link: `/meetings/${r.meeting_id}/attendance`,
      due: r.starts_at,
    }));
};

/** Submitted 心得体会 waiting for review in meetings this person runs, one to-do per meeting. */
const reflectionsToReview: TodoSource = async (sql, subject) => {
  const rows = await sql<(MeetingRow & { n: number })[]>`
    select m.id as meeting_id, m.title, m.org_id, o.kind as org_kind, m.host_id, m.starts_at, count(*)::int as n
    from reflections r join meetings m on m.id = r.meeting_id join organizations o on o.id = m.org_id
    where r.status = 'submitted' and r.user_id <> ${subject.userId}
      and (m.host_id = ${subject.userId}
           or m.org_id in (select id from organizations where id = any(${near(subject)}::uuid[])
                           or parent_id = any(${near(subject)}::uuid[])))
    group by m.id, o.kind order by m.starts_at limit 50`;
  const res = await resources(sql, rows);
  return rows
    .filter((r) => runs(subject, r, res))
    .map((r) => ({
      kind: "reflection.review",
      title: `审阅 ${r.n} 篇心得体会`,
      detail: r.title,
      link: `/meetings/${r.meeting_id}/reflections`,
      due: null,
    }));
};

/** Meetings this person runs whose time is over but that nobody ended: attendance and 补学 wait. */
const meetingsToClose: TodoSource = async (sql, subject, now) => {
  const rows = await sql<MeetingRow[]>`
    select m.id as meeting_id, m.title, m.org_id, o.kind as org_kind, m.host_id, m.starts_at
    from meetings m join organizations o on o.id = m.org_id
    where m.status <> 'cancelled' and m.session_ended_at is null and m.ends_at < ${now}
      and m.ends_at > ${new Date(now.getTime() - 30 * 86_400_000)}
      and (m.host_id = ${subject.userId}
           or m.org_id in (select id from organizations where id = any(${near(subject)}::uuid[])
                           or parent_id = any(${near(subject)}::uuid[])))
    order by m.ends_at limit 50`;
  const res = await resources(sql, rows);
  return rows
    .filter((r) => runs(subject, r, res))
    .map((r) => ({
      kind: "attendance.close",
      title: "结束考勤并安排补学",
      detail: r.title,
      link: `/meetings/${r.meeting_id}/attendance`,
      due: null,
    }));
};

/** The person's own 心得体会 still to write or to revise, for meetings held in the last two weeks. */
const ownReflections: TodoSource = async (sql, subject, now) => {
  const rows = await sql<
    { meeting_id: string; title: string; status: string | null; deadline: Date | null; starts_at: Date }[]
  >`
    select m.id as meeting_id, m.title, r.status, m.reflection_deadline as deadline, m.starts_at
    from meeting_invitees i join meetings m on m.id = i.meeting_id
      left join reflections r on r.meeting_id = m.id and r.user_id = i.user_id
    where i.user_id = ${subject.userId} and m.status <> 'cancelled' and m.session_started_at is not null
      and m.starts_at > ${new Date(now.getTime() - 14 * 86_400_000)}
      and (r.status is null or r.status in ('draft', 'returned'))
      and (r.status = 'returned' or m.reflection_deadline is null or m.reflection_deadline > ${now})
    order by m.starts_at limit 20`;
  return rows.map((r) => ({
    kind: r.status === "returned" ? "reflection.revise" : "reflection.write",
    title: r.status === "returned" ? "修改退回的心得体会" : "撰写心得体会",
    detail: r.title,
    link: `/meetings/${r.meeting_id}/reflection`,
    due: r.status === "returned" ? null : r.deadline,
  }));
};

/** The person's own 补学 still to do. */
const ownMakeups: TodoSource = async (sql, subject) => {
  const rows = await sql<{ meeting_id: string; title: string }[]>`
    select m.id as meeting_id, m.title from makeup_tasks t join meetings m on m.id = t.meeting_id
    where t.user_id = ${subject.userId} and t.completed_at is null order by m.starts_at limit 20`;
  return rows.map((r) => ({ kind: "makeup", title: "补学", detail: r.title, link: "/makeup", due: null }));
};

/** The branches where the person holds a post the 整改清单 rule names (`allowed`). */
const branchesWhere = (subject: Subject, allowed: typeof mayConfirmRectification) =>
  subject.memberships
    .filter((m) => allowed(subject, { id: m.orgId, kind: m.orgKind, path: m.orgPath }))
    .map((m) => m.orgId);

/**
 * 整改清单: for the 书记 (副书记), items reported done and waiting for 对单销号; for the branch's
 * managers, items past their deadline; one to-do per branch each (decision 031).
 */
const rectificationToFollow: TodoSource = async (sql, subject, now) => {
  const confirms = branchesWhere(subject, mayConfirmRectification);
  const manages = branchesWhere(subject, mayCreateRectification);
  if (manages.length === 0) return [];
  const rows = await sql<{ org_id: string; name: string; reported: number; overdue: number }[]>`
    select r.org_id, o.name,
      (count(*) filter (where r.status = 'reported' and r.org_id = any(${confirms}::uuid[])))::int as reported,
      (count(*) filter (where r.status in ('open', 'returned') and r.deadline < ${chinaDateKey(now)}::date))::int as overdue
    from rectification_items r join organizations o on o.id = r.org_id
    where r.org_id = any(${manages}::uuid[]) and r.status <> 'closed'
    group by r.org_id, o.name order by o.name`;
  return rows.flatMap((r) => [
    ...(r.reported > 0
      ? [
          {
            kind: "rectification.confirm",
            title: "整改事项待确认",
            detail: `${r.name}：${r.reported} 项已报告完成，待对单销号`,
            link: `/orgs/${r.org_id}/rectification`,
            due: null,
          },
        ]
      : []),
    ...(r.overdue > 0
      ? [
          {
            kind: "rectification.overdue",
            title: "整改事项已逾期",
            detail: `${r.name}：${r.overdue} 项超过完成时限`,
            link: `/orgs/${r.org_id}/rectification`,
            due: null,
          },
        ]
      : []),
  ]);
};

/** The person's own 整改事项 still to do (open or returned), by deadline. */
const ownRectification: TodoSource = async (sql, subject, now) => {
  const rows = await sql<{ id: string; org_id: string; problem: string; status: string; deadline: string }[]>`
    select r.id, r.org_id, r.problem, r.status, to_char(r.deadline, 'YYYY-MM-DD') as deadline
    from rectification_items r
    where r.owner_id = ${subject.userId} and r.status in ('open', 'returned')
    order by r.deadline limit 20`;
  const today = chinaDateKey(now);
  return rows.map((r) => ({
    kind: "rectification.own",
    title: r.deadline < today ? "整改事项已逾期" : r.status === "returned" ? "整改事项被退回" : "完成整改事项",
    detail: r.problem.length > 30 ? `${r.problem.slice(0, 30)}…` : r.problem,
    link: `/orgs/${r.org_id}/rectification#item-${r.id}`,
    due: chinaDate(r.deadline),
  }));
};

/** Every domain's to-dos; a new domain adds its source here. */
export const TODO_SOURCES: TodoSource[] = [
  leaveToDecide,
  reflectionsToReview,
  meetingsToClose,
  ownReflections,
  ownMakeups,
  rectificationToFollow,
  ownRectification,
];

/** What needs the person now: dated ones soonest first, then the rest in source order. */
export async function todosFor(sql: Sql, subject: Subject, now = new Date()): Promise<Todo[]> {
  const all = (await Promise.all(TODO_SOURCES.map((source) => source(sql, subject, now)))).flat();
  const dated = all.filter((t) => t.due).sort((a, b) => a.due!.getTime() - b.due!.getTime());
  return [...dated, ...all.filter((t) => !t.due)];
}
