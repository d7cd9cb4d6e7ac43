import type { Sql } from "../../../db/client";
import type { Category, MeetingKind } from "../../../shared/domain/labels";
import type { InviteeRole } from "../../../shared/schemas/meetings";
import { UUID_RE } from "../errors";
import { meetingRecord, type MeetingRecord } from "../meeting-scope";
import type { Change } from "./meeting-history";

// A meeting as its pages read it (agenda, materials, list, history), and an organisation's next meetings.

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");

// ------------------------------------------------------------------------------------------------
// Reads

export interface MeetingDetail {
  id: string;
  orgId: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineUrl: string | null;
  status: "planned" | "scheduled" | "cancelled";
  cancelledReason: string | null;
  /** When the host started the session; from then on the meeting is on the record. */
  startedAt: Date | null;
  /** Scheduled meetings of the same recurring series after this one, not yet started. */
  laterInSeries: number;
  hostId: string | null;
  hostName: string | null;
  recorderId: string | null;
  recorderName: string | null;
  agenda: { id: string; position: number; title: string }[];
  materials: {
    id: string;
    title: string;
    url: string | null;
    fileId: string | null;
    mime: string | null;
    size: number | null;
  }[];
  invitees: { userId: string; displayName: string; role: InviteeRole; category: Category }[];
  counts: { attendees: number; guests: number };
  history: { id: string; at: Date; change: Change; actorName: string | null; detail: Record<string, unknown> }[];
}

/**
 * Everything about a meeting for its pages. Given the scope a loader has (loadMeetingScope, which
 * checked the reader may see it), the meeting is not read again; given an id, there is no
 * permission check (the caller read it through getMeetingFor first) and null if it does not exist.
 */
export async function meetingDetail(sql: Sql, meeting: MeetingRecord | string): Promise<MeetingDetail | null> {
  const scope = typeof meeting === "string" ? await meetingRecord(sql, meeting) : meeting;
  if (!scope) return null;
  const r = scope.row;
  const [later] = r.series_id
    ? await sql<{ n: number }[]>`
        select count(*)::int as n from meetings s where s.series_id = ${r.series_id} and s.status = 'scheduled'
          and s.starts_at > ${r.starts_at} and s.starts_at > now()`
    : [{ n: 0 }];
  const m = {
    id: r.id,
    orgId: r.org_id,
    kind: r.kind,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    location: r.location,
    onlineUrl: r.online_url,
    status: r.status,
    cancelledReason: r.cancelled_reason,
    startedAt: r.session_started_at,
    laterInSeries: later.n,
    hostId: r.host_id,
    hostName: r.host_name,
    recorderId: r.recorder_id,
    recorderName: r.recorder_name,
  };
  const agenda = await sql<MeetingDetail["agenda"]>`
    select id, position, title from meeting_agenda_items where meeting_id = ${m.id} order by position`;
  const materials = await sql<MeetingDetail["materials"]>`
    select mm.id, mm.title, mm.url, mm.file_id as "fileId", f.mime, f.size
    from meeting_materials mm left join files f on f.id = mm.file_id
    where mm.meeting_id = ${m.id} order by (mm.url is null), mm.created_at, mm.title`;
  const invitees = await sql<MeetingDetail["invitees"]>`
    select i.user_id as "userId", u.display_name as "displayName", i.role, u.category
    from meeting_invitees i join users u on u.id = i.user_id where i.meeting_id = ${m.id}`;
  invitees.sort((a, b) =>
    a.role === b.role ? byPinyin.compare(a.displayName, b.displayName) : a.role === "attendee" ? -1 : 1,
  );
  const history = await sql<MeetingDetail["history"]>`
    select h.id::text as id, h.at, h.change, u.display_name as "actorName", h.detail
    from meeting_history h left join users u on u.id = h.actor_id
    where h.meeting_id = ${m.id} order by h.id desc`;
  return {
    ...m,
    agenda: [...agenda],
    materials: [...materials],
    invitees: [...invitees],
    counts: {
      attendees: invitees.filter((i) => i.role === "attendee").length,
      guests: invitees.filter((i) => i.role === "guest").length,
    },
    history: [...history],
  };
}

export interface UpcomingMeeting {
  id: string;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineUrl: string | null;
  status: "planned" | "scheduled" | "cancelled";
}

/** The organisation's own meetings that have not ended yet, soonest first (cancelled ones marked, not hidden). */
export async function upcomingForOrg(sql: Sql, orgId: string, limit = 5): Promise<UpcomingMeeting[]> {
  if (!UUID_RE.test(orgId)) return [];
  return [
    ...(await sql<UpcomingMeeting[]>`
      select id, kind, title, starts_at as "startsAt", ends_at as "endsAt", location, online_url as "onlineUrl",
        status
      from meetings
      where org_id = ${orgId} and ends_at >= now() and status <> 'planned'
      order by starts_at limit ${Math.max(1, Math.min(limit, 50))}`),
  ];
}
