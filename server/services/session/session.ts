import type { AttendanceMode, MeetingForm } from "../../../shared/domain/attendance-mode";
import type { Sql } from "../../../db/client";
import { minutesHeader, type HeaderPerson, type MinutesHeader } from "../../../shared/domain/minutes-header";
import type { MeetingKind } from "../../../shared/domain/labels";
import { canManage, documentAccess, type Subject } from "../../../shared/permissions";
import type { Actor, LiveAccess } from "../actor";
import { attendanceSheet, closeAttendance, markOnlinePresence, SIGNIN_OPENS_MS, startSession } from "./attendance";
import { audit } from "../audit";
import { DomainError } from "../errors";
import { forgetMeetingScope, loadMeetingScope, refuseIfSealed, type MeetingRow } from "../meeting-scope";
import { minutesResource } from "./documents";
import { hasLifeCycle } from "../../../shared/domain/life-cycle";

// The live session page's side of a meeting: its phase, the agenda position the host moves, the
// minutes header the system fills, who co-edits the minutes, and starting and ending. Every change
// is signalled on the session's live channel (LiveAccess.sessionChanged) so open pages follow.

export type Phase = "scheduled" | "started" | "ended" | "cancelled";

export interface SessionView {
  phase: Phase;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Host or manager of the meeting's attendance: starts, moves the agenda, ends, allows co-editors. */
  canRun: boolean;
  /** For those who run it: whether 开始会议 is possible now, else why not. */
  startRefusal: string | null;
  agenda: { id: string; title: string }[];
  currentItemId: string | null;
  header: MinutesHeader;
  minutes: {
    access: "none" | "read" | "write";
    /** Co-editors the host allowed (besides the 记录人, host and committee). */
    editors: { id: string; name: string }[];
  };
  /** The 应到 and 列席 list, for the 记录人's speaker picker and the co-editor choice. */
  people: {
    id: string;
    name: string;
    role: "attendee" | "guest";
    present: boolean;
    mode: AttendanceMode | null;
  }[];
  kind: MeetingKind;
  /** Held in a room, online or both: what being on this page records (decision 028). */
  form: MeetingForm;
}

type Row = MeetingRow;

/** The meeting (hidden: 404) and whether the subject runs its session (sessionAccess manage). */
async function load(sql: Sql, subject: Subject, meetingId: string) {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  return { row: scope.row, resource: scope.resource, run: canManage(scope.session), scope };
}

function phaseOf(row: Pick<Row, "status" | "session_started_at" | "session_ended_at">): Phase {
  if (row.status === "cancelled") return "cancelled";
  if (row.session_ended_at) return "ended";
  return row.session_started_at ? "started" : "scheduled";
}

function startRefusal(row: Row, now: Date): string | null {
  const phase = phaseOf(row);
  if (phase === "cancelled") return "会议已取消。";
  if (phase === "ended") return "会议已经结束。";
  if (phase === "started") return null;
  if (now.getTime() < row.starts_at.getTime() - SIGNIN_OPENS_MS) return "会议开始前 30 分钟内才能开始会议。";
  if (now > row.ends_at) return "已过会议结束时间，不能再开始。";
  return null;
}

/** What the live session page shows, as the viewer may see it. */
export async function sessionView(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  now = new Date(),
): Promise<SessionView> {
  const { row, run, scope } = await load(sql, subject, meetingId);
  const sheet = await attendanceSheet(sql, subject, meetingId, now);
  const agenda = await sql<{ id: string; title: string }[]>`
    select id, title from meeting_agenda_items where meeting_id = ${meetingId} order by position, id`;
  const editors = await sql<{ id: string; name: string }[]>`
    select u.id, u.display_name as name from meeting_minutes_editors e join users u on u.id = e.user_id
    where e.meeting_id = ${meetingId} order by e.added_at`;
  const people: HeaderPerson[] = sheet.rows.map((r) => ({
    name: r.name,
    role: r.role,
    status: r.status,
    leaveReason: r.leave?.status === "approved" ? r.leave.reason : null,
    mode: r.mode,
  }));
  const came = (s: string) => s === "present" || s === "late" || s === "left_early";
  return {
    phase: phaseOf(row),
    startedAt: row.session_started_at,
    endedAt: row.session_ended_at,
    canRun: run,
    startRefusal: run ? startRefusal(row, now) : null,
    agenda: [...agenda],
    currentItemId: row.current_agenda_item_id,
    header: minutesHeader({
      title: row.title,
      kind: row.kind,
      orgName: row.org_name,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      startedAt: row.session_started_at,
      endedAt: row.session_ended_at,
      location: row.location,
      onlineUrl: row.online_url,
      hostName: row.host_name,
      recorderName: row.recorder_name,
      people,
    }),
    minutes: {
      // A 组织生活会's minutes follow lifeRecordAccess (decision 036): minutesResource knows.
      // documentAccess: what the live socket allows, read-only once sealed (decision 038).
      access: documentAccess(subject, {
        kind: "meeting-minutes",
        ...(await minutesResource(sql, scope, subject.userId)),
      }),
      editors: [...editors],
    },
    people: sheet.rows.map((r) => ({
      id: r.userId,
      name: r.name,
      role: r.role,
      present: came(r.status),
      mode: came(r.status) ? r.mode : null,
    })),
    kind: row.kind,
    form: sheet.form,
  };
}

