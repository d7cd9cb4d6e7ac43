import { MEETING_KINDS, type MeetingKind } from "./labels";
import { LAPSE_MONTHS, type KindRule } from "./kind-rules";
import { periodsBetween, type Period } from "./periods";
import { addMonthsClamped, chinaDayStart, daysBetween, DAY_MS } from "../time";

// What the secretary needs to keep the branch's organisational life in order: which required
// meetings are held, arranged or still to arrange, which minutes are outstanding, who has missed
// meetings repeatedly and who is approaching six months without organisational life.
// This is help for the secretary, not a ranking: no points, no scores, no league tables. Lists are
// ordered by date or by name, never by "performance".

export type MeetingStatus = "scheduled" | "cancelled" | "planned";

export interface ComplianceMeeting {
  id?: string;
  kind: MeetingKind;
  orgId: string;
  startsAt: Date;
  /** planned: proposed by the annual plan, not confirmed; scheduled: on the calendar. */
  status: MeetingStatus;
  /** When the host actually started the session, if recorded. */
  heldAt?: Date | null;
  hasMinutes: boolean;
}

/** A scheduled (not cancelled, not merely planned) meeting that has taken place by `now`. */
export function isHeld(m: Pick<ComplianceMeeting, "status" | "startsAt" | "heldAt">, now: Date): boolean {
  if (m.status !== "scheduled") return false;
  return m.startsAt.getTime() < now.getTime() || (m.heldAt != null && m.heldAt.getTime() < now.getTime());
}

export interface Compliance {
  /** Cadence periods (× groups, for 党小组会) that fall due within the period looked at. */
  required: number;
  /** Meetings in the period that have taken place. */
  held: number;
  /** Meetings in the period on the calendar, still to come. */
  scheduled: number;
  /** Meetings in the period proposed by the annual plan and not yet confirmed. */
  planned: number;
  /** Required periods with no meeting held or scheduled in them: still to arrange (or missed). */
  missing: number;
  /** Of those, the ones whose period has already ended: missed. */
  overdue: number;
  /** The last day (local midnight) of the earliest period still open with nothing held or scheduled. */
  nextDue: Date | null;
}

export interface KindCompliance extends Compliance {
  kind: MeetingKind;
  /** For 党小组会: the same per group, in the order the groups were given. */
  groups?: ({ orgId: string } & Compliance)[];
}

export interface RequiredVsHeldInput {
  rules: Record<MeetingKind, Pick<KindRule, "cadence">>;
  /** The period looked at, [start, end): usually a quarter or a year from periodOf / periodsInYear. */
  period: Pick<Period, "start" | "end">;
  /**
   * The organisation's meetings (and its groups'). Include the whole of any cadence period that
   * reaches before `period.start` (e.g. the quarter when looking at one month), so a meeting earlier
   * in that cadence period counts.
   */
  meetings: readonly ComplianceMeeting[];
  now: Date;
  /** The organisation's 党小组: 党小组会 are required once per cadence period for each. */
  groupIds?: readonly string[];
  /**
   * When the system started judging the organisation (local midnight of its tracking start date):
   * only cadence periods that begin on or after it are required. Nothing is overdue before an
   * organisation exists (domain.md); a period already running when tracking started is not owed,
   * though a meeting held in it still counts as held.
   */
  trackingStart?: Date;
  /** The kinds the organisation answers for (kind-rules.ts kindsAnswered); all kinds when absent. */
  kinds?: readonly MeetingKind[];
}

function within(d: Date, start: Date, end: Date): boolean {
  return d.getTime() >= start.getTime() && d.getTime() < end.getTime();
}

function lastDayOf(p: Period): Date {
  return chinaDayStart(new Date(p.end.getTime() - DAY_MS));
}

function countFor(
  duePeriods: Period[],
  period: Pick<Period, "start" | "end">,
  meetings: readonly ComplianceMeeting[],
  now: Date,
): Compliance {
  const c: Compliance = {
    required: duePeriods.length,
    held: 0,
    scheduled: 0,
    planned: 0,
    missing: 0,
    overdue: 0,
    nextDue: null,
  };
  for (const m of meetings) {
    if (!within(m.startsAt, period.start, period.end)) continue;
    if (m.status === "planned") c.planned++;
    else if (m.status === "scheduled") {
      if (isHeld(m, now)) c.held++;
      else c.scheduled++;
    }
  }
  for (const p of duePeriods) {
    const covered = meetings.some((m) => m.status === "scheduled" && within(m.startsAt, p.start, p.end));
    if (covered) continue;
    c.missing++;
    if (p.end.getTime() <= now.getTime()) c.overdue++;
    else if (c.nextDue === null) c.nextDue = lastDayOf(p);
  }
  return c;
}

