import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex } from "./record";

describe("canonicalJson", () => {
  it("sorts keys at every level, keeps array order, writes times in UTC and drops undefined", () => {
    const a = canonicalJson({
      b: 1,
      a: { d: [3, 1], c: "中" },
      at: new Date("2026-12-08T01:00:00+08:00"),
      x: undefined,
    });
    expect(a).toBe('{"a":{"c":"中","d":[3,1]},"at":"2026-12-07T17:00:00.000Z","b":1}');
    expect(canonicalJson({ a: { c: "中", d: [3, 1] }, b: 1, at: new Date("2026-12-07T17:00:00Z") })).toBe(a);
  });
  it("hashes the UTF-8 bytes: one changed byte changes the hash", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex('{"a":"会议"}')).not.toBe(sha256Hex('{"a":"会议 "}'));
  });
});
