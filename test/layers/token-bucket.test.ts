import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { perMinuteLimit, TokenBucket } from '../../src/layers/token-bucket.js';

function fakeClock(t = 0) {
  return { t, now() { return this.t; } };
}

describe('TokenBucket', () => {
  it('starts full', () => {
    const bucket = new TokenBucket(fakeClock(), { ratePerSec: 2, burst: 4 });
    expect(bucket.available()).toBe(4);
  });

  it('refills continuously at its rate', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(clock, { ratePerSec: 2, burst: 4 });
    expect(bucket.tryTake(4)).toBe(true);
    expect(bucket.available()).toBe(0);
    clock.t = 250;
    expect(bucket.available()).toBe(0.5);
    clock.t = 1_000;
    expect(bucket.available()).toBe(2);
  });

  it('never holds more than its burst, however long it idles', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(clock, { ratePerSec: 2, burst: 4 });
    bucket.tryTake(1);
    clock.t = 3_600_000;
    expect(bucket.available()).toBe(4);
    expect(bucket.tryTake(4)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
  });

  it('takes nothing when a take does not fit', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(clock, { ratePerSec: 1, burst: 10 });
    expect(bucket.tryTake(7)).toBe(true);
    expect(bucket.tryTake(4)).toBe(false);
    expect(bucket.available()).toBe(3);
    expect(bucket.tryTake(3)).toBe(true);
  });

  it('reports the exact wait until an amount becomes available, and the take succeeds then', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(clock, { ratePerSec: 2, burst: 4 });
    expect(bucket.waitMs(4)).toBe(0);
    bucket.tryTake(4);
    expect(bucket.waitMs(1)).toBe(500);
    expect(bucket.waitMs(3)).toBe(1_500);
    clock.t = 200;
    expect(bucket.waitMs(1)).toBe(300);
    expect(bucket.tryTake(1)).toBe(false);
    clock.t = 500;
    expect(bucket.waitMs(1)).toBe(0);
    expect(bucket.tryTake(1)).toBe(true);
  });

  it('lets a take succeed after waiting waitMs even when the rate is not a round number', () => {
    // 7/min = 0.11666.../s: waiting waitMs refills a few ulps short of 1 token about two times
    // in three here, so this checks the bucket's rounding slack.
    const clock = fakeClock();
    const bucket = TokenBucket.perMinute(clock, 7);
    bucket.tryTake(7);
    for (let i = 0; i < 1_000; i++) {
      const waitMs = bucket.waitMs(1);
      expect(waitMs).toBeGreaterThan(0);
      clock.t += waitMs;
      expect(bucket.tryTake(1)).toBe(true);
    }
    // 1,000 takes at 60/7 s each.
    expect(clock.t).toBeCloseTo((1_000 * 60_000) / 7, 3);
  });

  it('answers Infinity for an amount larger than the burst, which can never be taken', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(clock, { ratePerSec: 2, burst: 4 });
    expect(bucket.waitMs(4.5)).toBe(Infinity);
    expect(bucket.tryTake(5)).toBe(false);
    expect(bucket.available()).toBe(4);
  });

  it('adds nothing when the clock steps backwards', () => {
    const clock = fakeClock(10_000);
    const bucket = new TokenBucket(clock, { ratePerSec: 1, burst: 5 });
    bucket.tryTake(5);
    clock.t = 5_000;
    expect(bucket.available()).toBe(0);
    clock.t = 11_000;
    expect(bucket.available()).toBe(1);
  });

  it('over any window of t ms admits at most burst + rate * t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 10 }),
        // Gaps of 0 half the time, so bursts at one instant are common, not a rare draw.
        fc.array(
          fc.tuple(
            fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 })),
            fc.integer({ min: 1, max: 3 }),
          ),
          { minLength: 1, maxLength: 200, size: 'max' },
        ),
        (ratePerSec, burst, takes) => {
          const clock = fakeClock();
          const bucket = new TokenBucket(clock, { ratePerSec, burst });
          const admittedAtMs: number[] = [];
          const admittedAmount: number[] = [];
          for (const [gapMs, amount] of takes) {
            clock.t += gapMs;
            if (bucket.tryTake(amount)) {
              admittedAtMs.push(clock.t);
              admittedAmount.push(amount);
            }
          }
          for (let first = 0; first < admittedAtMs.length; first++) {
            let total = 0;
            for (let last = first; last < admittedAtMs.length; last++) {
              total += admittedAmount[last]!;
              const windowMs = admittedAtMs[last]! - admittedAtMs[first]!;
              // 1e-6 covers the bucket's floating-point slack (1e-9 of burst per take).
              expect(total).toBeLessThanOrEqual(burst + (ratePerSec * windowMs) / 1000 + 1e-6);
            }
          }
        },
      ),
      { seed: 20250601 },
    );
  });

  it('admits at its rate in the long run under five times that offered load', () => {
    // Deterministic arrivals every 20 ms (50/s) against 7/s for 1,000 s. The bucket admits its
    // initial burst plus exactly what refills, so the count is within one of 7 * 1,000 + burst.
    const clock = fakeClock();
    const ratePerSec = 7;
    const burst = 10;
    const bucket = new TokenBucket(clock, { ratePerSec, burst });
    const durationMs = 1_000_000;
    let admitted = 0;
    for (clock.t = 0; clock.t < durationMs; clock.t += 20) {
      if (bucket.tryTake()) admitted++;
    }
    const expected = (ratePerSec * durationMs) / 1000 + burst;
    expect(Math.abs(admitted - expected)).toBeLessThanOrEqual(1);
    // Long-run rate (burst excluded) within 0.1% of 7/s.
    expect((admitted - burst) / (durationMs / 1000)).toBeCloseTo(7, 2);
  });

  it('admits every request when the offered load is below its rate', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(clock, { ratePerSec: 10, burst: 1 });
    let admitted = 0;
    for (clock.t = 0; clock.t < 100_000; clock.t += 125) {
      if (bucket.tryTake()) admitted++;
    }
    expect(admitted).toBe(800);
  });

  it('builds a per-minute bucket as rate perMinute / 60 with burst perMinute', () => {
    expect(perMinuteLimit(60)).toEqual({ ratePerSec: 1, burst: 60 });
    const clock = fakeClock();
    const bucket = TokenBucket.perMinute(clock, 60);
    expect(bucket.ratePerSec).toBe(1);
    expect(bucket.burst).toBe(60);
    expect(bucket.tryTake(60)).toBe(true);
    expect(bucket.waitMs()).toBe(1_000);
  });

  it('rejects a request whose expected tokens exceed what the per-minute token budget has left', () => {
    // Token-aware admission against a 30K input-tokens/min budget (Anthropic tier 1 ITPM).
    const clock = fakeClock();
    const inputTokens = TokenBucket.perMinute(clock, 30_000);
    expect(inputTokens.tryTake(20_000)).toBe(true);
    expect(inputTokens.tryTake(15_000)).toBe(false);
    expect(inputTokens.available()).toBe(10_000);
    expect(inputTokens.tryTake(8_000)).toBe(true);
    // 500 tokens/s refill: the missing 13,000 - 2,000 = 11,000 tokens arrive in 22 s.
    expect(inputTokens.waitMs(13_000)).toBe(22_000);
    expect(inputTokens.waitMs(30_001)).toBe(Infinity);
  });

  it('throws a RangeError naming an out-of-range option', () => {
    const clock = fakeClock();
    expect(() => new TokenBucket(clock, { ratePerSec: 0, burst: 1 })).toThrow(
      new RangeError('ratePerSec must be a finite number > 0, got 0'),
    );
    expect(() => new TokenBucket(clock, { ratePerSec: 1, burst: -2 })).toThrow(
      new RangeError('burst must be a finite number > 0, got -2'),
    );
    expect(() => new TokenBucket(clock, { ratePerSec: Infinity, burst: 1 })).toThrow(/ratePerSec/);
    expect(() => TokenBucket.perMinute(clock, NaN)).toThrow(/perMinute must be .* got NaN/);
    expect(() => new TokenBucket(clock, { ratePerSec: 1, burst: 1 }).tryTake(-1)).toThrow(
      /amount must be >= 0, got -1/,
    );
  });
});
