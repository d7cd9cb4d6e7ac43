import { z } from "zod";
import { MEETING_KINDS } from "../domain/labels";
import { UUID_RE as UUID } from "../ids";
import { chinaDateTime } from "../time";

// The meeting form: what a secretary types when scheduling, editing or rescheduling a meeting.
// Dates and times are typed in China time (UTC+8) whatever the server's or the phone's zone.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$/;

export const MAX_AGENDA_ITEMS = 20;
export const MAX_LINKS = 20;
/** Study material files: at most 20 MB each, of these kinds (the server checks the content too). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const FILE_ACCEPT = ".pdf,.doc,.docx,.ppt,.pptx,.png,.jpg,.jpeg,.webp,.txt";

// Dates and times typed in the form are China time (shared/time.ts does the arithmetic).

export const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = (v: unknown) => (typeof v === "string" ? v : "");
const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.normalize("NFC").trim().replace(/\s+/g, " "))
    .map((l, i) => ({ line: i + 1, text: l }))
    .filter((l) => l.text !== "");

export const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
};

export const dateField = z
  .string({ error: "请选择日期" })
  .trim()
  .min(1, "请选择日期")
  .regex(DATE_RE, "日期格式应为 2026-07-01")
  .refine((s) => {
    const d = new Date(s + "T00:00:00Z");
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, "日期不存在");

export const timeField = (what: string) =>
  z
    .string({ error: `请填写${what}` })
    .trim()
    .min(1, `请填写${what}`)
    .regex(TIME_RE, `${what}格式应为 14:30`)
    .transform((s) => s.slice(0, 5));

export const personId = (message: string) => z.string({ error: message }).trim().regex(UUID, message);
const idList = z.preprocess(
  (v) => (v == null ? undefined : Array.isArray(v) ? v : [v]),
  z.array(z.string().regex(UUID, "参会人员名单有误，请刷新页面后重试")).max(2000).optional(),
);

/** 应到 (attendee) or 列席 (guest). */
export type InviteeRole = "attendee" | "guest";

export interface MaterialLink {
  title: string;
  url: string;
}

/** Agenda: one item a line, blank lines skipped. */
const agendaField = z.preprocess(text, z.string()).transform((s, ctx) => {
  const items = lines(s);
  if (items.length > MAX_AGENDA_ITEMS) {
    ctx.addIssue({ code: "custom", message: `议程最多 ${MAX_AGENDA_ITEMS} 项，现有 ${items.length} 项` });
    return z.NEVER;
  }
  const long = items.findIndex((i) => i.text.length > 100);
  if (long >= 0) {
    ctx.addIssue({ code: "custom", message: `第 ${long + 1} 项议程超过 100 字，请精简` });
    return z.NEVER;
  }
  return items.map((i) => i.text);
});

/** Study links: "标题 | https://…" a line; a bare address is its own title. */
const linksField = z.preprocess(text, z.string()).transform((s, ctx) => {
  const out: MaterialLink[] = [];
  const items = lines(s);
  if (items.length > MAX_LINKS) {
    ctx.addIssue({ code: "custom", message: `学习资料链接最多 ${MAX_LINKS} 条` });
    return z.NEVER;
  }
  for (const { line, text: l } of items) {
    // "|" or the full-width "｜" separates the title from the address.
    const bar = Math.max(l.lastIndexOf("|"), l.lastIndexOf("｜"));
    const title = bar >= 0 ? l.slice(0, bar).trim() : "";
    const url = (bar >= 0 ? l.slice(bar + 1) : l).trim();
    if (!isHttpUrl(url)) {
      ctx.addIssue({
        code: "custom",
        message: `第 ${line} 行的链接无效：应写作“标题 | https://…”，地址以 http:// 或 https:// 开头`,
      });
      return z.NEVER;
    }
    if (title.length > 100) {
      ctx.addIssue({ code: "custom", message: `第 ${line} 行的标题超过 100 字` });
      return z.NEVER;
    }
    if (url.length > 2000) {
      ctx.addIssue({ code: "custom", message: `第 ${line} 行的链接太长` });
      return z.NEVER;
    }
    out.push({ title: title || url, url });
  }
  return out;
});

