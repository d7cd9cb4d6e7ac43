import type { Sql } from "../../../db/client";
import { chinaDate, chinaTime } from "../../../shared/time";
import { kindsAnswered } from "../../../shared/domain/kind-rules";
import { periodLabel, periodOf } from "../../../shared/domain/periods";
import {
  lapseWarnings,
  lastAttendedLife,
  meetingsWithoutMinutes,
  repeatedAbsences,
  requiredVsHeld,
  type AttendanceRow,
  type ComplianceMeeting,
} from "../../../shared/domain/compliance";
import type { MeetingKind } from "../../../shared/domain/labels";
import { withGroups, type Org } from "../people/orgs";
import { orgSettings } from "../people/org-settings";
import { writtenByPeople } from "../../collab/persistence";
import { meetingMinutesDoc } from "../../../shared/doc-names";

// Loads what the compliance rules (shared/domain/compliance.ts) need for one organisation and
// its groups, and runs them. Help for the secretary: what is due, what is missing, who needs a
// talk; never a score or a ranking.

interface MeetingRow extends ComplianceMeeting {
  id: string;
  title: string;
}

export async function complianceReport(sql: Sql, org: Org, now = new Date()) {
  const settings = await orgSettings(sql, org.id);
  const quarter = periodOf("quarterly", now);
  const year = periodOf("yearly", now);
  const subtree = await sql<{ id: string; kind: string; name: string }[]>`
    with recursive down as (
      select id, kind, name from organizations where id = ${org.id}
      union
      select o.id, o.kind, o.name from organizations o join down on o.parent_id = down.id
    ) select id, kind, name from down`;
  // A 党委's or 党总支's obligations are its own: its branches' meetings are not its organisational life.
  const orgIds = org.kind === "committee" || org.kind === "general_branch" ? [org.id] : subtree.map((o) => o.id);
  const groupIds = subtree.filter((o) => o.kind === "group").map((o) => o.id);
  const rows = await sql<Omit<MeetingRow, "hasMinutes">[]>`
    select m.id, m.title, m.kind, m.org_id as "orgId", m.starts_at as "startsAt", m.status,
      m.session_started_at as "heldAt"
    from meetings m
    where m.org_id = any(${orgIds}) and m.starts_at >= ${year.start} and m.starts_at < ${year.end}
    order by m.starts_at`;
  // Minutes exist once someone wrote in them: opening the session page stores only the outline.
  const written = await writtenByPeople(
    sql,
    rows.map((m) => meetingMinutesDoc(m.id)),
  );
  const meetings: MeetingRow[] = rows.map((m) => ({ ...m, hasMinutes: written.has(meetingMinutesDoc(m.id)) }));

  // Attendance over the last twelve months in this organisation, with "no record after the
  // end" read as 缺席 unless leave was approved (what the attendance sheet shows).
  const since = new Date(now.getTime() - 365 * 86_400_000);
  const attendance = await sql<(AttendanceRow & { name: string })[]>`
    select i.user_id as "userId", u.display_name as name, m.id as "meetingId", m.starts_at as "startsAt",
      coalesce(a.status,
        case when exists (select 1 from leave_requests l where l.meeting_id = m.id and l.user_id = i.user_id
                          and l.status = 'approved') then 'leave' else 'absent' end) as status
    from meeting_invitees i
    join meetings m on m.id = i.meeting_id
    join users u on u.id = i.user_id
    left join attendance a on a.meeting_id = i.meeting_id and a.user_id = i.user_id
    where i.role = 'attendee' and m.status = 'scheduled' and m.org_id = any(${orgIds})
      and m.starts_at >= ${since} and coalesce(m.session_ended_at, m.ends_at) < ${now}`;

  // The lapse warning looks at a member's organisational life anywhere (双重组织生活).
  const members = await sql<{ userId: string; name: string; orgIds: string[]; since: Date }[]>`
    select m.user_id as "userId", u.display_name as name, array_agg(m.org_id) as "orgIds", min(m.started_at) as since
    from memberships m join users u on u.id = m.user_id
    where m.ended_at is null and m.org_id = any(${orgIds}) and u.category in ('full', 'probationary')
    group by m.user_id, u.display_name`;
  const everywhere = await sql<AttendanceRow[]>`
    select a.user_id as "userId", a.meeting_id as "meetingId", m.starts_at as "startsAt", a.status
    from attendance a join meetings m on m.id = a.meeting_id
    where a.user_id = any(${members.map((m) => m.userId)}) and a.status in ('present', 'late', 'left_early')`;

  const rules = settings.kinds;
  const trackingStart = chinaDate(org.trackingStartedOn) ?? undefined;
  const kinds = kindsAnswered(org.kind, settings);
  const input = { rules, meetings, now, groupIds, trackingStart, kinds };
  return {
    settings,
    /** Obligations are counted from this China-time date (「自 … 起统计」). */
    trackingStartedOn: org.trackingStartedOn,
    quarter: { period: quarter, kinds: requiredVsHeld({ ...input, period: quarter }) },
    year: { period: year, kinds: requiredVsHeld({ ...input, period: year }) },
    groups: subtree.filter((o) => o.kind === "group").map((o) => ({ id: o.id, name: o.name })),
    withoutMinutes: meetingsWithoutMinutes(meetings, now, settings.minutesDueDays).map((d) => ({
      id: d.meeting.id,
      title: d.meeting.title,
      kind: d.meeting.kind as MeetingKind,
      startsAt: d.meeting.startsAt,
      dueOn: d.dueOn,
      overdue: d.overdue,
    })),
    absences: repeatedAbsences(attendance, settings.absenceAlertCount),
    lapses: lapseWarnings({
      members,
      lastLife: lastAttendedLife(everywhere, now),
      now,
      warnAfterDays: settings.lapseWarningDays,
    }),
  };
}

