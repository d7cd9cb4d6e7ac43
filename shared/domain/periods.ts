import type { Cadence, FixedDay, NthWeekday, PeriodCadence } from "./kind-rules";
import { chinaParts, chinaTime, daysInMonth, type Weekday } from "../time";

// The periods a cadence divides a year into (a month, two months, a quarter, a half-year, a
// year), in China time, and the days a fixed-day rule gives. A day or a period boundary is the
// UTC instant of local midnight (2027-01-01 00:00 in Beijing = 2026-12-31T16:00Z).

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * The nth weekday of a month (month 1–12, weekday 0 = Sunday, nth -1 = the last), at local midnight.
 */
export function nthWeekdayOfMonth(year: number, month: number, weekday: Weekday, nth: NthWeekday): Date {
  if (nth === -1) {
    const last = daysInMonth(year, month);
    const lastWeekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay();
    return chinaTime(year, month, last - ((lastWeekday - weekday + 7) % 7));
  }
  if (![1, 2, 3, 4].includes(nth)) throw new RangeError(`nth must be 1–4 or -1, got ${nth}`);
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return chinaTime(year, month, 1 + ((weekday - firstWeekday + 7) % 7) + (nth - 1) * 7);
}

/** The day a fixed-day rule gives in a month, at local midnight. */
export function fixedDayInMonth(year: number, month: number, fixed: FixedDay): Date {
  if ("dayOfMonth" in fixed) return chinaTime(year, month, Math.min(fixed.dayOfMonth, daysInMonth(year, month)));
  return nthWeekdayOfMonth(year, month, fixed.weekday, fixed.nth);
}

export interface Period {
  /** "2026-03", "2026-Q1", "2026-H1" or "2026". */
  key: string;
  /** Local midnight of the first day (inclusive). */
  start: Date;
  /** Local midnight of the day after the last (exclusive). */
  end: Date;
}

/** How many months a period of each cadence spans. */
export const PERIOD_MONTHS: Record<PeriodCadence, number> = {
  monthly: 1,
  bimonthly: 2,
  quarterly: 3,
  half_yearly: 6,
  yearly: 12,
};

function periodStarting(cadence: PeriodCadence, year: number, firstMonth: number): Period {
  const n = PERIOD_MONTHS[cadence];
  const index = Math.floor((firstMonth - 1) / n) + 1;
  const key =
    cadence === "monthly"
      ? `${year}-${pad2(firstMonth)}`
      : cadence === "bimonthly"
        ? `${year}-B${index}`
        : cadence === "quarterly"
          ? `${year}-Q${index}`
          : cadence === "half_yearly"
            ? `${year}-H${index}`
            : `${year}`;
  return { key, start: chinaTime(year, firstMonth, 1), end: chinaTime(year, firstMonth + n, 1) };
}

/** The period of a cadence that contains an instant (by its China-time date). */
export function periodOf(cadence: PeriodCadence, date: Date): Period {
  const { year, month } = chinaParts(date);
  const n = PERIOD_MONTHS[cadence];
  return periodStarting(cadence, year, Math.floor((month - 1) / n) * n + 1);
}

/** The periods of a cadence in a calendar year, in order; none for "none". */
export function periodsInYear(cadence: Cadence, year: number): Period[] {
  if (cadence === "none") return [];
  const n = PERIOD_MONTHS[cadence];
  const out: Period[] = [];
  for (let m = 1; m <= 12; m += n) out.push(periodStarting(cadence, year, m));
  return out;
}

/** The periods of a cadence that overlap [start, end), in order; none for "none". */
export function periodsBetween(cadence: Cadence, start: Date, end: Date): Period[] {
  if (cadence === "none" || end.getTime() <= start.getTime()) return [];
  const out: Period[] = [];
  let p = periodOf(cadence, start);
  while (p.start.getTime() < end.getTime()) {
    out.push(p);
    p = periodOf(cadence, p.end);
  }
  return out;
}

const QUARTER_LABEL = ["第一季度", "第二季度", "第三季度", "第四季度"];

/** A period in words: "2027年3月", "2027年1—2月", "2027年第一季度", "2027年上半年", "2027年度". */
export function periodLabel(period: Period): string {
  const m = /^(\d{4})(?:-(?:(\d{2})|Q(\d)|H(\d)|B(\d)))?$/.exec(period.key);
  if (!m) return period.key;
  const [, y, month, q, h, b] = m;
  if (month) return `${y}年${Number(month)}月`;
  if (b) return `${y}年${Number(b) * 2 - 1}—${Number(b) * 2}月`;
  if (q) return `${y}年${QUARTER_LABEL[Number(q) - 1]}`;
  if (h) return `${y}年${h === "1" ? "上半年" : "下半年"}`;
  return `${y}年度`;
}
