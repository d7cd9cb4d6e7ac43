// China time (UTC+8, no daylight saving): the one module that turns instants into the branch's
// calendar and back. Meetings are typed, judged and printed in Beijing time whatever the zone of
// the server or the phone. Everything here is arithmetic on the fixed offset; display formatting
// with Intl lives in app/lib/format.ts and uses the same zone.

export const CHINA_TIME_ZONE = "Asia/Shanghai";
const OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 24 * 3_600_000;

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface LocalParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  weekday: Weekday;
  hour: number;
  minute: number;
  /** "2026-11-24", as a date field holds it */
  date: string;
  /** "14:30", as a time field holds it */
  time: string;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * The instant of a local (China time) date and time. Months are 1–12; out-of-range values roll
 * over as in Date.UTC (month 13 is January of the next year, day 0 the last day of the month before).
 */
export function chinaTime(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute) - OFFSET_MS);
}

/** The China-time calendar fields of an instant. */
export function chinaParts(at: Date | string): LocalParts {
  const s = new Date(new Date(at).getTime() + OFFSET_MS);
  const year = s.getUTCFullYear();
  const month = s.getUTCMonth() + 1;
  const day = s.getUTCDate();
  const hour = s.getUTCHours();
  const minute = s.getUTCMinutes();
  return {
    year,
    month,
    day,
    weekday: s.getUTCDay() as Weekday,
    hour,
    minute,
    date: `${year}-${pad2(month)}-${pad2(day)}`,
    time: `${pad2(hour)}:${pad2(minute)}`,
  };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$/;

/** The instant of a China-time date ("2026-11-24") and time ("14:30"), both already validated. */
export function chinaDateTime(date: string, time: string): Date {
  const [, y, mo, d] = DATE_RE.exec(date)!.map(Number);
  const [, h, mi] = TIME_RE.exec(time)!.map(Number);
  return chinaTime(y, mo, d, h, mi);
}

/** "11月24日 14:30", in China time: how notifications and messages name a moment. */
export function chinaShort(at: Date | string): string {
  const p = chinaParts(at);
  return `${p.month}月${p.day}日 ${p.time}`;
}

/** Local midnight of the China-time day containing the instant. */
export function chinaDayStart(d: Date): Date {
  const p = chinaParts(d);
  return chinaTime(p.year, p.month, p.day);
}

/** "2027-03-05", the China-time date of an instant. */
export function chinaDateKey(d: Date): string {
  return chinaParts(d).date;
}

/** Local midnight of a calendar date "2027-03-05" (China time); null for anything else. */
export function chinaDate(key: string): Date | null {
  const m = DATE_RE.exec(key);
  if (!m) return null;
  const d = chinaTime(Number(m[1]), Number(m[2]), Number(m[3]));
  return chinaDateKey(d) === key ? d : null;
}

/** "2027年3月5日" for a calendar date "2027-03-05". */
export function dateInWords(key: string): string {
  const m = DATE_RE.exec(key);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : key;
}

/** The China-time day number of an instant (days since 1970-01-01 in Beijing), as SQL computes it. */
export function chinaDayNumber(d: Date): number {
  return Math.floor((d.getTime() + OFFSET_MS) / DAY_MS);
}

/** Whole calendar days (China time) from one instant's date to another's; negative if `to` is earlier. */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((chinaDayStart(to).getTime() - chinaDayStart(from).getTime()) / DAY_MS);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The same local date `months` later, clamped to the end of a shorter month
 * (31 August + 6 months = 28 or 29 February), at local midnight.
 */
export function addMonthsClamped(d: Date, months: number): Date {
  const p = chinaParts(d);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return chinaTime(year, month, Math.min(p.day, daysInMonth(year, month)));
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?$/;

/** "2026-07-01T18:00" (an <input type="datetime-local">, China time) as the instant it names; null if no such moment. */
export function parseChinaDateTimeValue(s: string): Date | null {
  const m = DATETIME_RE.exec(s.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1, 6).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return chinaTime(y, mo, d, h, mi);
}

/** The value of a datetime-local field for an instant, in China time. */
export function chinaDateTimeValue(at: Date | string): string {
  const p = chinaParts(at);
  return `${p.date}T${p.time}`;
}
