/** Smallest latency told apart, in ms (a microsecond). */
const FLOOR_MS = 0.001;
/** Bucket growth: each bucket is 0.5% wider than the last, so a percentile is off by at most 0.5%. */
const GROWTH = 1.005;
const LOG_GROWTH = Math.log(GROWTH);
/** Buckets up to about 28 hours; slower values share the last one. */
const BUCKETS = Math.ceil(Math.log(1e8 / FLOOR_MS) / LOG_GROWTH) + 1;

/**
 * Streaming latency percentiles in log-spaced buckets (0.5% relative precision), flat in
 * memory however many requests pass. The runtime's own small histogram: the simulator's HDR
 * histogram would add the `hdr-histogram-js` import to every process that deploys a harness.
 */
export class LatencyRecorder {
  private readonly counts = new Float64Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private max = 0;

  record(ms: number): void {
    const value = ms > FLOOR_MS ? ms : FLOOR_MS;
    const bucket = Math.min(BUCKETS - 1, Math.ceil(Math.log(value / FLOOR_MS) / LOG_GROWTH));
    this.counts[bucket]! += 1;
    this.n++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  get count(): number {
    return this.n;
  }

  get meanMs(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }

  /**
   * The value at `percentile` (0-100): the upper edge of the bucket holding the value of
   * rank ceil(p n) (HDR's convention), never above the largest value seen; 0 when empty.
   */
  percentileMs(percentile: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, FLOOR_MS * Math.pow(GROWTH, i));
    }
    return this.max;
  }
}
