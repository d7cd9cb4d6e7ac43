import { createHash } from "node:crypto";
import * as Y from "yjs";
import type { Sql } from "../../../db/client";
import { meetingMinutesDoc } from "../../../shared/doc-names";
import { plainText } from "../../../shared/editor/minutes";
import type { Subject } from "../../../shared/permissions";
import type { LiveAccess } from "../actor";
import type { MeetingScope } from "../meeting-scope";
import { attendanceSheet } from "../session/attendance";

// The sealed record's one canonical serialisation (issue 17 §2; docs/decisions/038): what the
// branch keeps of a meeting, as deterministic JSON (keys sorted at every level, arrays in a fixed
// order, times as ISO strings in UTC), and its SHA-256. The stored text is exactly what was
// hashed, so verifying needs nothing but the stored row. Names are kept beside ids: the record
// says who was there as they were called then.

/** The record format; a later change of shape is a new format, never a silent re-serialisation. */
export const RECORD_FORMAT = "tongxin.meeting-record/1";

export interface RecordSignOff {
  role: "host" | "recorder";
  holder: { id: string; name: string } | null;
  signedBy: { id: string; name: string };
  onBehalf: boolean;
  signedAt: string;
}

/** Everything hashed, link to the previous record included. */
export interface RecordContent {
  format: typeof RECORD_FORMAT;
  meeting: {
    id: string;
    org: { id: string; name: string; kind: string };
    kind: string;
    title: string;
    startsAt: string;
    endsAt: string;
    startedAt: string | null;
    endedAt: string | null;
    location: string | null;
    onlineUrl: string | null;
    host: { id: string; name: string } | null;
    recorder: { id: string; name: string } | null;
  };
  agenda: string[];
  minutes: string;
  attendance: {
    userId: string;
    name: string;
    role: string;
    status: string;
    via: string | null;
    mode: string | null;
    signedInAt: string | null;
    correctionReason: string | null;
    leaveReason: string | null;
  }[];
  votes: {
    id: string;
    title: string;
    matter: string;
    secret: boolean;
    status: string;
    expected: number;
    presentAtOpen: number;
    presentAtClose: number | null;
    ballots: { for: number; against: number; abstain: number };
    written: { for: number; against: number; abstain: number };
    passed: boolean | null;
    openedAt: string;
    closedAt: string | null;
  }[];
  /** Everyone on the list: the submitted text for those who submitted (or were accepted), else listed as not submitted. */
  reflections: { userId: string; name: string; status: string; submitted: boolean; text: string | null }[];
  signOffs: RecordSignOff[];
  seal: { version: number; chainSeq: number; prevSha256: string | null; sealedAt: string; sealedBy: string };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Deterministic JSON: object keys sorted by code point at every level; undefined dropped as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The minutes as they stand (the open room's state where one is loaded), as plain text. */
export async function minutesText(live: LiveAccess, meetingId: string): Promise<{ text: string; doc: Y.Doc }> {
  const name = meetingMinutesDoc(meetingId);
  const state = (await live.readDocuments([name])).get(name);
  const doc = new Y.Doc();
  if (state) Y.applyUpdate(doc, state);
  return { text: plainText(doc), doc };
}

/**
 * The record's content as it stands now, for the meeting in `scope` (loaded by someone who may
 * read it: attendanceSheet checks that again), without the seal part, which the sealing adds.
 * `minutes`: minutesText's, read by the caller before its transaction (the live side reads
 * through its own connection, and the embedded database has only one).
 */
export async function recordBody(
  sql: Sql,
  subject: Subject,
  scope: MeetingScope,
  minutes: string,
): Promise<Omit<RecordContent, "signOffs" | "seal">> {
  const { row } = scope;
  const id = row.id;
  const agenda = await sql<{ title: string }[]>`
    select title from meeting_agenda_items where meeting_id = ${id} order by position, id`;
  // Long after the end: no record of someone on the list means 缺席.
  const sheet = await attendanceSheet(sql, subject, id, new Date(8.64e15));
  const votes = await sql<
    {
      id: string;
      title: string;
      matter: string;
      secret: boolean;
      status: string;
      expected: number;
      present_at_open: number;
      present_at_close: number | null;
      for_count: number;
      against_count: number;
      abstain_count: number;
      written_for: number;
      written_against: number;
      written_abstain: number;
      passed: boolean | null;
      opened_at: Date;
      closed_at: Date | null;
    }[]
  >`select * from votes where meeting_id = ${id} order by opened_at, id`;
  const reflections = await sql<
    { user_id: string; name: string; status: string | null; submitted_text: string | null }[]
  >`
    select i.user_id, u.display_name as name, r.status, r.submitted_text
    from meeting_invitees i join users u on u.id = i.user_id
      left join reflections r on r.meeting_id = i.meeting_id and r.user_id = i.user_id
    where i.meeting_id = ${id}
    order by i.role, u.display_name, i.user_id`;
  return {
    format: RECORD_FORMAT,
    meeting: {
      id,
      org: { id: scope.org.id, name: scope.org.name, kind: scope.org.kind },
      kind: row.kind,
      title: row.title,
      startsAt: row.starts_at.toISOString(),
      endsAt: row.ends_at.toISOString(),
      startedAt: iso(row.session_started_at),
      endedAt: iso(row.session_ended_at),
      location: row.location,
      onlineUrl: row.online_url,
      host: row.host_id ? { id: row.host_id, name: row.host_name ?? "" } : null,
      recorder: row.recorder_id ? { id: row.recorder_id, name: row.recorder_name ?? "" } : null,
    },
    agenda: agenda.map((a) => a.title),
    minutes,
    attendance: sheet.rows.map((r) => ({
      userId: r.userId,
      name: r.name,
      role: r.role,
      status: r.status,
      via: r.via,
      mode: r.mode,
      signedInAt: iso(r.signedInAt ? new Date(r.signedInAt) : null),
      correctionReason: r.correctionReason,
      leaveReason: r.leave?.status === "approved" ? r.leave.reason : null,
    })),
    votes: votes.map((v) => ({
      id: v.id,
      title: v.title,
      matter: v.matter,
      secret: v.secret,
      status: v.status,
      expected: v.expected,
      presentAtOpen: v.present_at_open,
      presentAtClose: v.present_at_close,
      ballots: { for: v.for_count, against: v.against_count, abstain: v.abstain_count },
      written: { for: v.written_for, against: v.written_against, abstain: v.written_abstain },
      passed: v.passed,
      openedAt: v.opened_at.toISOString(),
      closedAt: iso(v.closed_at),
    })),
    reflections: reflections.map((r) => {
      const submitted = r.status === "submitted" || r.status === "accepted";
      return {
        userId: r.user_id,
        name: r.name,
        status: r.status ?? "draft",
        submitted,
        text: submitted ? r.submitted_text : null,
      };
    }),
  };
}
