import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const SEED_LAB_FILE = 'scenarios/seed-lab.yaml';
const SEED_LAB = readFileSync(SEED_LAB_FILE, 'utf8');
const REQUESTS = 50_000;

function run(text: string, options: { seed?: number; requests?: number } = {}): RunResult {
  const scenario = parseScenarioText(text, 'test.yaml');
  return buildResult(scenario.name, simulate(scenario, { requests: REQUESTS, ...options }));
}

/** One model, no tools, the given errors block and layers (YAML fragments). */
function oneModel(errors: string, layers: string): string {
  return `
name: one-model
seed: 42
workload:
  requests: 10M
upstream:
  models:
    sonnet:
      errors: ${errors}
${layers}
`;
}

/** A 70% error rate, all 429s that come back at once with no retry-after, so retries are quick. */
const flakyScenario = (layers: string) => oneModel('{ rate: 70%, mix: { "429": 1 }, retryAfter: 0 }', layers);

/** seed-lab's model errors: 4%, of which 60% 429, 30% 503, 10% timeouts. */
const labScenario = (layers: string) => oneModel('{ rate: 4%, mix: { "429": 0.6, "503": 0.3, timeout: 0.1 }, timeoutAfter: 10s }', layers);
const RETRY_ALL = (maxAttempts: number) => `layers:\n  retry: { maxAttempts: ${maxAttempts}, retryOn: ["429", "503", timeout] }`;

describe('determinism', () => {
  it('gives byte-identical JSON for two runs with the same seed', () => {
    const scenario = parseScenarioText(SEED_LAB, SEED_LAB_FILE);
    const first = JSON.stringify(buildResult(scenario.name, simulate(scenario, { requests: REQUESTS })));
    // Same parsed object again (a run must not mutate it) and a fresh parse of the same text.
    const again = JSON.stringify(buildResult(scenario.name, simulate(scenario, { requests: REQUESTS })));
    const reparsed = parseScenarioText(SEED_LAB, SEED_LAB_FILE);
    const fresh = JSON.stringify(buildResult(reparsed.name, simulate(reparsed, { requests: REQUESTS })));
    expect(again).toBe(first);
    expect(fresh).toBe(first);
    expect(JSON.parse(first).requests).toBe(REQUESTS);
  });

  it('gives different results for a different seed', () => {
    const a = run(SEED_LAB);
    const b = run(SEED_LAB, { seed: 7 });
    expect(b.seed).toBe(7);
    expect(b.metrics.upstreamCalls).not.toBe(a.metrics.upstreamCalls);
    expect(b.metrics.latencyMs.mean).not.toBe(a.metrics.latencyMs.mean);
    expect(b.metrics.monthlyCostUsd).not.toBe(a.metrics.monthlyCostUsd);
  });

  it('fails the same first attempts with and without retries (common random numbers)', () => {
    // With maxAttempts 2 and every error kind retried, each failed first attempt is retried
    // exactly once, so the retry count equals the failure count of the run without retries.
    const withoutRetry = run(labScenario(''));
    const withRetry = run(labScenario(RETRY_ALL(2)));
    expect(withRetry.metrics.retries).toBe(withoutRetry.byModel.sonnet!.failures);
    expect(withRetry.metrics.retries).toBeGreaterThan(0);
  });
});

describe('retry load multiplier', () => {
  const p = 0.7;

  it('is 1 + p + p^2 = 2.19 for p = 0.7 and 3 attempts, within 4 standard errors', () => {
    const result = run(flakyScenario('layers:\n  retry: { maxAttempts: 3, retryOn: ["429"] }'));
    // Calls per request C is a geometric truncated at 3: P(1) = 0.3, P(2) = 0.21, P(3) = 0.49.
    // E[C] = 2.19, E[C^2] = 0.3 + 4 * 0.21 + 9 * 0.49 = 5.55, Var C = 5.55 - 2.19^2 = 0.7539,
    // so the mean over n requests has standard error sqrt(0.7539 / n) (0.0039 at n = 50k).
    const expected = 1 + p + p * p;
    const varianceC = 1 * (1 - p) + 4 * p * (1 - p) + 9 * p * p - expected ** 2;
    expect(varianceC).toBeCloseTo(0.7539, 10);
    expect(result.requests).toBe(REQUESTS);
    expect(Math.abs(result.metrics.loadMultiplier - expected)).toBeLessThan(4 * Math.sqrt(varianceC / REQUESTS));
    expect(result.metrics.upstreamCalls).toBe(REQUESTS + result.metrics.retries);
  });

  it('leaves p^3 = 0.343 of requests visibly failed, within 4 binomial standard errors', () => {
    const result = run(flakyScenario('layers:\n  retry: { maxAttempts: 3, retryOn: ["429"] }'));
    const expected = p ** 3;
    expect(Math.abs(result.metrics.visibleFailureRate - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / REQUESTS));
  });

  it('is exactly 1 without a retry layer, and visible failures equal the sampled error rate', () => {
    const result = run(flakyScenario(''));
    expect(result.metrics.loadMultiplier).toBe(1);
    expect(result.metrics.upstreamCalls).toBe(REQUESTS);
    expect(result.metrics.retries).toBe(0);
    // One call per request: the visible failure rate is the per-call failure rate itself...
    expect(result.metrics.visibleFailureRate).toBe(result.byModel.sonnet!.failureRate);
    // ...which is a binomial sample of the 70% error rate.
    expect(Math.abs(result.metrics.visibleFailureRate - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / REQUESTS));
  });

  it('is exactly 1 without retries at a 4% error rate, with visible failures near 4%', () => {
    const result = run(labScenario(''));
    expect(result.metrics.loadMultiplier).toBe(1);
    expect(result.metrics.visibleFailureRate).toBe(result.byModel.sonnet!.failureRate);
    expect(Math.abs(result.metrics.visibleFailureRate - 0.04)).toBeLessThan(4 * Math.sqrt((0.04 * 0.96) / REQUESTS));
  });

  it('is exactly 1 when the retry layer is present but disabled', () => {
    const result = run(flakyScenario('layers:\n  retry: { enabled: false, maxAttempts: 3, retryOn: ["429"] }'));
    expect(result.metrics.loadMultiplier).toBe(1);
    expect(result.metrics.retries).toBe(0);
  });
});
