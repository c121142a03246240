import type { Experiment, Law } from './law.js';
import { callsPerRequest, retryLoadMultiplier } from './retry-laws.js';

/**
 * Laws of the client side: the SDK's retries nested inside the harness's, and a fleet of
 * harness instances.
 *
 * Nested retries. Each harness attempt is the SDK's loop of up to s + 1 calls, which fails
 * only when all of them fail: with independent failures p, an attempt fails with q = p^(s+1)
 * and makes (1 - p^(s+1)) / (1 - p) calls on average. Over n harness attempts the calls are
 * (1 - q^n) / (1 - q) x (1 - p^(s+1)) / (1 - p) = (1 - p^(n(s+1))) / (1 - p): the retry law
 * with n (s + 1) attempts, and the visible failure p^(n(s+1)). In the worst case (p -> 1)
 * that is n (s + 1) calls per request: (1 + harness retries) x (1 + SDK retries).
 *
 * A fleet. With independent failures and no layer that trips (a breaker at 4% failures never
 * opens, there is no budget or limit), splitting the harness state over N clients changes
 * nothing: the visible failure and the load are those of one client, p^n and (1 - p^n) / (1 - p).
 */

const pct = (x: number) => `${+(x * 100).toPrecision(4)}%`;

function nestedExperiment(p: number, n: number, s: number): Experiment {
  return {
    id: `nested-p${p}-n${n}-s${s}`,
    yaml: `
name: nested-p${p}-n${n}-s${s}
duration: 1h
workload:
  requests: 36K
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: constant, value: 200ms }
      errors: { rate: ${p}, mix: { "529": 1 }, latency: { dist: constant, value: 20ms } }
layers:
  retry: { maxAttempts: ${n}, baseDelay: 100ms, multiplier: 2, maxDelay: 1s, jitter: full, retryOn: ["529"], sdk: { maxRetries: ${s}, baseDelay: 50ms } }
`,
    full: { seeds: [42], requests: 200_000 },
    quick: { seeds: [42], requests: 50_000 },
  };
}

function nestedLaws(p: number, n: number, s: number): Law[] {
  const experiment = nestedExperiment(p, n, s);
  const total = n * (s + 1);
  const calls = callsPerRequest(p, total);
  const failure = p ** total;
  return [
    {
      id: `nested-load-p${p}-n${n}-s${s}`,
      family: 'nested-retries',
      name: `nested retries load, p=${p} n=${n} s=${s}`,
      closedForm: `${n} harness attempts around an SDK loop of ${s + 1} calls, failures p = ${p}: (1 - p^(s+1))/(1 - p) x (1 - q^n)/(1 - q) with q = p^(s+1) = (1 - p^${total}) / (1 - p) = ${+retryLoadMultiplier(p, total).toFixed(6)} calls per request (at most ${n} x ${s + 1} = ${total}).`,
      experiment,
      expected: retryLoadMultiplier(p, total),
      relation: 'equal',
      unit: 'ratio',
      reading: 'metrics.loadMultiplier (firstAttempt + retry + sdkRetry calls / requests)',
      read: ({ output }) => output.metrics.modelCalls / output.metrics.requests,
      sampling: { kind: 'per-request', sd: Math.sqrt(calls.variance) },
    },
    {
      id: `nested-failure-p${p}-n${n}-s${s}`,
      family: 'nested-retries',
      name: `nested retries visible failure, p=${p} n=${n} s=${s}`,
      closedForm: `A request fails visibly only when all ${total} calls fail: p^${total} = ${pct(failure)}.`,
      experiment,
      expected: failure,
      relation: 'equal',
      unit: 'share',
      reading: 'metrics.visibleFailureRate',
      read: ({ output }) => (output.metrics.failures + output.metrics.rejected) / output.metrics.requests,
      sampling: { kind: 'per-request', sd: Math.sqrt(failure * (1 - failure)) },
    },
  ];
}

const FLEET = { p: 0.04, attempts: 3, clients: 8 };

const fleetExperiment: Experiment = {
  id: 'fleet-independent',
  yaml: `
name: fleet-independent
duration: 1h
workload:
  requests: 36K
  clients: ${FLEET.clients}
  clientSpread: random
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: constant, value: 200ms }
      errors: { rate: ${FLEET.p}, mix: { "503": 1 }, latency: { dist: constant, value: 20ms } }
layers:
  retry: { maxAttempts: ${FLEET.attempts}, baseDelay: 100ms, multiplier: 2, maxDelay: 1s, jitter: full, retryOn: ["503"] }
  breaker: { window: 60s, minimumCalls: 20, failureRateThreshold: 25%, cooldown: 30s }
`,
  full: { seeds: [42], requests: 200_000 },
  quick: { seeds: [42], requests: 50_000 },
};

const fleetCalls = callsPerRequest(FLEET.p, FLEET.attempts);
const fleetFailure = FLEET.p ** FLEET.attempts;

/** The nested-retry grid and the fleet law. */
export const CLIENT_LAWS: readonly Law[] = [
  ...[0.3, 0.7].flatMap((p) => [
    ...nestedLaws(p, 3, 2),
    ...nestedLaws(p, 2, 1),
  ]),
  {
    id: 'fleet-load',
    family: 'fleet',
    name: `fleet of ${FLEET.clients}, independent failures: load`,
    closedForm: `${FLEET.clients} clients, each with its own breaker, at p = ${FLEET.p} and ${FLEET.attempts} attempts: the one-client load (1 - p^n) / (1 - p) = ${+retryLoadMultiplier(FLEET.p, FLEET.attempts).toFixed(6)}.`,
    experiment: fleetExperiment,
    expected: retryLoadMultiplier(FLEET.p, FLEET.attempts),
    relation: 'equal',
    unit: 'ratio',
    reading: 'metrics.loadMultiplier',
    read: ({ output }) => output.metrics.modelCalls / output.metrics.requests,
    sampling: { kind: 'per-request', sd: Math.sqrt(fleetCalls.variance) },
  },
  {
    id: 'fleet-failure',
    family: 'fleet',
    name: `fleet of ${FLEET.clients}, independent failures: visible failure`,
    closedForm: `Splitting the state changes nothing without correlation: the visible failure stays p^n = ${pct(fleetFailure)}.`,
    experiment: fleetExperiment,
    expected: fleetFailure,
    relation: 'equal',
    unit: 'share',
    reading: 'metrics.visibleFailureRate',
    read: ({ output }) => (output.metrics.failures + output.metrics.rejected) / output.metrics.requests,
    sampling: { kind: 'per-request', sd: Math.sqrt(fleetFailure * (1 - fleetFailure)) },
  },
];
