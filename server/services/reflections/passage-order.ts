import * as Y from "yjs";
import type { Sql } from "../../../db/client";
import { passageStoredAt, timedText, type TimedText } from "../../../shared/editor/timed-text";
import { DocStore, itemStoredAt } from "../../collab/persistence";

// Who had a shared passage first. Two reflections of one session share a passage: each side's
// first stored time of it comes from its own live document (the Yjs items holding the passage and
// when they were stored, server/collab/persistence.ts itemTimes). The earlier author is not
// flagged for it; the reviewer sees both times (docs/decisions/013, "who was first").

export type Earlier = "mine" | "other" | "mixed" | "unknown";

export interface OrderedPassage {
  start: number;
  end: number;
  otherStart: number;
  otherEnd: number;
  /** When each side first had the whole passage stored (ISO), or null if unknown. */
  mineAt: string | null;
  otherAt: string | null;
}

/** A reflection document's text with first-stored times, or null if it was never stored. */
export async function storedTimedText(sql: Sql, docName: string): Promise<TimedText | null> {
  const store = new DocStore(sql);
  const [{ state }, times] = await Promise.all([store.load(docName), store.itemTimes(docName)]);
  if (!state) return null;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const timed = timedText(doc, (client, clock) => itemStoredAt(times, client, clock));
  doc.destroy();
  return timed;
}

/**
 * Orders one match's passages. `counted` is the share (by length, on the submitted side) of the
 * passages that the other side had first or whose order is unknown: the part of the match that
 * still speaks against the submitter.
 */
export function orderPassages(
  mineText: string,
  mine: TimedText | null,
  otherText: string,
  other: TimedText | null,
  passages: { start: number; end: number; otherStart: number; otherEnd: number }[],
): { passages: OrderedPassage[]; earlier: Earlier; counted: number } {
  let total = 0;
  let againstMe = 0;
  let minesFirst = 0;
  let othersFirst = 0;
  const ordered = passages.map((p) => {
    const mineAt = mine ? passageStoredAt(mine, mineText.slice(p.start, p.end)) : null;
    const otherAt = other ? passageStoredAt(other, otherText.slice(p.otherStart, p.otherEnd)) : null;
    const length = p.end - p.start;
    total += length;
    if (mineAt !== null && otherAt !== null && mineAt < otherAt) minesFirst++;
    else {
      againstMe += length;
      if (mineAt !== null && otherAt !== null && otherAt < mineAt) othersFirst++;
    }
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return { ...p, mineAt: iso(mineAt), otherAt: iso(otherAt) };
  });
  const earlier: Earlier =
    minesFirst === passages.length && minesFirst > 0
      ? "mine"
      : othersFirst === passages.length && othersFirst > 0
        ? "other"
        : minesFirst + othersFirst > 0
          ? "mixed"
          : "unknown";
  return { passages: ordered, earlier, counted: total > 0 ? againstMe / total : 1 };
}
