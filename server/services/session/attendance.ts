import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Sql } from "../../../db/client";
import {
  attemptFailed,
  attemptSucceeded,
  attendanceCodeRule,
  reserveAttempt,
  type DelayRule,
  type Slot,
} from "../../auth/throttle";
import {
  countModes,
  meetingForm,
  modeFor,
  modeRefusal,
  type AttendanceMode,
  type MeetingForm,
} from "../../../shared/domain/attendance-mode";
import { MEETING_KIND_LABEL, type MeetingKind } from "../../../shared/domain/labels";
import { leaveDecisionAccess, type Access, type Subject } from "../../../shared/permissions";
import type { Actor } from "../actor";
import { audit } from "../audit";
import { DomainError, hidden, UUID_RE } from "../errors";
import { notify } from "../notifications";
import {
  forgetMeetingScope,
  loadMeetingScope,
  meetingRecord,
  refuseIfSealed,
  type MeetingRecord,
} from "../meeting-scope";
import { loadSubjects } from "../people/subjects";
import { CHINA_TIME_ZONE } from "../../../shared/time";

// Attendance (应到 / 实到 / 请假 / 缺席 / 迟到 / 早退, 列席), the host's rotating sign-in code,
// leave requests and make-up study (补学). Every function checks sessionAccess or
// leaveDecisionAccess from shared/permissions on data it loads itself.

export type AttendanceStatus = "present" | "late" | "left_early" | "absent" | "leave";
export const STATUS_LABEL: Record<AttendanceStatus | "pending", string> = {
  present: "出席",
  late: "迟到",
  left_early: "早退",
  absent: "缺席",
  leave: "请假",
  pending: "未签到",
};

/** The code changes every 30 seconds; the one before is still taken, so a code read just before it turns works. */
export const CODE_STEP_MS = 30_000;
/** Signing in opens this long before the start. */
export const SIGNIN_OPENS_MS = 30 * 60_000;
/** Arriving later than this after the start counts as 迟到 (a local rule; default ten minutes). */
export const LATE_AFTER_MS = 10 * 60_000;

type Loaded = MeetingRecord;

const formOf = (m: Loaded): MeetingForm => meetingForm({ location: m.row.location, onlineUrl: m.row.online_url });

async function access(sql: Sql, subject: Subject, meetingId: string): Promise<{ m: Loaded; access: Access }> {
  const m = await loadMeetingScope(sql, subject, meetingId);
  return { m, access: m.session };
}

const requireManage = async (sql: Sql, actor: Actor, meetingId: string) => {
  const r = await access(sql, actor.subject, meetingId);
  if (r.access !== "manage") throw new DomainError("只有主持人、书记或组织委员可以管理本次会议的考勤。", 403);
  return r.m;
};

/** The 6-digit code for a time window: HMAC of the meeting's secret and the window number. */
function codeFor(secret: string, window: number): string {
  const mac = createHmac("sha256", secret).update(String(window)).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, "0");
}

async function secretOf(sql: Sql, m: Loaded): Promise<string> {
  if (m.row.signin_secret) return m.row.signin_secret;
  const secret = randomBytes(32).toString("base64url");
  const [row] = await sql<{ signin_secret: string }[]>`
    update meetings set signin_secret = coalesce(signin_secret, ${secret}) where id = ${m.row.id} returning signin_secret`;
  // The scope this request shares keeps the secret now stored.
  m.row.signin_secret = row.signin_secret;
  return row.signin_secret;
}

/** The code the host shows now, and when it turns. Only for those who manage the attendance. */
export async function currentCode(sql: Sql, actor: Actor, meetingId: string, now = new Date()) {
  const m = await requireManage(sql, actor, meetingId);
  const window = Math.floor(now.getTime() / CODE_STEP_MS);
  return { code: codeFor(await secretOf(sql, m), window), turnsAt: new Date((window + 1) * CODE_STEP_MS) };
}

