import { CHINA_TIME_ZONE } from "../../shared/time";
// Dates shown in China time whatever the server's or the phone's zone, so the server render
// and the browser's hydration always produce the same text.
const TZ = CHINA_TIME_ZONE;

const dateFmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TZ,
  year: "numeric",
  month: "long",
  day: "numeric",
  weekday: "short",
});
const timeFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hour12: false });
const partsFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, month: "numeric", day: "numeric", weekday: "short" });

export function formatDate(d: Date | string): string {
  return dateFmt.format(new Date(d));
}

export function formatTime(d: Date | string): string {
  return timeFmt.format(new Date(d));
}

export function formatRange(start: Date | string, end: Date | string): string {
  return `${formatDate(start)} ${formatTime(start)}–${formatTime(end)}`;
}

/** The pieces of a calendar leaf: { month: "11月", day: "24", weekday: "周二" }. */
export function dateLeaf(d: Date | string): { month: string; day: string; weekday: string } {
  const parts = partsFmt.formatToParts(new Date(d));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return { month: `${get("month")}月`, day: get("day"), weekday: get("weekday") };
}
