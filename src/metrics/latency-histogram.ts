import * as hdr from 'hdr-histogram-js';

/** HDR layout at 3 significant digits: 2048 sub-buckets, half of them 2^10. */
const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_MAGNITUDE;
/** Values below 2^31 us (about 36 minutes) take the fast path; larger ones go straight to HDR. */
const FAST_LIMIT_US = 2 ** 31;
const FAST_SLOTS = (31 - SUB_BUCKET_HALF_MAGNITUDE + 1) * SUB_BUCKET_HALF_COUNT + SUB_BUCKET_HALF_COUNT;

/**
 * Streaming latency percentiles: an HDR histogram at 3 significant digits, recorded in
 * microseconds, so memory stays flat however many requests run.
 *
 * Recording goes through a front buffer laid out exactly like HDR's counts array
 * (the same bucket and sub-bucket for every value), indexed with integer bit operations
 * instead of hdr-histogram-js's `Math.pow`/`Math.log2` per value (inlined for
 * performance: it was 40% of a run's profile). The buffer is flushed into the HDR
 * histogram before any query, so percentiles come from HDR itself, unchanged.
 * The mean is kept exactly from a running sum.
 */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  // Allocated on the first value: ~190 KB, which an entity that never records should not cost.
  private pending: Float64Array | null = null;
  private pendingCount = 0;
  private sumMs = 0;
  private n = 0;

  record(latencyMs: number): void {
    const us = Math.round(latencyMs * 1000);
    const value = us < 1 ? 1 : us;
    this.sumMs += latencyMs;
    this.n++;
    if (value >= FAST_LIMIT_US) {
      this.histogram.recordValue(value);
      return;
    }
    const bucket = Math.max(0, 31 - Math.clz32(value) - SUB_BUCKET_HALF_MAGNITUDE);
    const pending = this.pending ?? (this.pending = new Float64Array(FAST_SLOTS));
    pending[bucket * SUB_BUCKET_HALF_COUNT + (value >>> bucket)]! += 1;
    this.pendingCount++;
  }

  get count(): number {
    return this.n;
  }

  /** Bytes of the recording buffer (0 until the first value); the HDR histogram behind it grows with the range recorded. */
  get bytes(): number {
    return this.pending?.byteLength ?? 0;
  }

  /** The value at `percentile` (0-100) in milliseconds; 0 when empty. */
  percentileMs(percentile: number): number {
    if (this.n === 0) return 0;
    this.flush();
    return this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  get meanMs(): number {
    return this.n === 0 ? 0 : this.sumMs / this.n;
  }

  get maxMs(): number {
    if (this.n === 0) return 0;
    this.flush();
    return this.histogram.maxValue / 1000;
  }

  /**
   * Counts in log-spaced buckets, `BUCKETS_PER_DECADE` per decade of milliseconds: each
   * entry is `[upperMs, count]` for the values in (previous upper edge, upperMs], from the
   * smallest recorded value's bucket to the largest's, empty buckets included so the
   * shape is faithful. For reports: it walks the HDR histogram, so keep it off the hot path.
   */
  buckets(): Array<[upperMs: number, count: number]> {
    if (this.n === 0) return [];
    this.flush();
    const histogram = this.histogram;
    if (!(histogram instanceof hdr.JsHistogram)) throw new Error('LatencyHistogram.buckets needs the JS HDR histogram');
    const counts = new Map<number, number>();
    let lowest = Infinity;
    let highest = -Infinity;
    const values = histogram.recordedValuesIterator;
    values.reset();
    while (values.hasNext()) {
      const step = values.next();
      // The lowest value of the HDR slot is the value the fast path recorded, in us.
      const index = bucketIndex(histogram.lowestEquivalentValue(step.valueIteratedTo) / 1000);
      counts.set(index, (counts.get(index) ?? 0) + step.countAtValueIteratedTo);
      if (index < lowest) lowest = index;
      if (index > highest) highest = index;
    }
    const out: Array<[number, number]> = [];
    for (let index = lowest; index <= highest; index++) out.push([Number(bucketUpperMs(index).toPrecision(6)), counts.get(index) ?? 0]);
    return out;
  }

  /** Moves buffered counts into the HDR histogram, each at the lowest value of its slot. */
  private flush(): void {
    const pending = this.pending;
    if (this.pendingCount === 0 || pending === null) return;
    for (let index = 0; index < pending.length; index++) {
      const count = pending[index]!;
      if (count === 0) continue;
      const bucket = index < 2 * SUB_BUCKET_HALF_COUNT ? 0 : (index >>> SUB_BUCKET_HALF_MAGNITUDE) - 1;
      const subBucket = index - bucket * SUB_BUCKET_HALF_COUNT;
      this.histogram.recordValueWithCount(subBucket * 2 ** bucket, count);
      pending[index] = 0;
    }
    this.pendingCount = 0;
  }
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