export interface MonthDue {
  kind: MeetingKind;
  /** For 党小组会: the groups with none; empty for the organisation's own kinds. */
  groups: string[];
  /** The cadence period that ends this month, in words: 「2027年第一季度」. */
  periodLabel: string;
}

/**
 * What falls due in a month and is not yet on the calendar: for each kind whose cadence period
 * ends in that month (every month for 支委会, the quarter's last month for 支部党员大会), whether
 * a meeting is held or scheduled in that period. What the branch calendar tells its secretary.
 */
export async function dueInMonth(sql: Sql, org: Org, year: number, month: number, now = new Date()) {
  const settings = await orgSettings(sql, org.id);
  const monthStart = chinaTime(year, month, 1);
  const monthEnd = chinaTime(year, month + 1, 1);
  const { groups, ids } = await withGroups(sql, org);
  const meetings = await sql<ComplianceMeeting[]>`
    select kind, org_id as "orgId", starts_at as "startsAt", status, session_started_at as "heldAt", false as "hasMinutes"
    from meetings where org_id = any(${ids}) and starts_at >= ${chinaTime(year, 1, 1)} and starts_at < ${monthEnd}`;
  const kinds = requiredVsHeld({
    kinds: kindsAnswered(org.kind, settings),
    rules: settings.kinds,
    period: { start: monthStart, end: monthEnd },
    meetings,
    now,
    groupIds: org.kind === "group" ? [org.id] : groups.map((g) => g.id),
    trackingStart: chinaDate(org.trackingStartedOn) ?? undefined,
  });
  const names = new Map([[org.id, org.name], ...groups.map((g) => [g.id, g.name] as const)]);
  const due: MonthDue[] = [];
  for (const k of kinds) {
    if (k.missing === 0) continue;
    const cadence = settings.kinds[k.kind].cadence;
    if (cadence === "none") continue;
    due.push({
      kind: k.kind,
      groups: (k.groups ?? []).filter((g) => g.missing > 0).map((g) => names.get(g.orgId) ?? ""),
      periodLabel: periodLabel(periodOf(cadence, monthStart)),
    });
  }
  return { due, over: monthEnd.getTime() <= now.getTime() };
}
