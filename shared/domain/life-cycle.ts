import type { MeetingKind } from "./labels";
import { chinaDateKey, chinaDayStart, daysBetween, DAY_MS } from "../time";

// Which meetings go through the 组织生活会 cycle (学习 → 征求意见 → 谈心谈话 → 对照检查 → 会议 → 整改;
// issue 16, docs/decisions/036) and the rules only such meetings have: the 民主生活会's quorum of
// two thirds and its report upward within 15 days. Pure; every other module asks here.

/** The kinds whose meeting page shows the stages and whose records follow lifeRecordAccess. */
export const LIFE_CYCLE_KINDS: readonly MeetingKind[] = ["life_meeting", "leadership_life_meeting"];

/** Whether meetings of this kind go through the 组织生活会 cycle. */
export const hasLifeCycle = (kind: MeetingKind | string): boolean =>
  (LIFE_CYCLE_KINDS as readonly string[]).includes(kind);

/** The kinds a 书记 may link as the cycle's study session: a 党课 or a 主题党日 (学习). */
export const STUDY_KINDS: readonly MeetingKind[] = ["party_lecture", "theme_day"];
export const isStudyKind = (kind: MeetingKind): boolean => STUDY_KINDS.includes(kind);

/** Kinds with a quorum of their own for the meeting to count (not for a vote): the 民主生活会's 2/3. */
export const LIFE_QUORUM_KINDS: readonly MeetingKind[] = ["leadership_life_meeting"];

export interface LifeQuorum {
  /** 应到: those on the list as attendees. */
  expected: number;
  present: number;
  /** The least number present: ⌈2/3 × expected⌉. */
  needed: number;
  holds: boolean;
}

/**
 * A 民主生活会 needs at least two thirds of those who should attend present (domain.md): 6 of 9,
 * 2 of 3, 3 of 4. Nobody expected: it never holds.
 */
export function lifeQuorum(expected: number, present: number): LifeQuorum {
  if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`expected: ${expected}`);
  if (!Number.isInteger(present) || present < 0 || present > expected) throw new RangeError(`present: ${present}`);
  const needed = Math.ceil((expected * 2) / 3);
  return { expected, present, needed, holds: expected > 0 && present * 3 >= expected * 2 };
}

/** The words for a quorum that does not hold, with the figures. */
export function lifeQuorumLine(q: LifeQuorum): string {
  return q.holds
    ? `应到 ${q.expected} 人，实到 ${q.present} 人，达到三分之二。`
    : `应到 ${q.expected} 人，实到 ${q.present} 人，未达到三分之二（至少 ${q.needed} 人）。`;
}

/** Days after a 民主生活会 by which its outcome is reported to the level above. */
export const REPORT_DUE_DAYS = 15;

/** Kinds whose outcome report has a deadline (a 组织生活会 reports too, without one). */
export const REPORT_DEADLINE_KINDS: readonly MeetingKind[] = ["leadership_life_meeting"];

export interface ReportDue {
  /** The last day to report, "2027-01-15" (China time). */
  dueOn: string;
  /** The due day has passed and nothing was reported. */
  overdue: boolean;
}

/**
 * The outcome report of a held 民主生活会: due 15 calendar days after the meeting's day; overdue from
 * the day after, unless reported (by the due day or later: reporting late still clears the
 * overdue). Null for kinds without a deadline or a meeting not yet held.
 */
export function reportDue(
  m: { kind: MeetingKind; startsAt: Date; held: boolean },
  reportedAt: Date | null,
  now: Date,
): ReportDue | null {
  if (!REPORT_DEADLINE_KINDS.includes(m.kind) || !m.held) return null;
  const due = new Date(chinaDayStart(m.startsAt).getTime() + REPORT_DUE_DAYS * DAY_MS);
  return { dueOn: chinaDateKey(due), overdue: reportedAt === null && now.getTime() >= due.getTime() + DAY_MS };
}

/**
 * Whether the notice went out in time: the meeting was put on the calendar (its invitations
 * sent) at least `noticeDays` calendar days before its day.
 */
export function noticeInTime(noticedAt: Date, startsAt: Date, noticeDays: number): boolean {
  return daysBetween(noticedAt, startsAt) >= noticeDays;
}

/** How long a grant to read from above may run, in days. */
export const GRANT_DAYS = { min: 1, max: 30, default: 7 } as const;
