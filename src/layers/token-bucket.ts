import type { Clock } from './types.js';

/** Shape of a token bucket: how fast it refills and how much it can hold. */
export interface TokenBucketOptions {
  /** Tokens added per second, continuously (not in whole-second steps). */
  ratePerSec: number;
  /** Capacity: the most tokens the bucket holds, so the largest burst it admits at once. */
  burst: number;
}

/**
 * The bucket for a per-minute limit: `ratePerSec = perMinute / 60`, `burst = perMinute`.
 * This mirrors how providers enforce per-minute limits (Anthropic: "60 RPM may be enforced as
 * 1/s", replenished continuously up to the limit). Note that a full bucket of this shape can
 * admit up to 2x `perMinute` in the first minute (burst + 60 s of refill); pass a smaller
 * `burst` to `TokenBucket` directly if that matters.
 */
export function perMinuteLimit(perMinute: number): TokenBucketOptions {
  if (!(perMinute > 0 && Number.isFinite(perMinute))) {
    throw new RangeError(`perMinute must be a finite number > 0, got ${perMinute}`);
  }
  return { ratePerSec: perMinute / 60, burst: perMinute };
}

/**
 * A token bucket with continuous replenishment, used for requests/min and, with
 * `tryTake(expectedTokens)`, for token-aware admission against a tokens/min budget.
 * Refill is lazy (computed from elapsed clock time on each call), so the bucket needs no timer
 * and costs O(1) with no allocation per call. It starts full.
 */
export class TokenBucket {
  /** Tokens added per second. */
  readonly ratePerSec: number;
  /** Capacity in tokens. */
  readonly burst: number;
  // Mutable numbers are initialised at declaration, not only in the constructor: with ES2022
  // class fields a bare declaration first stores `undefined`, V8 then types the field as
  // tagged, and every later store of a fractional value allocates a heap number (measured:
  // ~200 GCs per 10M takes). Starting from a number keeps the field an unboxed double.
  private tokens = 0;
  private lastRefillMs = 0;
  /**
   * Slack for floating-point rounding, so that after waiting exactly `waitMs(n)` a `tryTake(n)`
   * succeeds even if the refill arithmetic lands a few ulps short. Relative to burst because
   * the rounding error scales with the magnitude of the token count (tokens/min budgets run
   * into the millions); 1e-9 of the burst is far below anything a test or a bill can see.
   */
  private readonly epsilon: number;

  /** Builds a bucket for a per-minute limit; see `perMinuteLimit` for the shape (burst = perMinute). */
  static perMinute(clock: Clock, perMinute: number): TokenBucket {
    return new TokenBucket(clock, perMinuteLimit(perMinute));
  }

  constructor(
    private readonly clock: Clock,
    options: TokenBucketOptions,
  ) {
    const { ratePerSec, burst } = options;
    if (!(ratePerSec > 0 && Number.isFinite(ratePerSec))) {
      throw new RangeError(`ratePerSec must be a finite number > 0, got ${ratePerSec}`);
    }
    if (!(burst > 0 && Number.isFinite(burst))) {
      throw new RangeError(`burst must be a finite number > 0, got ${burst}`);
    }
    this.ratePerSec = ratePerSec;
    this.burst = burst;
    this.epsilon = burst * 1e-9;
    this.tokens = burst;
    this.lastRefillMs = clock.now();
  }

  /**
   * Takes `amount` tokens if they are available now and returns true; otherwise takes nothing
   * and returns false. An amount larger than `burst` can never be taken.
   */
  tryTake(amount = 1): boolean {
    if (!(amount >= 0)) throw new RangeError(`amount must be >= 0, got ${amount}`);
    this.refill();
    if (amount > this.burst) return false;
    if (this.tokens + this.epsilon >= amount) {
      // May leave tokens a few ulps below zero; kept as a tiny debt rather than clamped so the
      // bucket never hands out more than burst + rate * t.
      this.tokens -= amount;
      return true;
    }
    return false;
  }

  /**
   * Milliseconds until `amount` tokens will be available: 0 if they are available now,
   * `Infinity` if `amount > burst` (a request that can never fit, to be rejected, not delayed).
   */
  waitMs(amount = 1): number {
    this.refill();
    if (amount > this.burst) return Infinity;
    const deficit = amount - this.tokens;
    if (deficit <= this.epsilon) return 0;
    // Multiply before dividing so round rates (e.g. 2/s, 1 token -> 500 ms) come out exact.
    return (deficit * 1000) / this.ratePerSec;
  }

  /** Tokens available now (fractional, between 0 and burst). */
  available(): number {
    this.refill();
    return this.tokens > 0 ? this.tokens : 0;
  }

  private refill(): void {
    const nowMs = this.clock.now();
    const elapsedMs = nowMs - this.lastRefillMs;
    // A clock that steps backwards adds nothing; time only counts once it passes the last refill.
    if (elapsedMs > 0) {
      const refilled = this.tokens + (elapsedMs * this.ratePerSec) / 1000;
      this.tokens = refilled < this.burst ? refilled : this.burst;
      this.lastRefillMs = nowMs;
    }
  }
}
