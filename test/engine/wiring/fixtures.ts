import { simulate, type RunOutput } from '../../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../../src/metrics/results.js';
import { parseScenarioText } from '../../../src/scenario/load.js';

/**
 * Scenarios for the wiring tests (test/engine/wiring/*.test.ts): each isolates one scenario
 * option so that reading it wrongly in the engine changes a number the test pins.
 *
 * They are plain objects over one small base, written as the user would write YAML, and go
 * through the schema exactly as a file does (JSON is YAML). Every scenario a wiring test runs
 * is built here, so `test/scenario/enum-coverage.test.ts` can see which enum values they use.
 */

/** A scenario as written (before the schema applies defaults and units). */
export type ScenarioObject = Record<string, unknown>;

const constant = (value: string | number) => ({ dist: 'constant', value });

/** Requests every wiring run simulates unless it says otherwise. */
export const N = 2000;
/** Mean gap between arrivals in the base scenario: 1 hour over N requests, in ms. */
export const MEAN_GAP_MS = 3_600_000 / N;

/**
 * The base: one model `m` answering in exactly 100 ms, failing never, its errors coming back
 * in exactly 10 ms with no retry-after; every request 1000 input and 100 output tokens at
 * $3 / $15 per million; Poisson arrivals, N over an hour (1.8 s apart on average, so requests
 * rarely overlap); one tenant; no layers. (Tenants and the difficulty mix are left to their
 * defaults here: a patch's shares replace them whole only if the base does not set them.)
 */
export const BASE: ScenarioObject = {
  name: 'wiring',
  seed: 7,
  duration: '1h',
  workload: {
    requests: N,
    tokens: { input: constant(1000), output: constant(100) },
  },
  upstream: {
    models: {
      m: { latency: constant('100ms'), errors: { rate: 0, latency: constant('10ms'), retryAfter: 0 }, price: { input: 3, output: 15 } },
    },
  },
  layers: {},
};

/**
 * `base` with `patch` merged in: maps merge key by key, lists and scalars replace (as
 * `extends:` does); a distribution (a map with `dist`) replaces whole, since its keys depend
 * on its kind.
 */
export function merge(base: ScenarioObject, patch: ScenarioObject): ScenarioObject {
  const out: ScenarioObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const was = out[key];
    out[key] = isMap(was) && isMap(value) && !('dist' in value) ? merge(was, value) : value;
  }
  return out;
}

function isMap(value: unknown): value is ScenarioObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The base scenario with `patch` merged in. */
export const scenario = (patch: ScenarioObject): ScenarioObject => merge(BASE, patch);

/** Model `m` failing every call with one error kind (its errors in 10 ms, no retry-after unless given). */
export const mFailing = (kind: string, extra: ScenarioObject = {}): ScenarioObject => ({
  upstream: { models: { m: { errors: { rate: 1, mix: { [kind]: 1 }, ...extra } } } },
});

export interface WiringRun {
  /** The raw counters (exact: means from running sums, counts). */
  output: RunOutput;
  /** The JSON contract a user reads. */
  result: RunResult;
}

/** Runs `input` through the schema and the whole engine. */
export function run(input: ScenarioObject, options: { requests?: number; seed?: number } = {}): WiringRun {
  const parsed = parseScenarioText(JSON.stringify(input), 'wiring.yaml');
  const output = simulate(parsed, options);
  return { output, result: buildResult(parsed.name, output) };
}

/** Four standard errors of a sample mean of n draws with variance `variance`. */
export const fourSe = (variance: number, n: number): number => 4 * Math.sqrt(variance / n);

/** Four binomial standard errors of a proportion p estimated from n trials. */
export const fourSeOfShare = (p: number, n: number): number => 4 * Math.sqrt((p * (1 - p)) / n);

// ------------------------------------------------------------------------------------------
// The scenarios, by option group. Each entry is what a test runs; variants a test compares
// sit side by side so the difference between them is the option under test.
// ------------------------------------------------------------------------------------------

