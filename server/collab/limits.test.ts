import { describe, expect, it } from "vitest";
import { admitWrite, WriteBudgets, type CollabLimits } from "./limits";

const KiB = 1024;

describe("WriteBudgets", () => {
  it("lets a burst through, refuses more without charging for it, and refills at the rate", () => {
    let now = 0;
    const b = new WriteBudgets(60 * KiB, 10 * KiB, () => now); // 1 KiB a second
    expect(b.take("u", 8 * KiB)).toEqual({ ok: true });
    expect(b.take("u", 4 * KiB)).toEqual({ ok: false, waitMs: 2000 }); // 2 KiB left
    expect(b.take("u", 2 * KiB)).toEqual({ ok: true }); // the refusal cost nothing
    now = 3000;
    expect(b.take("u", 3 * KiB)).toEqual({ ok: true });
    expect(b.take("other", 10 * KiB)).toEqual({ ok: true }); // per user
  });

  it("forgets buckets that have refilled", () => {
    let now = 0;
    const b = new WriteBudgets(60 * KiB, 10 * KiB, () => now);
    b.take("a", 5 * KiB);
    b.take("b", 1 * KiB);
    now = 2000;
    b.sweep();
    expect(b.size).toBe(1); // b is full again, a is not
    now = 10_000;
    b.sweep();
    expect(b.size).toBe(0);
  });
});

describe("admitWrite", () => {
  const limits: CollabLimits = {
    docMaxBytes: 100 * KiB,
    writeBytesPerMinute: 60 * KiB,
    writeBurstBytes: 20 * KiB,
    presenceMaxBytes: 2 * KiB,
  };
  it("checks the document's cap, then the size of one write, then the writer's budget", () => {
    const b = new WriteBudgets(limits.writeBytesPerMinute, limits.writeBurstBytes, () => 0);
    expect(admitWrite(limits, b, "u", 90 * KiB, 15 * KiB)).toEqual({
      kind: "too_large",
      scope: "document",
      limitBytes: 100 * KiB,
    });
    expect(admitWrite(limits, b, "u", 0, 25 * KiB)).toEqual({
      kind: "too_large",
      scope: "write",
      limitBytes: 20 * KiB,
    });
    expect(admitWrite(limits, b, "u", 0, 15 * KiB)).toBeNull();
    expect(admitWrite(limits, b, "u", 0, 15 * KiB)).toEqual({ kind: "rate", retryAfterSeconds: 10 });
  });
});
