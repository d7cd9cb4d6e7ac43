import type { Sql } from "../../../db/client";
import type { MeetingKind, OrgKind } from "../../../shared/domain/labels";
import { meetingAccess, type Access, type Subject } from "../../../shared/permissions";
import { findMeetingScope, type MeetingScope } from "../meeting-scope";
import { orgPaths } from "../people/subjects";

export interface Meeting {
  id: string;
  orgId: string;
  orgName: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  cancelled: boolean;
  hostId: string | null;
}

interface MeetingRow {
  id: string;
  org_id: string;
  org_name: string;
  org_kind: OrgKind;
  kind: MeetingKind;
  title: string;
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  status: string;
  host_id: string | null;
}

const toMeeting = (r: Omit<MeetingRow, "status"> & { status: string }): Meeting => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  kind: r.kind,
  title: r.title,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  location: r.location,
  cancelled: r.status === "cancelled",
  hostId: r.host_id,
});

/**
 * The meeting if the subject may read it; null both when it does not exist and when the
 * subject may not see it, so callers answer 404 either way. Loaded through loadMeetingScope, so
 * the services the same request calls next share the load.
 */
export async function getMeetingFor(
  sql: Sql,
  subject: Subject,
  meetingId: string,
): Promise<{ meeting: Meeting; access: Access; scope: MeetingScope } | null> {
  const scope = await findMeetingScope(sql, subject, meetingId);
  if (!scope) return null;
  return { meeting: toMeeting(scope.row), access: scope.access, scope };
}

/**
 * The meetings a person should attend, soonest first: those they are invited to (应到 or 列席),
 * chair or record, in any organisation, cancelled ones included so the calendar can say so.
 * This, not everything they may read, is a member's own calendar: a 党委 member may read every
 * branch's meetings but attends few of them.
 */
export async function meetingsToAttend(
  sql: Sql,
  subject: Subject,
  opts: { from: Date; to?: Date; limit?: number },
): Promise<Meeting[]> {
  const rows = await sql<MeetingRow[]>`
    select m.*, o.name as org_name, o.kind as org_kind from meetings m join organizations o on o.id = m.org_id
    where m.ends_at >= ${opts.from} ${opts.to ? sql`and m.starts_at < ${opts.to}` : sql``}
      -- one union of index lookups, not an OR the planner answers by scanning every meeting
      and m.id in (select meeting_id from meeting_invitees where user_id = ${subject.userId}
                   union select id from meetings where host_id = ${subject.userId}
                   union select id from meetings where recorder_id = ${subject.userId})
    order by m.starts_at limit ${opts.limit ?? 50}`;
  return readable(sql, subject, rows);
}

/** The meetings of an organisation and those below it (a branch and its groups) in a window. */
export async function meetingsOfOrg(
  sql: Sql,
  subject: Subject,
  orgId: string,
  opts: { from: Date; to: Date; limit?: number },
): Promise<Meeting[]> {
  const rows = await sql<MeetingRow[]>`
    with recursive down as (
      select id from organizations where id = ${orgId}
      union
      select o.id from organizations o join down on o.parent_id = down.id
    )
    select m.*, o.name as org_name, o.kind as org_kind from meetings m join organizations o on o.id = m.org_id
    where m.org_id in (select id from down) and m.ends_at >= ${opts.from} and m.starts_at < ${opts.to}
    order by m.starts_at limit ${opts.limit ?? 1000}`;
  return readable(sql, subject, rows);
}

async function readable(sql: Sql, subject: Subject, rows: MeetingRow[]): Promise<Meeting[]> {
  const paths = await orgPaths(sql, [...new Set(rows.map((r) => r.org_id))]);
  return rows
    .filter(
      (r) =>
        meetingAccess(subject, {
          id: r.id,
          orgId: r.org_id,
          orgKind: r.org_kind,
          orgPath: paths.get(r.org_id) ?? [],
        }) !== "none",
    )
    .map(toMeeting);
}
