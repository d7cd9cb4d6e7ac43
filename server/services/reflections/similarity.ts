import { createRequire } from "node:module";
import type { Jieba } from "@node-rs/jieba";
import { LRUCache } from "lru-cache";

// Similarity check for 心得体会: how much of a reflection is found, passage by passage, in another
// member's reflection for the same session or in the author's own earlier ones. Pure functions, no
// database; see docs/decisions/012-similarity.md for the method and how the threshold was chosen.
//
// 1. Normalise: NFKC per character (full-width → half-width, ① → 1), lower case; punctuation separates
//    words and is otherwise ignored; spaces and invisible characters are dropped next to Chinese.
// 2. Segment into words (jieba, behind `Segmenter`), keeping each word's offsets in the ORIGINAL text.
// 3. Drop stop words: function words, pronouns, connectives, enumerators and the intensifiers a copier
//    swaps or inserts (认真 → 深入, 进一步 → 更加; 认真学习 → 学习).
// 4. Shingles of SHINGLE_WORDS consecutive words (across punctuation, so changing a comma changes nothing).
// 5. Align: runs of consecutive shingles found in the same order in the other text (diagonals), taken
//    longest first without reuse, then joined when only a few words were swapped or inserted between.
//    A passage must hold MIN_PASSAGE_SHINGLES counted shingles; scattered topic phrases never do.
// 6. Shingles of the reference texts (the session's materials, agenda, slogans) are neutral: they may
//    sit inside a passage but are not counted, so a shared quotation alone is no passage.
// 7. Score of a pair: the covered (counted) shingles over the smaller text's counted shingles — the
//    share of A found in B, or of B found in A when A padded all of B with text of its own.
//    The result's score is the highest pair; flagged at FLAG_THRESHOLD.

/** A pair at or above this score is flagged (see the decision record for how it was chosen). */
export const FLAG_THRESHOLD = 0.3;
/** Words per shingle. */
export const SHINGLE_WORDS = 3;
/** Under this many letters and digits a text gets no verdict. */
export const MIN_CHARS = 50;
/** Under this many counted shingles (own words, not quotations) a text gets no verdict. */
export const MIN_SHINGLES = 8;
/** A passage needs this many counted shingles (about five content words in a row). */
export const MIN_PASSAGE_SHINGLES = 3;
/** Runs are joined into one passage across at most this many words on either side. */
export const MAX_GAP_WORDS = 4;
/** A shingle repeated more often than this in one text is aligned by its first occurrences only. */
const MAX_POSITIONS = 16;

/** Splits a run of normalised text (letters, digits and separators "\n") into words that concatenate back to it. */
export type Segmenter = (text: string) => string[];

export interface Passage {
  /** Offsets into the target's original text, end exclusive, for highlighting. */
  start: number;
  end: number;
  /** Offsets into the other text's original text. */
  otherStart: number;
  otherEnd: number;
  /** The target's original text of the passage. */
  text: string;
}

export interface Match {
  otherId: string;
  /** max(containment, reverse containment) of this pair, 0..1. */
  score: number;
  /** Share of the target's own shingles found in passages shared with the other. */
  containment: number;
  /** Share of the other's own shingles found in those passages (0 when the other is too short). */
  reverse: number;
  /** Jaccard of the two sets of own shingles, for information. */
  jaccard: number;
  passages: Passage[];
}

export interface SimilarityResult {
  /** Highest pair score, 0..1 (0 when not checked). */
  score: number;
  flagged: boolean;
  /** False when the target is too short (or almost all quotation) to judge. */
  checked: boolean;
  /** Share of the target's shingles that are quotations of the reference texts. */
  quoted: number;
  /** Others sharing at least one passage, highest score first. */
  matches: Match[];
}

export interface CompareOptions {
  /** The session's materials, agenda, slogans: their shingles are not counted as copying. */
  reference?: string[];
  threshold?: number;
  segmenter?: Segmenter;
}

// ---------------------------------------------------------------------------------------------
// Segmentation

let jieba: Jieba | undefined;

