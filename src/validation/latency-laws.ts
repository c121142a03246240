import { normalQuantile } from '../random/random.js';
import { Z95 } from '../random/distributions.js';
import type { Experiment, Law } from './law.js';
import { HDR_RELATIVE_ERROR } from './queue-laws.js';

/**
 * The lognormal latency model: a model given by its median p50 and 95th percentile p95 has
 * sigma = ln(p95 / p50) / z(0.95) and mu = ln(p50). With no errors, no retries and no tools,
 * a request's latency is its one call's latency, so the run's percentiles are sample
 * quantiles of that lognormal. A sample q-quantile of N draws has standard error
 * sqrt(q (1 - q) / N) / f(x_q), and the lognormal density there is phi(z_q) / (x_q sigma).
 */

const P50_MS = 800;
const P95_MS = 2500;
const SIGMA = Math.log(P95_MS / P50_MS) / Z95;

const experiment: Experiment = {
  id: 'lognormal-latency',
  yaml: `
name: lognormal-latency
duration: 1h
workload:
  requests: 36K
upstream:
  models:
    model:
      latency: { dist: lognormal, p50: ${P50_MS}ms, p95: ${P95_MS}ms }
      errors: { rate: 0 }
`,
  full: { seeds: [42], requests: 500_000 },
  quick: { seeds: [42], requests: 100_000 },
};

/** The standard normal density. */
function phi(z: number): number {
  return Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
}

function quantileLaw(q: number, key: 'p50' | 'p95' | 'p99', given: boolean): Law {
  const z = normalQuantile(q);
  const expected = P50_MS * Math.exp(SIGMA * z);
  return {
    id: `lognormal-${key}`,
    family: 'latency',
    name: `lognormal latency ${key}`,
    closedForm: given
      ? `A lognormal latency given as p50 ${P50_MS} ms, p95 ${P95_MS} ms has its sample ${key} at ${+expected.toFixed(3)} ms.`
      : `The same lognormal (sigma = ln(p95/p50)/z95 = ${SIGMA.toFixed(4)}) has ${key} = p50 exp(sigma z(${q})) = ${expected.toFixed(3)} ms.`,
    experiment,
    expected,
    relation: 'equal',
    unit: 'ms',
    reading: `metrics.latencyMs.${key}`,
    read: ({ result }) => result.metrics.latencyMs[key],
    // sqrt(N) x the standard error of a sample quantile: sqrt(q (1 - q)) x_q sigma / phi(z_q).
    sampling: { kind: 'per-request', sd: (Math.sqrt(q * (1 - q)) * expected * SIGMA) / phi(z) },
    allowance: {
      value: () => expected * HDR_RELATIVE_ERROR,
      reason: 'HDR histograms keep 3 significant digits: a percentile is within 1/1024 of the recorded value',
    },
  };
}

const mean = P50_MS * Math.exp((SIGMA * SIGMA) / 2);

/** Laws of the lognormal latency model: its quantiles and mean. */
export const LATENCY_LAWS: readonly Law[] = [
  quantileLaw(0.5, 'p50', true),
  quantileLaw(0.95, 'p95', true),
  quantileLaw(0.99, 'p99', false),
  {
    id: 'lognormal-mean',
    family: 'latency',
    name: 'lognormal latency mean',
    closedForm: `The same lognormal has mean p50 exp(sigma^2 / 2) = ${mean.toFixed(3)} ms.`,
    experiment,
    expected: mean,
    relation: 'equal',
    unit: 'ms',
    reading: 'metrics.latencyMs.mean (an exact running sum)',
    read: ({ output }) => output.metrics.latency.meanMs,
    // The lognormal's standard deviation: mean x sqrt(e^(sigma^2) - 1).
    sampling: { kind: 'per-request', sd: mean * Math.sqrt(Math.exp(SIGMA * SIGMA) - 1) },
  },
];
