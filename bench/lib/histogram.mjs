/**
 * A log-linear latency histogram in whole microseconds (the HDR idea with 128 sub-buckets per power
 * of two: values are kept to within 1/128, under 0.8%). Recording is an index computation and an
 * increment, so the load generator can record every request without allocating.
 */
const SUB = 128;
const SUB_BITS = 7;
const MAX_US = 60_000_000; // 1 minute: anything slower is recorded as 1 minute

function indexOf(v) {
  if (v < 2 * SUB) return v;
  const e = 31 - Math.clz32(v) - SUB_BITS; // v >> e lies in [SUB, 2 * SUB)
  return 2 * SUB + (e - 1) * SUB + ((v >>> e) - SUB);
}

function highestValueAt(i) {
  if (i < 2 * SUB) return i;
  const e = Math.floor((i - 2 * SUB) / SUB) + 1;
  const sub = ((i - 2 * SUB) % SUB) + SUB;
  return ((sub + 1) << e) - 1;
}

export class Histogram {
  constructor() {
    this.counts = new Float64Array(indexOf(MAX_US) + 1);
    this.total = 0;
    this.max = 0;
  }

  /** Records one latency in microseconds (fractions are truncated). */
  record(us) {
    let v = us < 0 ? 0 : us > MAX_US ? MAX_US : Math.floor(us);
    this.counts[indexOf(v)]++;
    this.total++;
    if (us > this.max) this.max = us;
  }

  /** The value at `percentile` (0-100) in microseconds: the highest value of the bucket reaching it. */
  percentile(percentile) {
    if (this.total === 0) return NaN;
    const countAt = Math.max(1, Math.floor((percentile / 100) * this.total + 0.5));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= countAt) return Math.min(highestValueAt(i), this.max);
    }
    return this.max;
  }
}