function defaultJieba(): Jieba {
  if (!jieba) {
    // Loaded on first use: the dictionary is 5 MB and takes about 150 ms to build.
    const require = createRequire(import.meta.url);
    const { Jieba: JiebaClass } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
    const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

/** jieba (@node-rs/jieba, Rust jieba-rs) with its HMM for words not in the dictionary. */
export const jiebaSegmenter: Segmenter = (text) => defaultJieba().cut(text, true);

/** Fallback without a dictionary: single characters (shingles are then character trigrams). */
export const characterSegmenter: Segmenter = (text) => Array.from(text);

/** Loads the dictionary now rather than on the first comparison. */
export function warmUp(): void {
  defaultJieba();
}

// ---------------------------------------------------------------------------------------------
// Normalisation and words

const STOP_WORDS = new Set(
  // particles, prepositions, conjunctions
  (
    "的 地 得 之 了 着 过 是 在 和 与 及 以及 或 或者 也 都 就 又 还 而 并 并且 且 而且 但 但是 却 则 即 既 " +
    "把 被 让 使 给 对 对于 向 从 于 以 为 为了 因 因为 由 由于 所 所以 因此 然而 同时 而是 不仅 还是 " +
    "啊 吧 呢 吗 嘛 么 呀 个 些 这 那 此 其 该 每 各 本 " +
    // pronouns
    "我 我们 咱们 你 你们 您 他 他们 她 她们 它 它们 自己 大家 本人 自身 " +
    "这些 那些 这个 那个 这样 那样 这种 那种 这次 这里 那里 这是 一个 一些 一种 一次 一名 一位 " +
    // auxiliaries and plain verbs
    "要 会 能 可以 应 应该 应当 需要 必须 将 已 已经 正在 有 没有 不 没 无 来 去 到 说 做 作 " +
    // intensifiers and connectives copiers swap or insert
    "很 非常 十分 特别 更 更加 最 较 比较 越 越来越 进一步 不断 切实 认真 深入 深刻 扎实 真正 " +
    "努力 积极 充分 全面 始终 一直 时刻 真切 确实 确确实实 真 就是 也就是 " +
    // enumerators
    "首先 其次 再次 然后 最后 第一 第二 第三 第四 第五 一是 二是 三是 四是 五是 一 二 三 四 五"
  ).split(" "),
);

// Dictionary words made of an intensifier and a verb (认真学习, 深入贯彻) are reduced to the verb, so
// 认真学习 and 深入学习 and 学习 are the same word.
const INTENSIFIER_PREFIXES = [
  "进一步",
  "认真",
  "深入",
  "切实",
  "不断",
  "努力",
  "积极",
  "全面",
  "充分",
  "扎实",
  "深刻",
  "更加",
  "真正",
];

export interface Word {
  w: string;
  /** Offsets in the original text, end exclusive. */
  start: number;
  end: number;
}

const SEPARATOR = "\n";
const CONTENT = 0;
const HAN = 1;
const GAP = 2; // spaces, zero-width and other invisible characters
const PUNCTUATION = 3; // everything else

function kindOf(c: string): number {
  if (/^\p{Script=Han}$/u.test(c)) return HAN;
  if (/^[\p{L}\p{N}\p{M}]$/u.test(c)) return CONTENT;
  if (/^[\s\p{Cf}]$/u.test(c)) return GAP;
  return PUNCTUATION;
}

// What a code point of the original becomes, memoised: its NFKC lower-case form, and the kind of each part.
const mapped = new Map<number, { parts: string[]; kinds: number[] }>();

function mapCodePoint(cp: number) {
  let m = mapped.get(cp);
  if (!m) {
    const parts = Array.from(String.fromCodePoint(cp).normalize("NFKC").toLowerCase());
    m = { parts, kinds: parts.map(kindOf) };
    if (mapped.size < 100_000) mapped.set(cp, m);
  }
  return m;
}

interface Normalised {
  norm: string;
  /** For each UTF-16 unit of norm, the span of the original it came from. */
  starts: Int32Array;
  ends: Int32Array;
  /** Letters and digits. */
  chars: number;
}

/**
 * The text normalised (NFKC, lower case), with every run of punctuation replaced by "\n", and for each
 * UTF-16 unit of the result the span of the original text it came from. Spaces and invisible characters
 * separate only Latin words and numbers: next to a Chinese character they are dropped, so spacing a
 * copied text out does not change its words.
 */
export function normalise(text: string): Normalised {
  const out: string[] = [];
  let starts = new Int32Array(text.length + 16);
  let ends = new Int32Array(text.length + 16);
  let n = 0; // UTF-16 units in out
  let chars = 0;
  let lastHan = false; // whether the last content character was Chinese
  let gap = -1; // where a run of spaces began, since the last content character
  let separated = true; // at the start, or just after a separator
  const room = (units: number) => {
    if (n + units > starts.length) {
      const grow = (xs: Int32Array) => {
        const ys = new Int32Array(xs.length * 2 + units);
        ys.set(xs);
        return ys;
      };
      starts = grow(starts);
      ends = grow(ends);
    }
  };
  const emit = (c: string, start: number, end: number) => {
    room(c.length);
    out.push(c);
    for (let u = 0; u < c.length; u++, n++) {
      starts[n] = start;
      ends[n] = end;
    }
  };
  let runStart = -1; // a run of CJK ideographs copied as one slice
  const flushRun = (i: number) => {
    if (runStart < 0) return;
    room(i - runStart);
    out.push(text.slice(runStart, i));
    for (let k = runStart; k < i; k++, n++) {
      starts[n] = k;
      ends[n] = k + 1;
    }
    runStart = -1;
  };
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const end = i + (cp > 0xffff ? 2 : 1);
    if (cp >= 0x4e00 && cp <= 0x9fff) {
      // CJK Unified Ideographs, most of a reflection: NFKC leaves them alone
      if (runStart < 0) runStart = i;
      chars++;
      lastHan = true;
      gap = -1;
      separated = false;
      i = end;
      continue;
    }
    flushRun(i);
    const { parts, kinds } = mapCodePoint(cp);
    for (let k = 0; k < parts.length; k++) {
      const kind = kinds[k];
      if (kind === CONTENT || kind === HAN) {
        if (gap >= 0 && !lastHan && kind !== HAN) emit(SEPARATOR, gap, gap + 1);
        emit(parts[k], i, end);
        chars++;
        lastHan = kind === HAN;
        gap = -1;
        separated = false;
      } else if (kind === GAP) {
        if (gap < 0) gap = i;
      } else {
        if (!separated) emit(SEPARATOR, i, end);
        separated = true;
        gap = -1;
      }
    }
    i = end;
  }
  flushRun(text.length);
  if (separated && n > 0) {
    out.pop();
    n--;
  }
  return { norm: out.join(""), starts: starts.subarray(0, n), ends: ends.subarray(0, n), chars };
}

// Words are hashed twice (FNV-1a and a multiplicative hash, 32 bits each) and a shingle's key mixes its
// words' hashes into 53 bits: numbers make the maps fast, and a collision among the ~10^5 shingles of
// a comparison has a chance of about 10^-6, which at worst adds one shingle to a passage.
function hashA(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hashB(w: string): number {
  let h = 0x9747b28c;
  for (let i = 0; i < w.length; i++) {
    h = Math.imul(h ^ w.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

interface Analysis {
  /** Content words: their text (only when asked for), and offsets in the original. */
  words: string[];
  starts: Int32Array;
  ends: Int32Array;
  /** One key per shingle: words[i .. i + SHINGLE_WORDS). */
  keys: Float64Array;
  /** Letters and digits after normalisation. */
  chars: number;
}

function analyse(text: string, segment: Segmenter, keepWords = false): Analysis {
  const { norm, starts, ends, chars } = normalise(text);
  const words: string[] = [];
  const ws = new Int32Array(norm.length);
  const we = new Int32Array(norm.length);
  const ha = new Uint32Array(norm.length);
  const hb = new Uint32Array(norm.length);
  let n = 0;
  let pos = 0;
  for (let w of norm ? segment(norm) : []) {
    if (!w) continue;
    const at = norm.startsWith(w, pos) ? pos : norm.indexOf(w, pos);
    if (at < 0) continue;
    pos = at + w.length;
    if (w === SEPARATOR || STOP_WORDS.has(w)) continue;
    const last = at + w.length - 1;
    let from = at;
    for (const p of INTENSIFIER_PREFIXES) {
      if (w.length >= p.length + 2 && w.startsWith(p)) {
        from = at + p.length;
        w = w.slice(p.length);
        break;
      }
    }
    if (keepWords) words.push(w);
    ws[n] = starts[from];
    we[n] = ends[last];
    ha[n] = hashA(w);
    hb[n] = hashB(w);
    n++;
  }
  const keys = new Float64Array(Math.max(0, n - SHINGLE_WORDS + 1));
  for (let i = 0; i < keys.length; i++) {
    let lo = 0x811c9dc5;
    let hi = 0x2545f491;
    for (let k = i; k < i + SHINGLE_WORDS; k++) {
      lo = Math.imul(lo ^ ha[k], 0x01000193);
      hi = Math.imul(hi ^ hb[k], 0x5bd1e995);
      hi ^= hi >>> 15;
    }
    keys[i] = (hi & 0x1fffff) * 0x100000000 + (lo >>> 0);
  }
  return { words, starts: ws.slice(0, n), ends: we.slice(0, n), keys, chars };
}

/** Content words of a text with their offsets in the original, stop words dropped (for tests and tuning). */
export function words(text: string, segment: Segmenter = jiebaSegmenter): Word[] {
  const a = analyse(text, segment, true);
  return a.words.map((w, i) => ({ w, start: a.starts[i], end: a.ends[i] }));
}

// Analyses of the default segmenter, by text: the same reflections are compared again and again.
const cache = new LRUCache<string, Analysis>({ max: 256 });

function analysed(text: string, segment: Segmenter): Analysis {
  if (segment !== jiebaSegmenter) return analyse(text, segment);
  const hit = cache.get(text);
  if (hit) return hit;
  const a = analyse(text, segment);
  cache.set(text, a);
  return a;
}

// ---------------------------------------------------------------------------------------------
// Alignment

interface Segment {
  /** First shingle in the target and in the other. */
  a: number;
  b: number;
  /** Length in shingles. */
  len: number;
}

/** Runs of consecutive shingles shared in the same order (one per diagonal), longest first, without reuse. */
function alignedSegments(index: Map<number, number[]>, aLength: number, b: Analysis): Segment[] {
  const runs: Segment[] = [];
  const none = new Map<number, Segment>();
  let prev = none; // runs reaching the previous shingle of b, by diagonal
  for (let j = 0; j < b.keys.length; j++) {
    const ps = index.get(b.keys[j]);
    if (!ps) {
      prev = none;
      continue;
    }
    const cur = new Map<number, Segment>();
    for (const p of ps) {
      let run = prev.get(p - j);
      if (run) run.len++;
      else runs.push((run = { a: p, b: j, len: 1 }));
      cur.set(p - j, run);
    }
    prev = cur;
  }
  runs.sort((x, y) => y.len - x.len || x.a - y.a);
  const usedA = new Uint8Array(aLength);
  const usedB = new Uint8Array(b.keys.length);
  const taken: Segment[] = [];
  for (const r of runs) {
    // Keep the parts of the run not already taken on either side.
    let from = -1;
    for (let k = 0; k <= r.len; k++) {
      const free = k < r.len && !usedA[r.a + k] && !usedB[r.b + k];
      if (free && from < 0) from = k;
      if (!free && from >= 0) {
        taken.push({ a: r.a + from, b: r.b + from, len: k - from });
        for (let j = from; j < k; j++) usedA[r.a + j] = usedB[r.b + j] = 1;
        from = -1;
      }
    }
  }
  return taken.sort((x, y) => x.a - y.a);
}

function positions(keys: Float64Array): Map<number, number[]> {
  const index = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const ps = index.get(keys[i]);
    if (!ps) index.set(keys[i], [i]);
    else if (ps.length < MAX_POSITIONS) ps.push(i);
  }
  return index;
}

function countOwn(keys: Float64Array, reference: Set<number>): number {
  if (reference.size === 0) return keys.length;
  let n = 0;
  for (const k of keys) if (!reference.has(k)) n++;
  return n;
}

interface Target {
  text: string;
  a: Analysis;
  index: Map<number, number[]>;
  /** Distinct own shingles (not in the reference). */
  own: Set<number>;
  /** Count of own shingles, repeats included. */
  ownCount: number;
}

function compareOne(t: Target, id: string, b: Analysis, reference: Set<number>): Match | null {
  const { a } = t;
  if (b.keys.length === 0) return null;
  const segments = alignedSegments(t.index, a.keys.length, b);
  const passages: Passage[] = [];
  let covered = 0;
  // the last word of a segment, on the target's side (a) or the other's (b)
  const lastA = (s: Segment) => s.a + s.len + SHINGLE_WORDS - 2;
  const lastB = (s: Segment) => s.b + s.len + SHINGLE_WORDS - 2;
  for (let s = 0; s < segments.length;) {
    // Join the following segments while both sides go on in order after a short gap.
    let e = s;
    while (
      e + 1 < segments.length &&
      segments[e + 1].b > segments[e].b &&
      segments[e + 1].a - lastA(segments[e]) - 1 <= MAX_GAP_WORDS &&
      segments[e + 1].b - lastB(segments[e]) - 1 <= MAX_GAP_WORDS
    )
      e++;
    let own = 0;
    for (let k = s; k <= e; k++) {
      const seg = segments[k];
      for (let j = seg.a; j < seg.a + seg.len; j++) if (!reference.has(a.keys[j])) own++;
    }
    if (own >= MIN_PASSAGE_SHINGLES) {
      covered += own;
      const start = a.starts[segments[s].a];
      const end = a.ends[lastA(segments[e])];
      passages.push({
        start,
        end,
        otherStart: b.starts[segments[s].b],
        otherEnd: b.ends[lastB(segments[e])],
        text: t.text.slice(start, end),
      });
    }
    s = e + 1;
  }
  if (passages.length === 0) return null;

  const bOwn = countOwn(b.keys, reference);
  const containment = Math.min(1, covered / t.ownCount);
  const reverse = b.chars >= MIN_CHARS && bOwn >= MIN_SHINGLES ? Math.min(1, covered / bOwn) : 0;
  return {
    otherId: id,
    score: Math.max(containment, reverse),
    containment,
    reverse,
    jaccard: jaccard(t.own, b.keys, reference),
    passages,
  };
}

function jaccard(own: Set<number>, keys: Float64Array, reference: Set<number>): number {
  const other = new Set<number>();
  let both = 0;
  for (const k of keys) {
    if (reference.has(k) || other.has(k)) continue;
    other.add(k);
    if (own.has(k)) both++;
  }
  const union = own.size + other.size - both;
  return union > 0 ? both / union : 0;
}

// ---------------------------------------------------------------------------------------------

/**
 * Compares a reflection with others (the session's other reflections, the author's earlier ones).
 * Offsets in passages are UTF-16 offsets into the original strings, as `String.prototype.slice` takes them.
 */
export function compareReflections(
  target: string,
  others: { id: string; text: string }[],
  opts: CompareOptions = {},
): SimilarityResult {
  const segment = opts.segmenter ?? jiebaSegmenter;
  const threshold = opts.threshold ?? FLAG_THRESHOLD;
  const reference = new Set<number>();
  for (const r of opts.reference ?? []) for (const k of analysed(r, segment).keys) reference.add(k);

  const a = analysed(target, segment);
  const ownCount = countOwn(a.keys, reference);
  const quoted = a.keys.length > 0 ? 1 - ownCount / a.keys.length : 0;
  if (a.chars < MIN_CHARS || ownCount < MIN_SHINGLES) {
    return { score: 0, flagged: false, checked: false, quoted, matches: [] };
  }
  const own = new Set<number>();
  for (const k of a.keys) if (!reference.has(k)) own.add(k);
  const t: Target = { text: target, a, index: positions(a.keys), own, ownCount };
  const matches: Match[] = [];
  for (const other of others) {
    const m = compareOne(t, other.id, analysed(other.text, segment), reference);
    if (m) matches.push(m);
  }
  matches.sort((x, y) => y.score - x.score);
  const score = matches[0]?.score ?? 0;
  return { score, flagged: score >= threshold, checked: true, quoted, matches };
}
