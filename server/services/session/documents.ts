import type { Sql } from "../../../db/client";
import { parseDocName } from "../../../shared/doc-names";
import { minutesOutline } from "../../../shared/editor/minutes";
import {
  documentAccess,
  type DocumentResource,
  type MeetingResource,
  type MinutesResource,
  type ReflectionResource,
  type ReflectionStatus,
  type Subject,
} from "../../../shared/permissions";
import { meetingResource } from "../calendar/meetings";
import { orgSettings } from "../people/org-settings";
import { loadSubject } from "../people/subjects";

/** A meeting's minutes as a permission resource: host, 记录人 and the co-editors the host allowed. */
export async function minutesResource(sql: Sql, meeting: MeetingResource): Promise<MinutesResource> {
  const [row] = await sql<{ host_id: string | null; recorder_id: string | null; editors: string[] }[]>`
    select m.host_id, m.recorder_id,
      coalesce((select array_agg(e.user_id) from meeting_minutes_editors e where e.meeting_id = m.id), '{}') as editors
    from meetings m where m.id = ${meeting.id}`;
  return { meeting, hostId: row?.host_id ?? null, recorderId: row?.recorder_id ?? null, editorIds: row?.editors ?? [] };
}

/** One author's reflection for a meeting as a permission resource (no row yet: a draft). */
export async function reflectionResource(
  sql: Sql,
  meeting: MeetingResource,
  authorId: string,
): Promise<ReflectionResource> {
  const [row] = await sql<{ host_id: string | null; status: ReflectionStatus | null; invited: boolean }[]>`
    select m.host_id, r.status,
      exists (select 1 from meeting_invitees i where i.meeting_id = m.id and i.user_id = ${authorId}) as invited
    from meetings m
      left join reflections r on r.meeting_id = m.id and r.user_id = ${authorId}
    where m.id = ${meeting.id}`;
  const settings = await orgSettings(sql, meeting.orgId);
  return {
    meeting,
    hostId: row?.host_id ?? null,
    authorId,
    authorInvited: row?.invited ?? false,
    status: row?.status ?? "draft",
    visibility: settings.reflectionVisibility,
  };
}

/** The permission resource behind a live document's name; null for a name or record that does not exist. */
export async function documentResource(sql: Sql, docName: string): Promise<DocumentResource | null> {
  const doc = parseDocName(docName);
  if (!doc) return null;
  const meeting = await meetingResource(sql, doc.meetingId);
  if (!meeting) return null;
  switch (doc.kind) {
    case "meeting-minutes":
      return { kind: "meeting-minutes", ...(await minutesResource(sql, meeting)) };
    case "meeting-live":
      return { kind: "meeting-live", meeting };
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
  const resource = await documentResource(sql, docName);
  if (!resource) return "none";
  return documentAccess(subject ?? (await loadSubject(sql, userId)), resource);
}

/** The first content of a live document never stored: the minutes start from the agenda's outline. */
export async function seedDocument(sql: Sql, docName: string): Promise<Uint8Array | null> {
  const doc = parseDocName(docName);
  if (doc?.kind !== "meeting-minutes") return null;
  const items = await sql<{ title: string }[]>`
    select title from meeting_agenda_items where meeting_id = ${doc.meetingId} order by position, id`;
  return minutesOutline(items.map((i) => i.title));
}
