import type { Sql } from "../../db/client";
import type { ResolvedSettings } from "../../shared/domain/kind-rules";
import type { MeetingKind, OrgKind } from "../../shared/domain/labels";
import { isUuid } from "../../shared/ids";
import {
  meetingAccess,
  sessionAccess,
  type Access,
  type MeetingResource,
  type Subject,
} from "../../shared/permissions";
import { DomainError, hidden } from "./errors";
import { orgSettings } from "./people/org-settings";

// The one way to load a meeting (docs/decisions/029-meeting-scope.md): its row, its organisation
// and the organisation's path from the root, the person's place on the list and their access, in
// one statement. Every service that works on one meeting starts here; the permission decisions
// stay in shared/permissions.ts (meetingAccess, sessionAccess), this module only feeds them.
//
// A request's services share one load: a Subject that requireActor made for one request
// (app/lib/actor.server.ts marks it with perRequest) keeps the scopes it loaded, so the session
// page's five services read the meeting once. A subject made elsewhere (tests, the collaboration
// server, jobs) is not marked and loads afresh each time, as before. Inside a transaction that
// changes the meeting, `lock: true` reads the row `for update` and bypasses the memo; a service
// that changes the row without one forgets the scope afterwards (forgetMeetingScope).

/** The meetings row (every column) with its organisation's name and kind and the chairs' names. */
export interface MeetingRow {
  id: string;
  org_id: string;
  org_name: string;
  org_kind: OrgKind;
  kind: MeetingKind;
  title: string;
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  online_url: string | null;
  status: "planned" | "scheduled" | "cancelled";
  cancelled_reason: string | null;
  series_id: string | null;
  host_id: string | null;
  host_name: string | null;
  recorder_id: string | null;
  recorder_name: string | null;
  signin_secret: string | null;
  session_started_at: Date | null;
  session_ended_at: Date | null;
  current_agenda_item_id: string | null;
  reflection_deadline: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A meeting as loaded, for one person (whose place on the list it knows), before any permission check. */
export interface MeetingRecord {
  row: MeetingRow;
  org: { id: string; name: string; kind: OrgKind };
  /** Ids from the root of the tree down to and including the meeting's organisation. */
  orgPath: string[];
  /** The meeting as shared/permissions sees it. */
  resource: MeetingResource;
  /** The person's place on the list (应到 attendee or 列席 guest), if any. */
  invited: { role: "attendee" | "guest" } | null;
  /** Its record is sealed (docs/decisions/038): what changes the meeting's own record is refused (refuseIfSealed). */
  sealed: boolean;
}

/** A meeting the subject may see, with what they may do in it. */
export interface MeetingScope extends MeetingRecord {
  subject: Subject;
  /** The subject hosts (主持) it. */
  host: boolean;
  /** meetingAccess: read or write (never none: that is a 404). */
  access: Access;
  /** sessionAccess: manage (run it), write (on the list), read. */
  session: Access;
}

export interface ScopeOptions {
  /** Inside a transaction: `select … for update of m`, and never from or into the memo. */
  lock?: boolean;
  /** Read it again (the caller is about to change it); the memo forgets the meeting. */
  fresh?: boolean;
}

type Loaded = MeetingRow & { org_path: string[] | null; invitee_role: "attendee" | "guest" | null; sealed: boolean };

/** One statement: the row, its organisation, the path from the root, the chairs' names, the person's list entry. */
async function select(
  sql: Sql,
  meetingId: string,
  userId: string | null,
  lock: boolean,
): Promise<MeetingRecord | null> {
  if (!isUuid(meetingId)) return null;
  const [r] = await sql<Loaded[]>`
    with recursive up as (
      select o.id, o.parent_id, array[o.id] as path
      from meetings mm join organizations o on o.id = mm.org_id where mm.id = ${meetingId}
      union all
      select p.id, p.parent_id, p.id || up.path from organizations p join up on p.id = up.parent_id
      -- a damaged tree with a cycle must not loop forever
      where array_length(up.path, 1) < 64
    )
    select m.*, o.name as org_name, o.kind as org_kind, h.display_name as host_name, r.display_name as recorder_name,
      (select up.path from up where up.parent_id is null limit 1) as org_path,
      (select i.role from meeting_invitees i where i.meeting_id = m.id and i.user_id = ${userId}::uuid) as invitee_role,
      exists (select 1 from meeting_records rec where rec.meeting_id = m.id) as sealed
    from meetings m join organizations o on o.id = m.org_id
      left join users h on h.id = m.host_id left join users r on r.id = m.recorder_id
    where m.id = ${meetingId}
    ${lock ? sql`for update of m` : sql``}`;
  if (!r) return null;
  const { org_path, invitee_role, sealed, ...row } = r;
  const orgPath = org_path ?? [row.org_id];
  return {
    row,
    org: { id: row.org_id, name: row.org_name, kind: row.org_kind },
    orgPath,
    resource: { id: row.id, orgId: row.org_id, orgKind: row.org_kind, orgPath, ...(sealed ? { sealed } : {}) },
    invited: invitee_role ? { role: invitee_role } : null,
    sealed,
  };
}

/**
 * The meeting as stored, with `userId`'s place on its list, and no permission check: for the
 * collaboration side (a document's permission resource) and for presence recorded on the
 * server's own account. Null when it does not exist or the id is not a UUID.
 */
export function meetingRecord(
  sql: Sql,
  meetingId: string,
  userId: string | null = null,
  opts: { lock?: boolean } = {},
): Promise<MeetingRecord | null> {
  return select(sql, meetingId, userId, opts.lock ?? false);
}

const isHidden = (e: unknown) => e instanceof DomainError && e.status === 404;

const perRequestSubjects = new WeakSet<Subject>();
const memo = new WeakMap<Subject, Map<string, Promise<MeetingScope>>>();

/**
 * Marks a subject as one request's (requireActor does, once per request): the meetings its
 * services load are kept with it until the request is over (the subject is then garbage).
 */
export function perRequest<S extends Subject>(subject: S): S {
  perRequestSubjects.add(subject);
  return subject;
}

/** After a change to the meeting's row outside a locked transaction: the next load in this request reads it again. */
export function forgetMeetingScope(subject: Subject, meetingId: string) {
  memo.get(subject)?.delete(meetingId);
}

async function scopeOf(sql: Sql, subject: Subject, meetingId: string, lock: boolean): Promise<MeetingScope> {
  const record = await select(sql, meetingId, subject.userId, lock);
  if (!record) throw hidden();
  const access = meetingAccess(subject, record.resource);
  if (access === "none") throw hidden();
  return {
    ...record,
    subject,
    host: record.row.host_id === subject.userId,
    access,
    session: sessionAccess(subject, {
      meeting: record.resource,
      hostId: record.row.host_id,
      invited: record.invited !== null,
    }),
  };
}

/**
 * The meeting if the subject may see it (meetingAccess), with their place on its list and their
 * session access; hidden (404) when it does not exist, the id is not a UUID, or they may not see
 * it. Within one request (a subject marked perRequest) it is loaded once and shared.
 */
export function loadMeetingScope(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  opts: ScopeOptions = {},
): Promise<MeetingScope> {
  const memoised = perRequestSubjects.has(subject);
  if (opts.lock || opts.fresh || !memoised) {
    if (memoised) forgetMeetingScope(subject, meetingId);
    return scopeOf(sql, subject, meetingId, opts.lock ?? false);
  }
  let scopes = memo.get(subject);
  if (!scopes) memo.set(subject, (scopes = new Map()));
  const known = scopes.get(meetingId);
  if (known) return known;
  const loading = scopeOf(sql, subject, meetingId, false);
  scopes.set(meetingId, loading);
  // A failure other than "hidden" (a lost connection) is not remembered.
  loading.catch((e: unknown) => {
    if (!isHidden(e) && scopes.get(meetingId) === loading) scopes.delete(meetingId);
  });
  return loading;
}

/** The same, but null instead of hidden: for callers that answer 404 themselves or skip what they may not see. */
export async function findMeetingScope(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  opts: ScopeOptions = {},
): Promise<MeetingScope | null> {
  try {
    return await loadMeetingScope(sql, subject, meetingId, opts);
  } catch (e) {
    if (isHidden(e)) return null;
    throw e;
  }
}

/**
 * The one guard of everything that changes a meeting's own record (minutes co-editors, agenda,
 * attendance, votes, 心得体会 and 对照检查材料, the meeting's details): a sealed record is kept,
 * not edited (docs/decisions/038). Work after the meeting (补学, 整改清单, 评定意见) is not guarded.
 */
export function refuseIfSealed(m: Pick<MeetingRecord, "sealed">): void {
  if (m.sealed) throw new DomainError("本次会议记录已签字封存，不能再修改。", 409);
}

const settingsMemo = new WeakMap<MeetingRecord, Promise<ResolvedSettings>>();

/** The local rules of the meeting's organisation (a group follows its branch), read once per scope. */
export function scopeSettings(sql: Sql, scope: MeetingRecord): Promise<ResolvedSettings> {
  let s = settingsMemo.get(scope);
  if (!s) settingsMemo.set(scope, (s = orgSettings(sql, scope.org.id)));
  return s;
}