function sameCode(a: string, b: string) {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function checkWindow(m: Loaded, now: Date) {
  if (m.row.status === "cancelled") throw new DomainError("会议已取消，无需签到。", 409);
  const opens = m.row.starts_at.getTime() - SIGNIN_OPENS_MS;
  const closes = (m.row.session_ended_at ?? m.row.ends_at).getTime();
  if (now.getTime() < opens || now.getTime() > closes)
    throw new DomainError("不在签到时间内：签到从会议开始前 30 分钟开放，到会议结束为止。迟到补签请联系主持人。", 409);
}

/**
 * Signs the signed-in member in with the host's code. Nobody can sign in someone else. The code is
 * shown only in the room, so it records 现场 (线上 for a meeting without a room); someone the
 * session page had recorded 线上 who then types the code is in the room after all: the record
 * becomes 现场, keeping when they came.
 */
export async function signInWithCode(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  code: string,
  now = new Date(),
  rule: DelayRule = attendanceCodeRule(),
) {
  const { m } = await access(sql, actor.subject, meetingId);
  if (!m.invited) throw new DomainError("你不在本次会议的应到或列席名单中；如需参加，请联系主持人。", 403);
  checkWindow(m, now);
  const typed = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(typed)) throw new DomainError("签到码是 6 位数字。", 400, "code");
  // A million codes, two of them valid at a time: guessing is slowed per person and meeting, in
  // the database so every node counts the same, before the code is compared.
  const slots: Slot[] = [{ key: `code:${meetingId}:${actor.userId}`, rule }];
  const reserved = await reserveAttempt(sql, slots);
  if (!reserved.ok)
    throw new DomainError(`签到码错误次数过多，请 ${reserved.retryAfterSeconds} 秒后再试。`, 429, "code");
  const secret = await secretOf(sql, m);
  const window = Math.floor(now.getTime() / CODE_STEP_MS);
  if (!sameCode(typed, codeFor(secret, window)) && !sameCode(typed, codeFor(secret, window - 1))) {
    await attemptFailed(sql, slots);
    throw new DomainError("签到码不正确或已过期，请看主持人屏幕上的最新签到码。", 400, "code");
  }
  await attemptSucceeded(sql, slots);
  const status: AttendanceStatus = now.getTime() > m.row.starts_at.getTime() + LATE_AFTER_MS ? "late" : "present";
  const mode = modeFor(formOf(m), "code");
  const [row] = await sql<{ status: AttendanceStatus; mode: AttendanceMode; upgraded: boolean }[]>`
    insert into attendance as a (meeting_id, user_id, status, signed_in_at, via, mode)
    values (${meetingId}, ${actor.userId}, ${status}, ${now}, 'code', ${mode})
    on conflict (meeting_id, user_id) do update set via = 'code', mode = excluded.mode, updated_at = now()
      where a.via = 'online' and a.status in ('present', 'late', 'left_early')
    returning a.status, a.mode, (a.xmax::text <> '0') as upgraded`;
  if (!row) throw new DomainError("你已经签到过了，无需重复签到。", 409);
  return { status: row.status, mode: row.mode, upgraded: row.upgraded };
}

/**
 * Being on the live session page counts as presence (called when a member opens the session's
 * live channel, and for everyone on it when the host starts). It counts only between the host's
 * start and end: before the start nothing is recorded, after the end the host corrects. For
 * someone not on the list it does nothing. It is 线上 when the meeting has an online link, 现场 when
 * it is held only in a room, and 现场 for the host of a meeting with a room (decision 028).
 */
export async function markOnlinePresence(
  sql: Sql,
  userId: string,
  meetingId: string,
  now = new Date(),
): Promise<boolean> {
  const m = await meetingRecord(sql, meetingId, userId);
  if (!m?.invited || m.row.status === "cancelled") return false;
  if (!m.row.session_started_at || m.row.session_ended_at) return false;
  const status: AttendanceStatus = now.getTime() > m.row.starts_at.getTime() + LATE_AFTER_MS ? "late" : "present";
  const rows = await sql`
    insert into attendance (meeting_id, user_id, status, signed_in_at, via, mode)
    values (${meetingId}, ${userId}, ${status}, ${now}, 'online', ${pageMode(m, userId)})
    on conflict (meeting_id, user_id) do nothing returning 1`;
  return rows.length > 0;
}

