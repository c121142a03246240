import { seedRange, type Experiment, type Law } from './law.js';
import { callsPerRequest } from './retry-laws.js';

/**
 * The seed's incident, held for the whole run: 70% of calls fail, 3 attempts. Half the
 * failures are 503s (answered at once, billed nothing) and half are timeouts after 1 s, which
 * bill the call's tokens because the server kept generating: so failed calls waste tokens.
 *
 * Without a breaker requests are independent: the load is (1 - p^n) / (1 - p) = 2.19 and the
 * wasted tokens per request are T q E[F], where F is the number of failed calls of a request,
 * q the timeout share of failures and T the tokens one call bills.
 *
 * With the seed's breaker (60 s window, at least 20 calls, opens above 25%, 30 s cool-down,
 * one probe), calls reach the upstream only while it is closed, plus one probe per cool-down,
 * and an "open" refusal is never retried. The bound asserted on the load:
 *
 *   load <= (n (minimumCalls + lambda timeoutAfter) + halfOpenProbes) / (lambda cooldown)
 *        =  (3 (20 + 10) + 1) / (10 x 30) = 0.303 calls per request.
 *
 * Why: a closed period ends at the first result after the window holds `minimumCalls` results
 * with more than 25% failures; at 70% failures the first 20 results already are (all but
 * P[Bin(20, 0.7) <= 5] = 4.3e-5 of the time), and those results are in once 20 requests have
 * arrived plus the slowest call (the 1 s timeout). So a closed period lets through the calls of
 * about minimumCalls + lambda x timeoutAfter = 30 requests, at most n = 3 calls each, and is
 * followed by at least one cool-down in which lambda x cooldown = 300 requests arrive and only
 * probes pass. Each call bills at most T tokens, so the wasted tokens per request are at most
 * T x 0.303, against T q E[F] = 920 without the breaker.
 */

const P = 0.7;
const ATTEMPTS = 3;
const TIMEOUT_SHARE = 0.5;
const LAMBDA_PER_SEC = 10;
const TIMEOUT_SEC = 1;
const INPUT_TOKENS = 1000;
const OUTPUT_TOKENS = 200;
/** T: tokens one model call bills (no prefix). */
const CALL_TOKENS = INPUT_TOKENS + OUTPUT_TOKENS;
const BREAKER = { minimumCalls: 20, cooldownSec: 30, halfOpenProbes: 1 };

function incident(id: string, breaker: boolean): string {
  return `
name: ${id}
duration: 1h
workload:
  requests: ${LAMBDA_PER_SEC * 3600}
  tokens: { input: { dist: constant, value: ${INPUT_TOKENS} }, output: { dist: constant, value: ${OUTPUT_TOKENS} } }
upstream:
  models:
    model:
      latency: { dist: constant, value: 500ms }
      errors: { rate: ${P * 100}%, mix: { "503": ${1 - TIMEOUT_SHARE}, timeout: ${TIMEOUT_SHARE} }, timeoutAfter: ${TIMEOUT_SEC}s, retryAfter: 0, latency: { dist: constant, value: 50ms } }
layers:
  retry: { maxAttempts: ${ATTEMPTS}, baseDelay: 250ms, multiplier: 4, maxDelay: 4s, jitter: full, retryOn: ["503", timeout], honorRetryAfter: false }
  breaker: { enabled: ${breaker}, window: 60s, minimumCalls: ${BREAKER.minimumCalls}, failureRateThreshold: 25%, cooldown: ${BREAKER.cooldownSec}s, halfOpenProbes: ${BREAKER.halfOpenProbes} }
`;
}

const breakerOff: Experiment = {
  id: 'incident-70-breaker-off',
  yaml: incident('incident-70-breaker-off', false),
  full: { seeds: [42], requests: 200_000 },
  quick: { seeds: [42], requests: 50_000 },
};
// The breaker couples requests through time (its window and cool-down), so replications;
// 40K requests at 10/s is 4,000 s, about forty open/closed cycles per seed.
const breakerOn: Experiment = {
  id: 'incident-70-breaker-on',
  yaml: incident('incident-70-breaker-on', true),
  full: { seeds: seedRange(10), requests: 40_000 },
  quick: { seeds: seedRange(5), requests: 10_000 },
};

const calls = callsPerRequest(P, ATTEMPTS);

