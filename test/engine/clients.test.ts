import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * The client side through the whole simulator: many harness instances (`workload.clients`)
 * and the SDK's retry loop inside each harness attempt (`layers.retry.sdk`). Each test fails
 * when the state is shared that should be split, or a retry counted at the wrong level.
 */

const SEED = 5;

function run(yaml: string, requests: number, seed = SEED): RunResult {
  const scenario = parseScenarioText(yaml, 'clients.yaml');
  return buildResult(scenario.name, simulate(scenario, { requests, seed }));
}

const fourSe = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

const independent = (workload: string) => `
name: fleet
duration: 1h
workload: { requests: 36K${workload} }
upstream:
  models:
    a:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 4%, mix: { "503": 1 }, latency: { dist: constant, value: 20ms } }
layers:
  retry: { maxAttempts: 3, baseDelay: 100ms, retryOn: ["503"] }
  breaker: { minimumCalls: 20 }
`;

describe('many clients', () => {
  const n = 20_000;

  it('change nothing with independent failures and no layer that trips: every metric equals one client\'s', () => {
    const one = run(independent(''), n);
    for (const spread of ['round-robin', 'random']) {
      const many = run(independent(`, clients: 8, clientSpread: ${spread}`), n);
      expect(many.metrics).toEqual(one.metrics);
      expect(many.fleet).toEqual({ clients: 8, spread, breakerTripsPerClient: 0, retryBudgetDeniedPerClient: 0 });
    }
    expect(one.fleet).toBeUndefined();
  });

  it('each have their own backpressure: 4 clients of 2 slots admit what one client of 8 does, far more than one of 2', () => {
    const bounded = (clients: number, slots: number) => `
name: bounded
duration: 100s
workload: { requests: 10K, clients: ${clients} }
upstream:
  models:
    a: { latency: { dist: constant, value: 1s } }
layers:
  capacity: { backpressure: { maxInFlight: ${slots}, maxDepth: 0, maxWait: 1s } }
`;
    // 100 requests/s for 1 s each: about 100 in flight wanted.
    const small = run(bounded(1, 2), 10_000).metrics.rejectedRate;
    const fleet = run(bounded(4, 2), 10_000).metrics.rejectedRate;
    const big = run(bounded(1, 8), 10_000).metrics.rejectedRate;
    expect(small).toBeGreaterThan(0.97);
    expect(fleet).toBeLessThan(small - 0.04);
    // Round-robin spreads evenly, so 4 x 2 behaves close to (not better than) one pool of 8.
    expect(fleet).toBeGreaterThanOrEqual(big);
    expect(fleet - big).toBeLessThan(0.02);
  });

  it('each have their own per-key limit: 3 clients admit three times the quota', () => {
    const limited = (clients: number) => `
name: limited
duration: 10m
workload: { requests: 60K, clients: ${clients} }
upstream:
  models:
    a: { latency: { dist: constant, value: 100ms } }
layers:
  capacity: { perKey: { quotaRpm: 600, shares: { default: 1 } } }
`;
    // 100 requests/s for 600 s offered; each client admits its burst of 600 plus 10/s: 6,600.
    const one = run(limited(1), 60_000).metrics.successRate;
    const three = run(limited(3), 60_000).metrics.successRate;
    expect(Math.abs(one - 0.11)).toBeLessThan(0.005);
    expect(Math.abs(three - 0.33)).toBeLessThan(0.01);
  });

  it('spread requests in turn or at random: with 2 one-slot clients, random spread blocks rho / (1 + rho) = 20%, in turn far fewer', () => {
    const spread = (how: string) => `
name: spread
duration: 1000s
workload: { requests: 10K, clients: 2, clientSpread: ${how} }
upstream:
  models:
    a: { latency: { dist: constant, value: 50ms } }
layers:
  capacity: { backpressure: { maxInFlight: 1, maxDepth: 0, maxWait: 1s } }
`;
    // Random: each client sees Poisson arrivals at 5/s, a loss system with one slot: rho = 5 x 0.05 = 0.25.
    const random = run(spread('random'), 10_000).metrics.rejectedRate;
    expect(Math.abs(random - 0.2)).toBeLessThan(fourSe(0.2, 10_000));
    // In turn: a client's arrivals are two Poisson gaps apart, under 50 ms with probability 1 - e^-0.5 x 1.5 = 9%.
    const inTurn = run(spread('round-robin'), 10_000).metrics.rejectedRate;
    expect(inTurn).toBeLessThan(0.12);
  });

  describe('under episodes (each breaker sees 1/N of the calls: 600/N in its 60 s window at 10 requests/s)', () => {
    const episodic = (clients: number) => `
name: fleet-episodes
duration: 2h
workload: { requests: 72K, clients: ${clients} }
upstream:
  models:
    a:
      latency: { dist: constant, value: 500ms }
      errors: { rate: 1%, mix: { "529": 1 }, episodes: { every: 10m, lasting: 1m, rate: 90% } }
layers:
  breaker: { window: 60s, minimumCalls: 20, failureRateThreshold: 25%, cooldown: 30s }
`;
    const fleet = (clients: number) => run(episodic(clients), 72_000);

    it('protect less as N grows: calls refused by an open breaker fall at every doubling, to none at 64', () => {
      const refused = [1, 2, 4, 8, 16, 32, 64].map((clients) => fleet(clients).metrics.shortCircuited);
      for (let i = 1; i < refused.length; i++) expect(refused[i]!, `short-circuited ${refused.join(', ')}`).toBeLessThan(refused[i - 1]!);
      expect(refused[refused.length - 1]).toBe(0);
    });

    it('trip fewer times each as N nears and passes window calls / minimumCalls = 30 clients', () => {
      const trips = [1, 24, 32, 40].map((clients) => {
        const result = fleet(clients);
        return clients === 1 ? result.metrics.breakerTrips : result.fleet!.breakerTripsPerClient;
      });
      for (let i = 1; i < trips.length; i++) expect(trips[i]!, `trips per client ${trips.join(', ')}`).toBeLessThan(trips[i - 1]!);
      // One trip per episode or so with one client; none once a client's window cannot hold 20 calls.
      expect(trips[0]).toBeGreaterThan(5);
      expect(trips[3]).toBe(0);
    });
  });
});

