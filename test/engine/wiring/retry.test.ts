import { describe, expect, it } from 'vitest';
import { fourSe, N, run, WIRING } from './fixtures.js';

/**
 * Retry timing through the whole engine. Model `m` answers every call with a 429 in exactly
 * 10 ms and no retry-after, so a request's latency is its calls (10 ms each) plus the delays
 * between them: the mean latency minus the calls is the mean total retry delay, exactly
 * (the collector keeps the mean from a running sum). Base delay 100 ms, multiplier 3.
 *
 * Jitter tolerances: 4 standard errors of the mean of N independent per-request delay sums,
 * from each formula's variance (a uniform on [lo, hi] has variance (hi - lo)^2 / 12).
 */

/** Mean total retry delay per request of a run where every request makes `calls` calls of 10 ms. */
function meanDelayMs(scenario: Record<string, unknown>, calls: number): number {
  const { output } = run(scenario);
  expect(output.metrics.modelCalls).toBe(calls * N);
  return output.metrics.latency.meanMs - 10 * calls;
}

describe('retry backoff', () => {
  it('waits base, then base x multiplier capped at maxDelay, without jitter: 100 + min(250, 300) ms', () => {
    expect(meanDelayMs(WIRING.jitterNone, 3)).toBeCloseTo(100 + 250, 6);
  });

  it('waits base x multiplier uncapped when maxDelay is above it: 100 + 300 ms', () => {
    expect(meanDelayMs(WIRING.jitterNoneUncapped, 3)).toBeCloseTo(100 + 300, 6);
  });

  it('makes one call only when the retry layer is disabled', () => {
    expect(run(WIRING.retryDisabled).output.metrics.modelCalls).toBe(N);
  });
});

describe('jitter', () => {
  it('full: waits U(0, backoff), mean (100 + 250) / 2 = 175 ms over two retries', () => {
    const tolerance = fourSe((100 ** 2 + 250 ** 2) / 12, N);
    expect(Math.abs(meanDelayMs(WIRING.jitterFull, 3) - 175)).toBeLessThan(tolerance);
  });

  it('equal: waits backoff/2 + U(0, backoff/2), mean 0.75 x 100 = 75 ms for the first retry', () => {
    const tolerance = fourSe(50 ** 2 / 12, N);
    expect(Math.abs(meanDelayMs(WIRING.jitterEqualFirst, 2) - 75)).toBeLessThan(tolerance);
  });

  it('equal: mean 0.75 x (100 + min(250, 300)) = 262.5 ms over two retries (the cap-limited backoff)', () => {
    const tolerance = fourSe((50 ** 2 + 125 ** 2) / 12, N);
    expect(Math.abs(meanDelayMs(WIRING.jitterEqual, 3) - 262.5)).toBeLessThan(tolerance);
  });

  it('decorrelated: waits U(base, 3 x base) first, mean (100 + 3 x 100) / 2 = 200 ms', () => {
    const tolerance = fourSe(200 ** 2 / 12, N);
    expect(Math.abs(meanDelayMs(WIRING.jitterDecorrelatedFirst, 2) - 200)).toBeLessThan(tolerance);
  });

  it('decorrelated: then U(base, 3 x previous), mean (base + 3 x previous) / 2: 200 + 350 = 550 ms over two retries', () => {
    // d1 = 100 + 200A and d2 = 100 + V (3 d1 - 100) with A, V ~ U(0, 1) independent, so
    // d1 + d2 = 200 + 200A + 200V + 600AV: mean 200 + 100 + 100 + 150 = 550, and
    // E[(200A + 200V + 600AV)^2] = 40000/3 + 40000/3 + 40000 + 20000 + 40000 + 40000 = 166666.67,
    // so the variance is 166666.67 - 350^2 = 44166.67. A request that ignored the previous
    // delay would average 400 ms; one that used the un-jittered backoff, 850 ms.
    const tolerance = fourSe(166_666.67 - 350 ** 2, N);
    expect(Math.abs(meanDelayMs(WIRING.jitterDecorrelated, 3) - 550)).toBeLessThan(tolerance);
  });
});

describe('retry budget', () => {
  it('allows no retry when minRetriesPerSec x window is below one retry (0.05/s x 10 s) and the ratio is 0', () => {
    const { result } = run(WIRING.budgetWindowShort);
    expect(result.metrics.retries).toBe(0);
    expect(result.metrics.retryBudgetDenied).toBe(N);
  });

  it('allows 0.05/s x 60 s = 3 retries per 60 s window when the window is 60 s', () => {
    const { result } = run(WIRING.budgetWindowLong);
    // Every request wants a retry (33 a minute), so the budget stays saturated: at most 3 in
    // any 60 s window, and a freed place is taken by the next request (1.8 s on average).
    const minutes = result.simulatedMs / 60_000;
    expect(result.metrics.retries).toBeLessThanOrEqual(3 * Math.ceil(minutes));
    expect(result.metrics.retries).toBeGreaterThan(0.9 * 3 * minutes);
    expect(result.metrics.retries + result.metrics.retryBudgetDenied).toBe(N);
  });
});
