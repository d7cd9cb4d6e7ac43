import type { Sql } from "../../../db/client";
import { parseDocName } from "../../../shared/doc-names";
import { minutesOutline } from "../../../shared/editor/minutes";
import {
  documentAccess,
  type DocumentResource,
  type MinutesResource,
  type ReflectionResource,
  type ReflectionStatus,
  type Subject,
} from "../../../shared/permissions";
import { meetingRecord, scopeSettings, type MeetingRecord } from "../meeting-scope";
import { loadSubject } from "../people/subjects";
import { auditRead, examinationResource, lifeMeetingRecord } from "../life/examination-records";

/** A meeting's minutes as a permission resource: host, 记录人 and the co-editors the host allowed. */
async function minutesResource(sql: Sql, m: MeetingRecord): Promise<MinutesResource> {
  const editors = await sql<{ user_id: string }[]>`
    select user_id from meeting_minutes_editors where meeting_id = ${m.row.id}`;
  return {
    meeting: m.resource,
    hostId: m.row.host_id,
    recorderId: m.row.recorder_id,
    editorIds: editors.map((e) => e.user_id),
  };
}

/** One author's reflection for a meeting as a permission resource (no row yet: a draft). */
async function reflectionResource(sql: Sql, m: MeetingRecord, authorId: string): Promise<ReflectionResource> {
  const [row] = await sql<{ status: ReflectionStatus | null }[]>`
    select status from reflections where meeting_id = ${m.row.id} and user_id = ${authorId}`;
  const settings = await scopeSettings(sql, m);
  return {
    meeting: m.resource,
    hostId: m.row.host_id,
    authorId,
    authorInvited: m.invited !== null,
    status: row?.status ?? "draft",
    visibility: settings.reflectionVisibility,
  };
}

/**
 * The permission resource behind a live document's name; null for a name or record that does not
 * exist. `readerId`: the person asking, for the records whose rules depend on them (a
 * 对照检查材料: on the list while the meeting is under way, a grant from above).
 */
export async function documentResource(
  sql: Sql,
  docName: string,
  readerId: string | null = null,
): Promise<DocumentResource | null> {
  const doc = parseDocName(docName);
  if (!doc) return null;
  if (doc.kind === "examination") {
    const m = await lifeMeetingRecord(sql, doc.meetingId);
    const [author] = m ? await sql`select 1 from users where id = ${doc.authorId}` : [];
    if (!m || !author) return null;
    return { kind: "examination", ...(await examinationResource(sql, m, readerId, doc.authorId)) };
  }
  // The meeting with the reflection's author's place on its list (the author, not the reader).
  const meeting = await meetingRecord(sql, doc.meetingId, doc.kind === "reflection" ? doc.authorId : null);
  if (!meeting) return null;
  switch (doc.kind) {
    case "meeting-minutes":
      return { kind: "meeting-minutes", ...(await minutesResource(sql, meeting)) };
    case "meeting-live":
      return { kind: "meeting-live", meeting: meeting.resource };
    case "reflection": {
      const [author] = await sql`select 1 from users where id = ${doc.authorId}`;
      if (!author) return null;
      return { kind: "reflection", ...(await reflectionResource(sql, meeting, doc.authorId)) };
    }
  }
}

/** What the collaboration server asks: the user's access to the named document. */
export async function liveDocumentAccess(
  sql: Sql,
  userId: string,
  docName: string,
  subject?: Subject,
): Promise<"none" | "read" | "write"> {
  const resource = await documentResource(sql, docName, userId);
  if (!resource) return "none";
  const access = documentAccess(subject ?? (await loadSubject(sql, userId)), resource);
  // A 对照检查材料 read over the WebSocket by someone other than its author is audited, as on the page.
  if (resource.kind === "examination" && access !== "none" && userId !== resource.personId) {
    const m = await lifeMeetingRecord(sql, resource.meeting.id);
    if (m) await auditRead(sql, userId, m, resource.personId, "live");
  }
  return access;
}

/** The first content of a live document never stored: the minutes start from the agenda's outline. */
export async function seedDocument(sql: Sql, docName: string): Promise<Uint8Array | null> {
  const doc = parseDocName(docName);
  if (doc?.kind !== "meeting-minutes") return null;
  const items = await sql<{ title: string }[]>`
    select title from meeting_agenda_items where meeting_id = ${doc.meetingId} order by position, id`;
  return minutesOutline(items.map((i) => i.title));
}
