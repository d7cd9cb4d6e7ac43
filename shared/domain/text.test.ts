import { describe, expect, it } from "vitest";
import { countWords, highlightSegments } from "./text";

describe("countWords", () => {
  it("counts each Chinese character once and ignores punctuation", () => {
    expect(countWords("不忘初心、牢记使命。")).toBe(8);
    expect(countWords("“高效办成一件事”！")).toBe(7);
  });

  it("counts a Latin word or a number as one", () => {
    expect(countWords("hello world")).toBe(2);
    expect(countWords("2024年")).toBe(2);
    expect(countWords("学习了3遍")).toBe(5);
    expect(countWords("AI 与 大数据")).toBe(5);
  });

  it("keeps decimals, thousands, hyphenated words and apostrophes in one word", () => {
    expect(countWords("3.5")).toBe(1);
    expect(countWords("1,000 people")).toBe(2);
    expect(countWords("COVID-19")).toBe(1);
    expect(countWords("don't stop")).toBe(2);
    // a full stop ending a sentence still separates
    expect(countWords("Done. Next")).toBe(2);
    expect(countWords("end.")).toBe(1);
  });

  it("gives nothing for empty, blank or symbol-only text", () => {
    expect(countWords("")).toBe(0);
    expect(countWords("   \n\t ")).toBe(0);
    expect(countWords("——，。！？…… ** --")).toBe(0);
  });

  it("counts full-width digits and letters as words and newlines as separators", () => {
    expect(countWords("２０２４年")).toBe(2);
    expect(countWords("第一段\n第二段")).toBe(6);
    expect(countWords("abc\ndef")).toBe(2);
  });

  it("counts a realistic mixed paragraph", () => {
    // 今年(2) 1(1) 月(1) 以来(2) ，我们(2) 用(1) Excel(1) 整理(2) 了(1) 12(1) 个(1) 社区(2) 的(1) 台账(2)
    expect(countWords("今年1月以来，我们用 Excel 整理了12个社区的台账。")).toBe(20);
  });
});

describe("highlightSegments", () => {
  it("cuts a text into plain and marked pieces that join back to it", () => {
    const text = "一二三四五六七八九十";
    const parts = highlightSegments(text, [
      { start: 6, end: 8, n: 2 },
      { start: 1, end: 3, n: 1 },
    ]);
    expect(parts).toEqual([
      { text: "一", n: null },
      { text: "二三", n: 1 },
      { text: "四五六", n: null },
      { text: "七八", n: 2 },
      { text: "九十", n: null },
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(text);
  });

  it("keeps the earlier of overlapping ranges, clamps out-of-range ones and drops empty ones", () => {
    const parts = highlightSegments("abcdef", [
      { start: 0, end: 3, n: 1 },
      { start: 2, end: 5, n: 2 },
      { start: 4, end: 99, n: 3 },
      { start: 3, end: 3, n: 4 },
    ]);
    expect(parts).toEqual([
      { text: "abc", n: 1 },
      { text: "de", n: 2 },
      { text: "f", n: 3 },
    ]);
    expect(highlightSegments("", [{ start: 0, end: 5, n: 1 }])).toEqual([]);
    expect(highlightSegments("abc", [])).toEqual([{ text: "abc", n: null }]);
  });
});
