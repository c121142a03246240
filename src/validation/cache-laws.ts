import { CACHE_PRESETS, monthlyPrefixCost } from '../layers/prompt-cache.js';
import { MONTH_MS } from '../metrics/results.js';
import type { Experiment, Law, LawRun, SampleSize } from './law.js';

/**
 * The seed's prompt-cache arithmetic: an 8K-token stable prefix sent on 1M calls a day at
 * $3 per million input tokens costs 30 x 1M x 8,000 x $3 / 1M = $720,000 a month uncached;
 * read from the cache at 10% it costs $72,000 plus the write premium. The expected values come
 * from `monthlyPrefixCost`; the simulated ones from a run of the cache layer at reduced volume,
 * scaled to the month as every monthly figure is (`MONTH_MS / horizon`).
 *
 * Each request also sends one token of its own input (the engine draws at least one), billed
 * uncached at the same price, and one output token priced at $0; the reading subtracts the
 * own input so that what remains is the prefix bill.
 */

const PREFIX_TOKENS = 8000;
const PRICE_USD_PER_MTOK = 3;
const CALLS_PER_DAY = 1_000_000;
const OWN_INPUT_TOKENS = 1;
const { readMultiplier: READ, writeMultiplier: WRITE, ttlMs: TTL_MS } = CACHE_PRESETS.anthropic;

function cacheScenario(id: string, callsPerDay: number, cache: boolean): string {
  return `
name: ${id}
duration: 1d
workload:
  requests: ${callsPerDay}
  tokens: { input: { dist: constant, value: ${OWN_INPUT_TOKENS} }, output: { dist: constant, value: 1 } }
  prompt:
    prefix:
      - { name: system-and-kb, tokens: ${PREFIX_TOKENS} }
upstream:
  models:
    model:
      # Constant latency: calls complete (and are priced) in arrival order, with the arrival gaps.
      latency: { dist: constant, value: 1s }
      errors: { rate: 0 }
      price: { input: $${PRICE_USD_PER_MTOK}, output: $0 }
layers:
  cache: { enabled: ${cache}, preset: anthropic }
`;
}

const seedVolume = { full: { seeds: [42], requests: 200_000 }, quick: { seeds: [42], requests: 50_000 } };
const uncached: Experiment = { id: 'seed-cache-off', yaml: cacheScenario('seed-cache-off', CALLS_PER_DAY, false), ...seedVolume };
const cached: Experiment = { id: 'seed-cache-on', yaml: cacheScenario('seed-cache-on', CALLS_PER_DAY, true), ...seedVolume };

/** The monthly prefix bill of a run: its monthly cost minus the requests' own (never cached) input. */
function monthlyPrefixBill({ result, output }: LawRun): number {
  const monthly = MONTH_MS / output.horizonMs;
  const ownInputUsd = (output.metrics.modelCalls * OWN_INPUT_TOKENS * PRICE_USD_PER_MTOK) / 1e6;
  return result.metrics.monthlyCostUsd - monthly * ownInputUsd;
}

/** Calls per second at the seed's volume; at 11.6/s a 5-minute entry is refreshed long before it expires. */
const ratePerSec = CALLS_PER_DAY / 86_400;
const seedCost = monthlyPrefixCost({
  callsPerDay: CALLS_PER_DAY,
  prefixTokens: PREFIX_TOKENS,
  priceUsdPerMTok: PRICE_USD_PER_MTOK,
  readMultiplier: READ,
  writeMultiplier: WRITE,
  // A call writes when the gap since the previous call passed the TTL: e^(-3472) of calls, i.e. none.
  writesPerDay: CALLS_PER_DAY * Math.exp(-ratePerSec * (TTL_MS / 1000)),
});

/**
 * Cold writes at the start of a run: an entry can be read only once the response that wrote it
 * has begun, so every call sent during the first call's 1 s latency writes too: 1 + lambda x 1 s
 * on average (Poisson), bounded here by 4 standard deviations.
 */
const LATENCY_S = 1;
const COLD_WRITES = 1 + ratePerSec * LATENCY_S + 4 * Math.sqrt(ratePerSec * LATENCY_S);

/** Cents: `monthlyCostUsd` is rounded to them. */
const CENTS = { value: () => 0.02, reason: 'monthlyCostUsd is rounded to cents' };

