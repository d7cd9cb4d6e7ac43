import type { Sql } from "../../../db/client";
import { parseDocName, type DocName } from "../../../shared/doc-names";
import { minutesOutline } from "../../../shared/editor/minutes";
import { hasLifeCycle } from "../../../shared/domain/life-cycle";
import {
  auditsLifeMinutesRead,
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
import { criticismMeeting, noteResource, onList } from "../life/criticism-records";
import { lifeMinutesSeed } from "../life/criticism-round";
import { audit } from "../audit";
import { aboveGrantActive } from "../life/above-access";

/**
 * A meeting's minutes as a permission resource: host, 记录人 and the co-editors the host allowed;
 * for a meeting with the 组织生活会 cycle also, for the reader `userId`, whether they attend it
 * while it is in progress and whether they hold a grant from above (decision 036).
 */
export async function minutesResource(sql: Sql, m: MeetingRecord, userId: string | null): Promise<MinutesResource> {
  const editors = await sql<{ user_id: string }[]>`
    select user_id from meeting_minutes_editors where meeting_id = ${m.row.id}`;
  let life: MinutesResource["life"] = null;
  if (hasLifeCycle(m.row.kind)) {
    const inProgress = m.row.session_started_at !== null && m.row.session_ended_at === null;
    const [invited] = userId
      ? await sql`select 1 from meeting_invitees where meeting_id = ${m.row.id} and user_id = ${userId}`
      : [];
    life = {
      attendingNow: inProgress && !!invited,
      aboveGrant: userId ? await aboveGrantActive(sql, userId, m.row.id) : false,
    };
  }
  return {
    meeting: m.resource,
    hostId: m.row.host_id,
    recorderId: m.row.recorder_id,
    editorIds: editors.map((e) => e.user_id),
    life,
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
 * A criticism, an answer or a note of a 组织生活会 as a permission resource for one reader: null
 * when the meeting holds no round of criticism or the person is not on its list.
 */
async function criticismResource(
  sql: Sql,
  doc: Extract<DocName, { kind: "criticism" | "criticism-answer" | "criticism-note" }>,
  readerId: string | null,
): Promise<DocumentResource | null> {
  const m = await criticismMeeting(sql, doc.meetingId, readerId);
  if (!m) return null;
  const personId = doc.kind === "criticism" ? doc.targetId : doc.personId;
  if (!(await onList(sql, m.row.id, personId))) return null;
  const note = await noteResource(sql, m, readerId, personId);
  if (doc.kind !== "criticism") return { kind: doc.kind, ...note };
  return {
    kind: "criticism",
    ...note,
    authorId: doc.authorId,
    authorInvited: await onList(sql, m.row.id, doc.authorId),
  };
}

/**
 * The permission resource behind a live document's name; null for a name or record that does not
 * exist. `readerId`: the person asking, for the records whose rules depend on them (a
 * 对照检查材料 or a criticism: on the list while the meeting is under way, a grant from above).
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
  if (doc.kind === "criticism" || doc.kind === "criticism-answer" || doc.kind === "criticism-note")
    return criticismResource(sql, doc, readerId);
  // The meeting with the reflection's author's place on its list (the author, not the reader).
  const meeting = await meetingRecord(sql, doc.meetingId, doc.kind === "reflection" ? doc.authorId : readerId);
  if (!meeting) return null;
  switch (doc.kind) {
    case "meeting-minutes":
      return { kind: "meeting-minutes", ...(await minutesResource(sql, meeting, readerId)) };
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
  return documentAccess(subject ?? (await loadSubject(sql, userId)), resource);
}

/**
 * Told when someone joined a live document: a read of a 组织生活会's minutes by anyone but its
 * 记录人 and host goes into the audit log (life.minutes_view, over the WebSocket).
 */
export async function auditLiveRead(sql: Sql, userId: string, docName: string): Promise<void> {
  const doc = parseDocName(docName);
  if (doc?.kind === "examination") {
    // A 对照检查材料 read over the WebSocket by someone other than its author, as on the page.
    if (doc.authorId === userId) return;
    const resource = await documentResource(sql, docName, userId);
    if (resource?.kind !== "examination") return;
    if (documentAccess(await loadSubject(sql, userId), resource) === "none") return;
    const m = await lifeMeetingRecord(sql, resource.meeting.id);
    if (m) await auditRead(sql, userId, m, resource.personId, "live");
    return;
  }
  if (doc?.kind !== "meeting-minutes") return;
  const resource = await documentResource(sql, docName, userId);
  if (resource?.kind !== "meeting-minutes" || !resource.life) return;
  const subject = await loadSubject(sql, userId);
  if (!auditsLifeMinutesRead(subject, resource) || documentAccess(subject, resource) === "none") return;
  await audit(sql, {
    actorId: userId,
    action: "life.minutes_view",
    orgId: resource.meeting.orgId,
    detail: { meeting: resource.meeting.id, via: "live" },
  });
}

/** The first content of a live document never stored: the minutes start from the agenda's outline (a 组织生活会's from its own). */
export async function seedDocument(sql: Sql, docName: string): Promise<Uint8Array | null> {
  const doc = parseDocName(docName);
  if (doc?.kind !== "meeting-minutes") return null;
  // A 组织生活会's minutes start from 回头看 and the round of criticism (decision 035).
  const life = await lifeMinutesSeed(sql, doc.meetingId);
  if (life) return life;
  const items = await sql<{ title: string }[]>`
    select title from meeting_agenda_items where meeting_id = ${doc.meetingId} order by position, id`;
  return minutesOutline(items.map((i) => i.title));
}
