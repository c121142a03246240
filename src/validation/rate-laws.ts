import { seedRange, type Experiment, type Law, type SampleSize } from './law.js';

/**
 * Token-bucket quotas: a bucket refilled at r tokens/s with a burst of one minute's worth
 * (r x 60 tokens), offered Poisson arrivals at lambda/s, admits min(lambda, r) per second in
 * the long run. Under heavier load (lambda = 2r) it admits its burst, then every token it
 * refills; under lighter load (lambda = r/2) it admits everything. No upstream errors and no
 * retries, so every refusal is the bucket's.
 */

/** r: the quota's refill rate, 600 per minute. */
const RATE_PER_SEC = 10;
const BURST = RATE_PER_SEC * 60;
/** Calls take a constant 100 ms, so the run ends 100 ms after the last arrival at most. */
const CALL_MS = 100;
/**
 * Once drained, a bucket refilled at r and emptied by Poisson arrivals at 2r holds few
 * tokens: the level is a random walk with drift -1/2 token per arrival and exponential
 * up-steps of mean 1/2, so it exceeds k tokens with probability about e^(-1.59 k): 1e-7 at 10.
 */
const DRAINED_LEVEL_TOKENS = 10;

function bucketExperiment(id: string, lambdaPerSec: number, bucket: string, tenants: string): Experiment {
  return {
    id,
    yaml: `
name: ${id}
duration: 1d
workload:
  requests: ${lambdaPerSec * 86_400}
  tenants: ${tenants}
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: constant, value: ${CALL_MS}ms }
      errors: { rate: 0, latency: { dist: constant, value: 1ms } }
${bucket}
`,
    full: { seeds: seedRange(5), requests: 100_000 },
    quick: { seeds: seedRange(3), requests: 20_000 },
  };
}

const perKeyHeavy = bucketExperiment(
  'per-key-quota-2x',
  2 * RATE_PER_SEC,
  `layers:\n  capacity:\n    perKey: { quotaRpm: ${RATE_PER_SEC * 60}, shares: { app: 1 } }`,
  '{ app: 1 }',
);
const serverRpmHeavy = bucketExperiment(
  'server-rpm-2x',
  2 * RATE_PER_SEC,
  `      capacity: { concurrency: 100000, queue: 0, rpm: ${RATE_PER_SEC * 60} }`,
  '{ app: 1 }',
);
const perKeyLight = bucketExperiment(
  'per-key-quota-half',
  RATE_PER_SEC / 2,
  `layers:\n  capacity:\n    perKey: { quotaRpm: ${RATE_PER_SEC * 60}, shares: { app: 1 } }`,
  '{ app: 1 }',
);

/** Seconds the run lasted: the last event, at most one call after the last arrival. */
const seconds = (simulatedMs: number) => simulatedMs / 1000;

/**
 * Slack for the heavy-load readings: the bucket may still hold up to `DRAINED_LEVEL_TOKENS`
 * at the end, and the run ends up to one call (100 ms) after the last arrival.
 */
function drainedAllowance(lambdaPerSec: number) {
  return {
    value: (size: SampleSize) => (DRAINED_LEVEL_TOKENS + (RATE_PER_SEC * CALL_MS) / 1000) / (size.requests / lambdaPerSec),
    reason: `the drained bucket holds at most ~${DRAINED_LEVEL_TOKENS} tokens at the end (probability of more ~1e-7) and the run ends up to ${CALL_MS} ms after the last arrival`,
  };
}

/** Laws of token-bucket admission: the per-key quota and a provider's requests-per-minute quota. */
export const RATE_LAWS: readonly Law[] = [
  {
    id: 'per-key-quota-heavy',
    family: 'token-bucket',
    name: 'per-key quota at 2x load admits r',
    closedForm: `A per-key bucket of r = ${RATE_PER_SEC}/s (burst ${BURST}) offered lambda = ${2 * RATE_PER_SEC}/s admits min(lambda, r) = ${RATE_PER_SEC}/s after its burst.`,
    experiment: perKeyHeavy,
    expected: RATE_PER_SEC,
    relation: 'equal',
    unit: 'perSec',
    reading: `(requests - rejected - burst ${BURST}) / simulated seconds`,
    read: ({ output, result }) => (output.metrics.requests - output.metrics.rejected - BURST) / seconds(result.simulatedMs),
    sampling: { kind: 'replications' },
    allowance: drainedAllowance(2 * RATE_PER_SEC),
  },
  {
    id: 'server-rpm-heavy',
    family: 'token-bucket',
    name: 'server rpm quota at 2x load admits r',
    closedForm: `A provider rpm quota of ${RATE_PER_SEC * 60}/min (r = ${RATE_PER_SEC}/s, burst ${BURST}) offered lambda = ${2 * RATE_PER_SEC}/s admits min(lambda, r) = ${RATE_PER_SEC}/s after its burst; the rest get 429.`,
    experiment: serverRpmHeavy,
    expected: RATE_PER_SEC,
    relation: 'equal',
    unit: 'perSec',
    reading: `(successes - burst ${BURST}) / simulated seconds`,
    read: ({ output, result }) => (output.metrics.successes - BURST) / seconds(result.simulatedMs),
    sampling: { kind: 'replications' },
    allowance: drainedAllowance(2 * RATE_PER_SEC),
  },
  {
    id: 'per-key-quota-light',
    family: 'token-bucket',
    name: 'per-key quota at half load admits lambda',
    closedForm: `The same bucket offered lambda = ${RATE_PER_SEC / 2}/s < r admits min(lambda, r) = ${RATE_PER_SEC / 2}/s: it never empties (its ${BURST}-token burst absorbs every Poisson clump).`,
    experiment: perKeyLight,
    expected: RATE_PER_SEC / 2,
    relation: 'equal',
    unit: 'perSec',
    reading: '(requests - rejected) / simulated seconds',
    read: ({ output, result }) => (output.metrics.requests - output.metrics.rejected) / seconds(result.simulatedMs),
    sampling: { kind: 'replications' },
  },
];
