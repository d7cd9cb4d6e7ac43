import { countModes, MODE_LABEL, presentSummary, type AttendanceMode, type ModeCounts } from "./attendance-mode";
import { MEETING_KIND_LABEL, type MeetingKind } from "./labels";

// The header of a meeting's minutes (会议记录): everything the system already knows, so the
// 记录人 never types it. Built from the meeting and its attendance sheet; the page shows it above
// the co-edited body, and the sealed record and exports will print it.

export interface HeaderPerson {
  name: string;
  role: "attendee" | "guest";
  status: "present" | "late" | "left_early" | "absent" | "leave" | "pending";
  leaveReason: string | null;
  /** 现场 or 线上 for someone who came; null when not recorded (or not come). */
  mode?: AttendanceMode | null;
}

export interface MinutesHeaderInput {
  title: string;
  kind: MeetingKind;
  orgName: string;
  startsAt: Date;
  endsAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  location: string | null;
  onlineUrl: string | null;
  hostName: string | null;
  recorderName: string | null;
  people: readonly HeaderPerson[];
}

export interface MinutesHeader {
  title: string;
  kindLabel: string;
  orgName: string;
  /** The session's actual start and end once the host started / ended it, else the scheduled ones. */
  start: Date;
  end: Date;
  actualStart: boolean;
  actualEnd: boolean;
  place: string;
  hostName: string;
  recorderName: string;
  expected: { count: number; names: string[] };
  /** 实到: with 现场 / 线上 counts; names of those online say so. */
  present: { count: number; names: string[]; modes: ModeCounts; summary: string };
  /** 应到 who did not come (or have not yet): with the reason. */
  absent: { name: string; reason: string }[];
  /** 列席: guests who came (all guests before the end). */
  guests: string[];
}

const came = (s: HeaderPerson["status"]) => s === "present" || s === "late" || s === "left_early";
const NOTE: Partial<Record<HeaderPerson["status"], string>> = { late: "迟到", left_early: "早退" };

/** "刘洋", "陈静（线上）", "杨帆（线上、迟到）": 现场 is the default and goes unsaid. */
function presentName(p: HeaderPerson): string {
  const notes = [p.mode === "online" ? MODE_LABEL.online : null, NOTE[p.status] ?? null].filter(Boolean);
  return notes.length ? `${p.name}（${notes.join("、")}）` : p.name;
}

function absenceReason(p: HeaderPerson): string {
  if (p.status === "leave") return p.leaveReason ? `请假：${p.leaveReason}` : "请假";
  if (p.status === "pending") return "尚未签到";
  return "未请假";
}

const byPinyin = new Intl.Collator("zh-CN-u-co-pinyin");

export function minutesHeader(m: MinutesHeaderInput): MinutesHeader {
  // Names in pinyin order, as a roster is read.
  const people = [...m.people].sort((a, b) => byPinyin.compare(a.name, b.name));
  const attendees = people.filter((p) => p.role === "attendee");
  const present = attendees.filter((p) => came(p.status));
  const over = m.endedAt !== null;
  const modes = countModes(present.map((p) => p.mode ?? null));
  return {
    title: m.title,
    kindLabel: MEETING_KIND_LABEL[m.kind],
    orgName: m.orgName,
    start: m.startedAt ?? m.startsAt,
    end: m.endedAt ?? m.endsAt,
    actualStart: m.startedAt !== null,
    actualEnd: m.endedAt !== null,
    place: [m.location, m.onlineUrl ? "线上" : null].filter(Boolean).join("，") || "—",
    hostName: m.hostName ?? "—",
    recorderName: m.recorderName ?? "—",
    expected: { count: attendees.length, names: attendees.map((p) => p.name) },
    present: {
      count: present.length,
      names: present.map(presentName),
      modes,
      summary: presentSummary(present.length, modes),
    },
    absent: attendees.filter((p) => !came(p.status)).map((p) => ({ name: p.name, reason: absenceReason(p) })),
    guests: people.filter((p) => p.role === "guest" && (!over || came(p.status))).map((p) => p.name),
  };
}
