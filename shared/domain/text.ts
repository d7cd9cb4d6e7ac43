// Counting the length of a text the way Chinese readers count it (字数): each Chinese character is
// one, and a run of Latin letters or digits (a word, a number such as 2024 or 3.5, an
// abbreviation such as COVID-19) is one as well. Punctuation, spaces and symbols do not count.
// Shared by the reflection editor (live count in the browser) and the server (stored count).

/** A character written one per 字: Han ideographs, and Japanese kana for completeness. */
const PER_CHARACTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** Letters, marks and digits of other scripts: these build words. */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
/** Joins two word characters into one word: don't, e-mail, 3.5, 1,000. */
const JOINER = /['’\-.,·_]/u;

/** 字数 of a text: Chinese characters one each, Latin words and numbers one each. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (PER_CHARACTER.test(c)) {
      count++;
      inWord = false;
    } else if (WORD_CHAR.test(c)) {
      if (!inWord) count++;
      inWord = true;
    } else if (inWord && JOINER.test(c) && i + 1 < chars.length && isWordChar(chars[i + 1])) {
      // stays inside the word
    } else {
      inWord = false;
    }
  }
  return count;
}

const isWordChar = (c: string) => WORD_CHAR.test(c) && !PER_CHARACTER.test(c);

/** A reflection shorter than this (in 字) cannot be submitted. */
export const REFLECTION_MIN_WORDS = 50;
/** Longest submitted reflection, in 字 (a generous bound: the form's own cap is ~1 MB of state). */
export const REFLECTION_MAX_WORDS = 20_000;

/** A piece of a text to highlight: [start, end) in UTF-16 offsets, and the passage number it belongs to. */
export interface MarkRange {
  start: number;
  end: number;
  n: number;
}

/**
 * Cuts a text into plain and marked pieces for display. Ranges are clamped to the text, sorted, and
 * where they overlap the earlier one wins, so every character appears exactly once.
 */
export function highlightSegments(text: string, ranges: readonly MarkRange[]): { text: string; n: number | null }[] {
  const sorted = ranges
    .map((r) => ({
      start: Math.max(0, Math.min(r.start, text.length)),
      end: Math.max(0, Math.min(r.end, text.length)),
      n: r.n,
    }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start || a.n - b.n);
  const out: { text: string; n: number | null }[] = [];
  let at = 0;
  for (const r of sorted) {
    const start = Math.max(r.start, at);
    if (start >= r.end) continue;
    if (start > at) out.push({ text: text.slice(at, start), n: null });
    out.push({ text: text.slice(start, r.end), n: r.n });
    at = r.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), n: null });
  return out;
}

/**
 * Bidirectional control characters (LRM, RLM, ALM, the embeddings, overrides and isolates). They
 * reorder what is shown, so "学习\u202Efdp.exe" reads as "学习exe.pdf": names never keep them.
 */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export const withoutBidiControls = (s: string) => s.replace(BIDI_CONTROLS, "");
