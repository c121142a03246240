/** Bucket widths a timeline may use: readable units from 1 s to 1 day. */
const NICE_WIDTHS_MS = [1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 600e3, 1800e3, 3600e3, 6 * 3600e3, 86400e3];
/** Aim for about this many buckets over a run. */
const TARGET_BUCKETS = 1000;
/**
 * Never more than this many buckets: a run that outlasts its estimate (a huge latency,
 * retry-after or timeout keeps it going) merges neighbouring buckets in pairs and doubles
 * the width, so memory stays fixed whatever the input.
 */
export const MAX_BUCKETS = 2 * TARGET_BUCKETS;
const DAY_MS = 86400e3;

/**
 * Per-bucket counts through simulated time (offered load, upstream calls, goodput,
 * failures, queue depth, open breakers), for recovery analysis and charts. The width is
 * chosen from the expected run length (a readable unit, about 1000 buckets); a run that
 * outlasts the estimate keeps adding buckets up to `MAX_BUCKETS`, then halves their count.
 */
export class Timeline {
  /** Width of every bucket; doubles each time the buckets are merged in pairs. */
  bucketMs: number;
  offered: number[] = [];
  upstreamCalls: number[] = [];
  goodput: number[] = [];
  failures: number[] = [];
  queueDepth: number[] = [];
  breakersOpen: number[] = [];
  /** Index of the bucket events are being counted into. */
  current = 0;
  /** Time at which the next bucket starts. */
  nextEdgeMs: number;

  constructor(expectedSpanMs: number) {
    const ideal = expectedSpanMs / TARGET_BUCKETS;
    this.bucketMs = NICE_WIDTHS_MS.find((w) => w >= ideal) ?? Math.ceil(ideal / DAY_MS) * DAY_MS;
    this.nextEdgeMs = this.bucketMs;
    this.push();
  }

  /** Moves to the bucket containing `timeMs`; `sample` gives the queue depth and open breakers at the edge. */
  advance(timeMs: number, queueDepth: number, breakersOpen: number): void {
    while (timeMs >= this.nextEdgeMs) {
      this.queueDepth[this.current] = Math.max(this.queueDepth[this.current]!, queueDepth);
      this.breakersOpen[this.current] = breakersOpen;
      if (this.offered.length === MAX_BUCKETS) this.mergePairs();
      this.push();
      this.current++;
      this.nextEdgeMs += this.bucketMs;
    }
  }

  /** Raises the current bucket's peak queue depth. */
  noteQueue(depth: number): void {
    if (depth > this.queueDepth[this.current]!) this.queueDepth[this.current] = depth;
  }

  /**
   * Halves the number of buckets by merging neighbours: counts add up, the queue depth is
   * the pair's peak, and open breakers are the later bucket's (sampled at the pair's end).
   */
  private mergePairs(): void {
    const sum = (series: number[]) => series.flatMap((v, i) => (i % 2 === 0 ? [v + (series[i + 1] ?? 0)] : []));
    this.offered = sum(this.offered);
    this.upstreamCalls = sum(this.upstreamCalls);
    this.goodput = sum(this.goodput);
    this.failures = sum(this.failures);
    this.queueDepth = this.queueDepth.flatMap((v, i) => (i % 2 === 0 ? [Math.max(v, this.queueDepth[i + 1] ?? 0)] : []));
    this.breakersOpen = this.breakersOpen.flatMap((v, i) => (i % 2 === 0 ? [this.breakersOpen[i + 1] ?? v] : []));
    this.bucketMs *= 2;
    this.current = this.offered.length - 1;
    // Recomputed rather than carried, so doubling never accumulates rounding.
    this.nextEdgeMs = this.offered.length * this.bucketMs;
  }

  private push(): void {
    this.offered.push(0);
    this.upstreamCalls.push(0);
    this.goodput.push(0);
    this.failures.push(0);
    this.queueDepth.push(0);
    this.breakersOpen.push(0);
  }
}