/**
 * Per kind, for one organisation and period: how many meetings are required (one per cadence
 * period that falls due within the period, so a quarter needs 1 支部党员大会 and 3 主题党日 but a
 * first quarter no 组织生活会), how many were held, are scheduled or only planned, how many required
 * periods have nothing held or scheduled, and the next due date. Cancelled meetings count nowhere.
 * 党小组会 count per group (matched by orgId); the other kinds count whichever organisation held
 * them (a 组织生活会 may be held in the groups).
 */
export function requiredVsHeld(input: RequiredVsHeldInput): KindCompliance[] {
  const { rules, period, meetings, now } = input;
  const groupIds = input.groupIds ?? [];
  const from = input.trackingStart?.getTime() ?? -Infinity;
  return (input.kinds ?? MEETING_KINDS).map((kind): KindCompliance => {
    const due = periodsBetween(rules[kind].cadence, period.start, period.end).filter(
      (p) => p.end.getTime() <= period.end.getTime() && p.start.getTime() >= from,
    );
    const ofKind = meetings.filter((m) => m.kind === kind);
    if (kind !== "group_meeting") return { kind, ...countFor(due, period, ofKind, now) };

    const groups = groupIds.map((orgId) => ({
      orgId,
      ...countFor(
        due,
        period,
        ofKind.filter((m) => m.orgId === orgId),
        now,
      ),
    }));
    const total = countFor([], period, ofKind, now);
    for (const g of groups) {
      total.required += g.required;
      total.missing += g.missing;
      total.overdue += g.overdue;
      if (g.nextDue && (!total.nextDue || g.nextDue < total.nextDue)) total.nextDue = g.nextDue;
    }
    return { kind, ...total, groups };
  });
}

export interface MinutesDue<M> {
  meeting: M;
  /** The last day (local midnight) by which the minutes should be written. */
  dueOn: Date;
  /** The due day has passed. */
  overdue: boolean;
}

/**
 * Meetings that have taken place but have no minutes yet, oldest first, each with the day the
 * minutes are due (`minutesDueDays` days after the meeting day) and whether that has passed.
 */
export function meetingsWithoutMinutes<
  M extends Pick<ComplianceMeeting, "startsAt" | "status" | "heldAt" | "hasMinutes">,
>(meetings: readonly M[], now: Date, minutesDueDays: number): MinutesDue<M>[] {
  return meetings
    .filter((m) => !m.hasMinutes && isHeld(m, now))
    .map((m) => {
      const dueOn = new Date(chinaDayStart(m.startsAt).getTime() + minutesDueDays * DAY_MS);
      return { meeting: m, dueOn, overdue: now.getTime() >= dueOn.getTime() + DAY_MS };
    })
    .sort((a, b) => a.meeting.startsAt.getTime() - b.meeting.startsAt.getTime());
}

export type AttendanceStatus = "present" | "late" | "left_early" | "absent" | "leave";

export interface AttendanceRow {
  userId: string;
  /** For ordering the list by name; optional. */
  name?: string;
  meetingId: string;
  startsAt: Date;
  status: AttendanceStatus;
}

export interface AbsenceAlert {
  userId: string;
  name?: string;
  /** Unexcused absences in the rows given. */
  count: number;
  /** The meetings missed, oldest first. */
  dates: Date[];
  meetingIds: string[];
}

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");