export const MeetingFormSchema = z
  .object({
    kind: z.enum(MEETING_KINDS, { error: "请选择会议类型" }),
    title: z
      .string({ error: "请填写会议主题" })
      .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
      .pipe(z.string().min(1, "请填写会议主题").min(2, "会议主题至少 2 个字").max(80, "会议主题最长 80 个字")),
    date: dateField,
    startTime: timeField("开始时间"),
    endTime: timeField("结束时间"),
    location: z.preprocess(blankToUndefined, z.string().trim().max(100, "地点最长 100 个字").optional()),
    onlineUrl: z.preprocess(
      blankToUndefined,
      z.string().trim().max(2000, "链接太长").refine(isHttpUrl, "线上会议链接应以 http:// 或 https:// 开头").optional(),
    ),
    hostId: personId("请选择主持人"),
    recorderId: z.preprocess(blankToUndefined, personId("请选择记录人").optional()),
    agenda: agendaField,
    links: linksField,
    /** Ticked as invited (应到 unless also ticked as 列席). Absent: the default list for the kind. */
    invitees: idList,
    /** Ticked as 列席; a guest ticked here is invited even if the first box was left empty. */
    guests: idList,
  })
  .transform((v, ctx) => {
    const startsAt = chinaDateTime(v.date, v.startTime);
    const endsAt = chinaDateTime(v.date, v.endTime);
    if (endsAt.getTime() <= startsAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["endTime"], message: "结束时间应晚于开始时间" });
      return z.NEVER;
    }
    if (!v.location && !v.onlineUrl) {
      ctx.addIssue({ code: "custom", path: ["location"], message: "请填写地点或线上会议链接" });
      return z.NEVER;
    }
    let invitees: { userId: string; role: InviteeRole }[] | undefined;
    if (v.invitees !== undefined || v.guests !== undefined) {
      const guests = new Set((v.guests ?? []).map((id) => id.toLowerCase()));
      const ids = [...new Set([...(v.invitees ?? []), ...(v.guests ?? [])].map((id) => id.toLowerCase()))];
      invitees = ids.map((userId) => ({ userId, role: guests.has(userId) ? "guest" : "attendee" }));
    }
    return {
      kind: v.kind,
      title: v.title,
      startsAt,
      endsAt,
      location: v.location ?? null,
      onlineUrl: v.onlineUrl ?? null,
      hostId: v.hostId.toLowerCase(),
      recorderId: v.recorderId?.toLowerCase() ?? null,
      agenda: v.agenda,
      links: v.links,
      invitees,
    };
  });
export type MeetingInput = z.output<typeof MeetingFormSchema>;

/** The form's raw fields, as an action reads them (repeated checkboxes as lists). */
export function meetingFormFields(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of [
    "kind",
    "title",
    "date",
    "startTime",
    "endTime",
    "location",
    "onlineUrl",
    "hostId",
    "recorderId",
    "agenda",
    "links",
  ]) {
    const v = form.get(key);
    if (typeof v === "string") fields[key] = v;
  }
  // The checklist is on the form whenever it is rendered; its marker tells "nobody ticked" from "not shown".
  if (form.has("inviteesShown")) {
    fields.invitees = form.getAll("invitees").filter((x) => typeof x === "string");
    fields.guests = form.getAll("guests").filter((x) => typeof x === "string");
  }
  return fields;
}

/** Correcting a started or held meeting: place and agenda wording, with a reason for its history. */
export const CorrectMeetingSchema = z
  .object({
    location: z.preprocess(blankToUndefined, z.string().trim().max(100, "地点最长 100 个字").optional()),
    onlineUrl: z.preprocess(
      blankToUndefined,
      z.string().trim().max(2000, "链接太长").refine(isHttpUrl, "线上会议链接应以 http:// 或 https:// 开头").optional(),
    ),
    agenda: agendaField,
    reason: z
      .string({ error: "请填写更正原因" })
      .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
      .pipe(z.string().min(2, "请填写更正原因").max(200, "更正原因最长 200 字")),
  })
  .transform((v) => ({
    location: v.location ?? null,
    onlineUrl: v.onlineUrl ?? null,
    agenda: v.agenda,
    reason: v.reason,
  }));

export const CancelMeetingSchema = z.object({
  reason: z
    .string({ error: "请填写取消原因" })
    .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
    .pipe(z.string().min(1, "请填写取消原因，参会人员会收到通知").max(200, "取消原因最长 200 字")),
});
