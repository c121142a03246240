import { startAsDoubles } from './double-fields.js';

/** HDR layout at 3 significant digits: 2048 sub-buckets, half of them 2^10. */
const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_COUNT = 2 * SUB_BUCKET_HALF_COUNT;
/** The largest count a 32-bit slot holds. */
const UINT32_MAX = 0xffff_ffff;
/** Values below 2^31 us (about 36 minutes) take the integer fast path; larger ones HDR's float formulas. */
const FAST_LIMIT_US = 2 ** 31;
const FAST_SLOTS = (31 - SUB_BUCKET_HALF_MAGNITUDE + 1) * SUB_BUCKET_HALF_COUNT + SUB_BUCKET_HALF_COUNT;

/**
 * The counts slot of `latencyMs` on the fast path (integer bit operations), or -1 for a value
 * of 2^31 us or more, which `LatencyHistogram` places with HDR's float formulas instead.
 * Values are recorded in whole microseconds, at least 1.
 */
export function fastSlotOf(latencyMs: number): number {
  const us = Math.round(latencyMs * 1000);
  const value = us < 1 ? 1 : us;
  if (value >= FAST_LIMIT_US) return -1;
  const bucket = Math.max(0, 31 - Math.clz32(value) - SUB_BUCKET_HALF_MAGNITUDE);
  return bucket * SUB_BUCKET_HALF_COUNT + (value >>> bucket);
}

/**
 * Streaming latency percentiles: an HDR histogram at 3 significant digits, recorded in
 * microseconds, so memory stays flat however many requests run.
 *
 * The counts are HDR's own array (the same slot for every value, HdrHistogram's layout at
 * lowest discernible value 1), and every query is HDR's own arithmetic on it, copied from
 * hdr-histogram-js 3.0.1 (`getValueAtPercentile` with its ulp correction, `valueFromIndex`,
 * `lowest/highestEquivalentValue`), so results are exactly what that library returned when
 * it held the counts (`test/metrics/latency-histogram.test.ts` checks it against the library
 * value by value). It was the library until start-up was measured: loading it, growing its
 * array one power of two at a time and walking its iterators was a third of a small run.
 * Recording below 2^31 us indexes with integer bit operations (it was 40% of a run's
 * profile through `Math.pow`/`Math.log2`). The mean is kept exactly from a running sum.
 */
export class LatencyHistogram {
  // Allocated on the first value: ~95 KB, which an entity that never records should not cost.
  // 32-bit counts: half the memory of doubles, so the slots a run hits stay in the CPU's
  // caches (a run records into a dozen of these at once). Exact while no slot can pass
  // 2^32 - 1, that is while n does not; past that the counts move to doubles (`widen`).
  private counts: Uint32Array | Float64Array | null = null;
  /** The largest value recorded as itself (HDR's maxValue): fast-path values count as their slot's lowest value. */
  private maxRecordedUs = 0;
  private sumMs = 0;
  private n = 0;

  /** `narrowCountLimit`: how many values the 32-bit counts take before they widen (2^32 - 1; smaller only in tests). */
  constructor(private narrowCountLimit = UINT32_MAX) {
    // The largest value passes 2^31 (a session longer than 36 minutes) mid-run; the sum is
    // fractional: settled as doubles before any code is optimized (double-fields.ts).
    startAsDoubles(this, ['maxRecordedUs', 'sumMs']);
  }

  record(latencyMs: number): void {
    // `fastSlotOf` written out: one histogram recording alone stays one small function.
    const us = Math.round(latencyMs * 1000);
    const value = us < 1 ? 1 : us;
    this.sumMs += latencyMs;
    if (++this.n > this.narrowCountLimit) this.widen();
    if (value >= FAST_LIMIT_US) {
      this.recordLarge(value);
      return;
    }
    const bucket = Math.max(0, 31 - Math.clz32(value) - SUB_BUCKET_HALF_MAGNITUDE);
    const counts = this.counts ?? (this.counts = new Uint32Array(FAST_SLOTS));
    counts[bucket * SUB_BUCKET_HALF_COUNT + (value >>> bucket)]! += 1;
  }

  /**
   * Records `latencyMs` whose slot `fastSlotOf(latencyMs)` the caller has already worked
   * out: a request's end goes into four histograms at the same slot, computed once.
   */
  recordAt(slot: number, latencyMs: number): void {
    this.sumMs += latencyMs;
    if (++this.n > this.narrowCountLimit) this.widen();
    if (slot < 0) {
      this.recordLarge(Math.round(latencyMs * 1000));
      return;
    }
    const counts = this.counts ?? (this.counts = new Uint32Array(FAST_SLOTS));
    counts[slot]! += 1;
  }

  get count(): number {
    return this.n;
  }

  /** Bytes of the counts (0 until the first value). */
  get bytes(): number {
    return this.counts?.byteLength ?? 0;
  }

  /** The value at `percentile` (0-100) in milliseconds; 0 when empty. */
  percentileMs(percentile: number): number {
    const counts = this.counts;
    if (this.n === 0 || counts === null) return 0;
    const requested = Math.min(percentile, 100);
    // HDR's rounding: the fp count can be 1 ulp above the right integer; never below 1.
    const fpCount = (requested / 100.0) * this.n;
    const countAtPercentile = Math.max(Math.ceil(fpCount - ulp(fpCount)), 1);
    let total = 0;
    for (let index = 0; index < counts.length; index++) {
      total += counts[index]!;
      if (total >= countAtPercentile) {
        const value = valueFromIndex(index);
        return (percentile === 0.0 ? lowestEquivalentValue(value) : highestEquivalentValue(value)) / 1000;
      }
    }
    return 0;
  }

