import type { Sql } from "../../../db/client";
import { parseDocName } from "../../../shared/doc-names";
import { log } from "../../logger";
import type { LiveAccess } from "../actor";
import { audit } from "../audit";
import { criticismMeeting } from "./criticism-records";
import { noteTouchedBy, refreshNote } from "./criticism-note";

// The collaboration side of the round of criticism (docs/decisions/035): a change to a criticism
// or an answer composes its person's note again (at most every NOTE_DEBOUNCE_MS per note), and a
// reader other than the author or the person opening one of these documents is audited.

export const NOTE_DEBOUNCE_MS = 250;

/** Called with every stored client change; composes the touched note a moment later. */
export function noteRefresher(sql: Sql, live: LiveAccess): (docName: string) => void {
  const timers = new Map<string, NodeJS.Timeout>();
  return (docName) => {
    const touched = noteTouchedBy(docName);
    if (!touched) return;
    const key = `${touched.meetingId}:${touched.personId}`;
    if (timers.has(key)) return;
    const t = setTimeout(() => {
      timers.delete(key);
      refreshNote(sql, live, touched.meetingId, touched.personId).catch((e) =>
        log.error("criticism.compose_failed", { meeting: touched.meetingId, error: e }),
      );
    }, NOTE_DEBOUNCE_MS);
    t.unref();
    timers.set(key, t);
  };
}

/** Audits a read of a criticism, an answer or a note over the WebSocket by someone other than its author or person. */
export async function auditLiveRead(sql: Sql, userId: string, docName: string): Promise<void> {
  const d = parseDocName(docName);
  if (!d || (d.kind !== "criticism" && d.kind !== "criticism-answer" && d.kind !== "criticism-note")) return;
  const personId = d.kind === "criticism" ? d.targetId : d.personId;
  if (userId === personId || (d.kind === "criticism" && userId === d.authorId)) return;
  const m = await criticismMeeting(sql, d.meetingId, null);
  if (!m) return;
  await audit(sql, {
    actorId: userId,
    action: "criticism.read",
    orgId: m.row.org_id,
    subjectUserId: personId,
    detail: { meeting: m.row.title, document: d.kind, via: "live" },
  });
}
