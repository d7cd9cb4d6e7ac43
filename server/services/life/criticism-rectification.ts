import { createHash } from "node:crypto";
import type { Sql } from "../../../db/client";
import { criticismNoteAccess, mayCreateRectification, type Subject } from "../../../shared/permissions";
import { LIMITS, parseCriticismRef } from "../../../shared/schemas/rectification";
import type { LiveAccess } from "../actor";
import { audit } from "../audit";
import { findOrg } from "../people/orgs";
import { criticismMeeting, noteResource, onList } from "./criticism-records";
import { composeNote } from "./criticism-note";

// 整改清单 items made from a criticism at a 组织生活会 (issue 16 §4, docs/decisions/035). A criticism
// has no row of its own: it is its author's live document, and the note names it by a neutral key.
// The item's source_id is derived from (meeting, person, key), so the same criticism always gives
// the same id and the unique index on (source_kind, source_id) makes a second click find the first
// item. Nothing here stores, returns or logs the author.

/**
 * The uuid standing for one criticism: sha256 of (meeting, person, key) in the uuid layout
 * (version 8, "custom", RFC 9562 variant). Deterministic; reveals nothing the key does not.
 */
export function criticismSourceId(meetingId: string, personId: string, key: string): string {
  const h = createHash("sha256").update(`criticism:${meetingId}:${personId}:${key}`).digest("hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The 党支部 a meeting belongs to: its organisation if a branch, else the branch above its 党小组. */
async function branchOfOrg(sql: Sql, orgId: string): Promise<string | null> {
  const [r] = await sql<{ branchId: string | null }[]>`
    select case when o.kind = 'branch' then o.id when p.kind = 'branch' then p.id end as "branchId"
    from organizations o left join organizations p on p.id = o.parent_id where o.id = ${orgId}`;
  return r?.branchId ?? null;
}

export interface FoundCriticism {
  meetingId: string;
  meetingTitle: string;
  /** The organisation the meeting belongs to (for the audit). */
  meetingOrgId: string;
  personId: string;
  key: string;
  sourceId: string;
  text: string;
}

/**
 * The criticism a ref names, for someone who may make items in this branch and read the person's
 * note; null for anything else (bad ref, another branch, no such criticism, no right). Not audited:
 * callers that show its text audit the read.
 */
export async function findCriticism(
  sql: Sql,
  live: Pick<LiveAccess, "readDocuments">,
  subject: Subject,
  orgId: string,
  ref: string,
): Promise<FoundCriticism | null> {
  const p = parseCriticismRef(ref);
  if (!p) return null;
  const m = await criticismMeeting(sql, p.meetingId, subject.userId);
  if (!m || m.row.status === "cancelled") return null;
  if ((await branchOfOrg(sql, m.row.org_id)) !== orgId) return null;
  const org = await findOrg(sql, orgId);
  if (!org || !mayCreateRectification(subject, org.resource)) return null;
  if (!(await onList(sql, p.meetingId, p.personId))) return null;
  const r = await noteResource(sql, m, subject.userId, p.personId);
  if (criticismNoteAccess(subject, r) === "none") return null;
  const note = await composeNote(sql, live, p.meetingId, p.personId);
  const c = note.criticisms.find((x) => x.key === p.key);
  if (!c) return null;
  return {
    meetingId: p.meetingId,
    meetingTitle: m.row.title,
    meetingOrgId: m.row.org_id,
    personId: p.personId,
    key: p.key,
    sourceId: criticismSourceId(p.meetingId, p.personId, p.key),
    text: c.text,
  };
}

/**
 * The 整改清单 form filled from a criticism: its text (the 书记 may rewrite it), the person as
 * owner, the meeting. Null when there is none to draft from, or it already has its item. Showing
 * the text is a read of a criticism, audited like the note page.
 */
export async function criticismDraft(
  sql: Sql,
  live: Pick<LiveAccess, "readDocuments">,
  subject: Subject,
  orgId: string,
  ref: string,
  address: string | null = null,
): Promise<{ problem: string; ownerId: string; meetingId: string; criticism: string } | null> {
  const c = await findCriticism(sql, live, subject, orgId, ref);
  if (!c) return null;
  const [made] = await sql`
    select 1 from rectification_items where source_kind = 'criticism' and source_id = ${c.sourceId}`;
  if (made) return null;
  if (subject.userId !== c.personId)
    await audit(sql, {
      actorId: subject.userId,
      action: "criticism.read",
      orgId: c.meetingOrgId,
      subjectUserId: c.personId,
      detail: { meeting: c.meetingTitle, document: "criticism", via: "rectification" },
      address,
    });
  return {
    problem: c.text.slice(0, LIMITS.problem),
    ownerId: c.personId,
    meetingId: c.meetingId,
    criticism: `${c.meetingId}:${c.personId}:${c.key}`,
  };
}

/** What a note's reader needs for 「生成整改事项」: the branch, and the items already made, by key. */
export interface CriticismItemLinks {
  orgId: string;
  meetingId: string;
  personId: string;
  /** Neutral key → the 整改清单 item made from that criticism. */
  made: Record<string, string>;
}

/**
 * For a reader of a person's note: the links to make 整改清单 items from its criticisms, or null
 * when they may not make items in the meeting's branch (only 书记, 副书记, 组织委员 may).
 */
export async function criticismItemLinks(
  sql: Sql,
  subject: Subject,
  meetingOrgId: string,
  meetingId: string,
  personId: string,
  keys: string[],
): Promise<CriticismItemLinks | null> {
  const branchId = await branchOfOrg(sql, meetingOrgId);
  if (!branchId) return null;
  const org = await findOrg(sql, branchId);
  if (!org || !mayCreateRectification(subject, org.resource)) return null;
  const ids = new Map(keys.map((k) => [criticismSourceId(meetingId, personId, k), k]));
  const made: Record<string, string> = {};
  if (ids.size > 0) {
    const rows = await sql<{ id: string; sourceId: string }[]>`
      select id, source_id as "sourceId" from rectification_items
      where source_kind = 'criticism' and source_id = any(${[...ids.keys()]})`;
    for (const r of rows) made[ids.get(r.sourceId)!] = r.id;
  }
  return { orgId: branchId, meetingId, personId, made };
}
