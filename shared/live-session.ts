import type * as Y from "yjs";

// A session's live channel (document meeting.<id>.live): the server writes, pages read. Its map
// says what to show now; every change bumps `rev`, and open pages reload their data when it
// moves. Presence is the channel's awareness, bound by the server to the signed-in user.

export const LIVE_MAP = "session";

export interface LiveState {
  rev: number;
  agendaItemId: string | null;
}

export function readLiveState(doc: Y.Doc): LiveState {
  const m = doc.getMap(LIVE_MAP);
  const rev = m.get("rev");
  const item = m.get("agendaItemId");
  return { rev: typeof rev === "number" ? rev : 0, agendaItemId: typeof item === "string" ? item : null };
}

/** Marks a change (and the agenda position when given). */
export function bumpSession(doc: Y.Doc, state?: { agendaItemId?: string | null }) {
  const m = doc.getMap(LIVE_MAP);
  m.set("rev", readLiveState(doc).rev + 1);
  if (state && "agendaItemId" in state) m.set("agendaItemId", state.agendaItemId ?? null);
}
