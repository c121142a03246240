import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate, type RunOutput } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

function output(text: string, options: { requests?: number; seed?: number; overrides?: string[] } = {}): RunOutput {
  const scenario = parseScenarioText(text, 'closed-loop.yaml', { overrides: options.overrides ?? [] });
  return simulate(scenario, { requests: options.requests, seed: options.seed });
}

function result(text: string, options: { requests?: number; seed?: number; overrides?: string[] } = {}): RunResult {
  return buildResult('closed-loop', output(text, options));
}

/** Student t quantile t(0.9995, 9): a two-sided 99.9% interval over 10 replications. */
const T_9_9995 = 4.781;

/** Mean and standard error of the mean of `xs`. */
function meanAndStandardError(xs: readonly number[]): { mean: number; se: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

describe('infinite capacity equals the independent-failure model', () => {
  // Errors (429 with a retry-after, 503), retries and a breaker that an incident trips.
  // No client timeout: a timed-out call is billed at its server's finish, by design.
  const scenario = (capacity: string) => `
name: equivalence
seed: 11
duration: 1h
workload:
  requests: 30000
upstream:
  models:
    sonnet:
      errors: { rate: 8%, mix: { "429": 0.6, "503": 0.4 }, retryAfter: 500ms }
      ${capacity}
  incidents:
    - { target: sonnet, at: 20m, for: 5m, errorRate: 60% }
layers:
  retry: { maxAttempts: 3, baseDelay: 100ms, retryOn: ["429", "503"] }
  breaker: { window: 30s, minimumCalls: 20, failureRateThreshold: 0.3, cooldown: 10s }
`;

  it('gives byte-identical results, apart from the servers list, with a capacity that never binds', () => {
    const { servers: noServers, ...independent } = result(scenario(''));
    const { servers, ...closed } = result(scenario('capacity: { concurrency: 1000000, queue: 0 }'));
    // The scenario exercises what might diverge: failures, retries, breaker trips.
    expect(independent.metrics.retries).toBeGreaterThan(1000);
    expect(independent.metrics.breakerTrips).toBeGreaterThan(0);
    expect(independent.metrics.shortCircuited).toBeGreaterThan(0);
    expect(independent.metrics.visibleFailureRate).toBeGreaterThan(0);
    expect(noServers).toEqual([]);
    expect(servers).toEqual([{ name: 'sonnet', peakQueue: 0, overflows: 0, overQuota: 0 }]);
    expect(JSON.stringify(closed)).toBe(JSON.stringify(independent));
  });
});

describe('queueing theory: the server reproduces M/M/1/K and M/M/c', () => {
  // Queue output is autocorrelated (a busy period spans many requests), so the spread of
  // one long run's per-request figures says little about its error. Instead: R independent
  // replications (different seeds), each a sample mean; the replication means are close to
  // independent and normal, so the closed form must lie within t(0.9995, R-1) standard
  // errors of their mean (R = 10: 4.781 se, a 1-in-1000 false alarm per assertion).
  const REPLICATIONS = 10;
  const REQUESTS = 40_000;
  const seeds = Array.from({ length: REPLICATIONS }, (_, i) => 1000 + i);

  it('blocks (1-rho) rho^K / (1 - rho^(K+1)) of requests and holds the admitted ones for L / lambda_eff (K = 10, rho = 0.9)', () => {
    // lambda = 10/s (40000 requests in 4000 s); mu = 1/90 ms, so rho = 0.9.
    // One slot plus K-1 = 9 waiting places: K = 10 in the system.
    // An overflow is answered with a constant 1 ms error latency and not retried.
    const text = `
name: mm1k
seed: 1
duration: 4000s
workload:
  requests: ${REQUESTS}
upstream:
  models:
    m:
      latency: { dist: exponential, mean: 90ms }
      errors: { rate: 0, latency: { dist: constant, value: 1ms } }
      capacity: { concurrency: 1, queue: 9 }
`;
    const lambdaPerMs = 10 / 1000;
    const rho = 0.9;
    const K = 10;
    const blocking = ((1 - rho) * rho ** K) / (1 - rho ** (K + 1));
    const L = rho / (1 - rho) - ((K + 1) * rho ** (K + 1)) / (1 - rho ** (K + 1));
    const sojournMs = L / (lambdaPerMs * (1 - blocking));
    expect(blocking).toBeCloseTo(0.050814, 6);
    expect(sojournMs).toBeCloseTo(418.194, 3);

    const blocked: number[] = [];
    const sojourns: number[] = [];
    for (const seed of seeds) {
      const run = output(text, { seed });
      const m = run.metrics;
      const pb = m.failures / m.requests;
      expect(m.failures).toBe(run.servers[0]!.overflows);
      blocked.push(pb);
      // Mean latency over all requests = pb x 1 ms + (1 - pb) x W: back W out.
      sojourns.push((m.latency.meanMs - pb * 1) / (1 - pb));
    }
    const b = meanAndStandardError(blocked);
    const w = meanAndStandardError(sojourns);
    expect(Math.abs(b.mean - blocking)).toBeLessThan(T_9_9995 * b.se);
    expect(Math.abs(w.mean - sojournMs)).toBeLessThan(T_9_9995 * w.se);
    // The intervals are narrow enough to mean something (a test that cannot fail is a defect).
    expect(T_9_9995 * b.se).toBeLessThan(0.1 * blocking);
    expect(T_9_9995 * w.se).toBeLessThan(0.1 * sojournMs);
  });

  it('holds requests for Wq + 1/mu = 0.119048 s with 2 slots, lambda = 8/s, mu = 10/s (Erlang C = 0.228571)', () => {
    const text = `
name: mm2
seed: 1
duration: 5000s
workload:
  requests: ${REQUESTS}
upstream:
  models:
    m:
      latency: { dist: exponential, mean: 100ms }
      errors: { rate: 0 }
      capacity: { concurrency: 2, queue: 100000 }
`;
    // Erlang C with c = 2, a = lambda/mu = 0.8, rho = a/c = 0.4.
    const c = 2;
    const a = 0.8;
    const rho = a / c;
    const tail = a ** c / (2 * (1 - rho));
    const erlangC = tail / (1 + a + tail);
    const waitMs = (erlangC / (c * 10 - 8)) * 1000;
    expect(erlangC).toBeCloseTo(0.228571, 6);
    expect(waitMs / 1000).toBeCloseTo(0.019048, 6);
    const sojournMs = waitMs + 100;

    const sojourns: number[] = [];
    for (const seed of seeds) {
      const run = output(text, { seed });
      expect(run.metrics.failures).toBe(0);
      sojourns.push(run.metrics.latency.meanMs);
    }
    const w = meanAndStandardError(sojourns);
    expect(Math.abs(w.mean - sojournMs)).toBeLessThan(T_9_9995 * w.se);
    expect(T_9_9995 * w.se).toBeLessThan(0.05 * sojournMs);
    // Sanity: the queue wait is visible, far above the sampling error.
    expect(w.mean - 100).toBeGreaterThan(10 * w.se);
  });
});

describe('provider quotas', () => {
  it('admits the full bucket and then rpm per minute: 600 + 10/s x T under 30 requests/s offered', () => {
    const text = `
name: quota
seed: 3
duration: 10m
workload:
  requests: 18000
  tokens: { input: { dist: constant, value: 500 }, output: { dist: constant, value: 100 } }
upstream:
  models:
    m:
      errors: { rate: 0 }
      capacity: { concurrency: 1000, queue: 0, rpm: 600 }
`;
    const run = output(text);
    const r = buildResult('quota', run);
    // The timeline has 1 s buckets; the last arrival lies in the last bucket with offered load.
    const bucketS = r.timeline.bucketMs / 1000;
    expect(bucketS).toBe(1);
    let lastBucket = r.timeline.offered.length - 1;
    while (r.timeline.offered[lastBucket] === 0) lastBucket--;
    const spanS = (lastBucket + 0.5) * bucketS;
    const m = run.metrics;
    const expected = 600 + 10 * spanS;
    expect(Math.abs(m.successes - expected)).toBeLessThan(0.01 * expected);
    expect(m.successes + m.failures).toBe(18000);
    expect(r.servers[0]!.overQuota).toBe(m.failures);
    expect(r.servers[0]!.overflows).toBe(0);
    // Long run: from minute 2 (bucket drained) to minute 9, 600 answers per minute. The
    // refill is deterministic and offered load is 3x it, so the count is all but exact.
    const perMinute = r.timeline.goodput.slice(120, 540).reduce((s, n) => s + n, 0) / 7;
    expect(Math.abs(perMinute - 600)).toBeLessThan(6);
  });
});

describe('client timeouts at a finite-capacity server', () => {
  // One slot, exponential service of mean 250 ms, 3 requests/s (rho = 0.75), no retries.
  // Constant tokens: every served call bills 600 tokens and $0.003.
  const text = (timeout: string) => `
name: abandon
seed: 5
duration: 2000s
workload:
  requests: 6000
  tokens: { input: { dist: constant, value: 500 }, output: { dist: constant, value: 100 } }
upstream:
  models:
    m:
      latency: { dist: exponential, mean: 250ms }
      errors: { rate: 0 }
      capacity: { concurrency: 1, queue: 100000 }
      price: { input: $3, output: $15 }
${timeout}
`;

  it('bills an abandoned call when its server finishes it, and counts its tokens as wasted', () => {
    const r = result(text('layers:\n  timeout: { after: 500ms }'));
    const m = r.metrics;
    expect(m.abandonedCalls).toBeGreaterThan(300);
    // No retries: each timed-out request is exactly one abandoned call.
    expect(m.abandonedCalls).toBe(Math.round(m.visibleFailureRate * 6000));
    // Every call was served and billed, answered or not; only abandoned ones are waste.
    expect(m.billedTokens).toBe(6000 * 600);
    expect(m.wastedTokens).toBe(m.abandonedCalls * 600);
    expect(m.costUsd).toBeCloseTo(6000 * 0.003, 6);
    // The client saw at most 500 ms.
    expect(r.metrics.latencyMs.p99).toBeLessThanOrEqual(500.5);
  });

  it('keeps abandoned calls in line: the server queue evolves exactly as without the timeout', () => {
    const withTimeout = result(text('layers:\n  timeout: { after: 500ms }'));
    const without = result(text(''));
    expect(without.metrics.abandonedCalls).toBe(0);
    expect(without.metrics.visibleFailureRate).toBe(0);
    expect(withTimeout.servers).toEqual(without.servers);
    expect(withTimeout.servers[0]!.peakQueue).toBeGreaterThan(5);
    expect(withTimeout.timeline.queueDepth).toEqual(without.timeline.queueDepth);
    // The server finishes the abandoned work: the run lasts until the last call is served
    // (plus, at most, a stale client timer of 500 ms that still pops after it).
    expect(withTimeout.simulatedMs).toBeGreaterThanOrEqual(without.simulatedMs);
    expect(withTimeout.simulatedMs).toBeLessThanOrEqual(without.simulatedMs + 500);
    // Goodput is what finished within 500 ms of arriving.
    expect(withTimeout.metrics.successRate).toBeLessThan(1);
  });

  it('with retries, each abandoned call is retried into the same queue and adds to its load', () => {
    const r = result(text('layers:\n  timeout: { after: 500ms }\n  retry: { maxAttempts: 3, baseDelay: 100ms, retryOn: [timeout] }'));
    const base = result(text('layers:\n  timeout: { after: 500ms }'));
    expect(r.metrics.upstreamCalls).toBe(6000 + r.metrics.retries);
    expect(r.metrics.abandonedCalls).toBeGreaterThan(base.metrics.abandonedCalls);
    expect(r.servers[0]!.peakQueue).toBeGreaterThan(base.servers[0]!.peakQueue);
    expect(r.metrics.billedTokens).toBe(r.metrics.upstreamCalls * 600);
  });
});

describe('metastable failure (scenarios/metastable.yaml)', () => {
  const FILE = 'scenarios/metastable.yaml';
  const TEXT = readFileSync(FILE, 'utf8');
  const run = (overrides: string[] = []) => buildResult('metastable', simulate(parseScenarioText(TEXT, FILE, { overrides }), {}));
  const REMEDIES: Record<string, string> = {
    'retry budget': 'layers.retry.budget={ratio: 0.1}',
    breaker: 'layers.breaker={enabled: true}',
    backpressure: 'layers.capacity={backpressure: {maxInFlight: 10, maxDepth: 20, maxWait: 500ms}}',
  };
  const sumAttribution = (r: RunResult) => Object.values(r.loadAttribution).reduce((s, n) => s + n, 0);

  it('never recovers with naive retries: retries dominate the load long after the burst', () => {
    const r = run();
    expect(r.recovery).not.toBeNull();
    expect(r.recovery!.baselineSuccessRatio).toBeGreaterThan(0.99);
    expect(r.recovery!.recoveredAfterMs).toBeNull();
    expect(r.recovery!.finalSuccessRatio).toBeLessThan(0.1);
    expect(r.metrics.visibleFailureRate).toBeGreaterThan(0.5);
    expect(r.metrics.abandonedCalls).toBeGreaterThan(r.requests);
    expect(sumAttribution(r)).toBe(r.metrics.upstreamCalls);
    expect(r.loadAttribution.retry).toBeGreaterThan(r.loadAttribution.firstAttempt);
    expect(r.metrics.loadMultiplier).toBeGreaterThan(2);
  });

  for (const [remedy, override] of Object.entries(REMEDIES)) {
    it(`recovers within a minute of the burst with the ${remedy}`, () => {
      const naive = run();
      const r = run([override]);
      expect(r.recovery!.recoveredAfterMs).not.toBeNull();
      expect(r.recovery!.recoveredAfterMs!).toBeLessThanOrEqual(60_000);
      expect(r.recovery!.finalSuccessRatio).toBeGreaterThan(0.9);
      expect(sumAttribution(r)).toBe(r.metrics.upstreamCalls);
      expect(r.loadAttribution.retry).toBeLessThan(0.2 * r.loadAttribution.firstAttempt);
      expect(r.metrics.visibleFailureRate).toBeLessThan(naive.metrics.visibleFailureRate / 3);
      expect(r.metrics.abandonedCalls).toBeLessThan(naive.metrics.abandonedCalls / 5);
      expect(r.metrics.loadMultiplier).toBeLessThan(1.1);
    });
  }
});