/**
 * What being on the session page records: by the meeting's form, except that the host of a
 * meeting with a room chairs it from the room, where the code is shown (decision 028).
 */
function pageMode(m: Loaded, userId: string): AttendanceMode {
  const form = formOf(m);
  return form === "mixed" && userId === m.row.host_id ? "onsite" : modeFor(form, "page");
}

const CAME_STATUSES: readonly AttendanceStatus[] = ["present", "late", "left_early"];

/**
 * The host's correction of one person's attendance (and how they attended), with a reason, kept
 * and logged. A mode is kept only for someone who came; without one, the record's own stays (or
 * 现场, or 线上 for a meeting without a room).
 */
export async function correctAttendance(
  sql: Sql,
  actor: Actor,
  meetingId: string,
  input: { userId: string; status: AttendanceStatus; mode?: AttendanceMode | null; reason: string },
) {
  const m = await requireManage(sql, actor, meetingId);
  refuseIfSealed(m);
  if (!UUID_RE.test(input.userId)) throw hidden();
  const [inv] = await sql`select 1 from meeting_invitees where meeting_id = ${meetingId} and user_id = ${input.userId}`;
  if (!inv) throw new DomainError("此人不在本次会议的应到或列席名单中。", 400, "userId");
  const reason = input.reason.trim();
  if (reason.length < 2) throw new DomainError("请填写更正原因。", 400, "reason");
  const form = formOf(m);
  const came = CAME_STATUSES.includes(input.status);
  if (came && input.mode) {
    const no = modeRefusal(form, input.mode);
    if (no) throw new DomainError(no, 400, "mode");
  }
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [before] = await t<{ status: string; mode: AttendanceMode | null }[]>`
      select status, mode from attendance where meeting_id = ${meetingId} and user_id = ${input.userId}
      for update`;
    const kept = before?.mode && !modeRefusal(form, before.mode) ? before.mode : null;
    const mode = came ? (input.mode ?? kept ?? modeFor(form, "code")) : null;
    await t`
      insert into attendance (meeting_id, user_id, status, via, mode, corrected_by, correction_reason, updated_at)
      values (${meetingId}, ${input.userId}, ${input.status}, 'host', ${mode}, ${actor.userId}, ${reason}, now())
      on conflict (meeting_id, user_id) do update set status = excluded.status, mode = excluded.mode,
        corrected_by = excluded.corrected_by, correction_reason = excluded.correction_reason, updated_at = now()`;
    await audit(t, {
      actorId: actor.userId,
      action: "attendance.correct",
      orgId: m.row.org_id,
      subjectUserId: input.userId,
      detail: {
        meeting: m.row.title,
        from: before?.status ?? null,
        to: input.status,
        fromMode: before?.mode ?? null,
        toMode: mode,
        reason,
      },
      address: actor.address,
    });
    return { mode };
  });
}

export interface SheetRow {
  userId: string;
  name: string;
  role: "attendee" | "guest";
  status: AttendanceStatus | "pending";
  signedInAt: Date | null;
  via: string | null;
  /** 现场 / 线上 for someone who came; null otherwise (or never recorded). */
  mode: AttendanceMode | null;
  correctionReason: string | null;
  leave: { id: string; status: string; reason: string } | null;
}

export interface Sheet {
  rows: SheetRow[];
  /** 应到, 实到, 请假, 缺席, 迟到, 早退, 列席 (guests who came). */
  counts: {
    expected: number;
    present: number;
    leave: number;
    absent: number;
    late: number;
    leftEarly: number;
    guests: number;
    /** Of 实到: in the room, online, and not recorded (records the rules could not place). */
    onsite: number;
    online: number;
    modeUnknown: number;
  };
  over: boolean;
  /** The meeting's form: a room, online, or both (decision 028). */
  form: MeetingForm;
}

