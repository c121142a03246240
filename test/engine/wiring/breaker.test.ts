import { describe, expect, it } from 'vitest';
import { MEAN_GAP_MS, N, run, WIRING } from './fixtures.js';

/**
 * Breaker options through the whole engine. Model `m` fails every call with a 503 in 10 ms
 * unless a test says otherwise; arrivals are 1.8 s apart on average, so calls do not overlap
 * and the breaker sees them one at a time. `countAsFailure` is in errors.test.ts.
 */

describe('breaker', () => {
  it('lets exactly minimumCalls (10) calls through before it trips, then none while the 10-day cool-down lasts', () => {
    const { output, result } = run(WIRING.breakerMinimumCalls);
    expect(output.metrics.modelCalls).toBe(10);
    expect(result.metrics.breakerTrips).toBe(1);
    expect(result.metrics.shortCircuited).toBe(N - 10);
  });

  it('probes once per cool-down (60 s) plus the wait for the next request, and reopens on each failed probe', () => {
    const { result } = run(WIRING.breakerCooldown);
    // After the trip (10 arrivals, about 18 s in) the breaker cycles: open for the cool-down,
    // then half-open until the next arrival (exponential, mean 1.8 s), whose probe fails.
    // Cycles average 61.8 s with a standard deviation of 1.8 s, so over an hour their count
    // is within 1 of its mean; a tolerance of 3 also covers where the trip falls.
    const cycles = (result.simulatedMs - 10 * MEAN_GAP_MS) / (60_000 + MEAN_GAP_MS);
    expect(Math.abs(result.metrics.breakerReopens - cycles)).toBeLessThan(3);
    expect(result.loadAttribution.halfOpenProbe).toBe(result.metrics.breakerReopens);
    expect(result.metrics.upstreamCalls).toBe(10 + result.metrics.breakerReopens);
  });

  it('closes only after halfOpenProbes (3) probes succeed once the 5-minute incident is over', () => {
    const { result } = run(WIRING.breakerHalfOpenProbes);
    // Each probe during the incident fails and reopens the breaker; after it, three probes in
    // a row succeed and close it, and it never trips again.
    expect(result.metrics.breakerTrips).toBe(1);
    expect(result.metrics.breakerReopens).toBeGreaterThan(2);
    expect(result.loadAttribution.halfOpenProbe).toBe(result.metrics.breakerReopens + 3);
  });

  it('opens only when the failure rate is above failureRateThreshold (40% failures: 0.6 never, 0.25 at once)', () => {
    // At 100+ calls the window's failure rate is 0.4 within 0.05 (one standard error), so it
    // crosses 0.6 (4 standard errors away) with a probability below 1e-4.
    expect(run(WIRING.breakerThresholdAbove).result.metrics.breakerTrips).toBe(0);
    expect(run(WIRING.breakerThresholdBelow).result.metrics.breakerTrips).toBe(1);
  });

  it('counts only the calls inside its window: a 10 s window never holds minimumCalls (20), a 10-minute one does', () => {
    // 10 s holds 5.6 calls on average; 20 or more in one such window has a probability near 1e-6.
    expect(run(WIRING.breakerWindowShort).result.metrics.breakerTrips).toBe(0);
    expect(run(WIRING.breakerWindowLong).result.metrics.breakerTrips).toBe(1);
  });

  it('never opens when disabled', () => {
    const { output, result } = run(WIRING.breakerDisabled);
    expect(result.metrics.breakerTrips).toBe(0);
    expect(output.metrics.modelCalls).toBe(N);
  });

  it('scope per-target keeps a healthy model open to its tier; scope global lets the failing model shut it too', () => {
    // Half the requests go to h, which always fails; the other half to s, which never does.
    const perTarget = run(WIRING.breakerPerTarget).result;
    expect(perTarget.byModel.s!.calls).toBe(perTarget.byTier.standard!.calls);
    expect(perTarget.byTier.standard!.failures).toBe(0);
    const global = run(WIRING.breakerGlobal).result;
    // One shared breaker sees 50% failures, trips after 10 calls, and stays open.
    expect(global.metrics.breakerTrips).toBe(1);
    expect(global.byModel.s!.calls).toBeLessThan(10);
    expect(global.byTier.standard!.failures).toBeGreaterThan(global.byTier.standard!.calls - 10);
  });
});
