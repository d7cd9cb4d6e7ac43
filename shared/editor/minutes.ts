import * as Y from "yjs";
import { EDITOR_FIELD } from "./extensions";

// The minutes as Yjs content, written by the server: the outline a new record starts from and
// the lines it adds itself (a vote's result). The element and attribute names are TipTap's node
// names and attributes, which is how y-prosemirror stores them.

/** The heading of the section the server writes decisions into. */
export const DECISIONS_HEADING = "会议决议";
/** Fixed client id of the outline: two nodes seeding at once make the same items (kept once). */
const OUTLINE_CLIENT_ID = 1;
const NUMERALS = "一二三四五六七八九十";

const chineseOrdinal = (n: number) =>
  n <= 10
    ? NUMERALS[n - 1]
    : n < 20
      ? `十${NUMERALS[n - 11]}`
      : `${NUMERALS[Math.floor(n / 10) - 1]}十${n % 10 ? NUMERALS[(n % 10) - 1] : ""}`;

function heading(level: 2 | 3, text: string) {
  const h = new Y.XmlElement("heading");
  h.setAttribute("level", level as unknown as string);
  h.insert(0, [new Y.XmlText(text)]);
  return h;
}

function paragraph(text = "") {
  const p = new Y.XmlElement("paragraph");
  if (text) p.insert(0, [new Y.XmlText(text)]);
  return p;
}

/**
 * The first content of a meeting's minutes: per agenda item a heading and a 发言要点 section,
 * then the decisions. Deterministic for the same agenda.
 */
export function minutesOutline(agenda: readonly string[]): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = OUTLINE_CLIENT_ID;
  const items: Y.XmlElement[] = [];
  if (agenda.length === 0) items.push(heading(2, "发言要点"), paragraph());
  agenda.forEach((title, i) => {
    items.push(heading(2, `${chineseOrdinal(i + 1)}、${title}`), heading(3, "发言要点"), paragraph());
  });
  items.push(heading(2, DECISIONS_HEADING), paragraph());
  doc.getXmlFragment(EDITOR_FIELD).insert(0, items);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

const INLINE = new Set(["speaker", "hardBreak"]);

function textOf(node: Y.XmlElement | Y.XmlText): string {
  if (node instanceof Y.XmlText)
    return (node.toDelta() as { insert: unknown }[])
      .map((d) => (typeof d.insert === "string" ? d.insert : ""))
      .join("");
  if (node.nodeName === "speaker") return String(node.getAttribute("name") ?? "");
  if (node.nodeName === "hardBreak") return "\n";
  let out = "";
  for (const c of node.toArray() as (Y.XmlElement | Y.XmlText)[]) {
    const block = c instanceof Y.XmlElement && !INLINE.has(c.nodeName);
    if (block && out) out += "\n";
    out += textOf(c);
  }
  return out;
}

const isHeading = (n: unknown, level: number) =>
  n instanceof Y.XmlElement && n.nodeName === "heading" && Number(n.getAttribute("level")) === level;

/**
 * Adds a paragraph at the end of the decisions section (creating the section if someone removed
 * it). Used for a closed vote's result, so the 记录人 never re-types it.
 */
export function appendDecision(doc: Y.Doc, text: string) {
  const frag = doc.getXmlFragment(EDITOR_FIELD);
  const nodes = frag.toArray();
  const at = nodes.findIndex((n) => isHeading(n, 2) && textOf(n as Y.XmlElement).trim() === DECISIONS_HEADING);
  if (at < 0) {
    frag.insert(frag.length, [heading(2, DECISIONS_HEADING), paragraph(text)]);
    return;
  }
  let end = at + 1;
  while (end < nodes.length && !isHeading(nodes[end], 2)) end++;
  // Fill the outline's empty line rather than leave a gap above the result.
  const last = nodes[end - 1];
  if (end - 1 > at && last instanceof Y.XmlElement && last.nodeName === "paragraph" && last.length === 0) {
    last.insert(0, [new Y.XmlText(text)]);
    return;
  }
  frag.insert(end, [paragraph(text)]);
}

/** The minutes' plain text, one block per line (for tests, word counts and the similarity check). */
export function plainText(doc: Y.Doc): string {
  return doc
    .getXmlFragment(EDITOR_FIELD)
    .toArray()
    .map((n) => textOf(n as Y.XmlElement | Y.XmlText))
    .join("\n");
}

