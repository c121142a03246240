import { loadScenarioFile } from '../../scenario/load.js';
import { compare, simulateReplications, type ParityCheck, type ParityExtra } from './compare.js';
import { measure, type MeasuredRun } from './measured.js';
import { perturbed } from './perturb.js';

/** One parity case: a scenario under `scenarios/parity/` and the figure that shows its layer. */
export interface ParityCase {
  name: string;
  file: string;
  extra: ParityExtra;
}

/** The four cases of issue 16 (retries; retries and a breaker through an episode; fallback; backpressure under a burst), and hedging. */
export const PARITY_CASES: readonly ParityCase[] = [
  { name: 'retries only', file: 'scenarios/parity/retries.yaml', extra: 'retries' },
  { name: 'retries + breaker through an episode', file: 'scenarios/parity/breaker-episode.yaml', extra: 'shortCircuited' },
  { name: 'fallback to a second model', file: 'scenarios/parity/fallback.yaml', extra: 'fallbacks' },
  { name: 'backpressure under a burst', file: 'scenarios/parity/backpressure-burst.yaml', extra: 'rejected' },
  { name: 'hedging a long tail', file: 'scenarios/parity/hedge.yaml', extra: 'hedges' },
];

export interface ParityOptions {
  /** Requests per case (default: the scenario's own). */
  requests?: number;
  /** Real ms per scenario ms (default 0.02: a scenario second in 20 ms). */
  scale?: number;
  /** Simulator replications to estimate each figure's spread (default 40). */
  replications?: number;
}

export interface ParityResult {
  case: ParityCase;
  requests: number;
  scale: number;
  replications: number;
  checks: ParityCheck[];
  measured: MeasuredRun;
  pass: boolean;
}

/**
 * Runs one case: the scenario through `createHarness` against a real HTTP upstream in scaled
 * real time (seeded with the scenario's seed), and through the simulator at the same size
 * with `replications` other seeds; then compares every figure.
 */
export async function runParityCase(parityCase: ParityCase, options: ParityOptions = {}): Promise<ParityResult> {
  const { scenario } = loadScenarioFile(parityCase.file);
  const requests = options.requests ?? scenario.workload.requests;
  const scale = options.scale ?? 0.02;
  const replications = options.replications ?? 40;
  const measured = await measure(scenario, { requests, seed: scenario.seed, scale });
  const firstSeed = scenario.seed + 1000;
  const nominal = simulateReplications(scenario, requests, replications, firstSeed);
  const slowed = simulateReplications(perturbed(scenario, measured.callOverheadMs.mean, measured.timerLatenessMs.mean), requests, replications, firstSeed);
  const checks = compare(nominal, slowed, measured, parityCase.extra);
  return { case: parityCase, requests, scale, replications, checks, measured, pass: checks.every((c) => c.pass) };
}

/** The README's table: one row per case and figure. */
export function parityTable(results: readonly ParityResult[]): string {
  const figure = (metric: string, x: number) => (metric.startsWith('latency') ? `${Math.round(x)} ms` : x < 0.01 && x > 0 ? x.toFixed(5) : x.toFixed(4));
  const lines = ['| case | metric | simulated (mean ± sd) | simulated, slowed as measured | measured | accepted | |', '|---|---|---:|---:|---:|---:|---|'];
  for (const result of results) {
    for (const c of result.checks) {
      lines.push(
        `| ${result.case.name} | ${c.metric} | ${figure(c.metric, c.simulated)} ± ${figure(c.metric, c.simulatedSd).replace(' ms', '')} | ${figure(c.metric, c.slowed)} | ${figure(c.metric, c.measured)} | ${figure(c.metric, c.low).replace(' ms', '')} – ${figure(c.metric, c.high)} | ${c.pass ? 'ok' : 'FAIL'} |`,
      );
    }
  }
  return lines.join('\n');
}

/** One line per case on how the real run went: size, wall time, transport and timer noise. */
export function paritySummary(result: ParityResult): string {
  const m = result.measured;
  return (
    `${result.case.name}: ${result.requests} requests in ${(m.wallMs / 1000).toFixed(1)} s of real time (1 scenario s = ${result.scale * 1000} ms), ` +
    `${result.replications} simulator replications per set; transport per call mean/p95 ${Math.round(m.callOverheadMs.mean)}/${Math.round(m.callOverheadMs.p95)} ms, ` +
    `timer lateness mean/p95 ${Math.round(m.timerLatenessMs.mean)}/${Math.round(m.timerLatenessMs.p95)} ms (scenario ms); latency as the harness saw it p50/p95 ${Math.round(m.metrics.latencyMs.p50)}/${Math.round(m.metrics.latencyMs.p95)} ms`
  );
}
