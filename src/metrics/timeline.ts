/** Bucket widths a timeline may use: readable units from 1 s to 1 day. */
const NICE_WIDTHS_MS = [1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 600e3, 1800e3, 3600e3, 6 * 3600e3, 86400e3];
/** Aim for about this many buckets over a run. */
const TARGET_BUCKETS = 1000;

/**
 * Per-bucket counts through simulated time (offered load, upstream calls, goodput,
 * failures, queue depth, open breakers), for recovery analysis and charts. The width is
 * fixed from the expected run length so memory stays bounded; a run that outlasts the
 * estimate keeps growing by whole buckets.
 */
export class Timeline {
  readonly bucketMs: number;
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
    this.bucketMs = NICE_WIDTHS_MS.find((w) => w >= ideal) ?? NICE_WIDTHS_MS[NICE_WIDTHS_MS.length - 1]!;
    this.nextEdgeMs = this.bucketMs;
    this.push();
  }

  /** Moves to the bucket containing `timeMs`; `sample` gives the queue depth and open breakers at the edge. */
  advance(timeMs: number, queueDepth: number, breakersOpen: number): void {
    while (timeMs >= this.nextEdgeMs) {
      this.queueDepth[this.current] = Math.max(this.queueDepth[this.current]!, queueDepth);
      this.breakersOpen[this.current] = breakersOpen;
      this.push();
      this.current++;
      this.nextEdgeMs += this.bucketMs;
    }
  }

  /** Raises the current bucket's peak queue depth. */
  noteQueue(depth: number): void {
    if (depth > this.queueDepth[this.current]!) this.queueDepth[this.current] = depth;
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
