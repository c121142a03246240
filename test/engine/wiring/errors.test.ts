import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, fourSeOfShare, N, run, WIRING } from './fixtures.js';

/**
 * How the engine reads each error kind: which ones it retries (`retryOn`), falls back on
 * (`fallbackOn`), counts against the breaker (`countAsFailure`), and how long they take
 * (`errors.latency`, `timeoutAfter`, `retryAfter`). Every model call in these scenarios fails,
 * so the counts are exact: N requests, no sampling noise unless a test says so.
 */

describe('retryOn', () => {
  it('never retries a 400 with the default retryOn, and retries it up to maxAttempts once listed', () => {
    const unlisted = run(WIRING.retryOnDefault400).output.metrics;
    expect(unlisted.modelCalls).toBe(N);
    expect(unlisted.retries).toBe(0);
    expect(unlisted.failures).toBe(N);
    const listed = run(WIRING.retryOnListed400).output.metrics;
    expect(listed.modelCalls).toBe(3 * N);
    expect(listed.retries).toBe(2 * N);
    expect(listed.failures).toBe(N);
  });
});

describe('fallbackOn', () => {
  it('never falls back on a 400 with the default fallbackOn: every request fails on the first model', () => {
    const { result } = run(WIRING.fallback400);
    expect(result.metrics.fallbacks).toBe(0);
    expect(result.byModel.b!.calls).toBe(0);
    expect(result.metrics.visibleFailureRate).toBe(1);
  });

  it('falls back on a 503 by default, and never on a 503 that fallbackOn leaves out', () => {
    const listed = run(WIRING.fallback503).result;
    expect(listed.metrics.fallbacks).toBe(N);
    expect(listed.byModel.b!.calls).toBe(N);
    expect(listed.metrics.successRate).toBe(1);
    const unlisted = run(WIRING.fallback503NotListed).result;
    expect(unlisted.metrics.fallbacks).toBe(0);
    expect(unlisted.byModel.b!.calls).toBe(0);
    expect(unlisted.metrics.visibleFailureRate).toBe(1);
  });

  it('falls back on a 400 once fallbackOn lists it', () => {
    const { result } = run(WIRING.fallback400Listed);
    expect(result.metrics.fallbacks).toBe(N);
    expect(result.metrics.successRate).toBe(1);
  });

  it('falls back from an open breaker only when fallbackOn lists "open"', () => {
    // a's breaker opens after its first 10 failures (minimumCalls 10) and stays open for the
    // rest of the run (cool-down 10 days); every later request is short-circuited at a.
    const openOnly = run(WIRING.fallbackOnOpenOnly).result.metrics;
    expect(openOnly.shortCircuited).toBe(N - 10);
    expect(openOnly.fallbacks).toBe(N - 10); // the short-circuits, and not the 10 real 503s
    expect(openOnly.successRate).toBe((N - 10) / N);
    const notOpen = run(WIRING.fallbackOn503NotOpen).result.metrics;
    expect(notOpen.shortCircuited).toBe(N - 10);
    expect(notOpen.fallbacks).toBe(10); // the 503s, and not the short-circuits
    expect(notOpen.successRate).toBe(10 / N);
  });
});

describe('countAsFailure', () => {
  it('leaves the breaker closed under 100% 400s by default (a 400 is the caller\'s fault)', () => {
    const { output, result } = run(WIRING.breakerCounts400Default);
    expect(result.metrics.breakerTrips).toBe(0);
    expect(result.metrics.shortCircuited).toBe(0);
    expect(output.metrics.modelCalls).toBe(N);
  });

  it('trips the breaker after minimumCalls 400s once countAsFailure lists 400', () => {
    const { output, result } = run(WIRING.breakerCounts400Listed);
    expect(result.metrics.breakerTrips).toBe(1);
    expect(output.metrics.modelCalls).toBe(10);
    expect(result.metrics.shortCircuited).toBe(N - 10);
  });

  it('ignores 429s when countAsFailure leaves them out', () => {
    const { result } = run(WIRING.breakerCounts429NotListed);
    expect(result.metrics.breakerTrips).toBe(0);
    expect(result.metrics.shortCircuited).toBe(0);
  });
});

describe('error latency, retry-after and timeouts', () => {
  it('waits the 429\'s retry-after (2 s) instead of the 100 ms backoff when honorRetryAfter is on', () => {
    // Two 429s of 10 ms each and one wait between them: 10 + 2000 + 10 ms for every request.
    const { output } = run(WIRING.retryAfterHonoured);
    expect(output.metrics.latency.meanMs).toBeCloseTo(2020, 6);
    expect(output.metrics.failures).toBe(N);
  });

  it('waits the backoff alone (10 + 100 + 10 ms) when honorRetryAfter is off', () => {
    const { output } = run(WIRING.retryAfterIgnored);
    expect(output.metrics.latency.meanMs).toBeCloseTo(120, 6);
  });

  it('answers a timeout after timeoutAfter (3 s) and bills its tokens', () => {
    const { output } = run(WIRING.timeoutAfter);
    expect(output.metrics.latency.meanMs).toBeCloseTo(3000, 6);
    expect(output.metrics.failures).toBe(N);
    expect(output.metrics.billedTokens).toBe(N * 1100);
  });

  it('draws each failure\'s kind from the mix: 75% 503s, the only kind retried', () => {
    const { output } = run(WIRING.errorMix);
    // Each request fails its first call; it is retried once exactly when that call was a 503.
    expect(Math.abs(output.metrics.retries / N - 0.75)).toBeLessThan(fourSeOfShare(0.75, N));
  });

  it('fails the errors.rate share of calls (30%, within 4 binomial standard errors)', () => {
    const { output } = run(WIRING.errorRate);
    expect(Math.abs(output.metrics.failures / N - 0.3)).toBeLessThan(fourSeOfShare(0.3, N));
  });
});

describe('every error kind, with the default retryOn, fallbackOn and countAsFailure', () => {
  // The providers' semantics (src/scenario/defaults.ts): a 400 is the caller's fault and a
  // quota 429 never clears, so neither is retried; only the 400 does not fall back or count.
  const RETRIED = ['429', '503', 'timeout', '529', '500'];
  const FALLS_BACK = ['429', '503', 'timeout', '529', '500', 'quota'];
  const COUNTED = ['429', '503', 'timeout', '529', '500', 'quota'];

  for (const kind of ERROR_KINDS) {
    it(`${kind}: ${RETRIED.includes(kind) ? 'retried' : 'not retried'}, ${FALLS_BACK.includes(kind) ? 'falls back' : 'no fallback'}, ${COUNTED.includes(kind) ? 'counted' : 'not counted'} by the breaker`, () => {
      const { result } = run(WIRING[`kind_${kind}`]);
      expect(result.byModel.a!.calls).toBe(RETRIED.includes(kind) ? 3 * N : N);
      expect(result.byModel.b!.calls).toBe(FALLS_BACK.includes(kind) ? N : 0);
      const breaker = run(WIRING[`breakerKind_${kind}`]);
      expect(breaker.output.metrics.modelCalls).toBe(COUNTED.includes(kind) ? 10 : N);
    });
  }

  it('retries a quota error once retryOn lists it', () => {
    expect(run(WIRING.retryOnListedQuota).output.metrics.modelCalls).toBe(3 * N);
  });
});