/** Two models: `a` fails every call with `kind`, `b` never fails; routing tries a, then b. */
const aDownThenB = (kind: string, routing: ScenarioObject = {}, layers: ScenarioObject = {}): ScenarioObject =>
  scenario({
    upstream: {
      models: {
        m: undefined,
        a: { latency: constant('100ms'), errors: { rate: 1, mix: { [kind]: 1 }, latency: constant('10ms'), retryAfter: 0 } },
        b: { latency: constant('200ms'), errors: { rate: 0 } },
      },
      defaultModel: 'a',
    },
    layers: { routing: { tiers: { trivial: 'a', standard: 'a', complex: 'a' }, fallback: ['a', 'b'], ...routing }, ...layers },
  });

/** `m` fails every call with 429 (no retry-after), retried with the given policy; retry-after ignored. */
const retrying = (retry: ScenarioObject): ScenarioObject =>
  scenario({ ...mFailing('429'), layers: { retry: { honorRetryAfter: false, retryOn: ['429'], ...retry } } });

/** A breaker over `m` failing every call with 503 (or as `errors` says). */
const broken = (breaker: ScenarioObject, errors: ScenarioObject = { rate: 1, mix: { '503': 1 } }): ScenarioObject =>
  scenario({ upstream: { models: { m: { errors } } }, layers: { breaker } });

/** Three models of rising strength and price; `h` answers in 100 ms, `s` in 200 ms, `o` in 300 ms. */
const threeModels = (patch: ScenarioObject): ScenarioObject =>
  merge(
    scenario({
      upstream: {
        models: {
          m: undefined,
          h: { latency: constant('100ms'), errors: { rate: 0, latency: constant('10ms'), retryAfter: 0 }, price: { input: 1, output: 5 } },
          s: { latency: constant('200ms'), errors: { rate: 0, latency: constant('10ms'), retryAfter: 0 }, price: { input: 3, output: 15 } },
          o: { latency: constant('300ms'), errors: { rate: 0, latency: constant('10ms'), retryAfter: 0 }, price: { input: 15, output: 75 } },
        },
      },
    }),
    patch,
  );

/** `m` behind a finite-capacity server. */
const served = (capacity: ScenarioObject, m: ScenarioObject = {}, layers: ScenarioObject = {}): ScenarioObject =>
  scenario({ upstream: { models: { m: { capacity, ...m } } }, layers });

/** A two-layer stable prefix (2000 + 3000 tokens) before every request's own 1000, and two tenants. */
const cached = (cache: ScenarioObject, workload: ScenarioObject = {}): ScenarioObject =>
  scenario({
    workload: {
      prompt: { prefix: [{ name: 'system', tokens: 2000 }, { name: 'kb', tokens: 3000 }] },
      ...workload,
    },
    layers: { cache },
  });

/** One distribution of each kind, as written (ms or tokens), and its mean and variance. */
const Z95 = 1.6448536269514722;
const LOGNORMAL_SIGMA = Math.log(2) / Z95;
export const DISTRIBUTIONS = {
  constant: { spec: constant(200), mean: 200, variance: 0 },
  uniform: { spec: { dist: 'uniform', min: 100, max: 300 }, mean: 200, variance: 200 ** 2 / 12 },
  exponential: { spec: { dist: 'exponential', mean: 200 }, mean: 200, variance: 200 ** 2 },
  // p95 = 2 x p50 gives sigma = ln 2 / z(0.95); the mean is p50 e^(sigma^2 / 2).
  lognormal: {
    spec: { dist: 'lognormal', p50: 200, p95: 400 },
    mean: 200 * Math.exp(LOGNORMAL_SIGMA ** 2 / 2),
    variance: (Math.exp(LOGNORMAL_SIGMA ** 2) - 1) * (200 * Math.exp(LOGNORMAL_SIGMA ** 2 / 2)) ** 2,
  },
  // Straight lines between the quantiles: half the draws U(100, 150), half U(150, 350).
  // Mean (125 + 250) / 2 = 187.5; E[X^2] = (15833.33 + 65833.33) / 2 = 40833.33, so the
  // variance is 40833.33 - 187.5^2 = 5677.08.
  empirical: {
    spec: { dist: 'empirical', quantiles: { '0': 100, '0.5': 150, '1': 350 } },
    mean: 187.5,
    variance: (100 ** 2 + 100 * 150 + 150 ** 2 + 150 ** 2 + 150 * 350 + 350 ** 2) / 6 - 187.5 ** 2,
  },
} as const;