/** The attendance table: everyone on the list, with what is known; after the end, no record means 缺席. */
export async function attendanceSheet(sql: Sql, subject: Subject, meetingId: string, now = new Date()): Promise<Sheet> {
  const { m } = await access(sql, subject, meetingId);
  const over = now.getTime() > (m.row.session_ended_at ?? m.row.ends_at).getTime();
  const rows = await sql<
    {
      userId: string;
      name: string;
      role: "attendee" | "guest";
      status: AttendanceStatus | null;
      signedInAt: Date | null;
      via: string | null;
      mode: AttendanceMode | null;
      correctionReason: string | null;
      leave: SheetRow["leave"];
    }[]
  >`
    select i.user_id as "userId", u.display_name as name, i.role, a.status, a.signed_in_at as "signedInAt", a.via, a.mode,
      a.correction_reason as "correctionReason",
      (select json_build_object('id', l.id, 'status', l.status, 'reason', l.reason) from leave_requests l
        where l.meeting_id = i.meeting_id and l.user_id = i.user_id and l.status in ('pending', 'approved')
        limit 1) as leave
    from meeting_invitees i join users u on u.id = i.user_id
      left join attendance a on a.meeting_id = i.meeting_id and a.user_id = i.user_id
    where i.meeting_id = ${meetingId}
    order by i.role, u.display_name`;
  const sheet: SheetRow[] = rows.map((r) => ({
    ...r,
    status: r.status ?? (r.leave?.status === "approved" ? "leave" : over ? "absent" : "pending"),
  }));
  const att = sheet.filter((r) => r.role === "attendee");
  const came = (s: SheetRow["status"]) => s === "present" || s === "late" || s === "left_early";
  const modes = countModes(att.filter((r) => came(r.status)).map((r) => r.mode));
  return {
    rows: sheet,
    counts: {
      expected: att.length,
      present: att.filter((r) => came(r.status)).length,
      leave: att.filter((r) => r.status === "leave").length,
      absent: att.filter((r) => r.status === "absent").length,
      late: att.filter((r) => r.status === "late").length,
      leftEarly: att.filter((r) => r.status === "left_early").length,
      guests: sheet.filter((r) => r.role === "guest" && came(r.status)).length,
      onsite: modes.onsite,
      online: modes.online,
      modeUnknown: modes.unknown,
    },
    over,
    form: formOf(m),
  };
}

/**
 * The sheet for an export (the attendance CSV): only for those who manage the attendance, since
 * leave and correction reasons can be private.
 */
export async function attendanceExport(sql: Sql, actor: Actor, meetingId: string, now = new Date()) {
  const m = await requireManage(sql, actor, meetingId);
  const sheet = await attendanceSheet(sql, actor.subject, meetingId, now);
  return { meeting: { title: m.row.title, kind: m.row.kind, startsAt: m.row.starts_at }, sheet };
}

/**
 * Who is told of a leave request: everyone who may decide it (shared/permissions'
 * leaveDecisionAccess). The candidates are the people of the meeting's organisation chain, the host
 * and those of the requester's own organisations; the permission module says which of them decide.
 */
async function approversOf(sql: Sql, m: Loaded, requesterId: string): Promise<string[]> {
  const requesterOrgs = (
    await sql<{ org_id: string }[]>`select org_id from memberships where user_id = ${requesterId} and ended_at is null`
  ).map((r) => r.org_id);
  const candidates = await sql<{ user_id: string }[]>`
    select distinct user_id from memberships
    where ended_at is null and org_id = any(${[...m.resource.orgPath, ...requesterOrgs]}) and user_id <> ${requesterId}`;
  const ids = new Set(candidates.map((r) => r.user_id));
  if (m.row.host_id && m.row.host_id !== requesterId) ids.add(m.row.host_id);
  const invited = new Set(
    (await sql<{ user_id: string }[]>`select user_id from meeting_invitees where meeting_id = ${m.row.id}`).map(
      (r) => r.user_id,
    ),
  );
  const subjects = await loadSubjects(sql, [...ids]);
  return subjects
    .filter(
      (subject) =>
        leaveDecisionAccess(subject, {
          meeting: m.resource,
          hostId: m.row.host_id,
          invited: invited.has(subject.userId),
          requesterGroupIds: requesterOrgs,
        }) === "manage",
    )
    .map((subject) => subject.userId);
}

