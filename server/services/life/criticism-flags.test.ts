import { describe, expect, it } from "vitest";
import { isEmptyPraise } from "../../../shared/domain/life-criticism";
import { criticismFlags, shortSimilarity } from "./criticism-flags";

describe("criticism flags", () => {
  it("flags identical and near-identical criticisms, not different ones", () => {
    const flags = criticismFlags([
      { key: "a", text: "理论学习不够深入，联系实际不够。" },
      { key: "b", text: "理论学习不够深入，联系实际不够！" },
      { key: "c", text: "理论学习不够深入,联系工作实际不够" },
      { key: "d", text: "主持支委会时发言偏长，给委员留的时间少，建议先听大家意见。" },
    ]);
    expect(flags.get("a")).toContain("similar");
    expect(flags.get("b")).toContain("similar");
    expect(flags.get("c")).toContain("similar");
    expect(flags.get("d")).toEqual([]);
  });
  it("flags empty praise without a problem word, not praise with a concrete problem", () => {
    expect(isEmptyPraise("该同志工作认真负责，值得我学习，希望继续保持。")).toBe(true);
    expect(isEmptyPraise("工作认真负责，但理论学习不够，笔记偏少。")).toBe(false);
    expect(isEmptyPraise("")).toBe(false);
    expect(criticismFlags([{ key: "x", text: "工作认真，没有什么意见。" }]).get("x")).toEqual(["empty_praise"]);
  });
  it("scores character pairs", () => {
    expect(shortSimilarity("学习不够深入", "学习不够深入")).toBe(1);
    expect(shortSimilarity("学习不够深入", "会议迟到两次")).toBe(0);
  });
});
