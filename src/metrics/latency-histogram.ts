import * as hdr from 'hdr-histogram-js';

/**
 * Streaming latency percentiles: an HDR histogram at 3 significant digits, recorded in
 * microseconds, so memory stays flat however many requests run. The mean is kept
 * exactly from a running sum rather than read back from the buckets.
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
  private sumMs = 0;
  private n = 0;

  record(latencyMs: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    this.sumMs += latencyMs;
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** The value at `percentile` (0-100) in milliseconds; 0 when empty. */
  percentileMs(percentile: number): number {
    return this.n === 0 ? 0 : this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  get meanMs(): number {
    return this.n === 0 ? 0 : this.sumMs / this.n;
  }

  get maxMs(): number {
    return this.n === 0 ? 0 : this.histogram.maxValue / 1000;
  }
}
