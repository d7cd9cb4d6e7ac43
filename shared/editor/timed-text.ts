import * as Y from "yjs";
import { EDITOR_FIELD } from "./extensions";

// A document's plain text (as plainText in minutes.ts reads it) with, for every character, when it
// was first stored: from the Yjs item that holds it (its client and clock) through `storedAt`.
// Used to tell which of two authors had a shared passage first.

export interface TimedText {
  text: string;
  /** Per character of `text`: epoch ms, or null (a line break we added, or unknown). */
  at: (number | null)[];
}

type StoredAt = (client: number, clock: number) => number | null;

interface ItemLike {
  id: { client: number; clock: number };
  deleted: boolean;
  content: unknown;
  right: ItemLike | null;
}

const INLINE = new Set(["speaker", "hardBreak"]);

export function timedText(doc: Y.Doc, storedAt: StoredAt): TimedText {
  const out: TimedText = { text: "", at: [] };
  const push = (s: string, at: number | null) => {
    out.text += s;
    for (let i = 0; i < s.length; i++) out.at.push(at);
  };
  const nodes = doc.getXmlFragment(EDITOR_FIELD).toArray() as (Y.XmlElement | Y.XmlText)[];
  nodes.forEach((n, i) => {
    if (i > 0) push("\n", null);
    walk(n, push, storedAt);
  });
  return out;
}

function walk(node: Y.XmlElement | Y.XmlText, push: (s: string, at: number | null) => void, storedAt: StoredAt) {
  if (node instanceof Y.XmlText) {
    // The text's own items, in order (Yjs keeps them as a linked list from _start).
    for (let item = (node as unknown as { _start: ItemLike | null })._start; item; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
      const str = (item.content as unknown as { str: string }).str;
      // A string item holds one clock per UTF-16 unit.
      for (let i = 0; i < str.length; i++) push(str[i], storedAt(item.id.client, item.id.clock + i));
    }
    return;
  }
  const self = (node as unknown as { _item: ItemLike | null })._item;
  const own = self ? storedAt(self.id.client, self.id.clock) : null;
  if (node.nodeName === "speaker") return push(String(node.getAttribute("name") ?? ""), own);
  if (node.nodeName === "hardBreak") return push("\n", own);
  let first = true;
  for (const c of node.toArray() as (Y.XmlElement | Y.XmlText)[]) {
    const block = c instanceof Y.XmlElement && !INLINE.has(c.nodeName);
    if (block && !first) push("\n", null);
    walk(c, push, storedAt);
    first = false;
  }
}

/**
 * When a passage (a piece of the text as it was submitted, which tidies whitespace) was complete in
 * the document: the latest first-stored time of its characters, matched ignoring whitespace. Null
 * if the passage is no longer there or its times are unknown.
 */
export function passageStoredAt(timed: TimedText, passage: string): number | null {
  const chars: string[] = [];
  const times: (number | null)[] = [];
  for (let i = 0; i < timed.text.length; i++)
    if (!/\s/.test(timed.text[i])) {
      chars.push(timed.text[i]);
      times.push(timed.at[i]);
    }
  const needle = passage.replace(/\s+/g, "");
  if (!needle) return null;
  const at = chars.join("").indexOf(needle);
  if (at < 0) return null;
  let latest: number | null = null;
  for (let i = at; i < at + needle.length; i++) {
    const t = times[i];
    if (t === null) return null;
    if (latest === null || t > latest) latest = t;
  }
  return latest;
}
