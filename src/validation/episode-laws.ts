import { seedRange, type Experiment, type Law } from './law.js';

/**
 * Error episodes (`src/upstream/episodes.ts`): healthy periods (exponential, mean G) alternate
 * with episodes (exponential, mean L); one begins on average once every E = G + L. The
 * process starts in its long-run state, so at any time t the target is in an episode with
 * probability f = L / E, and Poisson arrivals see time averages (PASTA).
 *
 * 1. Long-run rates. A first call at a random time fails with base (1 - f) + r f, and the
 *    run spends a fraction f of its time in episodes.
 * 2. Retries cannot help inside long episodes. With no base errors and r = 100%, a request
 *    whose first call falls in an episode fails visibly when its last retry, S later, is still
 *    in it: lengths are memoryless, so with probability e^(-S/L) (plus the chance that the
 *    episode ends and the next one starts within S, at most (S/L)(S/G)). Read against the
 *    run's own time in episodes, the visible failure rate over that time fraction is
 *    e^(-S/L): about 1 when L >> S, whatever the retry policy.
 * 3. Fallback to a model with independent episodes. Without retries, a request fails only
 *    when the first model is in an episode at t and the second at t + (error latency): the two
 *    schedules are independent stationary processes, so P = f1 f2.
 * The schedule couples requests in time, so each law uses replications (one value per seed).
 */

// Law 1: short cycles (E = 10 s, L = 2 s, f = 20%) so a seed holds about a thousand of them.
const RATE = { base: 0.01, episodeRate: 0.6, every: 10, lasting: 2 };
const RATE_F = RATE.lasting / RATE.every;
const RATE_IMPLIED = RATE.base * (1 - RATE_F) + RATE.episodeRate * RATE_F;

const longRun: Experiment = {
  id: 'episodes-long-run',
  yaml: `
name: episodes-long-run
duration: 10h
workload:
  requests: 360K
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: constant, value: 200ms }
      errors: { rate: ${RATE.base}, mix: { "503": 1 }, latency: { dist: constant, value: 20ms }, episodes: { every: ${RATE.every}s, lasting: ${RATE.lasting}s, rate: ${RATE.episodeRate}, mix: { "529": 1 } } }
`,
  full: { seeds: seedRange(10), requests: 100_000 },
  quick: { seeds: seedRange(5), requests: 30_000 },
};

// Law 2: episodes of a minute on average, one every 6 min (G = 5 min), retries 100 ms and 200 ms apart.
const RETRY = { every: 360, lasting: 60, errorLatencyMs: 10, baseDelayMs: 100, multiplier: 2, attempts: 3 };
/** S: from the first call's start to the last's: n error latencies but the last, plus the delays. */
const RETRY_SPAN_MS =
  (RETRY.attempts - 1) * RETRY.errorLatencyMs +
  Array.from({ length: RETRY.attempts - 1 }, (_, k) => RETRY.baseDelayMs * RETRY.multiplier ** k).reduce((a, b) => a + b, 0);
const RETRY_SURVIVAL = Math.exp(-RETRY_SPAN_MS / (RETRY.lasting * 1000));

const retriesInEpisodes: Experiment = {
  id: 'episodes-retry',
  yaml: `
name: episodes-retry
duration: 100h
workload:
  requests: 360K
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 0, mix: { "529": 1 }, latency: { dist: constant, value: ${RETRY.errorLatencyMs}ms }, episodes: { every: ${RETRY.every}s, lasting: ${RETRY.lasting}s, rate: 100% } }
layers:
  retry: { maxAttempts: ${RETRY.attempts}, baseDelay: ${RETRY.baseDelayMs}ms, multiplier: ${RETRY.multiplier}, maxDelay: 10s, jitter: none, retryOn: ["529"] }
`,
  full: { seeds: seedRange(10), requests: 60_000 },
  quick: { seeds: seedRange(5), requests: 20_000 },
};

// Law 3: two models, each in episodes 1/6 of the time (E = 6 s, L = 1 s), fallback without retries.
const FALLBACK = { every: 6, lasting: 1 };
const FALLBACK_F = FALLBACK.lasting / FALLBACK.every;

