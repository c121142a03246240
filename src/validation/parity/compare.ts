import { simulate } from '../../engine/simulator.js';
import { buildResult, type RunResult } from '../../metrics/results.js';
import type { ParsedScenario } from '../../scenario/schema.js';
import type { MeasuredRun } from './measured.js';

/**
 * z for the prediction interval of one real run against the simulator's spread: 4.5 standard
 * deviations leave a false alarm about once in ten thousand checks (t with 39 degrees of
 * freedom), so the suite's verdict does not flicker across its two dozen checks.
 */
export const PARITY_Z = 4.5;

/** One compared figure of one case. */
export interface ParityCheck {
  metric: string;
  /** Mean over the simulator's replications. */
  simulated: number;
  /** Standard deviation over the replications: the spread of one run of this size. */
  simulatedSd: number;
  /** Mean over the replications of the scenario slowed by the measured real-time noise. */
  slowed: number;
  measured: number;
  /** The accepted interval for `measured`. */
  low: number;
  high: number;
  pass: boolean;
}

/** How a figure is read from a simulator result and from a measured run. */
interface MetricSpec {
  name: string;
  sim: (r: RunResult) => number;
  real: (m: MeasuredRun) => number;
  /** A latency: its floor is relative (1%) rather than one request. */
  latency: boolean;
}

const perRequest = (count: number, requests: number) => (requests > 0 ? count / requests : 0);

/** Every case compares these; `extra` names the one figure that shows the case's layer at work. */
const COMMON: MetricSpec[] = [
  { name: 'visibleFailureRate', sim: (r) => r.metrics.visibleFailureRate, real: (m) => m.metrics.visibleFailureRate, latency: false },
  { name: 'loadMultiplier', sim: (r) => r.metrics.loadMultiplier, real: (m) => m.metrics.loadMultiplier, latency: false },
  { name: 'latencyMs.p50', sim: (r) => r.metrics.latencyMs.p50, real: (m) => m.latencyMs.p50, latency: true },
  { name: 'latencyMs.p95', sim: (r) => r.metrics.latencyMs.p95, real: (m) => m.latencyMs.p95, latency: true },
  { name: 'latencyMs.p99', sim: (r) => r.metrics.latencyMs.p99, real: (m) => m.latencyMs.p99, latency: true },
];

const EXTRA: Record<string, MetricSpec> = {
  retries: { name: 'retries per request', sim: (r) => perRequest(r.metrics.retries, r.requests), real: (m) => perRequest(m.metrics.retries, m.metrics.requests), latency: false },
  shortCircuited: {
    name: 'short-circuited per request',
    sim: (r) => perRequest(r.metrics.shortCircuited, r.requests),
    real: (m) => perRequest(m.metrics.shortCircuited, m.metrics.requests),
    latency: false,
  },
  fallbacks: { name: 'fallbacks per request', sim: (r) => perRequest(r.metrics.fallbacks, r.requests), real: (m) => perRequest(m.metrics.fallbacks, m.metrics.requests), latency: false },
  hedges: {
    name: 'hedges per request',
    sim: (r) => perRequest(r.loadAttribution.hedge ?? 0, r.requests),
    real: (m) => perRequest(m.metrics.loadAttribution.hedge, m.metrics.requests),
    latency: false,
  },
  rejected: { name: 'rejectedRate', sim: (r) => r.metrics.rejectedRate, real: (m) => m.metrics.rejectedRate, latency: false },
};
export type ParityExtra = keyof typeof EXTRA;

/** The simulator's results for `replications` independent seeds at the measured run's size. */
export function simulateReplications(scenario: ParsedScenario, requests: number, replications: number, firstSeed: number): RunResult[] {
  return Array.from({ length: replications }, (_, r) => buildResult(scenario.name ?? 'parity', simulate(scenario, { requests, seed: firstSeed + r })));
}

/**
 * Checks each figure of a real run against two sets of simulator replications of its size:
 * the scenario as written (`nominal`) and as the real run met it (`slowed`: calls slower by
 * the measured transport and timer lateness, see `perturb.ts`). Each set gives a band of
 * PARITY_Z standard deviations of a new run (sd sqrt(1 + 1/R)) plus a floor for the figure's
 * granularity (one request in a rate, 1% in a latency: the two histograms' resolution); the
 * measured figure passes anywhere from the lower band's low to the upper band's high.
 */
export function compare(nominal: readonly RunResult[], slowed: readonly RunResult[], measured: MeasuredRun, extra: ParityExtra): ParityCheck[] {
  const n = measured.requests;
  return [...COMMON, EXTRA[extra]!].map((spec) => {
    const a = band(nominal.map(spec.sim), spec.latency, n);
    const b = band(slowed.map(spec.sim), spec.latency, n);
    const measuredValue = spec.real(measured);
    const low = Math.max(0, Math.min(a.low, b.low));
    const high = Math.max(a.high, b.high);
    return { metric: spec.name, simulated: a.mean, simulatedSd: a.sd, slowed: b.mean, measured: measuredValue, low, high, pass: measuredValue >= low && measuredValue <= high };
  });
}

function band(xs: readonly number[], latency: boolean, n: number): { mean: number; sd: number; low: number; high: number } {
  const r = xs.length;
  const mean = xs.reduce((x, y) => x + y, 0) / r;
  const sd = Math.sqrt(xs.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, r - 1));
  const width = PARITY_Z * sd * Math.sqrt(1 + 1 / r) + (latency ? 0.01 * mean : 1 / n);
  return { mean, sd, low: mean - width, high: mean + width };
}
