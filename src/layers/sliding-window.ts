import type { Clock } from './types.js';

/**
 * Counts successes and failures over the last `windowMs` of clock time, in a ring of buckets.
 *
 * Modelled on resilience4j's time-based sliding window: running totals are kept and the
 * buckets that fall out are subtracted, so `record()` and every read cost O(1) amortised
 * and allocate nothing.
 *
 * Granularity: time is cut into buckets of `windowMs / buckets`, aligned to clock time 0.
 * The window is the current (partial) bucket plus the `buckets - 1` before it, so an outcome
 * recorded at time t is forgotten at the first bucket boundary strictly after
 * t + windowMs - bucketMs: it counts for more than `windowMs - bucketMs` and at most `windowMs`.
 * Erring on the short side means an outcome older than `windowMs` never counts.
 */
export class TimeSlidingWindow {
  // Float64Array rather than Uint32Array: counts stay exact integers up to 2^53, no overflow.
  private readonly callsPerBucket: Float64Array;
  private readonly failuresPerBucket: Float64Array;
  /** Slow calls (a breaker's slow-call rate), counted whatever their outcome. */
  private readonly slowPerBucket: Float64Array;
  private totalCalls = 0;
  private totalFailures = 0;
  private totalSlow = 0;
  /** Ring index of the bucket that the current time falls in. */
  private headSlot = 0;
  /** Absolute bucket number (floor(time / bucketMs)) of the head slot. */
  private headEpoch: number;

  /**
   * @param clock source of the current time in milliseconds
   * @param windowMs length of the rolling window in milliseconds; must be finite and > 0
   * @param buckets number of ring-buffer buckets the window is split into; an integer >= 1
   */
  constructor(
    private readonly clock: Clock,
    readonly windowMs: number,
    readonly buckets = 60,
  ) {
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new RangeError(`windowMs must be a finite number > 0, got ${windowMs}`);
    }
    if (!(Number.isInteger(buckets) && buckets >= 1)) {
      throw new RangeError(`buckets must be an integer >= 1, got ${buckets}`);
    }
    this.callsPerBucket = new Float64Array(buckets);
    this.failuresPerBucket = new Float64Array(buckets);
    this.slowPerBucket = new Float64Array(buckets);
    this.headEpoch = this.epochAt(clock.now());
  }

  /** Records the outcome of one call at the current clock time; `slow` marks a call that took too long. */
  record(success: boolean, slow = false): void {
    this.advance();
    this.callsPerBucket[this.headSlot]++;
    this.totalCalls++;
    if (!success) {
      this.failuresPerBucket[this.headSlot]++;
      this.totalFailures++;
    }
    if (slow) {
      this.slowPerBucket[this.headSlot]++;
      this.totalSlow++;
    }
  }

  /** Slow calls divided by calls in the window ending now; 0 when the window holds no calls. */
  get slowCallRate(): number {
    this.advance();
    return this.totalCalls === 0 ? 0 : this.totalSlow / this.totalCalls;
  }

  /** Number of calls (successes plus failures) recorded in the window ending now. */
  get calls(): number {
    this.advance();
    return this.totalCalls;
  }

  /** Number of failed calls recorded in the window ending now. */
  get failures(): number {
    this.advance();
    return this.totalFailures;
  }

  /** Failures divided by calls in the window ending now; 0 when the window holds no calls. */
  get failureRate(): number {
    this.advance();
    return this.totalCalls === 0 ? 0 : this.totalFailures / this.totalCalls;
  }

  /** Forgets everything recorded so far, e.g. when a breaker closes after a successful probe. */
  reset(): void {
    this.callsPerBucket.fill(0);
    this.failuresPerBucket.fill(0);
    this.slowPerBucket.fill(0);
    this.totalCalls = 0;
    this.totalFailures = 0;
    this.totalSlow = 0;
    this.headEpoch = this.epochAt(this.clock.now());
  }

  /**
   * Absolute bucket number of a time. Computed as now * buckets / windowMs rather than
   * now / (windowMs / buckets) so that a non-integer bucket length adds no rounding of its own.
   */
  private epochAt(nowMs: number): number {
    return Math.floor((nowMs * this.buckets) / this.windowMs);
  }

  /**
   * Moves the head to the bucket of the current time, clearing and subtracting every bucket
   * passed over. At most `buckets` steps: after a full turn every bucket is already clear,
   * so a long idle gap costs the same as one window. A clock that steps back keeps
   * writing into the head bucket rather than rewriting history.
   */
  private advance(): void {
    const epoch = this.epochAt(this.clock.now());
    if (epoch <= this.headEpoch) return;
    const steps = Math.min(epoch - this.headEpoch, this.buckets);
    for (let i = 0; i < steps; i++) {
      this.headSlot = this.headSlot + 1 === this.buckets ? 0 : this.headSlot + 1;
      this.totalCalls -= this.callsPerBucket[this.headSlot];
      this.totalFailures -= this.failuresPerBucket[this.headSlot];
      this.totalSlow -= this.slowPerBucket[this.headSlot];
      this.callsPerBucket[this.headSlot] = 0;
      this.failuresPerBucket[this.headSlot] = 0;
      this.slowPerBucket[this.headSlot] = 0;
    }
    this.headEpoch = epoch;
  }
}