/** A distribution of token counts written as one of durations: every number gets `ms`. */
const inMs = (d: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(d).map(([k, v]) => [k, typeof v === 'number' ? `${v}ms` : v !== null && typeof v === 'object' ? inMs(v as Record<string, unknown>) : v]),
  );

/**
 * Every distribution field set to `kind`: the tokens, `m`'s latency (and its error latency on
 * model `e`, which always fails), tool `t`'s latency (and its error latency on tool `u`, which
 * always fails), and the classifier's latency. Routing sends half the requests to `e`.
 */
const allDistributions = (kind: keyof typeof DISTRIBUTIONS): ScenarioObject => {
  const d = DISTRIBUTIONS[kind].spec as Record<string, unknown>;
  return scenario({
    workload: { tokens: { input: d, output: d }, difficulty: { standard: 0.5, complex: 0.5 }, tools: { t: 1, u: 1 } },
    upstream: {
      models: {
        m: { latency: inMs(d) },
        e: { errors: { rate: 1, mix: { '503': 1 }, latency: inMs(d) } },
      },
      tools: {
        t: { latency: inMs(d), errors: { rate: 0 } },
        u: { errors: { rate: 1, mix: { '503': 1 }, latency: inMs(d) } },
      },
    },
    layers: {
      routing: { classifier: { model: 'm', accuracy: 1, latency: inMs(d) }, tiers: { trivial: 'm', standard: 'm', complex: 'e' }, fallback: [] },
    },
  });
};