const fallbackAcrossEpisodes: Experiment = {
  id: 'episodes-fallback',
  yaml: `
name: episodes-fallback
duration: 10h
workload:
  requests: 360K
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    first:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 0, mix: { "529": 1 }, latency: { dist: constant, value: 20ms }, episodes: { every: ${FALLBACK.every}s, lasting: ${FALLBACK.lasting}s, rate: 100% } }
    second:
      latency: { dist: constant, value: 200ms }
      errors: { rate: 0, mix: { "529": 1 }, latency: { dist: constant, value: 20ms }, episodes: { every: ${FALLBACK.every}s, lasting: ${FALLBACK.lasting}s, rate: 100% } }
  defaultModel: first
layers:
  routing: { fallback: [first, second] }
`,
  full: { seeds: seedRange(10), requests: 200_000 },
  quick: { seeds: seedRange(5), requests: 30_000 },
};

const pct = (x: number) => `${+(x * 100).toPrecision(4)}%`;

/** The laws of error episodes. */
export const EPISODE_LAWS: readonly Law[] = [
  {
    id: 'episodes-time-fraction',
    family: 'episodes',
    name: 'episodes: time fraction',
    closedForm: `Episodes of mean ${RATE.lasting} s begin once every ${RATE.every} s on average: the time in episodes is L / E = ${pct(RATE_F)}.`,
    experiment: longRun,
    expected: RATE_F,
    relation: 'equal',
    unit: 'share',
    reading: 'byModel.model.episodes.timeFraction',
    read: ({ result }) => result.byModel.model!.episodes!.timeFraction,
    sampling: { kind: 'replications' },
  },
  {
    id: 'episodes-error-rate',
    family: 'episodes',
    name: 'episodes: long-run error rate',
    closedForm: `A call at a random time fails with base (1 - f) + episode rate f = ${RATE.base} x ${1 - RATE_F} + ${RATE.episodeRate} x ${RATE_F} = ${pct(RATE_IMPLIED)}.`,
    experiment: longRun,
    expected: RATE_IMPLIED,
    relation: 'equal',
    unit: 'share',
    reading: 'byModel.model.failureRate (no retries: one call per request)',
    read: ({ output }) => output.metrics.byModel[0]!.failures / output.metrics.byModel[0]!.calls,
    sampling: { kind: 'replications' },
  },
  {
    id: 'episodes-retry-useless',
    family: 'episodes',
    name: 'episodes: retries cannot help',
    closedForm: `In episodes of mean ${RETRY.lasting} s at 100% errors, ${RETRY.attempts} attempts spanning S = ${RETRY_SPAN_MS} ms fail together: visible failure / time in episodes = e^(-S/L) = ${RETRY_SURVIVAL.toFixed(5)}.`,
    experiment: retriesInEpisodes,
    expected: RETRY_SURVIVAL,
    relation: 'equal',
    unit: 'ratio',
    reading: 'metrics.visibleFailureRate / byModel.model.episodes.timeFraction',
    read: ({ output, result }) => (output.metrics.failures + output.metrics.rejected) / output.metrics.requests / result.byModel.model!.episodes!.timeFraction,
    sampling: { kind: 'replications' },
    allowance: {
      value: () => (RETRY_SPAN_MS / (RETRY.lasting * 1000)) * (RETRY_SPAN_MS / ((RETRY.every - RETRY.lasting) * 1000)),
      reason: `an episode may end and the next begin within S: at most (S/L)(S/G) = ${((RETRY_SPAN_MS / (RETRY.lasting * 1000)) * (RETRY_SPAN_MS / ((RETRY.every - RETRY.lasting) * 1000))).toExponential(1)}`,
    },
  },
  {
    id: 'episodes-fallback-product',
    family: 'episodes',
    name: 'episodes: fallback across independent episodes',
    closedForm: `Two models each in episodes ${pct(FALLBACK_F)} of the time, independently: with fallback a request fails only when both are, f1 f2 = ${pct(FALLBACK_F * FALLBACK_F)} (each alone: ${pct(FALLBACK_F)}).`,
    experiment: fallbackAcrossEpisodes,
    expected: FALLBACK_F * FALLBACK_F,
    relation: 'equal',
    unit: 'share',
    reading: 'metrics.visibleFailureRate',
    read: ({ output }) => (output.metrics.failures + output.metrics.rejected) / output.metrics.requests,
    sampling: { kind: 'replications' },
  },
];
