import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { parsedScenario, PROPERTY_REQUESTS, PROPERTY_RUNS } from './arbitraries.js';

/**
 * More attempts never raise the visible failure rate, under independent failures and common
 * random numbers: the same scenario and seed with maxAttempts n and n + 1.
 *
 * It holds per request, exactly: the k-th call of request i fails according to a keyed draw of
 * (i, target, k), so the two runs make the same calls with the same outcomes until some call has
 * failed n times, and at that point the n-attempt run has already failed the request. A request
 * that succeeds (or is refused by scope) with n attempts does the same with n + 1.
 *
 * The generated scenarios exclude what would break that coupling: breakers, retry budgets,
 * capacity layers and finite-capacity servers (their decisions depend on the other requests);
 * incidents (a retry shifts a call in time, into or out of the window); and quality fallback (its
 * eval draws come from a sequential stream in completion order). Routing with fallback stays:
 * each target keeps its own call count, so the fallback model's k-th call draws the same key
 * whether the first model took n or n + 1 attempts. Tools, scope, cache and timeouts stay too.
 */
describe('retries under independent failures', () => {
  it('never raise the visible failure rate from n to n + 1 attempts (same seed, same scenario)', () => {
    let improved = 0;
    fc.assert(
      fc.property(parsedScenario({ independentFailures: true }), fc.integer({ min: 1, max: 4 }), (scenario, n) => {
        const retry = { ...(scenario.layers.retry ?? { enabled: true, baseDelay: 250, multiplier: 4, maxDelay: 4000, jitter: 'full' as const, retryOn: ['429', '503', 'timeout'] as ('429' | '503' | 'timeout' | '400')[], honorRetryAfter: true }), enabled: true };
        const withAttempts = (maxAttempts: number) =>
          simulate({ ...scenario, layers: { ...scenario.layers, retry: { ...retry, maxAttempts } } }, { requests: PROPERTY_REQUESTS }).metrics;
        const fewer = withAttempts(n);
        const more = withAttempts(n + 1);
        expect(more.failures + more.rejected).toBeLessThanOrEqual(fewer.failures + fewer.rejected);
        expect(more.successes).toBeGreaterThanOrEqual(fewer.successes);
        expect(more.refused).toBeGreaterThanOrEqual(fewer.refused);
        expect(fewer.rejected).toBe(0);
        if (more.failures < fewer.failures) improved++;
      }),
      PROPERTY_RUNS,
    );
    // Not vacuous: in most generated scenarios the extra attempt rescues some requests.
    expect(improved).toBeGreaterThan(PROPERTY_RUNS.numRuns / 2);
  });
});
