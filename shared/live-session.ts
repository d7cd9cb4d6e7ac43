import type * as Y from "yjs";

// A session's live channel (document meeting.<id>.live): the server writes, pages read. Its map
// says what to show now; every change bumps `rev`, and open pages reload their data when it
// moves. Presence is the channel's awareness, bound by the server to the signed-in user.

export const LIVE_MAP = "session";

export interface LiveState {
  rev: number;
  agendaItemId: string | null;
  /** The person whose turn it is in the round of criticism (组织生活会), or null. */
  criticismTurnId: string | null;
}

export function readLiveState(doc: Y.Doc): LiveState {
  const m = doc.getMap(LIVE_MAP);
  const rev = m.get("rev");
  const item = m.get("agendaItemId");
  const turn = m.get("criticismTurnId");
  return {
    rev: typeof rev === "number" ? rev : 0,
    agendaItemId: typeof item === "string" ? item : null,
    criticismTurnId: typeof turn === "string" ? turn : null,
  };
}

/** What a change may move besides the revision: the agenda position, the turn in the round of criticism. */
export type LiveChange = { agendaItemId?: string | null; criticismTurnId?: string | null };

/** Marks a change (and the agenda position when given). */
export function bumpSession(doc: Y.Doc, state?: LiveChange) {
  const m = doc.getMap(LIVE_MAP);
  m.set("rev", readLiveState(doc).rev + 1);
  if (state && "agendaItemId" in state) m.set("agendaItemId", state.agendaItemId ?? null);
  if (state && "criticismTurnId" in state) m.set("criticismTurnId", state.criticismTurnId ?? null);
}
