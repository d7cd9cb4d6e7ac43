import type { WriteRefusal } from "../../shared/write-limits";
import type { Config } from "../config";

/**
 * What one user may write into live documents and how large a document may grow (docs/decisions/017).
 * The embedded database runs inside this process, so a few huge writes stall everyone; these caps
 * keep one person's writing to what a person can type or paste.
 */
export interface CollabLimits {
  /** A document's stored state (snapshot and log) may not grow past this. */
  docMaxBytes: number;
  /** One person's writes, across their connections on this node: bytes a minute on average… */
  writeBytesPerMinute: number;
  /** …and at once. A single write larger than this is refused as too large, never as "too fast". */
  writeBurstBytes: number;
  /** One presence (awareness) state: a name, a colour, a caret. */
  presenceMaxBytes: number;
}

/** The limits as configured (DOC_MAX_BYTES, WRITE_BYTES_PER_MINUTE, WRITE_BURST_BYTES, PRESENCE_MAX_BYTES). */
export function collabLimits(config: Config): CollabLimits {
  return {
    docMaxBytes: config.DOC_MAX_BYTES,
    writeBytesPerMinute: config.WRITE_BYTES_PER_MINUTE,
    writeBurstBytes: config.WRITE_BURST_BYTES,
    presenceMaxBytes: config.PRESENCE_MAX_BYTES,
  };
}

export const DEFAULT_COLLAB_LIMITS: CollabLimits = {
  docMaxBytes: 10 * 1024 * 1024,
  writeBytesPerMinute: 1024 * 1024,
  writeBurstBytes: 2 * 1024 * 1024,
  presenceMaxBytes: 2 * 1024,
};

/**
 * Token buckets in bytes, one per user: full at `burst`, refilled at `perMinute`. A write takes its
 * size from the bucket, or nothing when the bucket does not hold that much (a refused write costs
 * nothing, so the same write sent again later gets in once the bucket has refilled).
 */
export class WriteBudgets {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private perMs: number;

  constructor(
    perMinute: number,
    readonly burst: number,
    private now: () => number = () => performance.now(),
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes `bytes` for the user, or says how long until the bucket would hold them. */
  take(userId: string, bytes: number): { ok: true } | { ok: false; waitMs: number } {
    const now = this.now();
    const b = this.buckets.get(userId) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    this.buckets.set(userId, b);
    if (b.tokens >= bytes) {
      b.tokens -= bytes;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil((bytes - b.tokens) / this.perMs) };
  }

  /** Forgets buckets that have refilled (they are the same as a new one), so the map stays small. */
  sweep() {
    const now = this.now();
    for (const [id, b] of this.buckets) if (b.tokens + (now - b.at) * this.perMs >= this.burst) this.buckets.delete(id);
  }

  get size() {
    return this.buckets.size;
  }
}

/**
 * Whether a write of `bytes` into a document holding `docBytes` may go in, and if not, why. The size
 * checks come first and cost the writer nothing; only a write that may be stored takes from the budget.
 */
export function admitWrite(
  limits: CollabLimits,
  budgets: WriteBudgets,
  userId: string,
  docBytes: number,
  bytes: number,
): WriteRefusal | null {
  if (docBytes + bytes > limits.docMaxBytes)
    return { kind: "too_large", scope: "document", limitBytes: limits.docMaxBytes };
  if (bytes > budgets.burst) return { kind: "too_large", scope: "write", limitBytes: budgets.burst };
  const taken = budgets.take(userId, bytes);
  if (taken.ok) return null;
  return { kind: "rate", retryAfterSeconds: Math.max(1, Math.ceil(taken.waitMs / 1000)) };
}
