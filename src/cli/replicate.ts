import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { simulate, type RunProgress } from '../engine/simulator.js';
import { buildResult, type RunResult } from '../metrics/results.js';
import { headlineSeries, means, roundInterval, summarise } from '../report/confidence.js';
import { integer, ms } from '../text/format.js';
import { safeText } from '../text/safe-text.js';
import { formatMetricValue, shownMetrics } from '../metrics/headline.js';
import { useColor } from '../report/table.js';
import type { NamedScenario } from '../report/variants.js';
import { printErr } from './print.js';
import { UsageError } from './errors.js';
import { applyGates, checksFor, type GateFlags } from './gates.js';
import { emit } from './output.js';
import { progressLine } from './progress.js';
import { grouped } from '../text/grouped.js';

/**
 * Replications: the same scenario under seeds `seed, seed+1, ..., seed+N-1`, so a figure
 * comes with a 95% confidence interval instead of one draw's luck.
 */

/** The most replications one command may ask for; beyond this, run fewer, longer slices. */
export const MAX_REPLICATIONS = 1000;
const MAX_SEED = 2 ** 32 - 1;

/** `--replications`, used as `.option(REPLICATIONS_FLAGS, REPLICATIONS_HELP, replicationsOption, 1)`. */
export const REPLICATIONS_FLAGS = '--replications <n>';
/** Help text for `--replications`. */
export const REPLICATIONS_HELP = 'run seeds seed..seed+N-1 and report means with 95% confidence intervals';

/** Parses `--replications N`: a whole number from 1 to `MAX_REPLICATIONS`. */
export function replicationsOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_REPLICATIONS) {
    throw new UsageError(`--replications: expected a whole number from 1 to ${MAX_REPLICATIONS}, got "${value}"`);
  }
  return n;
}

/** The seeds of `count` replications starting at `base`; a usage error if they pass 2^32-1. */
export function replicationSeeds(base: number, count: number): number[] {
  if (base + count - 1 > MAX_SEED) {
    throw new UsageError(`--replications: seeds ${base} to ${base + count - 1} pass the largest seed, ${MAX_SEED}; use a smaller --seed`);
  }
  return Array.from({ length: count }, (_, i) => base + i);
}

/**
 * Runs the scenario once per seed and returns the results in seed order; `progress` hears
 * the share of all the seeds done (only pass it when someone watches: it runs the kernel in batches).
 */
export function runSeeds(scenario: NamedScenario, seeds: readonly number[], requests: number | undefined, progress?: RunProgress, sample?: number): RunResult[] {
  return seeds.map((seed, i) => {
    const watch = progress ? (done: number) => progress((i + done) / seeds.length) : undefined;
    return buildResult(scenario.name, simulate(scenario, { seed, requests, ...(sample !== undefined ? { sample } : {}) }, watch));
  });
}

/**
 * The progress line of `run` and `compare` on stderr, shown on a terminal once a run has
 * taken a second, and the callback to hand the simulation (undefined when nobody watches,
 * so an unwatched run goes straight through).
 */
export function watchRuns(label: string): { progress: RunProgress | undefined; clear: () => void } {
  const line = progressLine(process.stderr, label, { delayMs: 1000 });
  return { progress: process.stderr.isTTY ? (done) => line.update(done) : undefined, clear: () => line.clear() };
}

/**
 * Prints what `--requests` cut off (`RunResult.warnings`) on stderr, each line once however
 * many runs report it (replications and variants of one scenario share their windows).
 * Returns the lines, for the JSON.
 */
export function printRunWarnings(results: readonly RunResult[]): string[] {
  const lines = [...new Set(results.flatMap((r) => r.warnings ?? []))];
  for (const line of lines) printErr(`harness-sim: warning: ${line}\n`);
  return lines;
}

/** The JSON of a replicated run: seeds, and per metric the mean, interval and every value. */
export function replicatedJson(name: string, seeds: readonly number[], results: readonly RunResult[]) {
  const summary = summarise(results);
  const series = headlineSeries(results);
  const metrics: Record<string, unknown> = {};
  for (const metric of shownMetrics(results.some((r) => r.sessions !== undefined))) metrics[metric.key] = { ...roundInterval(summary[metric.key]), values: series[metric.key] };
  const first = results[0];
  return {
    scenario: name,
    seeds,
    requests: first?.requests ?? 0,
    replications: seeds.length,
    confidence: 0.95,
    layersOn: first?.layersOn ?? [],
    ...(first?.monthlyExtrapolation ? { monthlyExtrapolation: first.monthlyExtrapolation } : {}),
    ...(first?.warnings ? { warnings: [...new Set(results.flatMap((r) => r.warnings ?? []))] } : {}),
    metrics,
  };
}

/** The table of a replicated run: each headline metric's mean, 95% interval and half-width. */
export function renderReplicatedTable(name: string, seeds: readonly number[], results: readonly RunResult[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const summary = summarise(results);
  const table = new Table({ head: ['metric', 'mean', '95% CI', '±'].map((h) => c.bold(h)), style: { head: [], border: [] } });
  for (const metric of shownMetrics(results.some((r) => r.sessions !== undefined))) {
    const s = summary[metric.key];
    const f = (v: number) => formatMetricValue(metric.unit, v);
    table.push([metric.label, f(s.mean), s.halfWidth === null ? '-' : `${f(s.low)} .. ${f(s.high)}`, s.halfWidth === null ? '-' : f(s.halfWidth)]);
  }
  const span = seeds.length > 1 ? `seeds ${seeds[0]}..${seeds[seeds.length - 1]}` : `seed ${seeds[0]}`;
  const title = `${c.bold(safeText(name))}  ${span}  ${integer(results[0]?.requests ?? 0)} requests x ${seeds.length} replications`;
  const layers = `layers on: ${results[0]?.layersOn.length ? results[0].layersOn.join(', ') : 'none'}`;
  const e = results[0]?.monthlyExtrapolation;
  const note = e ? `\nmonthly cost: extrapolated x${grouped(Number(e.factor.toPrecision(4)), 3)} from ${ms(e.simulatedSeconds * 1000)} of simulated arrivals` : '';
  return `${title}\n${layers}\n${table.toString()}${note}`;
}

/** Flags of `run` that a replicated run reads. */
export interface ReplicatedRunFlags extends GateFlags {
  seed?: number;
  requests?: number;
  replications: number;
  format: 'table' | 'json';
  out?: string;
}

/**
 * `run --replications N`: runs the seeds, prints the means with their 95% intervals, then
 * gates the means against the scenario's `slo:` and `--assert`.
 */
export function runReplicated(scenario: NamedScenario, flags: ReplicatedRunFlags): void {
  const seeds = replicationSeeds(flags.seed ?? scenario.seed, flags.replications);
  const watch = watchRuns('run');
  let results: RunResult[];
  try {
    results = runSeeds(scenario, seeds, flags.requests, watch.progress);
  } finally {
    watch.clear();
  }
  printRunWarnings(results);
  const text =
    flags.format === 'json'
      ? JSON.stringify(replicatedJson(scenario.name, seeds, results), null, 2)
      : renderReplicatedTable(scenario.name, seeds, results, !flags.out && useColor(process.stdout));
  emit(text, flags.out);
  applyGates([{ label: scenario.name, values: means(summarise(results)), checks: checksFor(scenario, flags) }], flags);
}
