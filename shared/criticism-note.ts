import type * as Y from "yjs";
import type { CriticismFlag } from "./domain/life-criticism";

// A person's 批评与自我批评 note (document meeting.<id>.criticism-note.<person>): written by the
// server only, read by everyone who may read the note (docs/decisions/035). It names nobody: each
// criticism carries a neutral key (a keyed hash of its author) and the note lists them in key
// order, so neither the order nor anything else follows who wrote or when. Who may see authors
// gets the key → name map from the page's loader, never over this document.

export const NOTE_MAP = "note";

export interface NoteCriticism {
  key: string;
  text: string;
  /** For the 书记: near-identical to another criticism, or empty praise. */
  flags: CriticismFlag[];
}

export interface ComposedNote {
  /** The self-criticism from the person's 对照检查材料. */
  self: string;
  criticisms: NoteCriticism[];
  /** The person's answer (表态). */
  answer: string;
}

export const EMPTY_NOTE: ComposedNote = { self: "", criticisms: [], answer: "" };

export function readNote(doc: Y.Doc): ComposedNote {
  const m = doc.getMap(NOTE_MAP);
  const str = (k: string) => {
    const v = m.get(k);
    return typeof v === "string" ? v : "";
  };
  let criticisms: NoteCriticism[] = [];
  try {
    const parsed: unknown = JSON.parse(str("criticisms") || "[]");
    if (Array.isArray(parsed)) criticisms = parsed as NoteCriticism[];
  } catch {
    criticisms = [];
  }
  return { self: str("self"), criticisms, answer: str("answer") };
}

/** Writes only what changed (an unchanged note makes no update). */
export function writeNote(doc: Y.Doc, note: ComposedNote) {
  const m = doc.getMap(NOTE_MAP);
  const set = (k: string, v: string) => {
    if (m.get(k) !== v) m.set(k, v);
  };
  set("self", note.self);
  set("criticisms", JSON.stringify(note.criticisms));
  set("answer", note.answer);
}
