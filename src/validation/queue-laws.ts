import { seedRange, type Experiment, type Law } from './law.js';

/**
 * Queueing laws of a finite-capacity upstream (`upstream.models.<m>.capacity`): Poisson
 * arrivals at rate lambda, exponential service (the model's latency) at rate mu, `concurrency`
 * servers and a FIFO queue of `queue` places. No errors, no retries, no client timeout, so
 * every request is one call and its latency is its sojourn time at the server. Waiting
 * couples requests, so the tolerance comes from independent replications (one per seed).
 */

/** HDR percentiles are exact to 3 significant digits: a reported value is within 1/1024 of the true one. */
export const HDR_RELATIVE_ERROR = 1 / 1024;

/** M/M/1/K blocking probability: (1 - rho) rho^K / (1 - rho^(K+1)), K places in all (one in service). */
export function mm1kBlocking(rho: number, k: number): number {
  return rho === 1 ? 1 / (k + 1) : ((1 - rho) * rho ** k) / (1 - rho ** (k + 1));
}

/** M/M/1/K mean sojourn time of admitted calls (Little): L / (lambda (1 - P_K)), in the unit of 1/mu. */
export function mm1kSojourn(lambda: number, mu: number, k: number): number {
  const rho = lambda / mu;
  const inSystem = rho / (1 - rho) - ((k + 1) * rho ** (k + 1)) / (1 - rho ** (k + 1));
  return inSystem / (lambda * (1 - mm1kBlocking(rho, k)));
}

/** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = lambda / mu < c. */
export function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / c) * (c / (c - a));
  return top / (sum + top);
}

/**
 * The q-quantile of the M/M/c sojourn time: T = S + Wq with S ~ Exp(mu) and Wq = 0 with
 * probability 1 - C, else Exp(c mu - lambda), independent of S. Solved by bisection on
 * P(T > t) = (1 - C) e^(-mu t) + C (g e^(-mu t) - mu e^(-g t)) / (g - mu), g = c mu - lambda.
 */