const nested = (retry: string) => `
name: nested
duration: 1h
workload: { requests: 36K }
upstream:
  models:
    a:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 50%, mix: { "529": 1 }, latency: { dist: constant, value: 20ms } }
layers:
  retry: ${retry}
  breaker: { minimumCalls: 20, failureRateThreshold: 25% }
`;

describe('SDK retries inside each harness attempt', () => {
  const n = 20_000;

  it('are attributed as sdkRetry, apart from the harness retries', () => {
    const result = run(nested('{ maxAttempts: 1, retryOn: ["529"], sdk: { maxRetries: 2 } }').replace(/  breaker.*\n/, ''), n);
    // 1 + p + p^2 = 1.75 calls per request at p = 0.5, the extra 0.75 all SDK retries.
    expect(result.loadAttribution.retry).toBe(0);
    expect(Math.abs(result.loadAttribution.sdkRetry! / n - 0.75)).toBeLessThan(4 * Math.sqrt(0.6875 / n));
    expect(result.metrics.retries).toBe(0);
  });

  it('keep running with the harness retry layer switched off, and stop at maxRetries: 0', () => {
    const off = run(nested('{ enabled: false, sdk: { maxRetries: 2 } }').replace(/  breaker.*\n/, ''), n);
    expect(off.loadAttribution.sdkRetry).toBeGreaterThan(0.7 * n);
    const none = run(nested('{ enabled: false, sdk: { maxRetries: 0 } }').replace(/  breaker.*\n/, ''), n);
    expect(none.metrics.loadMultiplier).toBe(1);
    // maxRetries: 0 is no SDK loop at all: the result has the shape of a scenario without one.
    expect(none.loadAttribution.sdkRetry).toBeUndefined();
  });

  it('hide failures from the breaker: it sees one result per harness attempt (1/8 failing), not each call (1/2)', () => {
    const withSdk = run(nested('{ maxAttempts: 1, retryOn: ["529"], sdk: { maxRetries: 2, baseDelay: 10ms } }'), n);
    const withoutSdk = run(nested('{ maxAttempts: 1, retryOn: ["529"] }'), n);
    expect(withSdk.metrics.breakerTrips).toBe(0);
    expect(withoutSdk.metrics.breakerTrips).toBeGreaterThan(0);
    expect(Math.abs(withSdk.metrics.visibleFailureRate - 0.125)).toBeLessThan(fourSe(0.125, n));
  });

  it('wait the SDK backoff min(maxDelay, baseDelay x multiplier^k) between calls: 10 + 100 + 10 + 250 + 10 ms with no jitter', () => {
    const sdk = (options: string, kind = '"529": 1') => `
name: sdk-backoff
duration: 1h
workload: { requests: 36K }
upstream:
  models:
    a:
      errors: { rate: 100%, mix: { ${kind} }, retryAfter: 1s, latency: { dist: constant, value: 10ms } }
layers:
  retry: { enabled: false, sdk: { maxRetries: 2, baseDelay: 100ms, multiplier: 3, maxDelay: 250ms, jitter: none, retryOn: [429, 529]${options} } }
`;
    const backoff = run(sdk(''), 100);
    expect(backoff.metrics.latencyMs.mean).toBeCloseTo(380, 6);
    // A 429's retry-after (1 s) is a floor on each SDK delay when honorRetryAfter is on, ignored when off.
    expect(run(sdk('', '"429": 1'), 100).metrics.latencyMs.mean).toBeCloseTo(2030, 6);
    expect(run(sdk(', honorRetryAfter: false', '"429": 1'), 100).metrics.latencyMs.mean).toBeCloseTo(380, 6);
    // Equal jitter: each delay in [1/2, 1] of the backoff, so the wait lies between 205 and 380 ms.
    const jittered = run(sdk('').replace('jitter: none', 'jitter: equal'), 2000).metrics.latencyMs;
    expect(jittered.mean).toBeGreaterThan(30 + 175 + 1);
    expect(jittered.mean).toBeLessThan(380 - 1);
  });

  it('do not retry what the SDK would not: a quota 429', () => {
    const quota = run(nested('{ enabled: false, sdk: { maxRetries: 2 } }').replace('"529": 1', 'quota: 1').replace(/  breaker.*\n/, ''), n);
    expect(quota.loadAttribution.sdkRetry).toBe(0);
  });

  it('bill each failed call of the loop: a timeout inside the loop costs tokens, a 529 nothing', () => {
    const timeouts = run(nested('{ enabled: false, sdk: { maxRetries: 1, retryOn: [timeout] } }').replace('"529": 1', 'timeout: 1').replace(/  breaker.*\n/, ''), n);
    const errors = run(nested('{ enabled: false, sdk: { maxRetries: 1 } }').replace(/  breaker.*\n/, ''), n);
    expect(timeouts.metrics.wastedTokens).toBeGreaterThan(0);
    expect(errors.metrics.wastedTokens).toBe(0);
  });

  it('multiply with the harness retries: at p = 1 exactly (1 + 2) x (1 + 2) = 9 calls per request', () => {
    const result = run(nested('{ maxAttempts: 3, baseDelay: 10ms, retryOn: ["529"], sdk: { maxRetries: 2, baseDelay: 10ms } }').replace('rate: 50%', 'rate: 100%').replace(/  breaker.*\n/, ''), 2000);
    expect(result.metrics.loadMultiplier).toBe(9);
    expect(result.loadAttribution).toMatchObject({ firstAttempt: 2000, retry: 4000, sdkRetry: 12_000 });
  });
});
