import { describe, expect, it } from 'vitest';
import { simulate, type RunOutput } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * The providers' error taxonomy (529 overloaded, 500 api error, quota) and error episodes,
 * through the whole simulator: each test fails when a default or a wire is wrong.
 * Statistical checks: fixed seed, 4 binomial standard errors from the sample size.
 */

const SEED = 11;

function run(yaml: string, requests: number): { output: RunOutput; result: RunResult } {
  const scenario = parseScenarioText(yaml, 'provider-errors.yaml');
  const output = simulate(scenario, { requests, seed: SEED });
  return { output, result: buildResult(scenario.name, output) };
}

const fourSe = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

/** One model failing half its calls with `kind`; `layers` as given. */
const halfFailing = (kind: string, layers: string) => `
name: half-failing
duration: 1h
workload: { requests: 36K }
upstream:
  models:
    a:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 50%, mix: { "${kind}": 1 }, retryAfter: 0 }
layers:
${layers}
`;

describe('default retry policy (the SDKs: retry 429, 529, 500, 503, timeouts; never 400 or quota)', () => {
  const n = 20_000;
  // Three attempts at p = 0.5: 1 + p + p^2 = 1.75 calls, p^3 = 12.5% visible.
  for (const kind of ['529', '500']) {
    it(`retries ${kind}: 1.75 calls per request and 12.5% visible failures at p = 0.5`, () => {
      const { result } = run(halfFailing(kind, '  retry: { maxAttempts: 3 }'), n);
      // Var of min(G, 3) calls at p = 0.5: E[C^2] - E[C]^2 = (0.5 + 4 x 0.25 + 9 x 0.25) - 1.75^2 = 0.6875.
      expect(Math.abs(result.metrics.loadMultiplier - 1.75)).toBeLessThan(4 * Math.sqrt(0.6875 / n));
      expect(Math.abs(result.metrics.visibleFailureRate - 0.125)).toBeLessThan(fourSe(0.125, n));
    });
  }

  it('never retries a quota 429: exactly one call per request, half of them visible failures', () => {
    const { result } = run(halfFailing('quota', '  retry: { maxAttempts: 3 }'), n);
    expect(result.metrics.loadMultiplier).toBe(1);
    expect(result.metrics.retries).toBe(0);
    expect(Math.abs(result.metrics.visibleFailureRate - 0.5)).toBeLessThan(fourSe(0.5, n));
  });

  it('retries quota only when retryOn names it', () => {
    const { result } = run(halfFailing('quota', '  retry: { maxAttempts: 3, retryOn: [quota] }'), n);
    expect(result.metrics.retries).toBeGreaterThan(0.4 * n);
  });

  it('reads bare status codes 529 and 500 in retryOn as their names', () => {
    const { result } = run(halfFailing('529', '  retry: { maxAttempts: 2, retryOn: [529, 500] }'), n);
    expect(Math.abs(result.metrics.loadMultiplier - 1.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });
});

describe('default fallback and breaker (another model may answer a quota, 529 or 500 error)', () => {
  const n = 10_000;
  const routed = (kind: string, extra = '') => `
name: fallback-${kind}
duration: 1h
workload: { requests: 36K }
upstream:
  models:
    a:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 100%, mix: { "${kind}": 1 } }
    b:
      latency: { dist: constant, value: 200ms }
  defaultModel: a
layers:
  routing: { fallback: [a, b] }
${extra}`;

  for (const kind of ['quota', '529', '500']) {
    it(`falls back on ${kind} by default: every request answered by the second model`, () => {
      const { result } = run(routed(kind), n);
      expect(result.metrics.fallbacks).toBe(n);
      expect(result.metrics.visibleFailureRate).toBe(0);
    });
  }

  it('never falls back on 400 by default (the request itself is wrong)', () => {
    const { result } = run(routed('400'), n);
    expect(result.metrics.fallbacks).toBe(0);
    expect(result.metrics.visibleFailureRate).toBe(1);
  });

  for (const kind of ['529', '500', 'quota']) {
    it(`counts ${kind} as a breaker failure by default: the breaker opens and refuses calls`, () => {
      const { result } = run(routed(kind, '  breaker: { minimumCalls: 20, cooldown: 30s }'), n);
      expect(result.metrics.breakerTrips).toBeGreaterThan(0);
      expect(result.metrics.shortCircuited).toBeGreaterThan(0.5 * n);
    });
  }
});

/** One model, no base errors, 100% failing episodes (mean 20 s, one every 120 s): f = 1/6. */
const episodic = (layers: string) => `
name: episodic
duration: 2h
workload: { requests: 72K }
upstream:
  models:
    a:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 0, mix: { "529": 1 }, latency: { dist: constant, value: 50ms }, episodes: { every: 120s, lasting: 20s, rate: 100% } }
layers:
${layers}
`;

describe('error episodes in a run', () => {
  const n = 72_000;

  it('fail the calls made inside them: first attempts fail about f = 1/6 of the time', () => {
    const { result } = run(episodic('  retry: { enabled: false }'), n);
    const e = result.byModel.a!.episodes!;
    expect(e.expectedTimeFraction).toBeCloseTo(1 / 6, 8);
    // The visible failure rate is the share of arrivals inside an episode (PASTA), which is the
    // run's own time fraction; each arrival a Bernoulli(f) draw given the schedule.
    expect(Math.abs(result.metrics.visibleFailureRate - e.timeFraction)).toBeLessThan(fourSe(e.timeFraction, n));
    expect(e.count).toBeGreaterThan(40);
    expect(result.byModel.a!.failureRate).toBe(result.metrics.visibleFailureRate);
  });

  it('are the same episodes in every variant: with retries on, exactly the requests whose first call failed retry', () => {
    const alone = run(episodic('  retry: { enabled: false }'), n).result;
    const retried = run(episodic('  retry: { maxAttempts: 2, baseDelay: 100ms, jitter: none }'), n).result;
    // First calls start at arrival in both variants, so they meet the same episode state.
    expect(retried.metrics.retries).toBe(Math.round(alone.metrics.visibleFailureRate * n));
    expect(retried.byModel.a!.episodes!.count).toBe(alone.byModel.a!.episodes!.count);
  });

  it('make retries nearly useless: a retry 100 ms later is almost always still inside the 20 s episode', () => {
    const alone = run(episodic('  retry: { enabled: false }'), n).result;
    const retried = run(episodic('  retry: { maxAttempts: 3, baseDelay: 100ms, multiplier: 2, jitter: none }'), n).result;
    // Visible failure f e^(-S/L) with S = 50 + 100 + 50 + 200 ms of retry span and L = 20 s: 0.98 f.
    expect(retried.metrics.visibleFailureRate / alone.metrics.visibleFailureRate).toBeGreaterThan(0.95);
    expect(retried.metrics.loadMultiplier).toBeGreaterThan(1 + 2 * 0.95 * alone.metrics.visibleFailureRate);
  });

  it('report nothing on targets without episodes, and change no output field of a scenario without them', () => {
    const { result } = run(episodic('  retry: { enabled: false }').replace(/, episodes: \{[^}]*\}/, ''), 1000);
    expect(result.byModel.a!.episodes).toBeUndefined();
    expect(Object.keys(result.byModel.a!)).toEqual(['calls', 'failures', 'failureRate', 'costUsd', 'monthlyCostUsd', 'p95Ms']);
  });
});

describe('slow-call breaker', () => {
  const n = 10_000;
  // Every call to `a` takes 12 s; b answers in 200 ms.
  const slow = (breaker: string) => `
name: slow-upstream
duration: 1h
workload: { requests: 36K }
upstream:
  models:
    a: { latency: { dist: constant, value: 12s } }
    b: { latency: { dist: constant, value: 200ms } }
  defaultModel: a
layers:
  routing: { fallback: [a, b] }
  breaker: { minimumCalls: 20, cooldown: 30s${breaker} }
`;

  it('opens on slow successes and sends the traffic to the fallback model', () => {
    const { result } = run(slow(', slowCall: { after: 10s, rate: 50% }'), n);
    expect(result.metrics.breakerTrips).toBeGreaterThan(0);
    expect(result.metrics.shortCircuited).toBeGreaterThan(0.9 * n);
    expect(result.metrics.fallbacks).toBe(result.metrics.shortCircuited);
    expect(result.metrics.latencyMs.p50).toBeLessThan(1000);
  });

  it('never opens on them without the slow-call rule: every request waits 12 s', () => {
    const { result } = run(slow(''), n);
    expect(result.metrics.breakerTrips).toBe(0);
    expect(result.metrics.latencyMs.p50).toBeGreaterThanOrEqual(12_000);
  });
});

describe('episode options, refused when they cannot mean anything', () => {
  const withEpisodes = (episodes: string) => `
name: bad-episodes
upstream:
  models:
    a: { errors: { rate: 1%, episodes: ${episodes} } }
`;

  it('refuses every <= lasting (every is start to start), naming the key', () => {
    expect(() => parseScenarioText(withEpisodes('{ every: 1m, lasting: 1m, rate: 50% }'), 'x.yaml')).toThrow(/episodes\.every.*longer than lasting/);
  });

  it('refuses a sigma for exponential lengths', () => {
    expect(() => parseScenarioText(withEpisodes('{ every: 5m, lasting: 1m, rate: 50%, sigma: 2 }'), 'x.yaml')).toThrow(/episodes\.sigma.*lognormal/);
  });
});