export function mmcSojournQuantile(c: number, lambda: number, mu: number, q: number): number {
  const waits = erlangC(c, lambda / mu);
  const g = c * mu - lambda;
  const tail = (t: number) =>
    (1 - waits) * Math.exp(-mu * t) + (waits * (g * Math.exp(-mu * t) - mu * Math.exp(-g * t))) / (g - mu);
  let lo = 0;
  let hi = 1;
  while (tail(hi) > 1 - q) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 1 - q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The error latency of an overflow answer: 1 ms, subtracted when reading the sojourn of admitted calls. */
const OVERFLOW_MS = 1;

// M/M/1/K: lambda = 9/s, mu = 10/s (rho = 0.9), K = 10: one slot and nine queue places.
const MM1K = { lambda: 9, mu: 10, k: 10 };
const mm1k: Experiment = {
  id: 'mm1k-rho0.9-k10',
  yaml: `
name: mm1k-rho0.9-k10
duration: 1d
workload:
  requests: ${MM1K.lambda * 86_400}
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: exponential, mean: ${1000 / MM1K.mu}ms }
      errors: { rate: 0, latency: { dist: constant, value: ${OVERFLOW_MS}ms } }
      capacity: { concurrency: 1, queue: ${MM1K.k - 1}, overflow: "429" }
`,
  full: { seeds: seedRange(10), requests: 500_000 },
  quick: { seeds: seedRange(5), requests: 100_000 },
};

// M/M/2: lambda = 8/s, mu = 10/s, c = 2 (a = 0.8, utilisation 0.4), a queue that never fills.
const MMC = { c: 2, lambda: 8, mu: 10 };
const mmc: Experiment = {
  id: 'mmc-c2-lambda8-mu10',
  yaml: `
name: mmc-c2-lambda8-mu10
duration: 1d
workload:
  requests: ${MMC.lambda * 86_400}
  tokens: { input: { dist: constant, value: 100 }, output: { dist: constant, value: 10 } }
upstream:
  models:
    model:
      latency: { dist: exponential, mean: ${1000 / MMC.mu}ms }
      errors: { rate: 0 }
      capacity: { concurrency: ${MMC.c}, queue: 10000000 }
`,
  full: { seeds: seedRange(10), requests: 500_000 },
  quick: { seeds: seedRange(5), requests: 100_000 },
};

const mmcWaits = erlangC(MMC.c, MMC.lambda / MMC.mu);
const mmcWaitMs = (1000 * mmcWaits) / (MMC.c * MMC.mu - MMC.lambda);
const mmcServiceMs = 1000 / MMC.mu;
const mmcP95Ms = 1000 * mmcSojournQuantile(MMC.c, MMC.lambda, MMC.mu, 0.95);
const mm1kBlock = mm1kBlocking(MM1K.lambda / MM1K.mu, MM1K.k);
const mm1kSojournMs = 1000 * mm1kSojourn(MM1K.lambda, MM1K.mu, MM1K.k);

/** Mean wait of the run's requests: mean latency minus the mean service time 1/mu. */
const meanWaitMs = (meanLatencyMs: number) => meanLatencyMs - mmcServiceMs;

/** Laws of the M/M/1/K and M/M/c capacity model. */
export const QUEUE_LAWS: readonly Law[] = [
  {
    id: 'mm1k-blocking',
    family: 'queue',
    name: 'M/M/1/K blocking, K=10 rho=0.9',
    closedForm: `An M/M/1/K server (one slot, nine queue places) blocks (1 - rho) rho^K / (1 - rho^(K+1)) = ${mm1kBlock.toFixed(6)} of arrivals (PASTA).`,
    experiment: mm1k,
    expected: mm1kBlock,
    relation: 'equal',
    unit: 'share',
    reading: 'servers[0].overflows / requests',
    read: ({ result }) => result.servers[0]!.overflows / result.requests,
    sampling: { kind: 'replications' },
  },
  {
    id: 'mm1k-sojourn',
    family: 'queue',
    name: 'M/M/1/K mean sojourn, K=10 rho=0.9',
    closedForm: `Admitted calls spend W = L / (lambda (1 - P_K)) = ${mm1kSojournMs.toFixed(3)} ms at the server, L = rho/(1-rho) - (K+1) rho^(K+1) / (1 - rho^(K+1)).`,
    experiment: mm1k,
    expected: mm1kSojournMs,
    relation: 'equal',
    unit: 'ms',
    reading: `mean latency of successful requests: (latency sum - overflows x ${OVERFLOW_MS} ms) / successes`,
    read: ({ output }) => {
      const m = output.metrics;
      return (m.latency.meanMs * m.requests - m.failures * OVERFLOW_MS) / m.successes;
    },
    sampling: { kind: 'replications' },
  },
  {
    id: 'mmc-wait',
    family: 'queue',
    name: 'M/M/2 mean wait Wq, lambda=8 mu=10',
    closedForm: `An M/M/2 queue at lambda = 8/s, mu = 10/s waits Wq = C / (c mu - lambda) = ${mmcWaitMs.toFixed(4)} ms on average, read as W - 1/mu.`,
    experiment: mmc,
    expected: mmcWaitMs,
    relation: 'equal',
    unit: 'ms',
    reading: 'metrics.latencyMs.mean - 1/mu (mean sojourn minus mean service)',
    read: ({ output }) => meanWaitMs(output.metrics.latency.meanMs),
    sampling: { kind: 'replications' },
  },
  {
    id: 'mmc-erlang-c',
    family: 'queue',
    name: 'M/M/2 probability of waiting (Erlang C)',
    closedForm: `Erlang C: an arrival waits with probability C(2, 0.8) = ${mmcWaits.toFixed(6)}; read through Wq = C / (c mu - lambda), since the engine counts no waits.`,
    experiment: mmc,
    expected: mmcWaits,
    relation: 'equal',
    unit: 'share',
    reading: '(metrics.latencyMs.mean - 1/mu) x (c mu - lambda)',
    read: ({ output }) => (meanWaitMs(output.metrics.latency.meanMs) / 1000) * (MMC.c * MMC.mu - MMC.lambda),
    sampling: { kind: 'replications' },
  },
  {
    id: 'mmc-sojourn-p95',
    family: 'queue',
    name: 'M/M/2 sojourn p95',
    closedForm: `The M/M/2 sojourn time T = S + Wq (S ~ Exp(mu), Wq = 0 w.p. 1 - C else Exp(c mu - lambda)) has P(T > t) = 0.05 at t = ${mmcP95Ms.toFixed(3)} ms.`,
    experiment: mmc,
    expected: mmcP95Ms,
    relation: 'equal',
    unit: 'ms',
    reading: 'metrics.latencyMs.p95',
    read: ({ result }) => result.metrics.latencyMs.p95,
    sampling: { kind: 'replications' },
    allowance: { value: () => mmcP95Ms * HDR_RELATIVE_ERROR, reason: 'HDR histograms keep 3 significant digits: a percentile is within 1/1024 of the recorded value' },
  },
];
