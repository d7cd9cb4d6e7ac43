import * as Y from "yjs";
import type { Sql } from "../../../db/client";
import type { ComposedNote } from "../../../shared/criticism-note";
import { writeNote } from "../../../shared/criticism-note";
import { criticismAnswerDoc, criticismDocPrefix, criticismNoteDoc, parseDocName } from "../../../shared/doc-names";
import { CRITICISM_MAX_CHARS } from "../../../shared/domain/life-criticism";
import { plainText } from "../../../shared/editor/minutes";
import type { LiveAccess } from "../actor";
import { criticismFlags } from "./criticism-flags";
import { authorKey, roundSalt } from "./criticism-records";
import { examinationText } from "./examination-text";

// The 批评与自我批评 note of one person (docs/decisions/035): composed by the server from their
// self-criticism (对照检查材料), the criticisms they received (each its author's own live
// document) and their answer (表态), and written into a server-only document that every reader
// of the note follows live. Nothing in it names or orders by an author.

const cut = (s: string) => (s.length > CRITICISM_MAX_CHARS ? `${s.slice(0, CRITICISM_MAX_CHARS)}……` : s);

/** The names of the stored criticisms of one person (the server lists them; no client ever does). */
async function criticismNames(sql: Sql, meetingId: string, personId: string): Promise<string[]> {
  const prefix = criticismDocPrefix(meetingId, personId);
  const rows = await sql<{ doc_name: string }[]>`
    select doc_name from doc_updates where starts_with(doc_name, ${prefix})
    union select doc_name from doc_snapshots where starts_with(doc_name, ${prefix})`;
  return rows.map((r) => r.doc_name);
}

function textOf(state: Uint8Array | undefined): string {
  if (!state) return "";
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return plainText(doc).trim();
  } finally {
    doc.destroy();
  }
}

/** The note as it stands: self-criticism, criticisms in key order with the 书记's flags, answer. */
export async function composeNote(
  sql: Sql,
  live: Pick<LiveAccess, "readDocuments">,
  meetingId: string,
  personId: string,
): Promise<ComposedNote & { authorKeys: Map<string, string> }> {
  const names = await criticismNames(sql, meetingId, personId);
  const answerName = criticismAnswerDoc(meetingId, personId);
  const states = await live.readDocuments([...names, answerName]);
  const salt = await roundSalt(sql, meetingId);
  const authorKeys = new Map<string, string>();
  const items: { key: string; text: string }[] = [];
  for (const name of names) {
    const d = parseDocName(name);
    if (d?.kind !== "criticism") continue;
    const text = textOf(states.get(name));
    if (!text) continue;
    const key = authorKey(salt, personId, d.authorId);
    authorKeys.set(key, d.authorId);
    items.push({ key, text: cut(text) });
  }
  items.sort((a, b) => (a.key < b.key ? -1 : 1));
  const flags = criticismFlags(items);
  return {
    self: cut(await examinationText(sql, meetingId, personId)),
    criticisms: items.map((i) => ({ ...i, flags: flags.get(i.key) ?? [] })),
    answer: cut(textOf(states.get(answerName))),
    authorKeys,
  };
}

/** Composes the note again and writes it into the person's note document (everyone reading it follows). */
export async function refreshNote(sql: Sql, live: LiveAccess, meetingId: string, personId: string) {
  const { authorKeys: _keys, ...note } = await composeNote(sql, live, meetingId, personId);
  await live.editDocument(criticismNoteDoc(meetingId, personId), (doc) => writeNote(doc, note));
  return note;
}

/**
 * Which note a change to a live document touches: a criticism of a person or their answer. The
 * collaboration side calls refreshNote for it (debounced) after the change is stored.
 */
export function noteTouchedBy(docName: string): { meetingId: string; personId: string } | null {
  const d = parseDocName(docName);
  if (d?.kind === "criticism") return { meetingId: d.meetingId, personId: d.targetId };
  if (d?.kind === "criticism-answer") return { meetingId: d.meetingId, personId: d.personId };
  return null;
}

/** The note as plain lines for the minutes (no authors: the minutes follow the same confidentiality). */
export function noteForMinutes(name: string, note: ComposedNote, absent: boolean): string[] {
  if (absent) return [`${name}：缺席，未进行批评与自我批评。${note.self ? "已提交对照检查材料。" : ""}`];
  const lines = [`自我批评：${note.self || "（未提交对照检查材料）"}`];
  if (note.criticisms.length === 0) lines.push("收到的批评意见：无");
  else note.criticisms.forEach((c, i) => lines.push(`批评意见 ${i + 1}：${c.text}`));
  lines.push(`表态：${note.answer || "（未记录）"}`);
  return lines;
}