/** Every error kind a mix can name, in the schema's order. */
export const ERROR_KINDS = ['429', '503', 'timeout', '400', '529', '500', 'quota'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * Per error kind, two scenarios with the default retryOn, fallbackOn and countAsFailure:
 * `kind_<k>`: model a fails every call with k (retried up to 3 attempts, 1 ms apart), then b;
 * its error episodes (once an hour, 10 minutes) fail with the same kind, so they change
 * nothing but are read. `breakerKind_<k>`: m fails with k through a run-long incident (a
 * timeout in 10 ms, so calls never overlap), behind a breaker of minimumCalls 10 and a 10-day cool-down.
 */
function errorKindScenarios(): Record<`kind_${ErrorKind}` | `breakerKind_${ErrorKind}`, ScenarioObject> {
  const out: Record<string, ScenarioObject> = {};
  ERROR_KINDS.forEach((kind, i) => {
    const episodes = { every: '1h', lasting: '10m', rate: 1, mix: { [kind]: 1 }, dist: i % 2 === 0 ? 'exponential' : 'lognormal' };
    out[`kind_${kind}`] = merge(aDownThenB(kind, {}, { retry: { maxAttempts: 3, baseDelay: '1ms', jitter: 'none', honorRetryAfter: false } }), {
      upstream: { models: { a: { errors: { episodes } } } },
    });
    out[`breakerKind_${kind}`] = scenario({
      upstream: { models: { m: { errors: { timeoutAfter: '10ms' } } }, incidents: [{ target: 'm', at: 0, for: '10d', errorRate: 1, mix: { [kind]: 1 } }] },
      layers: { breaker: { minimumCalls: 10, window: '10m', cooldown: '10d' } },
    });
  });
  return out as Record<`kind_${ErrorKind}` | `breakerKind_${ErrorKind}`, ScenarioObject>;
}

/** h always fails, s never; half the requests each; a breaker of the given scope. */
const scopedBreaker = (scope: 'per-target' | 'global'): ScenarioObject =>
  threeModels({
    workload: { difficulty: { trivial: 0.5, standard: 0.5 } },
    upstream: { models: { h: { errors: { rate: 1, mix: { '503': 1 } } } } },
    layers: {
      routing: { tiers: { trivial: 'h', standard: 's', complex: 'o' }, fallback: [] },
      breaker: { minimumCalls: 10, window: '10m', cooldown: '10d', scope },
    },
  });

/** Tenants a and b, half the traffic each; a per-key quota listing only a. */
const perKeyUnlisted = (unlisted: 'deny' | 'share' | 'allow'): ScenarioObject =>
  scenario({ workload: { tenants: { a: 0.5, b: 0.5 } }, layers: { capacity: { perKey: { quotaRpm: 600, shares: { a: 1 }, unlisted } } } });

/** One slot, no queue, 10 s calls: most calls overflow; only 503s are retried. */
const overflowing = (overflow: '429' | '503'): ScenarioObject =>
  served({ concurrency: 1, queue: 0, overflow }, { latency: constant('10s') }, { retry: { maxAttempts: 2, baseDelay: '1ms', jitter: 'none', retryOn: ['503'] } });

/** Every request standard (tier s); s and o always answer 503; chain h, s, o. */
const chainWithDownward = (fallbackDownward: boolean): ScenarioObject =>
  threeModels({
    workload: { difficulty: { standard: 1 } },
    upstream: { models: { s: { errors: { rate: 1, mix: { '503': 1 } } }, o: { errors: { rate: 1, mix: { '503': 1 } } } } },
    layers: { routing: { tiers: { trivial: 'h', standard: 's', complex: 'o' }, fallback: ['h', 's', 'o'], fallbackDownward } },
  });

export const WIRING = {
  // Errors and what the harness does with them (errors.test.ts).
  retryOnDefault400: scenario({ ...mFailing('400'), layers: { retry: { maxAttempts: 3, jitter: 'none' } } }),
  retryOnListed400: scenario({ ...mFailing('400'), layers: { retry: { maxAttempts: 3, jitter: 'none', retryOn: [400] } } }),
  fallback400: aDownThenB('400'),
  fallback503: aDownThenB('503'),
  fallback503NotListed: aDownThenB('503', { fallbackOn: ['timeout'] }),
  fallback400Listed: aDownThenB('400', { fallbackOn: ['400'] }),
  fallbackOnOpenOnly: aDownThenB('503', { fallbackOn: ['open'] }, { breaker: { minimumCalls: 10, window: '10m', cooldown: '10d' } }),
  fallbackOn503NotOpen: aDownThenB('503', { fallbackOn: [503] }, { breaker: { minimumCalls: 10, window: '10m', cooldown: '10d' } }),
  breakerCounts400Default: broken({ minimumCalls: 10, window: '10m', cooldown: '10d' }, { rate: 1, mix: { '400': 1 } }),
  breakerCounts400Listed: broken({ minimumCalls: 10, window: '10m', cooldown: '10d', countAsFailure: ['400'] }, { rate: 1, mix: { '400': 1 } }),
  breakerCounts429NotListed: broken({ minimumCalls: 10, window: '10m', cooldown: '10d', countAsFailure: ['503', 'timeout'] }, { rate: 1, mix: { '429': 1 } }),
  retryAfterHonoured: scenario({ ...mFailing('429', { retryAfter: '2s' }), layers: { retry: { maxAttempts: 2, baseDelay: '100ms', jitter: 'none' } } }),
  retryAfterIgnored: scenario({
    ...mFailing('429', { retryAfter: '2s' }),
    layers: { retry: { maxAttempts: 2, baseDelay: '100ms', jitter: 'none', honorRetryAfter: false } },
  }),
  timeoutAfter: scenario(mFailing('timeout', { timeoutAfter: '3s' })),
  errorMix: scenario({
    upstream: { models: { m: { errors: { rate: 1, mix: { '429': 0.25, '503': 0.75 } } } } },
    layers: { retry: { maxAttempts: 2, baseDelay: '1ms', jitter: 'none', retryOn: ['503'] } },
  }),
  errorRate: scenario({ upstream: { models: { m: { errors: { rate: 0.3, mix: { '503': 1 } } } } } }),

  // Retry timing (retry.test.ts): 429s in 10 ms, base 100 ms, multiplier 3.
  jitterNone: retrying({ maxAttempts: 3, baseDelay: '100ms', multiplier: 3, maxDelay: '250ms', jitter: 'none' }),
  jitterNoneUncapped: retrying({ maxAttempts: 3, baseDelay: '100ms', multiplier: 3, maxDelay: '10s', jitter: 'none' }),
  jitterFull: retrying({ maxAttempts: 3, baseDelay: '100ms', multiplier: 3, maxDelay: '250ms', jitter: 'full' }),
  jitterEqualFirst: retrying({ maxAttempts: 2, baseDelay: '100ms', multiplier: 3, maxDelay: '250ms', jitter: 'equal' }),
  jitterEqual: retrying({ maxAttempts: 3, baseDelay: '100ms', multiplier: 3, maxDelay: '250ms', jitter: 'equal' }),
  jitterDecorrelatedFirst: retrying({ maxAttempts: 2, baseDelay: '100ms', maxDelay: '10s', jitter: 'decorrelated' }),
  jitterDecorrelated: retrying({ maxAttempts: 3, baseDelay: '100ms', maxDelay: '10s', jitter: 'decorrelated' }),
  retryDisabled: retrying({ enabled: false, maxAttempts: 3 }),
  budgetWindowShort: retrying({ maxAttempts: 2, baseDelay: '1ms', jitter: 'none', budget: { ratio: 0, minRetriesPerSec: 0.05, window: '10s' } }),
  budgetWindowLong: retrying({ maxAttempts: 2, baseDelay: '1ms', jitter: 'none', budget: { ratio: 0, minRetriesPerSec: 0.05, window: '60s' } }),

  // The breaker (breaker.test.ts).
  breakerMinimumCalls: broken({ minimumCalls: 10, window: '10m', cooldown: '10d' }),
  breakerCooldown: broken({ minimumCalls: 10, window: '10m', cooldown: '60s' }),
  breakerHalfOpenProbes: scenario({
    upstream: { models: { m: { errors: { rate: 0 } } }, incidents: [{ target: 'm', at: 0, for: '5m', errorRate: 1, mix: { '503': 1 } }] },
    layers: { breaker: { minimumCalls: 10, window: '10m', cooldown: '60s', halfOpenProbes: 3 } },
  }),
  breakerThresholdAbove: broken({ minimumCalls: 100, window: '1h', cooldown: '10d', failureRateThreshold: 0.6 }, { rate: 0.4, mix: { '503': 1 } }),
  breakerThresholdBelow: broken({ minimumCalls: 100, window: '1h', cooldown: '10d', failureRateThreshold: 0.25 }, { rate: 0.4, mix: { '503': 1 } }),
  breakerWindowShort: broken({ minimumCalls: 20, window: '10s', cooldown: '10d' }),
  breakerWindowLong: broken({ minimumCalls: 20, window: '10m', cooldown: '10d' }),
  breakerDisabled: broken({ enabled: false, minimumCalls: 10, window: '10m', cooldown: '10d' }),
  breakerPerTarget: scopedBreaker('per-target'),
  breakerGlobal: scopedBreaker('global'),

  // Admission capacity (capacity.test.ts): tenants a and b, half the traffic each.
  perKeyUnlisted_deny: perKeyUnlisted('deny'),
  perKeyUnlisted_share: perKeyUnlisted('share'),
  perKeyUnlisted_allow: perKeyUnlisted('allow'),
  capacityDisabled: scenario({
    workload: { tenants: { a: 0.5, b: 0.5 } },
    layers: { capacity: { enabled: false, perKey: { quotaRpm: 600, shares: { a: 1 }, unlisted: 'deny' } } },
  }),
  tokenBudget: scenario({ layers: { capacity: { tokenBudget: { tokensPerMinute: '11K' } } } }),
  backpressureMaxWait: scenario({
    upstream: { models: { m: { latency: constant('10s') } } },
    layers: { capacity: { backpressure: { maxInFlight: 1, maxDepth: 100, maxWait: '500ms' } } },
  }),

  // Finite-capacity servers and client timeouts (servers.test.ts).
  overflow429: overflowing('429'),
  overflow503: overflowing('503'),
  overflowRetryAfter: served(
    { concurrency: 1, queue: 0 },
    { latency: constant('5s'), errors: { rate: 0, latency: constant('10ms'), retryAfter: '2s' } },
    { retry: { maxAttempts: 2, baseDelay: '1ms', jitter: 'none', retryOn: ['429'] } },
  ),
  overQuotaRetryAfter: served(
    { concurrency: 100, rpm: 6 },
    { errors: { rate: 0, latency: constant('10ms'), retryAfter: '30s' } },
    { retry: { maxAttempts: 2, baseDelay: '1ms', jitter: 'none', retryOn: ['429'] } },
  ),
  itpm: served({ concurrency: 100, itpm: '10K' }),
  otpm: served({ concurrency: 100, otpm: 1000 }),
  toolItpm: scenario({ workload: { tools: { t: 1 } }, upstream: { tools: { t: { capacity: { concurrency: 100, itpm: 1 } } } } }),
  clientTimeout: scenario({ upstream: { models: { m: { latency: constant('5s') } } }, layers: { timeout: { after: '1s' } } }),
  targetTimeout: scenario({ upstream: { models: { m: { latency: constant('5s'), timeout: '2s' } } }, layers: { timeout: { after: '1s' } } }),
  timeoutDisabled: scenario({ upstream: { models: { m: { latency: constant('5s') } } }, layers: { timeout: { enabled: false, after: '1s' } } }),
  toolTimeout: scenario({ workload: { tools: { t: 1 } }, upstream: { tools: { t: { latency: constant('5s'), timeout: '2s' } } } }),

  // Routing (routing.test.ts).
  tiers: threeModels({
    workload: { difficulty: { trivial: 0.2, standard: 0.3, complex: 0.5 } },
    layers: { routing: { tiers: { trivial: 'o', standard: 'h', complex: 's' }, fallback: [] } },
  }),
  defaultModel: threeModels({ upstream: { defaultModel: 's' } }),
  routingDisabled: threeModels({
    upstream: { defaultModel: 's' },
    layers: { routing: { enabled: false, tiers: { trivial: 'o', standard: 'o', complex: 'o' } } },
  }),
  classifier: threeModels({
    layers: {
      routing: {
        classifier: { model: 'h', accuracy: 1, latency: constant('300ms'), tokens: { input: 400, output: 5 } },
        tiers: { trivial: 's', standard: 's', complex: 's' },
        fallback: [],
      },
    },
  }),
  // Every request trivial (tier o), but the classifier's model h answers every call with a 503.
  classifierDown: threeModels({
    workload: { difficulty: { trivial: 1 } },
    upstream: { models: { h: { errors: { rate: 1, mix: { '503': 1 } } } } },
    layers: { routing: { classifier: { model: 'h', accuracy: 1 }, tiers: { trivial: 'o', standard: 's', complex: 'o' }, fallback: [] } },
  }),
  classifierAccuracy: threeModels({
    workload: { requests: 4000, difficulty: { standard: 1 } },
    layers: { routing: { classifier: { model: 'h', accuracy: 0.6 }, tiers: { trivial: 'h', standard: 's', complex: 'o' }, fallback: [] } },
  }),
  fallbackDownward: chainWithDownward(true),
  fallbackUpwardOnly: chainWithDownward(false),
  qualityFallbackChain: threeModels({
    workload: { difficulty: { trivial: 1 } },
    upstream: { models: { s: { errors: { rate: 1, mix: { '503': 1 } } } } },
    layers: {
      routing: { tiers: { trivial: 'h', standard: 's', complex: 'o' }, fallback: ['h', 's', 'o'], fallbackDownward: false, qualityFallback: { failRate: { h: 1 } } },
    },
  }),

  // Prompt cache (cache.test.ts): tenants a and b; prefix 2000 + 3000 stable tokens.
  cacheShared: cached({ key: 'shared' }, { tenants: { a: 0.5, b: 0.5 } }),
  cachePerTenant: cached({ key: 'per-tenant' }, { tenants: { a: 0.5, b: 0.5 } }),
  cacheMultipliers: cached({ writeMultiplier: 2, readMultiplier: 0.2 }),
  cacheMinimum: cached({ minCacheableTokens: 6000 }),
  cacheBreakpoint: cached({ breakpoint: 'system' }),
  cacheOpenai: cached({ preset: 'openai' }),
  cacheDisabled: cached({ enabled: false }),
  cacheLongTtl: cached({ ttl: '1h' }),
  // Two models at the same list price, half the requests each: a writes at 2x and reads at
  // 0.2x; b needs 6000 tokens (more than the 5000-token prefix) before it caches anything.
  cachePerModel: merge(
    cached({ models: { a: { writeMultiplier: 2, readMultiplier: 0.2 }, b: { minCacheableTokens: 6000 } } }, { difficulty: { trivial: 0.5, standard: 0.5 } }),
    {
      upstream: {
        models: {
          m: undefined,
          a: { latency: constant('100ms'), errors: { rate: 0, latency: constant('10ms'), retryAfter: 0 }, price: { input: 3, output: 15 } },
          b: { latency: constant('100ms'), errors: { rate: 0, latency: constant('10ms'), retryAfter: 0 }, price: { input: 3, output: 15 } },
        },
      },
      layers: { routing: { tiers: { trivial: 'a', standard: 'b', complex: 'a' }, fallback: [] } },
    },
  ),
  // Every call answers after 2 hours, long after the last of the hour's requests was sent: no
  // response has begun when any call is sent, so every call misses (and writes).
  cacheConcurrentCold: merge(cached({}), { upstream: { models: { m: { latency: constant('2h'), errors: { timeoutAfter: '3h' } } } } }),

  // Workload, targets and top-level options (workload.test.ts, targets.test.ts).
  tenantsAndTools: scenario({
    workload: { requests: 4000, tenants: { a: 0.2, b: 0.8 }, difficulty: { trivial: 0.3, standard: 0.7 }, tools: { search: 0.3, write: 0.6 } },
    layers: { routing: { tiers: { trivial: 'm', standard: 'm', complex: 'm' } } },
  }),
  prefixTokens: scenario({ workload: { prompt: { prefix: [{ name: 'system', tokens: 500 }, { name: 'today', tokens: 20, stable: false }] } } }),
  incident: scenario({
    workload: { requests: 4000 },
    upstream: { incidents: [{ target: 'm', at: '15m', for: '30m', errorRate: 1, mix: { '400': 1 } }] },
    layers: { retry: { maxAttempts: 2, baseDelay: '1ms', jitter: 'none' } },
  }),
  scope: scenario({
    workload: { tools: { search: 1, delete: 0.5 } },
    layers: { scope: { allow: ['search'], escalation: 'on-call' } },
  }),
  scopeDisabled: scenario({ workload: { tools: { search: 1, delete: 0.5 } }, layers: { scope: { enabled: false, allow: ['search'] } } }),
  distributions_constant: allDistributions('constant'),
  distributions_uniform: allDistributions('uniform'),
  distributions_exponential: allDistributions('exponential'),
  distributions_lognormal: allDistributions('lognormal'),
  distributions_empirical: allDistributions('empirical'),
  ...errorKindScenarios(),
  retryOnListedQuota: scenario({ ...mFailing('quota'), layers: { retry: { maxAttempts: 3, baseDelay: '1ms', jitter: 'none', retryOn: ['quota'] } } }),
  overflow529: served({ concurrency: 1, queue: 0, overflow: '529' }, { latency: constant('10s') }, { retry: { maxAttempts: 2, baseDelay: '1ms', jitter: 'none' } }),
} satisfies Record<string, ScenarioObject>;
