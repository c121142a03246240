import type { Experiment, Law } from './law.js';

/**
 * Retries under independent failures. Each call fails with probability p, independently of
 * everything else (429s only, no retry-after, no breaker, no budget, infinite capacity), so a
 * request with n attempts makes C = min(G, n) calls, G geometric: P(C = k) = p^(k-1) (1 - p)
 * for k < n and P(C = n) = p^(n-1). Hence E[C] = (1 - p^n) / (1 - p) and the request fails
 * visibly only when all n attempts fail, with probability p^n. The seed: p = 0.7, n = 3 gives
 * 2.19 calls per request and 34.3% visible failures.
 */

/** The failure probabilities of the grid: the seed's median 4%, a bad day, the seed's incident. */
export const RETRY_FAILURE_PROBABILITIES = [0.04, 0.3, 0.7] as const;
/** The attempt counts of the grid: no retry, one, the seed's three, five. */
export const RETRY_ATTEMPTS = [1, 2, 3, 5] as const;

/** Mean and variance of the calls per request, C = min(G, n), by summing its distribution. */
export function callsPerRequest(p: number, n: number): { mean: number; variance: number } {
  let mean = 0;
  let square = 0;
  for (let k = 1; k <= n; k++) {
    const probability = k < n ? p ** (k - 1) * (1 - p) : p ** (n - 1);
    mean += k * probability;
    square += k * k * probability;
  }
  return { mean, variance: square - mean * mean };
}

/** The closed form of the load multiplier, (1 - p^n) / (1 - p) (n when p = 1). */
export function retryLoadMultiplier(p: number, n: number): number {
  return p === 1 ? n : (1 - p ** n) / (1 - p);
}

function retryExperiment(p: number, n: number): Experiment {
  return {
    id: `retry-p${p}-n${n}`,
    // 10 requests/s; calls are quick so the run is short, but timing does not enter the law.
    yaml: `
name: retry-p${p}-n${n}
duration: 1h
workload:
  requests: 36K
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: constant, value: 200ms }
      errors: { rate: ${p}, mix: { "429": 1 }, retryAfter: 0, latency: { dist: constant, value: 20ms } }
layers:
  retry: { maxAttempts: ${n}, baseDelay: 100ms, multiplier: 2, maxDelay: 1s, jitter: full, retryOn: ["429"], honorRetryAfter: false }
`,
    full: { seeds: [42], requests: 200_000 },
    quick: { seeds: [42], requests: 50_000 },
  };
}

function retryLaws(p: number, n: number): Law[] {
  const experiment = retryExperiment(p, n);
  const calls = callsPerRequest(p, n);
  const failure = p ** n;
  const pct = (x: number) => `${+(x * 100).toPrecision(4)}%`;
  const attempts = n === 1 ? '1 attempt' : `${n} attempts`;
  return [
    {
      id: `retry-load-p${p}-n${n}`,
      family: 'retry',
      name: `retry load, p=${p} n=${n}`,
      closedForm: `With independent failures p = ${p} and ${attempts}, calls per request are (1 - p^n) / (1 - p) = ${+retryLoadMultiplier(p, n).toFixed(6)}.`,
      experiment,
      expected: retryLoadMultiplier(p, n),
      relation: 'equal',
      unit: 'ratio',
      reading: 'metrics.loadMultiplier (model calls / requests)',
      read: ({ output }) => output.metrics.modelCalls / output.metrics.requests,
      // One request contributes C calls; Var C from the truncated geometric.
      sampling: { kind: 'per-request', sd: Math.sqrt(calls.variance) },
    },
    {
      id: `retry-failure-p${p}-n${n}`,
      family: 'retry',
      name: `retry visible failure, p=${p} n=${n}`,
      closedForm: n === 1 ? `With 1 attempt a request fails visibly when its one call fails: p = ${pct(failure)}.` : `A request fails visibly only if all ${n} attempts fail: p^n = ${pct(failure)}.`,
      experiment,
      expected: failure,
      relation: 'equal',
      unit: 'share',
      reading: 'metrics.visibleFailureRate ((failures + rejected) / requests)',
      read: ({ output }) => (output.metrics.failures + output.metrics.rejected) / output.metrics.requests,
      // A binomial proportion: each request fails or not, independently.
      sampling: { kind: 'per-request', sd: Math.sqrt(failure * (1 - failure)) },
    },
  ];
}

/** The retry grid: load multiplier and visible failure for every p and n. */
export const RETRY_LAWS: readonly Law[] = RETRY_FAILURE_PROBABILITIES.flatMap((p) => RETRY_ATTEMPTS.flatMap((n) => retryLaws(p, n)));