const when = (d: Date) =>
  new Intl.DateTimeFormat("zh-CN", {
    timeZone: CHINA_TIME_ZONE,
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(d);

/** A member asks leave before the meeting, with a reason; approvers are notified. */
export async function requestLeave(sql: Sql, actor: Actor, meetingId: string, reason: string, now = new Date()) {
  const { m } = await access(sql, actor.subject, meetingId);
  if (m.invited?.role !== "attendee") throw new DomainError("你不在本次会议的应到名单中，无需请假。", 403);
  if (m.row.status === "cancelled") throw new DomainError("会议已取消，无需请假。", 409);
  if (now >= m.row.starts_at) throw new DomainError("会议已经开始，不能再请假；如有特殊情况，请直接联系主持人。", 409);
  const text = reason.trim();
  if (text.length < 2) throw new DomainError("请填写请假原因。", 400, "reason");
  if (text.length > 200) throw new DomainError("请假原因最长 200 字。", 400, "reason");
  const [open] = await sql<{ status: string }[]>`
    select status from leave_requests where meeting_id = ${meetingId} and user_id = ${actor.userId}
      and status in ('pending', 'approved')`;
  if (open)
    throw new DomainError(open.status === "approved" ? "你的请假已获批准。" : "你已提交请假申请，正在等待审批。", 409);
  const [row] = await sql<{ id: string }[]>`
    insert into leave_requests (meeting_id, user_id, reason) values (${meetingId}, ${actor.userId}, ${text})
    on conflict do nothing returning id`;
  if (!row) throw new DomainError("你已提交请假申请，正在等待审批。", 409);
  const [me] = await sql<{ display_name: string }[]>`select display_name from users where id = ${actor.userId}`;
  await notify(sql, await approversOf(sql, m, actor.userId), {
    kind: "leave.requested",
    title: `请假申请：${me.display_name}，${MEETING_KIND_LABEL[m.row.kind]}“${m.row.title}”（${when(m.row.starts_at)}）`,
    link: `/meetings/${meetingId}/attendance`,
  });
  return row.id;
}

/** Approves or declines a pending leave request; the member is told. */
export async function decideLeave(
  sql: Sql,
  actor: Actor,
  leaveId: string,
  decision: { approve: boolean; note: string },
) {
  if (!UUID_RE.test(leaveId)) throw hidden();
  const [l] = await sql<{ meeting_id: string; user_id: string; status: string }[]>`
    select meeting_id, user_id, status from leave_requests where id = ${leaveId}`;
  if (!l) throw hidden();
  const m = await loadMeetingScope(sql, actor.subject, l.meeting_id);
  const groups = await sql<{ org_id: string }[]>`
    select org_id from memberships where user_id = ${l.user_id} and ended_at is null`;
  const a = leaveDecisionAccess(actor.subject, {
    meeting: m.resource,
    hostId: m.row.host_id,
    invited: m.invited !== null,
    requesterGroupIds: groups.map((g) => g.org_id),
  });
  // A leave request (and its private reason) is not shown to anyone who may not decide it: 404.
  if (a !== "manage") throw hidden();
  const rows = await sql`
    update leave_requests set status = ${decision.approve ? "approved" : "declined"}, decided_by = ${actor.userId},
      decided_at = now(), decision_note = ${decision.note.trim() || null}
    where id = ${leaveId} and status = 'pending' returning 1`;
  if (rows.length === 0) throw new DomainError("这条请假申请已经处理过了。", 409);
  await notify(sql, [l.user_id], {
    kind: "leave.decided",
    title: `${decision.approve ? "请假已批准" : "请假未批准"}：“${m.row.title}”${decision.note.trim() ? `（${decision.note.trim()}）` : ""}`,
    link: `/meetings/${l.meeting_id}/attendance`,
  });
}

/**
 * Closes attendance after the meeting: freezes it (later changes are the host's corrections)
 * and gives everyone on the 应到 list who was absent or on leave a make-up study task.
 */
/**
 * 开始会议: the host (or a manager) starts the session, from 30 minutes before the scheduled start
 * until its end. Votes can be opened only in a started session; ending it is closeAttendance.
 */
export async function startSession(sql: Sql, actor: Actor, meetingId: string, now = new Date()) {
  const m = await requireManage(sql, actor, meetingId);
  if (m.row.status === "cancelled") throw new DomainError("会议已取消，不能开始。", 409);
  if (m.row.session_ended_at) throw new DomainError("会议已经结束，不能再开始。", 409);
  if (now.getTime() < m.row.starts_at.getTime() - SIGNIN_OPENS_MS)
    throw new DomainError("会议开始前 30 分钟内才能开始会议。如需提前，请先改期。", 409);
  if (now > m.row.ends_at) throw new DomainError("已过会议结束时间，不能再开始。", 409);
  const [row] = await sql<{ id: string }[]>`
    update meetings set session_started_at = ${now}
    where id = ${meetingId} and session_started_at is null returning id`;
  forgetMeetingScope(actor.subject, meetingId);
  if (!row) throw new DomainError("会议已经开始。", 409);
}

export async function closeAttendance(sql: Sql, actor: Actor, meetingId: string, now = new Date()) {
  const m = await requireManage(sql, actor, meetingId);
  refuseIfSealed(m);
  if (now < (m.row.session_started_at ?? m.row.starts_at)) throw new DomainError("会议还没有开始，不能结束考勤。", 409);
  await sql`update meetings set session_ended_at = coalesce(session_ended_at, ${now}) where id = ${meetingId}`;
  forgetMeetingScope(actor.subject, meetingId);
  const sheet = await attendanceSheet(
    sql,
    actor.subject,
    meetingId,
    new Date(Math.max(now.getTime(), m.row.ends_at.getTime()) + 1),
  );
  const missing = sheet.rows.filter((r) => r.role === "attendee" && (r.status === "absent" || r.status === "leave"));
  const created = await sql<{ user_id: string }[]>`
    insert into makeup_tasks (meeting_id, user_id)
    select ${meetingId}, u from unnest(${missing.map((r) => r.userId)}::uuid[]) as u
    on conflict (meeting_id, user_id) do nothing returning user_id`;
  await notify(
    sql,
    created.map((c) => c.user_id),
    {
      kind: "makeup.assigned",
      title: `补学：${MEETING_KIND_LABEL[m.row.kind]}“${m.row.title}”`,
      link: "/makeup",
    },
  );
  return { makeups: created.length };
}

export interface PendingLeave {
  id: string;
  userId: string;
  name: string;
  reason: string;
  requestedAt: Date;
}

export interface AttendanceView {
  meeting: {
    id: string;
    title: string;
    kind: MeetingKind;
    orgName: string;
    startsAt: Date;
    endsAt: Date;
    location: string | null;
    cancelled: boolean;
    hostName: string | null;
    /** When the host started the session (开始会议), if they did. */
    startedAt: Date | null;
    /** When the host closed attendance (结束考勤), if they did. */
    closedAt: Date | null;
  };
  access: Access;
  /** The viewer's place on the list, if any. */
  invitedRole: "attendee" | "guest" | null;
  window: { opensAt: Date; closesAt: Date; open: boolean; started: boolean; over: boolean };
  /** The viewer's latest leave request for this meeting (a declined one too, with the note). */
  myLeave: { status: string; reason: string; note: string | null; decidedAt: Date | null } | null;
  /** Whether the viewer has a make-up task for this meeting, and if it is done. */
  myMakeup: { completedAt: Date | null } | null;
  /** Pending leave requests the viewer may decide (leaveDecisionAccess per requester). */
  decidable: PendingLeave[];
  /** Make-up tasks of the meeting, for those who manage its attendance. */
  makeups: { userId: string; completedAt: Date | null }[];
}

/** What the attendance page needs besides the sheet, as the viewer may see it. */
export async function attendanceView(
  sql: Sql,
  subject: Subject,
  meetingId: string,
  now = new Date(),
): Promise<AttendanceView> {
  const { m, access: a } = await access(sql, subject, meetingId);
  const [mine] = await sql<{ status: string; reason: string; note: string | null; decidedAt: Date | null }[]>`
    select status, reason, decision_note as note, decided_at as "decidedAt" from leave_requests
    where meeting_id = ${meetingId} and user_id = ${subject.userId} and status <> 'withdrawn'
    order by requested_at desc limit 1`;
  const [task] = await sql<{ completedAt: Date | null }[]>`
    select completed_at as "completedAt" from makeup_tasks where meeting_id = ${meetingId} and user_id = ${subject.userId}`;
  const pending = await sql<(PendingLeave & { groups: string[] })[]>`
    select l.id, l.user_id as "userId", u.display_name as name, l.reason, l.requested_at as "requestedAt",
      coalesce((select array_agg(ms.org_id::text) from memberships ms where ms.user_id = l.user_id and ms.ended_at is null),
        '{}'::text[]) as groups
    from leave_requests l join users u on u.id = l.user_id
    where l.meeting_id = ${meetingId} and l.status = 'pending' order by l.requested_at`;
  const decidable = pending
    .filter(
      (p) =>
        leaveDecisionAccess(subject, {
          meeting: m.resource,
          hostId: m.row.host_id,
          invited: m.invited !== null,
          requesterGroupIds: p.groups,
        }) === "manage",
    )
    .map(({ groups: _groups, ...p }) => p);
  const makeups =
    a === "manage"
      ? await sql<{ userId: string; completedAt: Date | null }[]>`
          select user_id as "userId", completed_at as "completedAt" from makeup_tasks where meeting_id = ${meetingId}`
      : [];
  const opensAt = new Date(m.row.starts_at.getTime() - SIGNIN_OPENS_MS);
  const closesAt = m.row.session_ended_at ?? m.row.ends_at;
  const cancelled = m.row.status === "cancelled";
  return {
    meeting: {
      id: m.row.id,
      title: m.row.title,
      kind: m.row.kind,
      orgName: m.row.org_name,
      startsAt: m.row.starts_at,
      endsAt: m.row.ends_at,
      location: m.row.location,
      cancelled,
      hostName: m.row.host_name,
      /** When the host started the session (开始会议), if they did. */
      startedAt: m.row.session_started_at,
      closedAt: m.row.session_ended_at,
    },
    access: a,
    invitedRole: m.invited?.role ?? null,
    window: {
      opensAt,
      closesAt,
      open: !cancelled && now >= opensAt && now <= closesAt,
      started: now >= (m.row.session_started_at ?? m.row.starts_at),
      over: now > closesAt,
    },
    myLeave: mine ?? null,
    myMakeup: task ?? null,
    decidable,
    makeups,
  };
}

export interface MakeupTask {
  id: string;
  meetingId: string;
  title: string;
  kind: MeetingKind;
  startsAt: Date;
  completedAt: Date | null;
  note: string | null;
}

export async function myMakeups(sql: Sql, userId: string): Promise<MakeupTask[]> {
  return sql<MakeupTask[]>`
    select t.id, t.meeting_id as "meetingId", m.title, m.kind, m.starts_at as "startsAt", t.completed_at as "completedAt", t.note
    from makeup_tasks t join meetings m on m.id = t.meeting_id
    where t.user_id = ${userId} order by t.completed_at nulls first, m.starts_at desc limit 50`;
}

/** The member records that they completed their make-up study, with the date. */
export async function completeMakeup(sql: Sql, actor: Actor, taskId: string, note: string) {
  if (!UUID_RE.test(taskId)) throw hidden();
  const rows = await sql`
    update makeup_tasks set completed_at = now(), note = ${note.trim().slice(0, 500) || null}
    where id = ${taskId} and user_id = ${actor.userId} and completed_at is null returning 1`;
  if (rows.length === 0) {
    const [t] = await sql`select 1 from makeup_tasks where id = ${taskId} and user_id = ${actor.userId}`;
    if (!t) throw hidden();
    throw new DomainError("这项补学已经完成。", 409);
  }
}