function byNameThenId(a: { name?: string; userId: string }, b: { name?: string; userId: string }): number {
  return byPinyin.compare(a.name ?? "", b.name ?? "") || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

/**
 * Members with `threshold` or more unexcused absences ("absent"; approved leave does not count)
 * among the rows given (the caller picks the window, e.g. this year), for a talk with the 书记.
 * Ordered by name, then id: not a ranking.
 */
export function repeatedAbsences(attendance: readonly AttendanceRow[], threshold: number): AbsenceAlert[] {
  const min = Math.max(1, Math.floor(threshold));
  const byUser = new Map<string, { name?: string; missed: Map<string, Date> }>();
  for (const row of attendance) {
    if (row.status !== "absent") continue;
    let u = byUser.get(row.userId);
    if (!u) byUser.set(row.userId, (u = { name: row.name, missed: new Map() }));
    u.name ??= row.name;
    u.missed.set(row.meetingId, row.startsAt);
  }
  const out: AbsenceAlert[] = [];
  for (const [userId, u] of byUser) {
    if (u.missed.size < min) continue;
    const missed = [...u.missed].sort((a, b) => a[1].getTime() - b[1].getTime());
    out.push({
      userId,
      ...(u.name !== undefined ? { name: u.name } : {}),
      count: missed.length,
      dates: missed.map(([, d]) => d),
      meetingIds: missed.map(([id]) => id),
    });
  }
  return out.sort(byNameThenId);
}

const ATTENDED: ReadonlySet<AttendanceStatus> = new Set(["present", "late", "left_early"]);

/**
 * The last organisational life each person attended (present, late or left early), across all the
 * organisations the rows come from: pass the attendance of every organisation a member belongs to,
 * so that a member in two organisations (双重组织生活) counts attendance in either. Meetings after
 * `now` are ignored.
 */
export function lastAttendedLife(
  attendance: readonly Pick<AttendanceRow, "userId" | "startsAt" | "status">[],
  now?: Date,
): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const row of attendance) {
    if (!ATTENDED.has(row.status)) continue;
    if (now && row.startsAt.getTime() > now.getTime()) continue;
    const prev = out.get(row.userId);
    if (!prev || row.startsAt > prev) out.set(row.userId, row.startsAt);
  }
  return out;
}

export interface LapseMember {
  userId: string;
  name: string;
  orgIds: string[];
  /** When they joined the Party or the organisation: counted from when there is no attendance yet. */
  since?: Date | null;
}

export interface LapseWarning {
  userId: string;
  name: string;
  orgIds: string[];
  /** The last organisational life attended in any of their organisations, or null. */
  lastLife: Date | null;
  /** The date counted from: lastLife, else `since`; null when neither is known. */
  countedFrom: Date | null;
  /** Calendar days since countedFrom; null when unknown. */
  daysSince: number | null;
  /** Six months after countedFrom (local midnight; 31 Aug → 28/29 Feb); null when unknown. */
  lapsesOn: Date | null;
  /** Six months have already passed: the branch must deal with it now. */
  lapsed: boolean;
}

/**
 * The early warning against 自行脱党: members whose last organisational life (in any of their
 * organisations) is `warnAfterDays` days ago or more, or who have passed six months, so the 书记
 * can talk with them well before the six months are up. A member with no attendance and no
 * `since` date is listed too (nothing is known). The reasons (sick leave, work away) are for the
 * 书记 to judge. Ordered by lapsesOn, soonest first (unknown first), then by name.
 */
export function lapseWarnings(input: {
  members: readonly LapseMember[];
  lastLife: ReadonlyMap<string, Date | null>;
  now: Date;
  warnAfterDays: number;
}): LapseWarning[] {
  const { members, lastLife, now, warnAfterDays } = input;
  const out: LapseWarning[] = [];
  for (const m of members) {
    const last = lastLife.get(m.userId) ?? null;
    const countedFrom = last ?? m.since ?? null;
    const base = { userId: m.userId, name: m.name, orgIds: [...m.orgIds], lastLife: last, countedFrom };
    if (!countedFrom) {
      out.push({ ...base, daysSince: null, lapsesOn: null, lapsed: false });
      continue;
    }
    const daysSince = Math.max(0, daysBetween(countedFrom, now));
    const lapsesOn = addMonthsClamped(countedFrom, LAPSE_MONTHS);
    const lapsed = now.getTime() >= lapsesOn.getTime();
    if (daysSince >= warnAfterDays || lapsed) out.push({ ...base, daysSince, lapsesOn, lapsed });
  }
  const when = (w: LapseWarning) => w.lapsesOn?.getTime() ?? Number.MIN_SAFE_INTEGER;
  return out.sort((a, b) => when(a) - when(b) || byNameThenId(a, b));
}
