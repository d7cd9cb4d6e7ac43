import type { Sql } from "../../../db/client";
import type { MeetingKind, OrgKind } from "../../../shared/domain/labels";
import { meetingAccess, type Access, type MeetingResource, type Subject } from "../../../shared/permissions";
import { UUID_RE } from "../../../shared/ids";
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

const toMeeting = (r: MeetingRow): Meeting => ({
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

/** The meeting's row and the meeting as a permission resource, in one read; null if it does not exist. */
async function findMeeting(
  sql: Sql,
  meetingId: string,
): Promise<{ row: MeetingRow; resource: MeetingResource } | null> {
  if (!UUID_RE.test(meetingId)) return null;
  const [row] = await sql<MeetingRow[]>`
    select m.*, o.name as org_name, o.kind as org_kind from meetings m join organizations o on o.id = m.org_id
    where m.id = ${meetingId}`;
  if (!row) return null;
  const paths = await orgPaths(sql, [row.org_id]);
  const resource = {
    id: row.id,
    orgId: row.org_id,
    orgKind: row.org_kind,
    orgPath: paths.get(row.org_id) ?? [row.org_id],
  };
  return { row, resource };
}

/** The meeting as a permission resource, or null if it does not exist. */
export async function meetingResource(sql: Sql, meetingId: string): Promise<MeetingResource | null> {
  return (await findMeeting(sql, meetingId))?.resource ?? null;
}

/**
 * The meeting if the subject may read it; null both when it does not exist and when the
 * subject may not see it, so callers answer 404 either way.
 */
export async function getMeetingFor(
  sql: Sql,
  subject: Subject,
  meetingId: string,
): Promise<{ meeting: Meeting; access: Access } | null> {
  const found = await findMeeting(sql, meetingId);
  if (!found) return null;
  const access = meetingAccess(subject, found.resource);
  if (access === "none") return null;
  return { meeting: toMeeting(found.row), access };
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
