import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "../../../db/client";
import { holdsCriticismRound } from "../../../shared/domain/life-criticism";
import type { CriticismNoteResource, Subject } from "../../../shared/permissions";
import { meetingRecord, scopeSettings, type MeetingRecord } from "../meeting-scope";
import { aboveGrantActive } from "./above-access";

// What the round of criticism's modules share (docs/decisions/035): the meeting as the criticism
// rules see it, for one reader and one person; the round's secret; the neutral key of an author.

/** The session has started and not ended (and was not cancelled). */
export const inProgress = (m: MeetingRecord) =>
  m.row.status !== "cancelled" && m.row.session_started_at !== null && m.row.session_ended_at === null;

/** The meeting with the reader's place on its list, if it holds a round of criticism; null otherwise. */
export async function criticismMeeting(sql: Sql, meetingId: string, readerId: string | null) {
  const m = await meetingRecord(sql, meetingId, readerId);
  if (!m || !holdsCriticismRound(m.row.kind)) return null;
  return m;
}

/** Whether someone is on the meeting's list (应到 or 列席). */
export async function onList(sql: Sql, meetingId: string, userId: string): Promise<boolean> {
  const [r] = await sql`select 1 from meeting_invitees where meeting_id = ${meetingId} and user_id = ${userId}`;
  return !!r;
}

/** The permission resource of one person's criticisms, for one reader (`m` loaded with the reader's place). */
export async function noteResource(
  sql: Sql,
  m: MeetingRecord,
  readerId: string | null,
  personId: string,
): Promise<CriticismNoteResource> {
  const settings = await scopeSettings(sql, m);
  const running = inProgress(m);
  return {
    meeting: m.resource,
    personId,
    attendingNow: running && m.invited !== null,
    aboveGrant: readerId ? await aboveGrantActive(sql, readerId, m.row.id) : false,
    inProgress: running,
    authors: settings.criticismAuthors,
  };
}

/** The same for a subject already loaded (services called from routes). */
export async function noteResourceFor(sql: Sql, subject: Subject, meetingId: string, personId: string) {
  const m = await criticismMeeting(sql, meetingId, subject.userId);
  if (!m) return null;
  return { m, resource: await noteResource(sql, m, subject.userId, personId) };
}

/** The round's secret, made the first time it is needed. */
export async function roundSalt(sql: Sql, meetingId: string): Promise<string> {
  await sql`
    insert into life_criticism_rounds (meeting_id, salt) values (${meetingId}, ${randomBytes(16).toString("hex")})
    on conflict (meeting_id) do nothing`;
  const [r] = await sql<{ salt: string }[]>`select salt from life_criticism_rounds where meeting_id = ${meetingId}`;
  return r.salt;
}

/**
 * An author's key in one person's note: a keyed hash of the author, so the note's order follows
 * neither who wrote nor when, and a member cannot compute it for a colleague (the salt stays on
 * the server).
 */
export const authorKey = (salt: string, personId: string, authorId: string) =>
  createHash("sha256").update(`${salt}:${personId}:${authorId}`).digest("hex").slice(0, 16);
