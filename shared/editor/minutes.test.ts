import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { appendDecision, emptySections, minutesOutline, plainText } from "./minutes";

const docWith = (update: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
};

describe("minutes outline", () => {
  it("has a section per agenda item and the decisions", () => {
    const doc = docWith(minutesOutline(["学习党章", "讨论发展对象"]));
    expect(plainText(doc).split("\n")).toEqual([
      "一、学习党章",
      "发言要点",
      "",
      "二、讨论发展对象",
      "发言要点",
      "",
      "会议决议",
      "",
    ]);
  });

  it("seeded twice (two nodes at once) is kept once", () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, minutesOutline(["学习党章"]));
    Y.applyUpdate(doc, minutesOutline(["学习党章"]));
    expect(plainText(doc).match(/学习党章/g)).toHaveLength(1);
  });

  it("numbers past ten in Chinese", () => {
    const titles = Array.from({ length: 12 }, (_, i) => `议题${i + 1}`);
    const text = plainText(docWith(minutesOutline(titles)));
    expect(text).toContain("十、议题10");
    expect(text).toContain("十二、议题12");
  });
});

describe("appendDecision", () => {
  it("fills the empty line under the decisions, then adds lines below it", () => {
    const doc = docWith(minutesOutline(["讨论"]));
    appendDecision(doc, "表决一：通过");
    appendDecision(doc, "表决二：未通过");
    const lines = plainText(doc).split("\n");
    expect(lines.slice(-3)).toEqual(["会议决议", "表决一：通过", "表决二：未通过"]);
  });

  it("puts the section back when someone removed it", () => {
    const doc = new Y.Doc();
    appendDecision(doc, "表决：通过");
    expect(plainText(doc)).toBe("会议决议\n表决：通过");
  });

  it("keeps what follows the decisions section in place", () => {
    const doc = docWith(minutesOutline([]));
    const frag = doc.getXmlFragment("default");
    const tail = new Y.XmlElement("heading");
    tail.setAttribute("level", 2 as unknown as string);
    tail.insert(0, [new Y.XmlText("附：签到表")]);
    frag.insert(frag.length, [tail]);
    appendDecision(doc, "结果");
    expect(plainText(doc).split("\n").slice(-3)).toEqual(["会议决议", "结果", "附：签到表"]);
  });
});

describe("emptySections (what the record page lists as still open)", () => {
  it("names each section nobody wrote under, with its parent heading; a filled one is not named", () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, minutesOutline(["学习党章", "表决"]));
    expect(emptySections(doc)).toEqual(["一、学习党章 · 发言要点", "二、表决 · 发言要点", "会议决议"]);
    appendDecision(doc, "表决通过。");
    expect(emptySections(doc)).toEqual(["一、学习党章 · 发言要点", "二、表决 · 发言要点"]);
  });
  it("an empty document has no sections to name", () => {
    expect(emptySections(new Y.Doc())).toEqual([]);
  });
});
