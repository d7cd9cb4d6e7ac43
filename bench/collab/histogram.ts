// A latency histogram with ~1% resolution: bucket i holds values in [1.01^i, 1.01^(i+1)) µs.
// Workers fill one each and send the counts; the harness adds them up. The maximum is exact.

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 1.01^2000 µs ≈ 4.4e8 µs ≈ 7 minutes: anything slower lands in the last bucket. */
export const BUCKETS = 2000;

export interface HistogramData {
  counts: number[];
  n: number;
  sumUs: number;
  maxUs: number;
}

export class Histogram {
  counts = new Float64Array(BUCKETS);
  n = 0;
  sumUs = 0;
  maxUs = 0;

  add(us: number) {
    const v = us < 1 ? 1 : us;
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log(v) / LOG_GROWTH));
    this.counts[i]++;
    this.n++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  toJSON(): HistogramData {
    return { counts: Array.from(this.counts), n: this.n, sumUs: this.sumUs, maxUs: this.maxUs };
  }

  merge(h: HistogramData) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += h.counts[i];
    this.n += h.n;
    this.sumUs += h.sumUs;
    this.maxUs = Math.max(this.maxUs, h.maxUs);
  }

  /** The p-th percentile (0..100) in ms: the geometric middle of the bucket holding that rank. */
  percentileMs(p: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(GROWTH ** (i + 0.5), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }
}
