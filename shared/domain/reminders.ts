import { MEETING_KIND_LABEL, type MeetingKind } from "./labels";
import { WEEKDAY_LABEL, type Cadence, type PeriodCadence } from "./kind-rules";
import { periodOf, type Period } from "./periods";
import { chinaParts, daysBetween, DAY_MS } from "../time";

// Time-based reminders (server/services/reminders.ts sends them): a meeting coming up within its
// notice days, and a required meeting not yet arranged while its cadence period runs out. Pure, so
// the windows and the wording are tested without a database. Days are China-time calendar days.

// ---------------------------------------------------------------------------------------------
// Meeting reminders
// ---------------------------------------------------------------------------------------------

/**
 * Whether the invitees should be reminded of a meeting now: it has not started, and its day is at
 * most `noticeDays` calendar days away (0 = on the day itself). The service applies the same rule in
 * SQL, on the China-time day numbers of the start and of `now`.
 */
export function reminderDue(startsAt: Date, noticeDays: number, now: Date): boolean {
  return startsAt.getTime() > now.getTime() && daysBetween(now, startsAt) <= noticeDays;
}

/** "11月24日（周二）14:30", in China time. */
export function reminderWhen(at: Date): string {
  const p = chinaParts(at);
  const hh = String(p.hour).padStart(2, "0");
  const mm = String(p.minute).padStart(2, "0");
  return `${p.month}月${p.day}日（${WEEKDAY_LABEL[p.weekday]}）${hh}:${mm}`;
}

export interface ReminderMeeting {
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  location?: string | null;
  onlineUrl?: string | null;
}

/** 「提醒：支部党员大会「…」将于 11月24日（周二）14:30 召开，地点：…」 */
export function reminderTitle(m: ReminderMeeting): string {
  const location = m.location?.trim();
  const where = location
    ? `，地点：${location}${m.onlineUrl ? "（也可线上参加）" : ""}`
    : m.onlineUrl
      ? "，线上召开"
      : "";
  return `提醒：${MEETING_KIND_LABEL[m.kind]}「${m.title}」将于 ${reminderWhen(m.startsAt)} 召开${where}`;
}

// ---------------------------------------------------------------------------------------------
// Due meetings
// ---------------------------------------------------------------------------------------------

/**
 * How many days before the end of its cadence period the managers are told that a required meeting
 * is not arranged yet: 10 days for a month (about a third of it), three weeks for a quarter, a month
 * for a half-year or a year (a 组织生活会 needs 谈心谈话 and 征求意见 first).
 */
export const DUE_WARNING_DAYS: Readonly<Record<PeriodCadence, number>> = {
  monthly: 10,
  bimonthly: 14,
  quarterly: 21,
  half_yearly: 30,
  yearly: 30,
};

/** Days to prepare, on top of the kind's notice days, that the warning always leaves. */
export const DUE_PREPARATION_DAYS = 7;

/**
 * The warning window in days for a cadence: DUE_WARNING_DAYS, but never less than the notice the
 * members must get plus a week to prepare (a 组织生活会 with 10 days' notice → 30; a monthly kind
 * with 20 days' notice → 27).
 */
export function dueWarningDays(cadence: PeriodCadence, noticeDays = 0): number {
  return Math.max(DUE_WARNING_DAYS[cadence], Math.max(0, noticeDays) + DUE_PREPARATION_DAYS);
}

export interface DueWarning {
  /** The current cadence period, with nothing arranged in it yet (the caller checks that). */
  period: Period;
  /** Local midnight from which the warning is given (never before the period starts). */
  from: Date;
  /** The period's last day, local midnight: "3月31日前需召开". */
  lastDay: Date;
}

/**
 * The current cadence period if `now` falls in its warning window, else null (also for a kind
 * without a cadence). Whether a meeting is already arranged in it is for the caller to check.
 */
export function dueWarning(cadence: Cadence, noticeDays: number, now: Date): DueWarning | null {
  if (cadence === "none") return null;
  const period = periodOf(cadence, now);
  const windowStart = new Date(period.end.getTime() - dueWarningDays(cadence, noticeDays) * DAY_MS);
  const from = windowStart.getTime() < period.start.getTime() ? period.start : windowStart;
  if (now.getTime() < from.getTime()) return null;
  return { period, from, lastDay: new Date(period.end.getTime() - DAY_MS) };
}

/** The current period in words: "本月", "本季度", "上半年" / "下半年", "本年度". */
export function currentPeriodWords(cadence: PeriodCadence, period: Pick<Period, "key">): string {
  switch (cadence) {
    case "monthly":
      return "本月";
    case "bimonthly":
      return "这两个月";
    case "quarterly":
      return "本季度";
    case "half_yearly":
      return period.key.endsWith("H2") ? "下半年" : "上半年";
    case "yearly":
      return "本年度";
  }
}

/** 「机关第一党支部本季度尚未安排支部党员大会，3月31日前需召开」 */
export function dueTitle(orgName: string, kind: MeetingKind, cadence: PeriodCadence, warning: DueWarning): string {
  const last = chinaParts(warning.lastDay);
  return `${orgName}${currentPeriodWords(cadence, warning.period)}尚未安排${MEETING_KIND_LABEL[kind]}，${last.month}月${last.day}日前需召开`;
}
