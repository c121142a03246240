import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeSlidingWindow } from '../../src/layers/sliding-window.js';

function fakeClock(t = 0) {
  return { t, now() { return this.t; } };
}

describe('TimeSlidingWindow', () => {
  it('counts calls and failures recorded inside the window', () => {
    const clock = fakeClock();
    const window = new TimeSlidingWindow(clock, 60_000);
    window.record(true);
    clock.t = 10_000;
    window.record(false);
    clock.t = 59_000;
    window.record(false);
    window.record(true);
    expect(window.calls).toBe(4);
    expect(window.failures).toBe(2);
    expect(window.failureRate).toBe(0.5);
  });

  it('reports a failure rate of 0 when the window holds no calls', () => {
    const window = new TimeSlidingWindow(fakeClock(), 1_000);
    expect(window.calls).toBe(0);
    expect(window.failureRate).toBe(0);
  });

  // Granularity: with 60 buckets over 60 s each bucket is 1 s, aligned to time 0. A failure in
  // bucket [1000, 2000) is forgotten at 61_000: it counts for at most windowMs, and for more than
  // windowMs - 1 s.
  it('forgets old failures once their bucket ages out of the window', () => {
    const clock = fakeClock(1_500);
    const window = new TimeSlidingWindow(clock, 60_000, 60);
    window.record(false);
    clock.t = 30_000;
    window.record(true);
    clock.t = 60_999;
    expect(window.failures).toBe(1);
    expect(window.calls).toBe(2);
    clock.t = 61_000;
    expect(window.failures).toBe(0);
    expect(window.calls).toBe(1);
    expect(window.failureRate).toBe(0);
    clock.t = 90_000; // the success at 30_000 goes at 90_000
    expect(window.calls).toBe(0);
  });

  it('counts an outcome recorded at a bucket boundary for exactly windowMs', () => {
    const clock = fakeClock(2_000);
    const window = new TimeSlidingWindow(clock, 10_000, 10);
    window.record(false);
    clock.t = 11_999;
    expect(window.failures).toBe(1);
    clock.t = 12_000;
    expect(window.failures).toBe(0);
  });

  it('clears everything after an idle gap longer than the window', () => {
    const clock = fakeClock();
    const window = new TimeSlidingWindow(clock, 60_000);
    for (let i = 0; i < 100; i++) {
      clock.t = i * 500;
      window.record(i % 3 === 0);
    }
    clock.t += 60_000 * 7 + 123;
    expect(window.calls).toBe(0);
    expect(window.failures).toBe(0);
    window.record(false);
    expect(window.calls).toBe(1);
    expect(window.failures).toBe(1);
  });

  it('advances past a huge idle gap without stepping through every elapsed bucket', () => {
    const clock = fakeClock();
    // 1 ms buckets: a loop over elapsed buckets would run 1e10 times and hit the test
    // timeout (a hang detector, not a speed measurement: speed lives in bench/).
    const window = new TimeSlidingWindow(clock, 60, 60);
    window.record(false);
    clock.t = 1e10;
    expect(window.calls).toBe(0);
    window.record(true);
    expect(window.calls).toBe(1);
  }, 10_000);

  it('forgets everything on reset and keeps counting afterwards', () => {
    const clock = fakeClock();
    const window = new TimeSlidingWindow(clock, 1_000, 10);
    window.record(false);
    window.record(false);
    window.reset();
    expect(window.calls).toBe(0);
    clock.t = 50;
    window.record(true);
    expect(window.calls).toBe(1);
    expect(window.failures).toBe(0);
  });

  it('keeps writing into the newest bucket when the clock steps back', () => {
    const clock = fakeClock(5_000);
    const window = new TimeSlidingWindow(clock, 1_000, 10);
    window.record(false);
    clock.t = 4_000;
    window.record(false);
    expect(window.failures).toBe(2);
    clock.t = 5_999; // both were booked in bucket [5000, 5100), which ages out at 6000
    expect(window.failures).toBe(2);
    clock.t = 6_000;
    expect(window.failures).toBe(0);
  });

  it.each([
    [0, 60, /windowMs must be a finite number > 0, got 0/],
    [-5, 60, /windowMs .* got -5/],
    [Number.NaN, 60, /windowMs .* got NaN/],
    [Number.POSITIVE_INFINITY, 60, /windowMs .* got Infinity/],
    [1_000, 0, /buckets must be an integer >= 1, got 0/],
    [1_000, 2.5, /buckets .* got 2.5/],
  ])('rejects windowMs %s with %s buckets', (windowMs, buckets, message) => {
    expect(() => new TimeSlidingWindow(fakeClock(), windowMs, buckets)).toThrow(RangeError);
    expect(() => new TimeSlidingWindow(fakeClock(), windowMs, buckets)).toThrow(message);
  });

  it('keeps running totals equal to a brute-force recount of the recorded outcomes', () => {
    const op = fc.record({
      advanceMs: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5_000 })),
      success: fc.boolean(),
      read: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }), // bucket length in ms, an integer so the bounds below are exact
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(op, { maxLength: 300 }),
        (bucketMs, buckets, startMs, ops) => {
          const windowMs = bucketMs * buckets;
          const clock = fakeClock(startMs);
          const window = new TimeSlidingWindow(clock, windowMs, buckets);
          const recorded: { t: number; success: boolean }[] = [];
          for (const { advanceMs, success, read } of ops) {
            clock.t += advanceMs;
            // Interleaved reads advance the ring too; they must not change the result.
            if (read) void window.calls;
            window.record(success);
            recorded.push({ t: clock.t, success });

            // Exact recount by the documented rule: an outcome counts while its bucket is one of
            // the newest `buckets` buckets.
            const nowBucket = Math.floor(clock.t / bucketMs);
            const live = recorded.filter((r) => Math.floor(r.t / bucketMs) > nowBucket - buckets);
            const liveFailures = live.filter((r) => !r.success).length;
            expect(window.calls).toBe(live.length);
            expect(window.failures).toBe(liveFailures);
            expect(window.failureRate).toBe(live.length === 0 ? 0 : liveFailures / live.length);

            // The same in plain time: everything younger than windowMs - bucketMs counts, nothing
            // as old as windowMs does.
            const age = (r: { t: number }) => clock.t - r.t;
            expect(window.calls).toBeGreaterThanOrEqual(
              recorded.filter((r) => age(r) < windowMs - bucketMs).length,
            );
            expect(window.calls).toBeLessThanOrEqual(recorded.filter((r) => age(r) < windowMs).length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
