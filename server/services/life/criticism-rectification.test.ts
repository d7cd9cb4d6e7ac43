import { describe, expect, it } from "vitest";
import { UUID_RE } from "../../../shared/ids";
import { criticismRef, parseCriticismRef } from "../../../shared/schemas/rectification";
import { criticismSourceId } from "./criticism-rectification";

const M = "0b6f7c1e-6a3f-4c55-9d1e-2f7a8b9c0d1e";
const P = "5d2c9a1b-3e4f-4a6b-8c7d-9e0f1a2b3c4d";

describe("a criticism's 整改清单 source id", () => {
  it("is a uuid, the same for the same criticism and different for another", () => {
    const id = criticismSourceId(M, P, "0123456789abcdef");
    expect(id).toMatch(UUID_RE);
    expect(id[14]).toBe("8");
    expect("89ab").toContain(id[19]);
    expect(criticismSourceId(M, P, "0123456789abcdef")).toBe(id);
    expect(criticismSourceId(M, P, "0123456789abcdee")).not.toBe(id);
    expect(criticismSourceId(P, M, "0123456789abcdef")).not.toBe(id);
  });

  it("refs round-trip; anything else is refused", () => {
    expect(parseCriticismRef(criticismRef(M, P, "0123456789ABCDEF"))).toEqual({
      meetingId: M,
      personId: P,
      key: "0123456789abcdef",
    });
    for (const bad of [
      "",
      "garbage",
      `${M}:${P}`,
      `${M}:${P}:0123`,
      `${M}:${P}:0123456789abcdefg`,
      `x${M}:${P}:0123456789abcdef`,
    ])
      expect(parseCriticismRef(bad)).toBeNull();
  });
});
