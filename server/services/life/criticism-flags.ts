import { isEmptyPraise, type CriticismFlag } from "../../../shared/domain/life-criticism";
import { compareReflections, normalise } from "../reflections/similarity";

// What the 书记 is shown beside the criticisms of one person (docs/decisions/035): criticisms
// identical or nearly identical to another member's, and empty praise without a concrete problem.
// Long texts go through the 心得体会 similarity check (similarity.ts); short ones, below its
// minimum, are compared on their normalised characters (the same normalisation).

/** Share of character pairs two short criticisms must share to count as nearly identical. */
export const SHORT_SIMILAR = 0.8;
/** Score of the passage check above which two long criticisms count as nearly identical. */
export const LONG_SIMILAR = 0.6;
/** Shorter than this (normalised characters), a text is not compared at all. */
const MIN_COMPARED = 6;

const compact = (text: string) => normalise(text).norm.replace(/\n/g, "");

function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  const cs = Array.from(s);
  for (let i = 0; i + 1 < cs.length; i++) {
    const k = cs[i] + cs[i + 1];
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient of character pairs, 0..1. */
export function shortSimilarity(a: string, b: string): number {
  const x = bigrams(compact(a));
  const y = bigrams(compact(b));
  let shared = 0;
  let total = 0;
  for (const [k, n] of x) {
    shared += Math.min(n, y.get(k) ?? 0);
    total += n;
  }
  for (const n of y.values()) total += n;
  return total === 0 ? 0 : (2 * shared) / total;
}

/** The flags of each criticism (by key) among the criticisms of one person. */
export function criticismFlags(items: readonly { key: string; text: string }[]): Map<string, CriticismFlag[]> {
  const out = new Map<string, CriticismFlag[]>(items.map((i) => [i.key, []]));
  const add = (key: string, f: CriticismFlag) => {
    const l = out.get(key)!;
    if (!l.includes(f)) l.push(f);
  };
  const texts = items.map((i) => ({ ...i, compact: compact(i.text) }));
  for (const i of texts) if (isEmptyPraise(i.text)) add(i.key, "empty_praise");
  for (let a = 0; a < texts.length; a++) {
    for (let b = a + 1; b < texts.length; b++) {
      const x = texts[a];
      const y = texts[b];
      if (x.compact.length < MIN_COMPARED || y.compact.length < MIN_COMPARED) continue;
      let similar = x.compact === y.compact || shortSimilarity(x.text, y.text) >= SHORT_SIMILAR;
      if (!similar) {
        const r = compareReflections(x.text, [{ id: y.key, text: y.text }], { threshold: LONG_SIMILAR });
        similar = r.checked && r.flagged;
      }
      if (similar) {
        add(x.key, "similar");
        add(y.key, "similar");
      }
    }
  }
  return out;
}
