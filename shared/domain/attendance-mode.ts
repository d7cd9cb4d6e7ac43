// How a person attended a meeting (docs/decisions/028): 现场 (in the room) or 线上 (online). Both
// count as 出席. The mode follows from the meeting's form and the path by which attendance was
// recorded; the host corrects it with a reason.

export type AttendanceMode = "onsite" | "online";

/** Held in a room only, online only, or both (a room and an online link). */
export type MeetingForm = "onsite" | "online" | "mixed";

/** How attendance reached the record: the room's code (or its QR), the session page, the host. */
export type AttendancePath = "code" | "page";

export const MODE_LABEL: Record<AttendanceMode, string> = { onsite: "现场", online: "线上" };

/** The path that recorded an attendance (attendance.via); how the person attended is the mode. */
export const VIA_LABEL: Record<string, string> = { code: "签到码", online: "会议页面", host: "主持人登记" };

export const FORM_LABEL: Record<MeetingForm, string> = {
  onsite: "现场会议",
  online: "线上会议",
  mixed: "现场 + 线上",
};

const filled = (s: string | null | undefined) => Boolean(s && s.trim());

/** The meeting's form, from what its schedule says: a place, an online link, or both. */
export function meetingForm(m: { location: string | null; onlineUrl: string | null }): MeetingForm {
  if (!filled(m.onlineUrl)) return "onsite";
  return filled(m.location) ? "mixed" : "online";
}

/**
 * The mode a path records. The code is shown only in the room (the host's screen, 投屏), so
 * signing in with it is 现场 — unless the meeting has no room. The session page is 线上 when the
 * meeting has an online link; a meeting held only in a room never records 线上.
 */
export function modeFor(form: MeetingForm, path: AttendancePath): AttendanceMode {
  if (form === "onsite") return "onsite";
  if (form === "online") return "online";
  return path === "code" ? "onsite" : "online";
}

/** The modes a record of this meeting may have (what a host's correction may choose). */
export function allowedModes(form: MeetingForm): AttendanceMode[] {
  return form === "mixed" ? ["onsite", "online"] : [form];
}

/** Why a mode cannot be chosen for this meeting, or null. */
export function modeRefusal(form: MeetingForm, mode: AttendanceMode): string | null {
  if (allowedModes(form).includes(mode)) return null;
  return form === "onsite"
    ? "本次会议只在现场举行，不能记为线上参会。"
    : "本次会议只在线上举行，没有会场，不能记为现场参会。";
}

/** 现场 a 人、线上 b 人 (and those whose mode was never recorded), for 实到. */
export interface ModeCounts {
  onsite: number;
  online: number;
  unknown: number;
}

export function countModes(modes: readonly (AttendanceMode | null)[]): ModeCounts {
  return {
    onsite: modes.filter((m) => m === "onsite").length,
    online: modes.filter((m) => m === "online").length,
    unknown: modes.filter((m) => m === null).length,
  };
}

/** "3 人，其中现场 2 人、线上 1 人" (the minutes header, the attendance CSV). */
export function presentSummary(count: number, modes: ModeCounts): string {
  if (count === 0) return "0 人";
  const parts = [`现场 ${modes.onsite} 人`, `线上 ${modes.online} 人`];
  if (modes.unknown > 0) parts.push(`方式未记录 ${modes.unknown} 人`);
  return `${count} 人，其中${parts.join("、")}`;
}