  get meanMs(): number {
    return this.n === 0 ? 0 : this.sumMs / this.n;
  }

  get maxMs(): number {
    const counts = this.counts;
    if (this.n === 0 || counts === null) return 0;
    let top = Math.min(counts.length, FAST_SLOTS) - 1;
    while (top >= 0 && counts[top] === 0) top--;
    return Math.max(this.maxRecordedUs, top < 0 ? 0 : valueFromIndex(top)) / 1000;
  }

  /**
   * Counts in log-spaced buckets, `BUCKETS_PER_DECADE` per decade of milliseconds: each
   * entry is `[upperMs, count]` for the values in (previous upper edge, upperMs], from the
   * smallest recorded value's bucket to the largest's, empty buckets included so the
   * shape is faithful. For reports: it walks the counts, so keep it off the hot path.
   */
  buckets(): Array<[upperMs: number, count: number]> {
    const all = this.counts;
    if (this.n === 0 || all === null) return [];
    const counts = new Map<number, number>();
    let lowest = Infinity;
    let highest = -Infinity;
    for (let slot = 0; slot < all.length; slot++) {
      const count = all[slot]!;
      if (count === 0) continue;
      // The slot's lowest value, as HDR's recorded-values iterator gives it (in us).
      const index = bucketIndex(lowestEquivalentValue(highestEquivalentValue(valueFromIndex(slot))) / 1000);
      counts.set(index, (counts.get(index) ?? 0) + count);
      if (index < lowest) lowest = index;
      if (index > highest) highest = index;
    }
    const out: Array<[number, number]> = [];
    for (let index = lowest; index <= highest; index++) out.push([Number(bucketUpperMs(index).toPrecision(6)), counts.get(index) ?? 0]);
    return out;
  }

  /**
   * Moves the counts to doubles once the next value could take a slot past 2^32 - 1 (no
   * slot holds more than n values); after that nothing narrows them again.
   */
  private widen(): void {
    this.narrowCountLimit = Infinity;
    if (this.counts !== null) this.counts = Float64Array.from(this.counts);
  }

  /** A value of 2^31 us or more, at HDR's index for it (its float formulas), the array grown to hold it. */
  private recordLarge(value: number): void {
    const bucket = bucketOf(value);
    const slot = (bucket + 1) * Math.pow(2, SUB_BUCKET_HALF_MAGNITUDE) + (subBucketOf(value, bucket) - SUB_BUCKET_HALF_COUNT);
    let counts = this.counts;
    if (counts === null || slot >= counts.length) {
      // Whole buckets at a time, as far as this value needs.
      const size = ((slot >>> SUB_BUCKET_HALF_MAGNITUDE) + 1) * SUB_BUCKET_HALF_COUNT;
      const grown = counts instanceof Float64Array ? new Float64Array(size) : new Uint32Array(size);
      if (counts !== null) grown.set(counts);
      counts = this.counts = grown;
    }
    counts[slot]! += 1;
    if (value > this.maxRecordedUs) this.maxRecordedUs = value;
  }
}

// HDR's arithmetic at unit magnitude 0 (hdr-histogram-js JsHistogram, ulp.js), kept as written there.
function bucketOf(value: number): number {
  return Math.max(Math.floor(Math.log2(value)) - SUB_BUCKET_HALF_MAGNITUDE, 0);
}

function subBucketOf(value: number, bucket: number): number {
  return Math.floor(value / Math.pow(2, bucket));
}

function valueFromIndex(index: number): number {
  let bucket = Math.floor(index / SUB_BUCKET_HALF_COUNT) - 1;
  let subBucket = (index % SUB_BUCKET_HALF_COUNT) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    subBucket -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return subBucket * Math.pow(2, bucket);
}

function lowestEquivalentValue(value: number): number {
  const bucket = bucketOf(value);
  return subBucketOf(value, bucket) * Math.pow(2, bucket);
}

function highestEquivalentValue(value: number): number {
  const bucket = bucketOf(value);
  const size = Math.pow(2, subBucketOf(value, bucket) >= SUB_BUCKET_COUNT ? bucket + 1 : bucket);
  return lowestEquivalentValue(value) + size - 1;
}

function ulp(x: number): number {
  return Math.pow(2, Math.floor(Math.log2(x)) - 52);
}

/** Resolution of `LatencyHistogram.buckets`: log-spaced edges, this many per factor of ten. */
export const BUCKETS_PER_DECADE = 10;

function bucketUpperMs(index: number): number {
  return Math.pow(10, index / BUCKETS_PER_DECADE);
}

/** The bucket whose range (upper(index - 1), upper(index)] holds `valueMs`, corrected for float error at the edges. */
function bucketIndex(valueMs: number): number {
  let index = Math.ceil(Math.log10(valueMs) * BUCKETS_PER_DECADE);
  while (bucketUpperMs(index) < valueMs) index++;
  while (bucketUpperMs(index - 1) >= valueMs) index--;
  return index;
}
