import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { EDITOR_FIELD } from "./extensions";
import { plainText } from "./minutes";
import { passageStoredAt, timedText } from "./timed-text";

function paragraph(doc: Y.Doc, text: string) {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  const f = doc.getXmlFragment(EDITOR_FIELD);
  f.insert(f.length, [p]);
}

describe("timedText", () => {
  it("reads the document as plainText does, with each character's stored time", () => {
    const doc = new Y.Doc();
    paragraph(doc, "学习体会");
    paragraph(doc, "今后打算");
    // Clock i of this client was stored at 1000 + i.
    const timed = timedText(doc, (client, clock) => (client === doc.clientID ? 1000 + clock : null));
    expect(timed.text).toBe(plainText(doc));
    expect(timed.at).toHaveLength(timed.text.length);
    expect(timed.at[timed.text.indexOf("\n")]).toBeNull();
    expect(timed.at[0]).not.toBeNull();
  });

  it("dates a passage by its last character, ignoring whitespace, and null when absent", () => {
    const timed = { text: "甲乙 丙丁", at: [1, 2, null, 3, 9] };
    expect(passageStoredAt(timed, "乙丙")).toBe(3);
    expect(passageStoredAt(timed, "甲乙丙丁")).toBe(9);
    expect(passageStoredAt({ text: "甲乙丙", at: [1, null, 3] }, "甲乙")).toBeNull(); // unknown time
    expect(passageStoredAt({ text: "甲乙丙丁", at: [1, 2, 3, 9] }, "甲乙 丙丁")).toBe(9);
    expect(passageStoredAt(timed, "戊")).toBeNull();
  });
});
