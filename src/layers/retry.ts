import type { Clock, RandomSource } from './types.js';

/** Jitter formulas from the AWS Architecture Blog, "Exponential Backoff And Jitter" (2015). */
export const JITTERS = ['none', 'full', 'equal', 'decorrelated'] as const;
export type Jitter = (typeof JITTERS)[number];

export interface RetryOptions {
  /** Attempts in all, counting the first: 3 means one call and up to two retries. */
  maxAttempts: number;
  baseDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  jitter: Jitter;
  /** Wait at least the upstream's retry-after when a 429 carries one. */
  honorRetryAfter: boolean;
}

/** The seed essay's policy: three attempts, 250 ms, 1 s, 4 s, full jitter. */
export const RETRY_DEFAULTS: RetryOptions = {
  maxAttempts: 3,
  baseDelayMs: 250,
  multiplier: 4,
  maxDelayMs: 4000,
  jitter: 'full',
  honorRetryAfter: true,
};

/**
 * When to retry and how long to wait. A pure decision: the caller owns the waiting,
 * so the same object drives a simulator event or a production `await sleep()`.
 */
export class RetryPolicy {
  readonly options: RetryOptions;

  constructor(options: Partial<RetryOptions> = {}) {
    const o = { ...RETRY_DEFAULTS, ...options };
    if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer >= 1, got ${o.maxAttempts}`);
    if (!(o.baseDelayMs >= 0)) throw new RangeError(`baseDelayMs must be >= 0, got ${o.baseDelayMs}`);
    if (!(o.multiplier >= 1)) throw new RangeError(`multiplier must be >= 1, got ${o.multiplier}`);
    if (!(o.maxDelayMs >= o.baseDelayMs)) throw new RangeError(`maxDelayMs must be >= baseDelayMs, got ${o.maxDelayMs}`);
    // Checked here, not left to delayMs's switch, which would return undefined for a typo.
    if (!JITTERS.includes(o.jitter)) throw new RangeError(`jitter must be one of ${JITTERS.join(', ')}, got ${JSON.stringify(o.jitter)}`);
    this.options = o;
  }

  /** Whether another attempt is allowed after `attemptsMade` attempts. */
  canRetry(attemptsMade: number): boolean {
    return attemptsMade < this.options.maxAttempts;
  }

  /** The un-jittered delay before retry number `retry` (0-based): min(cap, base * multiplier^retry). */
  backoffMs(retry: number): number {
    const o = this.options;
    return Math.min(o.maxDelayMs, o.baseDelayMs * Math.pow(o.multiplier, retry));
  }

  /**
   * The delay before retry number `retry` (0-based). `previousDelayMs` is the last delay
   * this request slept (decorrelated jitter needs it; pass 0 before the first retry).
   * `retryAfterMs` is the upstream's hint, honoured as a floor when configured.
   */
  delayMs(retry: number, previousDelayMs: number, retryAfterMs: number, random: RandomSource): number {
    const o = this.options;
    let delay: number;
    switch (o.jitter) {
      case 'none':
        delay = this.backoffMs(retry);
        break;
      case 'full':
        delay = random() * this.backoffMs(retry);
        break;
      case 'equal': {
        const half = this.backoffMs(retry) / 2;
        delay = half + random() * half;
        break;
      }
      case 'decorrelated': {
        // min(cap, U(base, 3 * previous)); the first retry starts from base.
        const previous = Math.max(o.baseDelayMs, previousDelayMs);
        delay = Math.min(o.maxDelayMs, o.baseDelayMs + random() * (3 * previous - o.baseDelayMs));
        break;
      }
    }
    return o.honorRetryAfter && retryAfterMs > delay ? retryAfterMs : delay;
  }
}

export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of calls in the window (Envoy's budget_percent 20%). */
  ratio: number;
  /** Retries always allowed per second, so a quiet service can still retry. */
  minRetriesPerSec: number;
  windowMs: number;
}

export const RETRY_BUDGET_DEFAULTS: RetryBudgetOptions = { ratio: 0.2, minRetriesPerSec: 1, windowMs: 10_000 };

/**
 * A retry budget (as in Envoy, gRPC and Finagle): retries in the recent window may be at
 * most `ratio` of the first attempts in it plus a floor, so retries cannot multiply load
 * without bound during an incident. Counts live in a ring of one-second buckets.
 */
export class RetryBudget {
  readonly options: RetryBudgetOptions;
  private readonly bucketMs: number;
  private readonly calls: Float64Array;
  private readonly retries: Float64Array;
  private callsInWindow = 0;
  private retriesInWindow = 0;
  private currentBucket = 0;
  /** Retries the budget refused. */
  denied = 0;

  constructor(private readonly clock: Clock, options: Partial<RetryBudgetOptions> = {}) {
    const o = { ...RETRY_BUDGET_DEFAULTS, ...options };
    if (!(o.ratio >= 0 && o.ratio <= 1)) throw new RangeError(`ratio must be in [0, 1], got ${o.ratio}`);
    if (!(o.minRetriesPerSec >= 0)) throw new RangeError(`minRetriesPerSec must be >= 0, got ${o.minRetriesPerSec}`);
    if (!(o.windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${o.windowMs}`);
    this.options = o;
    const buckets = Math.max(1, Math.min(100, Math.round(o.windowMs / 1000)));
    this.bucketMs = o.windowMs / buckets;
    this.calls = new Float64Array(buckets);
    this.retries = new Float64Array(buckets);
    this.currentBucket = Math.floor(clock.now() / this.bucketMs);
  }

  /** Records a first attempt (a deposit into the budget). */
  onFirstAttempt(): void {
    this.advance();
    this.calls[this.currentBucket % this.calls.length]! += 1;
    this.callsInWindow += 1;
  }

  /** Asks to spend one retry; records it when allowed. */
  tryRetry(): boolean {
    this.advance();
    const o = this.options;
    const allowed = o.ratio * this.callsInWindow + (o.minRetriesPerSec * o.windowMs) / 1000;
    if (this.retriesInWindow + 1 > allowed) {
      this.denied++;
      return false;
    }
    this.retries[this.currentBucket % this.retries.length]! += 1;
    this.retriesInWindow += 1;
    return true;
  }

  private advance(): void {
    const bucket = Math.floor(this.clock.now() / this.bucketMs);
    const n = this.calls.length;
    if (bucket - this.currentBucket >= n) {
      this.calls.fill(0);
      this.retries.fill(0);
      this.callsInWindow = 0;
      this.retriesInWindow = 0;
    } else {
      for (let b = this.currentBucket + 1; b <= bucket; b++) {
        const i = b % n;
        this.callsInWindow -= this.calls[i]!;
        this.retriesInWindow -= this.retries[i]!;
        this.calls[i] = 0;
        this.retries[i] = 0;
      }
    }
    if (bucket > this.currentBucket) this.currentBucket = bucket;
  }
}
