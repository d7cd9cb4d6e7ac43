// Dates shown in China time whatever the server's or the phone's zone.
const TZ = "Asia/Shanghai";

export function formatDate(d: Date | string): string {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, year: "numeric", month: "long", day: "numeric", weekday: "short" }).format(new Date(d));
}

export function formatTime(d: Date | string): string {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(d));
}

export function formatRange(start: Date | string, end: Date | string): string {
  return `${formatDate(start)} ${formatTime(start)}–${formatTime(end)}`;
}
