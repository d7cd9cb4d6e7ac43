import { z } from "zod";
import { chinaDateKey, chinaParts, chinaTime } from "../time";
import { FixedDaySchema } from "./org-settings";
import { fixedDayInMonth } from "./periods";
import { WEEKDAY_LABEL, type FixedDay } from "./kind-rules";

// Recurring series (例：每月第一个星期五的主题党日): a rule, a date range and a time of day give the
// dates. Pure, so the preview in the form and the server that creates the meetings agree.

export const EVERY_MONTHS = [1, 2, 3, 6] as const;
export type EveryMonths = (typeof EVERY_MONTHS)[number];
export const EVERY_LABEL: Record<EveryMonths, string> = { 1: "每月", 2: "每两个月", 3: "每季度", 6: "每半年" };

export interface Recurrence {
  everyMonths: EveryMonths;
  day: FixedDay;
  /** China-time dates, inclusive: "2027-01-01". */
  from: string;
  until: string;
  /** "14:30" */
  startTime: string;
  endTime: string;
}

export const RecurrenceRuleSchema = z.object({
  everyMonths: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(6)], { error: "请选择重复频率" }),
  day: FixedDaySchema,
});

export interface Occurrence {
  /** China-time date "2027-02-05". */
  date: string;
  startsAt: Date;
  endsAt: Date;
  /** The rule's date when a holiday moved the meeting a week later. */
  movedFrom?: string;
}

export interface SkippedDate {
  date: string;
  reason: "holiday" | "past";
}

export interface Expansion {
  occurrences: Occurrence[];
  skipped: SkippedDate[];
}

const DAY_MS = 86_400_000;

function parseDate(s: string): { year: number; month: number; day: number } {
  const [year, month, day] = s.split("-").map(Number);
  return { year, month, day };
}

function atTime(dayStart: Date, time: string): Date {
  const [h, m] = time.split(":").map(Number);
  const p = chinaParts(dayStart);
  return chinaTime(p.year, p.month, p.day, h, m);
}

/**
 * The meetings a rule gives between `from` and `until` (inclusive), in order. A date on a holiday
 * moves to the same weekday a week later when the rule names a weekday and that day is still in
 * the month and the range; otherwise (or for a day-of-month rule) it is skipped and reported.
 * Dates whose start is not after `notBefore` are skipped as past. The caller decides what an empty
 * result means (the form says so in words).
 */
export function expandRecurrence(
  rule: Recurrence,
  opts: { holidays?: ReadonlySet<string>; notBefore?: Date } = {},
): Expansion {
  const holidays = opts.holidays ?? new Set<string>();
  const notBefore = opts.notBefore?.getTime() ?? -Infinity;
  const from = parseDate(rule.from);
  const until = parseDate(rule.until);
  const first = chinaTime(from.year, from.month, from.day);
  const last = chinaTime(until.year, until.month, until.day);
  const out: Expansion = { occurrences: [], skipped: [] };
  if (last < first) return out;

  for (let i = 0; ; i += rule.everyMonths) {
    const total = from.year * 12 + (from.month - 1) + i;
    const year = Math.floor(total / 12);
    const month = (total % 12) + 1;
    if (chinaTime(year, month, 1) > last) break;
    let day = fixedDayInMonth(year, month, rule.day);
    if (day < first || day > last) continue;
    let movedFrom: string | undefined;
    if (holidays.has(chinaDateKey(day))) {
      const later = new Date(day.getTime() + 7 * DAY_MS);
      if (
        "weekday" in rule.day &&
        chinaParts(later).month === month &&
        later <= last &&
        !holidays.has(chinaDateKey(later))
      ) {
        movedFrom = chinaDateKey(day);
        day = later;
      } else {
        out.skipped.push({ date: chinaDateKey(day), reason: "holiday" });
        continue;
      }
    }
    const startsAt = atTime(day, rule.startTime);
    if (startsAt.getTime() <= notBefore) {
      out.skipped.push({ date: chinaDateKey(day), reason: "past" });
      continue;
    }
    out.occurrences.push({
      date: chinaDateKey(day),
      startsAt,
      endsAt: atTime(day, rule.endTime),
      ...(movedFrom ? { movedFrom } : {}),
    });
  }
  return out;
}

/** The rule in words: 「每月第一个周五」, 「每季度 15 日」. */
export function describeRecurrence(r: Pick<Recurrence, "everyMonths" | "day">): string {
  const every = EVERY_LABEL[r.everyMonths];
  if ("dayOfMonth" in r.day) return `${every} ${r.day.dayOfMonth} 日`;
  const nth = r.day.nth === -1 ? "最后一个" : `第${"一二三四"[r.day.nth - 1]}个`;
  // A quarterly rule is read as the first month of each quarter from the start date.
  return `${every}${r.everyMonths === 1 ? "" : "的"}${nth}${WEEKDAY_LABEL[r.day.weekday]}`;
}

/** Each meeting's title: the series title with its month, 「主题党日（2027年2月）」. */
export const occurrenceTitle = (title: string, date: string) =>
  `${title}（${date.slice(0, 4)}年${Number(date.slice(5, 7))}月）`;