/** The 组织生活会's sections (docs/decisions/035). */
export const LOOK_BACK_HEADING = "回头看";
export const CRITICISM_HEADING = "批评与自我批评";

/**
 * The first content of a 组织生活会's minutes: 回头看 with the last 组织生活会's 整改清单 items
 * (one line each, as they stood when the record was first opened), 批评与自我批评 with a heading
 * per person in the round's order (filled from their note when the host moves on), then the
 * decisions. Deterministic for the same input.
 */
export function lifeMinutesOutline(lookBack: readonly string[], people: readonly string[]): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = OUTLINE_CLIENT_ID;
  const items: Y.XmlElement[] = [heading(2, `一、${LOOK_BACK_HEADING}`)];
  if (lookBack.length === 0) items.push(paragraph("上次组织生活会无整改事项。"));
  for (const line of lookBack) items.push(paragraph(line));
  items.push(heading(2, `二、${CRITICISM_HEADING}`));
  if (people.length === 0) items.push(paragraph());
  for (const name of people) items.push(heading(3, name), paragraph());
  items.push(heading(2, DECISIONS_HEADING), paragraph());
  doc.getXmlFragment(EDITOR_FIELD).insert(0, items);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/**
 * Writes one person's lines under their heading in the 批评与自我批评 section: into the outline's
 * empty line, before whatever the 记录人 typed there; a person (or the section) missing from the
 * outline is added at the section's end (before the decisions).
 */
export function fillCriticismSection(doc: Y.Doc, name: string, lines: readonly string[]) {
  const frag = doc.getXmlFragment(EDITOR_FIELD);
  const nodes = frag.toArray();
  const label = (n: unknown) => (n instanceof Y.XmlElement ? textOf(n).trim() : "");
  let section = nodes.findIndex((n) => isHeading(n, 2) && label(n).endsWith(CRITICISM_HEADING));
  if (section < 0) {
    const decisions = nodes.findIndex((n) => isHeading(n, 2) && label(n) === DECISIONS_HEADING);
    section = decisions < 0 ? frag.length : decisions;
    frag.insert(section, [heading(2, CRITICISM_HEADING)]);
    return fillCriticismSection(doc, name, lines);
  }
  let end = section + 1;
  while (end < nodes.length && !isHeading(nodes[end], 2)) end++;
  let at = -1;
  for (let i = section + 1; i < end; i++) if (isHeading(nodes[i], 3) && label(nodes[i]) === name) at = i;
  const paragraphs = lines.map((l) => paragraph(l));
  if (at < 0) {
    frag.insert(end, [heading(3, name), ...paragraphs]);
    return;
  }
  const next = nodes[at + 1];
  if (at + 1 < end && next instanceof Y.XmlElement && next.nodeName === "paragraph" && next.length === 0)
    frag.delete(at + 1, 1);
  frag.insert(at + 1, paragraphs);
}

/**
 * The sections of the minutes nobody wrote anything under (issue 17 §1: what is still open before
 * sealing): each heading whose own lines, up to the next heading, hold no text. A heading followed
 * at once by a deeper one is a parent and is named with its child ("一、学习 · 发言要点").
 */
export function emptySections(doc: Y.Doc): string[] {
  const nodes = doc.getXmlFragment(EDITOR_FIELD).toArray() as (Y.XmlElement | Y.XmlText)[];
  const level = (n: unknown) =>
    n instanceof Y.XmlElement && n.nodeName === "heading" ? Number(n.getAttribute("level")) || 1 : 0;
  const out: string[] = [];
  const parents: { level: number; title: string }[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const l = level(nodes[i]);
    if (!l) continue;
    const title = textOf(nodes[i]).trim();
    while (parents.length && parents[parents.length - 1].level >= l) parents.pop();
    let end = i + 1;
    while (end < nodes.length && !level(nodes[end])) end++;
    const parent = end === i + 1 && end < nodes.length && level(nodes[end]) > l;
    if (!parent && nodes.slice(i + 1, end).every((n) => textOf(n).trim() === ""))
      out.push([...parents.map((p) => p.title), title].join(" · "));
    parents.push({ level: l, title });
  }
  return out;
}
