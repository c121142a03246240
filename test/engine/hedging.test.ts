import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { Lognormal } from '../../src/random/distributions.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * Hedged model calls (`layers.hedge`) through the whole simulator. Statistical checks use a
 * fixed seed and 4 binomial standard errors from the sample size.
 */

const SEED = 3;

function run(yaml: string, requests: number): RunResult {
  const scenario = parseScenarioText(yaml, 'hedging.yaml');
  return buildResult(scenario.name, simulate(scenario, { requests, seed: SEED }));
}

const fourSe = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

/** Two models with a heavy latency tail (p50 800 ms, p95 6 s), constant tokens, no errors. */
const slowTail = (hedge: string, extra = '') => `
name: slow-tail
duration: 1h
workload:
  requests: 36K
  tokens: { input: { dist: constant, value: 1000 }, output: { dist: constant, value: 100 } }
upstream:
  models:
    a: { latency: { dist: lognormal, p50: 800ms, p95: 6s } }
    b: { latency: { dist: lognormal, p50: 800ms, p95: 6s } }
  defaultModel: a
layers:
  routing: { fallback: [a, b] }
${hedge}
${extra}`;

describe('hedging', () => {
  const n = 20_000;
  const tail = new Lognormal(800, 6000);
  /** P(a call takes longer than 2 s): the share of requests that get a hedge. */
  const pSlow = 1 - normalCdf(Math.log(2000 / 800) / tail.sigma);

  it('sends a hedge exactly when the first call has not answered after `after`, and attributes it as hedge', () => {
    const result = run(slowTail('  hedge: { after: 2s }'), n);
    expect(Math.abs(result.loadAttribution.hedge! / n - pSlow)).toBeLessThan(fourSe(pSlow, n));
    expect(result.metrics.loadMultiplier).toBeCloseTo(1 + result.loadAttribution.hedge! / n, 8);
  });

  it('cuts the tail and leaves the median alone: p95 falls from about 6 s to under 3.5 s', () => {
    const plain = run(slowTail('  hedge: { enabled: false, after: 2s }'), n);
    const hedged = run(slowTail('  hedge: { after: 2s }'), n);
    expect(plain.metrics.latencyMs.p95).toBeGreaterThan(5000);
    expect(hedged.metrics.latencyMs.p95).toBeLessThan(3500);
    expect(Math.abs(hedged.metrics.latencyMs.p50 - plain.metrics.latencyMs.p50) / plain.metrics.latencyMs.p50).toBeLessThan(0.02);
  });

  it('abandons the loser of every hedged pair and still bills it: one abandoned call per hedge, its tokens wasted', () => {
    const result = run(slowTail('  hedge: { after: 2s }'), n);
    expect(result.metrics.abandonedCalls).toBe(result.loadAttribution.hedge);
    // Every call bills 1,100 tokens; only the losers' are wasted.
    expect(result.metrics.wastedTokens).toBe(1100 * result.metrics.abandonedCalls);
    expect(result.metrics.billedTokens).toBe(1100 * result.metrics.upstreamCalls);
  });

  it('sends hedges to the next model with target: next', () => {
    const same = run(slowTail('  hedge: { after: 2s }'), n);
    const next = run(slowTail('  hedge: { after: 2s, target: next }'), n);
    expect(same.byModel.b!.calls).toBe(0);
    expect(next.byModel.b!.calls).toBe(next.loadAttribution.hedge);
  });

  it('sends up to maxExtra hedges, each `after` the one before', () => {
    const one = run(slowTail('  hedge: { after: 2s, maxExtra: 1 }'), n);
    const two = run(slowTail('  hedge: { after: 2s, maxExtra: 2 }'), n);
    expect(two.loadAttribution.hedge!).toBeGreaterThan(one.loadAttribution.hedge!);
    expect(two.metrics.latencyMs.p99).toBeLessThan(one.metrics.latencyMs.p99);
  });

  it('makes a slow failure wait for its hedge: at 50% timeouts after 5 s, the request fails only if both calls do (25%)', () => {
    const timeouts = (hedge: string) => `
name: slow-failures
duration: 1h
workload: { requests: 36K }
upstream:
  models:
    a:
      latency: { dist: constant, value: 800ms }
      errors: { rate: 50%, mix: { timeout: 1 }, timeoutAfter: 5s }
${hedge}`;
    const plain = run(timeouts(''), n);
    const hedged = run(timeouts('layers:\n  hedge: { after: 1s }'), n);
    expect(Math.abs(plain.metrics.visibleFailureRate - 0.5)).toBeLessThan(fourSe(0.5, n));
    expect(Math.abs(hedged.metrics.visibleFailureRate - 0.25)).toBeLessThan(fourSe(0.25, n));
    // The hedge answers 1.8 s after the start when it succeeds.
    expect(hedged.metrics.successLatencyMs.p99).toBeLessThan(1900);
  });

  it('keeps breakers working: hedges report to their breaker, so half-open probes are never left hanging', () => {
    const result = run(
      slowTail('  hedge: { after: 2s }', '  breaker: { minimumCalls: 20, cooldown: 10s }').replace(
        'a: { latency: { dist: lognormal, p50: 800ms, p95: 6s } }',
        'a: { latency: { dist: lognormal, p50: 800ms, p95: 6s }, errors: { rate: 1%, mix: { "529": 1 }, episodes: { every: 5m, lasting: 1m, rate: 95% } } }',
      ),
      n,
    );
    // Each episode trips the breaker and it closes again after it: more than one trip.
    expect(result.metrics.breakerTrips).toBeGreaterThan(3);
    expect(result.metrics.shortCircuited).toBeGreaterThan(0);
  });

  it('is refused with a finite-capacity model, and around SDK retries, naming layers.hedge', () => {
    const base = slowTail('  hedge: { after: 2s }');
    expect(() => parseScenarioText(base.replace('b: { latency:', 'b: { capacity: { concurrency: 4 }, latency:'), 'x.yaml')).toThrow(/layers\.hedge.*capacity/);
    expect(() => parseScenarioText(base.replace('  hedge: { after: 2s }', '  hedge: { after: 2s }\n  retry: { sdk: { maxRetries: 2 } }'), 'x.yaml')).toThrow(/layers\.hedge.*sdk/);
    expect(() => parseScenarioText(base.replace('  hedge: { after: 2s }', '  hedge: { after: 2s }\n  retry: { sdk: { maxRetries: 0 } }'), 'x.yaml')).not.toThrow();
  });
});

/** The standard normal CDF (Abramowitz-Stegun 7.1.26 via erf, error below 1.5e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
