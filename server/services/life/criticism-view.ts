import type { Sql } from "../../../db/client";
import type { ComposedNote } from "../../../shared/criticism-note";
import { criticismNoteDoc } from "../../../shared/doc-names";
import { canManage, criticismAuthorsVisible, criticismNoteAccess, type Subject } from "../../../shared/permissions";
import type { LiveAccess } from "../actor";
import { audit } from "../audit";
import { hidden, UUID_RE } from "../errors";
import { loadMeetingScope } from "../meeting-scope";
import { criticismMeeting, noteResource } from "./criticism-records";
import { composeNote } from "./criticism-note";
import { criticismItemLinks, type CriticismItemLinks } from "./criticism-rectification";

// One person's 批评与自我批评 note as its own page (/meetings/<m>/criticism/<person>): what the
// person, the 支委, the attendees during the meeting and the level above with a grant read
// (lifeRecordAccess); everyone else 404. Every read by someone other than the person is audited.

export interface NotePage {
  meeting: { id: string; title: string; startsAt: Date };
  person: { id: string; name: string };
  note: ComposedNote;
  /** The live document to follow (the same note, kept current by the server). */
  noteDoc: string;
  /** Neutral key → author's name, only for those who may see authors. */
  authors: Record<string, string> | null;
  seesFlags: boolean;
  /** 「生成整改事项」 per criticism, for those who may make 整改清单 items in the branch (else null). */
  rectification: CriticismItemLinks | null;
}

export async function criticismNotePage(
  sql: Sql,
  live: Pick<LiveAccess, "readDocuments">,
  subject: Subject,
  meetingId: string,
  personId: string,
  address: string | null = null,
): Promise<NotePage> {
  const scope = await loadMeetingScope(sql, subject, meetingId);
  // A malformed person id is no one's note: 404 before it reaches a uuid column.
  if (!UUID_RE.test(personId)) throw hidden();
  const m = await criticismMeeting(sql, meetingId, subject.userId);
  if (!m) throw hidden();
  const [person] = await sql<{ name: string }[]>`
    select u.display_name as name from meeting_invitees i join users u on u.id = i.user_id
    where i.meeting_id = ${meetingId} and i.user_id = ${personId}`;
  if (!person) throw hidden();
  const r = await noteResource(sql, m, subject.userId, personId);
  if (criticismNoteAccess(subject, r) === "none") throw hidden();
  const { authorKeys, ...note } = await composeNote(sql, live, meetingId, personId);
  let authors: Record<string, string> | null = null;
  if (criticismAuthorsVisible(subject, r)) {
    const ids = [...authorKeys.values()];
    const names = await sql<{ id: string; name: string }[]>`
      select id, display_name as name from users where id = any(${ids})`;
    authors = {};
    for (const [key, id] of authorKeys) authors[key] = names.find((n) => n.id === id)?.name ?? "";
  }
  if (subject.userId !== personId)
    await audit(sql, {
      actorId: subject.userId,
      action: "criticism.read",
      orgId: m.row.org_id,
      subjectUserId: personId,
      detail: { meeting: m.row.title, document: "criticism-note", via: "page" },
      address,
    });
  const seesFlags = canManage(scope.session);
  return {
    meeting: { id: m.row.id, title: m.row.title, startsAt: m.row.starts_at },
    person: { id: personId, name: person.name },
    note: seesFlags ? note : { ...note, criticisms: note.criticisms.map((c) => ({ ...c, flags: [] })) },
    noteDoc: criticismNoteDoc(meetingId, personId),
    authors,
    seesFlags,
    rectification: await criticismItemLinks(
      sql,
      subject,
      m.row.org_id,
      meetingId,
      personId,
      note.criticisms.map((c) => c.key),
    ),
  };
}