const NOT_RUNNER = () => new DomainError("只有主持人、书记或组织委员可以主持本次会议。", 403);

/**
 * 开始会议 from the session page: starts the session (attendance service rules) and counts
 * everyone already on the live page as present online.
 */
export async function startLiveSession(sql: Sql, live: LiveAccess, actor: Actor, meetingId: string, now = new Date()) {
  await startSession(sql, actor, meetingId, now);
  for (const userId of await live.presentUsers(meetingId)) await markOnlinePresence(sql, userId, meetingId, now);
  await live.sessionChanged(meetingId);
}

/** 结束会议: attendance is frozen (late sign-ins need the host's correction); make-up study is assigned. */
export async function endLiveSession(sql: Sql, live: LiveAccess, actor: Actor, meetingId: string, now = new Date()) {
  const { row, run } = await load(sql, actor.subject, meetingId);
  if (!run) throw NOT_RUNNER();
  if (row.status === "cancelled") throw new DomainError("会议已取消。", 409);
  if (!row.session_started_at) throw new DomainError("会议还没有开始，不能结束。", 409);
  if (row.session_ended_at) throw new DomainError("会议已经结束。", 409);
  const r = await closeAttendance(sql, actor, meetingId, now);
  await live.sessionChanged(meetingId);
  // A 组织生活会's attendees read its confidential records only while it is in progress.
  if (hasLifeCycle(row.kind)) {
    const invitees = await sql<
      { user_id: string }[]
    >`select user_id from meeting_invitees where meeting_id = ${meetingId}`;
    live.accessChanged(invitees.map((i) => i.user_id));
  }
  return r;
}

/** The host moves the session to an agenda item (or back to none); everyone's page follows. */
export async function moveAgenda(sql: Sql, live: LiveAccess, actor: Actor, meetingId: string, itemId: string | null) {
  const { row, run, scope } = await load(sql, actor.subject, meetingId);
  if (!run) throw NOT_RUNNER();
  refuseIfSealed(scope);
  if (row.status === "cancelled") throw new DomainError("会议已取消。", 409);
  if (row.session_ended_at) throw new DomainError("会议已经结束，议程不能再切换。", 409);
  if (itemId !== null) {
    const [item] = await sql`select 1 from meeting_agenda_items where id = ${itemId} and meeting_id = ${meetingId}`;
    if (!item) throw new DomainError("所选议程不属于本次会议。", 400, "itemId");
  }
  await sql`update meetings set current_agenda_item_id = ${itemId} where id = ${meetingId}`;
  forgetMeetingScope(actor.subject, meetingId);
  await live.sessionChanged(meetingId, { agendaItemId: itemId });
}

/**
 * The host allows (or stops allowing) someone on the list to co-edit the minutes. Takes effect
 * on their open connection at once.
 */
export async function setMinutesEditor(
  sql: Sql,
  live: LiveAccess,
  actor: Actor,
  meetingId: string,
  userId: string,
  allowed: boolean,
) {
  const { row, run, scope } = await load(sql, actor.subject, meetingId);
  if (!run) throw new DomainError("只有主持人、书记或组织委员可以指定协同记录人。", 403);
  refuseIfSealed(scope);
  if (row.status === "cancelled") throw new DomainError("会议已取消。", 409);
  const [person] = await sql<{ name: string }[]>`
    select u.display_name as name from meeting_invitees i join users u on u.id = i.user_id
    where i.meeting_id = ${meetingId} and i.user_id = ${userId}`;
  if (!person) throw new DomainError("只能从本次会议的应到或列席人员中指定协同记录人。", 400, "userId");
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const changed = allowed
      ? await t`
          insert into meeting_minutes_editors (meeting_id, user_id, added_by) values (${meetingId}, ${userId}, ${actor.userId})
          on conflict do nothing returning 1`
      : await t`delete from meeting_minutes_editors where meeting_id = ${meetingId} and user_id = ${userId} returning 1`;
    if (changed.length === 0) return;
    await audit(t, {
      actorId: actor.userId,
      action: allowed ? "minutes.editor_added" : "minutes.editor_removed",
      orgId: row.org_id,
      subjectUserId: userId,
      detail: { meeting: row.title },
      address: actor.address,
    });
  });
  live.accessChanged([userId]);
  await live.sessionChanged(meetingId);
}