// The write premium amortised: one call per 100 s on average, so lambda x TTL = 3 and a call
// misses (writes at 1.25x) with probability e^-3 = 4.98%; each write is then read by
// e^3 - 1 = 19.1 later calls on average.
const SPARSE_CALLS_PER_DAY = 864;
const MISS = Math.exp(-(SPARSE_CALLS_PER_DAY / 86_400) * (TTL_MS / 1000));
const sparseCost = monthlyPrefixCost({
  callsPerDay: SPARSE_CALLS_PER_DAY,
  prefixTokens: PREFIX_TOKENS,
  priceUsdPerMTok: PRICE_USD_PER_MTOK,
  readMultiplier: READ,
  writeMultiplier: WRITE,
  writesPerDay: SPARSE_CALLS_PER_DAY * MISS,
});
const sparse: Experiment = {
  id: 'sparse-cache',
  yaml: cacheScenario('sparse-cache', SPARSE_CALLS_PER_DAY, true),
  full: { seeds: [42], requests: 500_000 },
  quick: { seeds: [42], requests: 100_000 },
};

/** Laws of the prompt cache's pricing. */
export const CACHE_LAWS: readonly Law[] = [
  {
    id: 'cache-seed-uncached',
    family: 'prompt-cache',
    name: 'seed prefix bill, uncached',
    closedForm: `An 8K prefix on 1M calls/day at $3/MTok costs 30 x 1M x 8,000 x $3 / 1M = $${seedCost.uncachedUsd.toLocaleString('en-US')} a month uncached (monthlyPrefixCost).`,
    experiment: uncached,
    expected: seedCost.uncachedUsd,
    relation: 'equal',
    unit: 'usd',
    reading: 'metrics.monthlyCostUsd minus the own input token of each call, scaled to the month',
    read: monthlyPrefixBill,
    // Deterministic: every call bills the same prefix; the count of calls is the sample size.
    sampling: { kind: 'per-request', sd: 0 },
    allowance: CENTS,
  },
  {
    id: 'cache-seed-cached',
    family: 'prompt-cache',
    name: 'seed prefix bill, cached',
    closedForm: `Read from the cache at ${READ * 100}% of the price, the same prefix costs $${Math.round(seedCost.cachedUsd).toLocaleString('en-US')} a month: at 11.6 calls/s the 5-minute entry never expires (monthlyPrefixCost, writes e^(-lambda TTL) = 0).`,
    experiment: cached,
    expected: seedCost.cachedUsd,
    relation: 'equal',
    unit: 'usd',
    reading: 'metrics.monthlyCostUsd minus the own input token of each call, scaled to the month',
    read: monthlyPrefixBill,
    sampling: { kind: 'per-request', sd: 0 },
    allowance: {
      // The cold writes of one run, scaled to a month of such runs.
      value: (size: SampleSize) =>
        0.02 + (COLD_WRITES * (WRITE - READ) * PREFIX_TOKENS * PRICE_USD_PER_MTOK * 1e-6 * (30 * CALLS_PER_DAY)) / size.requests,
      reason: `the calls sent before the first response began all write (1.25x instead of 0.1x): 1 + lambda x 1 s = ${(1 + ratePerSec * LATENCY_S).toFixed(1)} on average, at most ${COLD_WRITES.toFixed(1)} (4 Poisson SDs); the month is scaled from the run; plus cents`,
    },
  },
  {
    id: 'cache-write-amortised',
    family: 'prompt-cache',
    name: 'write premium amortised, lambda x TTL = 3',
    closedForm: `At one call per 100 s a call writes with probability e^(-lambda TTL) = ${(MISS * 100).toFixed(2)}% and each write is read e^3 - 1 = 19.1 times, so the prefix costs r + (w - r) e^(-3) = ${(sparseCost.cachedUsd / sparseCost.uncachedUsd).toFixed(6)} of its list price.`,
    experiment: sparse,
    expected: sparseCost.cachedUsd / sparseCost.uncachedUsd,
    relation: 'equal',
    unit: 'ratio',
    reading: '1 - metrics.cacheSavingsUsd / (upstreamCalls x 8,000 tokens x $3/MTok)',
    read: ({ result }) => 1 - result.metrics.cacheSavingsUsd / ((result.metrics.upstreamCalls * PREFIX_TOKENS * PRICE_USD_PER_MTOK) / 1e6),
    // Gaps between calls are iid exponential, so misses are Bernoulli(e^-3): per call the
    // price multiplier is r + (w - r) x miss, with standard deviation (w - r) sqrt(P (1 - P)).
    sampling: { kind: 'per-request', sd: (WRITE - READ) * Math.sqrt(MISS * (1 - MISS)) },
    allowance: {
      value: (size: SampleSize) => (WRITE - READ) / size.requests + 1e-4 / ((size.requests * PREFIX_TOKENS * PRICE_USD_PER_MTOK) / 1e6),
      reason: 'the first call always writes; cacheSavingsUsd is rounded to 1e-4 dollars',
    },
  },
];