/**
 * Mean and variance of the tokens a request wastes without a breaker: F failed calls
 * (F = k < n with probability p^k (1 - p), F = n with p^n), each a billed timeout with
 * probability q, T tokens each.
 */
function wastedPerRequest(p: number, n: number, q: number, tokens: number): { mean: number; variance: number } {
  let mean = 0;
  let square = 0;
  for (let k = 0; k <= n; k++) {
    const probability = k < n ? p ** k * (1 - p) : p ** n;
    // Timeouts among k failures: Binomial(k, q), mean kq, second moment kq(1-q) + (kq)^2.
    const timeouts = k * q;
    mean += probability * tokens * timeouts;
    square += probability * tokens * tokens * (k * q * (1 - q) + timeouts * timeouts);
  }
  return { mean, variance: square - mean * mean };
}

const wasted = wastedPerRequest(P, ATTEMPTS, TIMEOUT_SHARE, CALL_TOKENS);
/** The asserted bound on the load with the breaker on; see the module comment. */
export const BREAKER_LOAD_BOUND =
  (ATTEMPTS * (BREAKER.minimumCalls + LAMBDA_PER_SEC * TIMEOUT_SEC) + BREAKER.halfOpenProbes) / (LAMBDA_PER_SEC * BREAKER.cooldownSec);

/** Laws of the breaker under the seed's 70% incident. */
export const BREAKER_LAWS: readonly Law[] = [
  {
    id: 'incident-load-breaker-off',
    family: 'breaker',
    name: '70% incident, breaker off: load',
    closedForm: `Without a breaker, 3 attempts at 70% failures make (1 - 0.7^3) / (1 - 0.7) = ${calls.mean.toFixed(2)} calls per request.`,
    experiment: breakerOff,
    expected: calls.mean,
    relation: 'equal',
    unit: 'ratio',
    reading: 'metrics.loadMultiplier',
    read: ({ output }) => output.metrics.modelCalls / output.metrics.requests,
    sampling: { kind: 'per-request', sd: Math.sqrt(calls.variance) },
  },
  {
    id: 'incident-waste-breaker-off',
    family: 'breaker',
    name: '70% incident, breaker off: wasted tokens/request',
    closedForm: `Failed calls bill T = ${CALL_TOKENS} tokens when they time out (q = ${TIMEOUT_SHARE}): T q (E[C] - (1 - p^n)) = ${wasted.mean.toFixed(1)} wasted tokens per request.`,
    experiment: breakerOff,
    expected: wasted.mean,
    relation: 'equal',
    unit: 'tokens',
    reading: 'metrics.wastedTokens / requests',
    read: ({ result }) => result.metrics.wastedTokens / result.requests,
    sampling: { kind: 'per-request', sd: Math.sqrt(wasted.variance) },
  },
  {
    id: 'incident-load-breaker-on',
    family: 'breaker',
    name: '70% incident, breaker on: load bound',
    closedForm: `With the breaker, calls pass only in short closed periods and one probe per 30 s cool-down: load <= (n (minimumCalls + lambda timeout) + probes) / (lambda cooldown) = ${BREAKER_LOAD_BOUND.toFixed(3)}, far below 2.19.`,
    experiment: breakerOn,
    expected: BREAKER_LOAD_BOUND,
    relation: 'at-most',
    unit: 'ratio',
    reading: 'metrics.loadMultiplier',
    read: ({ output }) => output.metrics.modelCalls / output.metrics.requests,
    sampling: { kind: 'replications' },
  },
  {
    id: 'incident-waste-breaker-on',
    family: 'breaker',
    name: '70% incident, breaker on: wasted tokens bound',
    closedForm: `Every wasted token is billed on some call of at most T = ${CALL_TOKENS} tokens, so with the breaker waste <= T x ${BREAKER_LOAD_BOUND.toFixed(3)} = ${(CALL_TOKENS * BREAKER_LOAD_BOUND).toFixed(0)} tokens per request (vs ${wasted.mean.toFixed(0)} without).`,
    experiment: breakerOn,
    expected: CALL_TOKENS * BREAKER_LOAD_BOUND,
    relation: 'at-most',
    unit: 'tokens',
    reading: 'metrics.wastedTokens / requests',
    read: ({ result }) => result.metrics.wastedTokens / result.requests,
    sampling: { kind: 'replications' },
  },
];
