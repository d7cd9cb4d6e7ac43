import type { Meeting } from "../../server/services/calendar/meetings";
import { chinaDateKey, chinaParts, chinaTime, daysInMonth } from "../../shared/time";
import { formatTime } from "./format";

// What both calendar pages (a member's own, and an organisation's) read from the address and
// hand to CalendarView: the month asked for, in China time, and the meetings shaped for a grid.

export type CalendarViewKind = "month" | "agenda";

const pad2 = (n: number) => String(n).padStart(2, "0");
export const monthParam = (y: number, m: number) => `${y}-${pad2(m)}`;

/** "2026-12" → { year, month }; anything else (or out of range) → null. */
function parseMonth(raw: string | null): { year: number; month: number } | null {
  const match = /^(\d{4})-(\d{1,2})$/.exec(raw ?? "");
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (year < 1970 || year > 2199 || month < 1 || month > 12) return null;
  return { year, month };
}

/** The month and view asked for in ?view=&month= (this month and the agenda by default). */
export function calendarMonth(request: Request, now = new Date()) {
  const url = new URL(request.url);
  const view: CalendarViewKind = url.searchParams.get("view") === "month" ? "month" : "agenda";
  const today = chinaParts(now);
  const { year, month } = parseMonth(url.searchParams.get("month")) ?? { year: today.year, month: today.month };
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const prev = month === 1 ? { year: year - 1, month: 12 } : { year, month: month - 1 };
  const monthStart = chinaTime(year, month, 1);
  return {
    view,
    year,
    month,
    monthStart,
    monthEnd: chinaTime(next.year, next.month, 1),
    prev: monthParam(prev.year, prev.month),
    next: monthParam(next.year, next.month),
    isCurrent: year === today.year && month === today.month,
    todayKey: chinaDateKey(now),
    /** Empty cells before the 1st in a Monday-first grid. */
    leading: (chinaParts(monthStart).weekday + 6) % 7,
    days: daysInMonth(year, month),
  };
}

/** The meetings that start in the month, as the grid and the agenda show them. */
export function calendarMeetings(list: Meeting[], window: { monthStart: Date; monthEnd: Date }) {
  return list
    .filter((m) => m.startsAt >= window.monthStart && m.startsAt < window.monthEnd)
    .map((m) => {
      const p = chinaParts(m.startsAt);
      return {
        id: m.id,
        kind: m.kind,
        title: m.title,
        orgName: m.orgName,
        location: m.location,
        cancelled: m.cancelled,
        dayKey: chinaDateKey(m.startsAt),
        day: p.day,
        weekday: p.weekday,
        time: formatTime(m.startsAt),
        endTime: formatTime(m.endsAt),
      };
    });
}
