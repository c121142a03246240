import { createHash } from 'node:crypto';
import { scaleForSample } from '../engine/sampling.js';
import { simulate } from '../engine/simulator.js';
import { buildResult, round } from '../metrics/results.js';
import { HARNESS_SIM_VERSION } from '../metrics/version.js';
import { confidenceInterval, roundInterval, type Interval } from '../report/confidence.js';
import { HEADLINE_KEYS, hasSessionValues, headlineValues, isSessionMetric, type HeadlineKey, type HeadlineValues } from '../metrics/headline.js';
import type { SweepPoint, SweepResult } from '../report/sweep-types.js';
import { deriveVariant, VariantError, type NamedScenario } from '../report/variants.js';
import { ScenarioError, formatIssue, type ScenarioIssue } from '../scenario/errors.js';
import { parseScenarioText, readThrough, snapshotScenario, type ScenarioOverride, type ScenarioSources } from '../scenario/load.js';
import { OVERRIDE_SOURCE } from '../scenario/overrides.js';
import { parseYamlValue } from '../scenario/yaml-source.js';
import type { SloCheck } from '../slo/expression.js';
import { buildGrid, checkSweepRuns, inShard, shardText, SweepSpecError, type GridPoint, type ParamValue, type Shard, type SweepParam } from './grid.js';
import { WorkerPool } from './pool.js';

/**
 * Planning and running a sweep: every point is validated up front (so a bad value exits
 * before any work), then its replications run as independent tasks whose results are put
 * back by point index, never by completion order, so the output does not depend on `--jobs`.
 */

/** One simulation: what a worker receives. Plain data, so it crosses a thread boundary. */
export interface SweepTask {
  file: string;
  /** The scenario's files as read once when the command started: every task loads from them, never from disk. */
  sources: ScenarioSources;
  /** `--set` strings first, then the point's params as `{ key, value }` (params win). */
  overrides: ScenarioOverride[];
  requests?: number;
  /** `--sample`: the simulated fraction of the traffic. */
  sample?: number;
  seed: number;
  /** Layer variant spec (`all`, `none`, `retry+breaker`). */
  variant: string;
}

/** Runs one task in this thread: load, derive the variant, simulate, read the headline figures. */
export function runTask(task: SweepTask): HeadlineValues {
  const scenario = parseScenarioText(readThrough(task.sources, task.file), task.file, { overrides: task.overrides, sources: task.sources });
  const variant = deriveVariant(scenario, task.variant).scenario;
  return headlineValues(buildResult(variant.name, simulate(variant, { seed: task.seed, requests: task.requests, ...(task.sample !== undefined ? { sample: task.sample } : {}) })));
}

/** What a sweep runs: the scenario, grid, variants, seeds and gates. */
export interface SweepOptions {
  file: string;
  params: readonly SweepParam[];
  /** Variant specs from `--layers`; `['all']` (the scenario as written) when absent. */
  variants: readonly string[];
  /** `--set` overrides applied to every point before its params. */
  set: readonly string[];
  seed?: number;
  requests?: number;
  /** `--sample`: simulate this fraction of each point's traffic, figures scaled back. */
  sample?: number;
  replications: number;
  shard?: Shard;
  /** The checks gates apply: recorded in the result's `slo` so `merge` can apply them too. */
  checks: readonly SloCheck[];
  /** The scenario's files, when the caller has read them already (`snapshotScenario`). */
  sources?: ScenarioSources;
  /** The most simulations the whole grid may take (`MAX_SWEEP_RUNS`); tune, which runs only its budget, lifts it. */
  maxRuns?: number;
}

/** A validated sweep, ready to run. */
export interface SweepPlan {
  /** Every result field but `points`. */
  header: Omit<SweepResult, 'points'>;
  /** The points this run computes (a shard's, or all), in index order. */
  points: GridPoint[];
  /** `points.length * replications` tasks, point by point, replications in seed order. */
  tasks: SweepTask[];
  /** The snapshot every task loads from. */
  sources: ScenarioSources;
}

const MAX_SEED = 2 ** 32 - 1;

/**
 * Validates the whole grid (every cell with every variant, whatever the shard, so all
 * shards fail alike) and lists the tasks. Throws `ScenarioError` for a bad file or `--set`,
 * `SweepSpecError` naming `--param KEY` or `--layers` for a bad point.
 */
export function planSweep(options: SweepOptions): SweepPlan {
  // Read once: every point, in any thread, is loaded from this snapshot of the files.
  const { sources, scenario: base } = snapshotScenario(options.file, { overrides: options.set, sources: options.sources });
  const grid = buildGrid(options.params, options.variants);
  if (options.sample !== undefined) checkSample(base, options);
  checkSweepRuns(grid.length, options.replications, options.maxRuns);
  const cellCount = grid.length / options.variants.length;
  const cellSeeds: number[] = [];
  for (const point of grid.slice(0, cellCount)) {
    const scenario = loadPoint(sources, options, point);
    for (const spec of options.variants) deriveOrThrow(scenario, spec, point);
    const seed = options.seed ?? scenario.seed;
    if (seed + options.replications - 1 > MAX_SEED) {
      throw new SweepSpecError(`--replications: seeds ${seed} to ${seed + options.replications - 1} pass the largest seed, ${MAX_SEED}; use a smaller --seed`);
    }
    cellSeeds.push(seed);
  }
  const points = options.shard ? grid.filter((p) => inShard(p.index, options.shard!)) : grid;
  const tasks = points.flatMap((point) =>
    Array.from({ length: options.replications }, (_, r) => ({
      file: options.file,
      sources,
      overrides: [...options.set, ...pointOverrides(point)],
      ...(options.requests !== undefined ? { requests: options.requests } : {}),
      ...(options.sample !== undefined ? { sample: options.sample } : {}),
      seed: cellSeeds[point.index % cellCount]! + r,
      variant: point.variant,
    })),
  );
  const header: Omit<SweepResult, 'points'> = {
    scenario: base.name,
    seed: options.seed ?? base.seed,
    requests: options.requests ?? base.workload.requests,
    ...(options.sample !== undefined ? { sample: options.sample } : {}),
    replications: options.replications,
    params: options.params.map((p) => p.key),
    variants: [...options.variants],
    totalPoints: grid.length,
    ...(options.shard ? { shard: shardText(options.shard), part: partRecord(base, options) } : {}),
    ...(options.checks.length > 0 ? { slo: options.checks.map((c) => ({ metric: c.metric, operator: c.op, limit: c.limit })) } : {}),
  };
  return { header, points, tasks, sources };
}

/** Refuses, before any work, a `--sample` no point could run: a replayed trace, or less than one request. */
function checkSample(base: NamedScenario, options: SweepOptions): void {
  const asked = options.requests ?? base.workload.requests;
  if (asked * options.sample! < 1) throw new SweepSpecError(`--sample: expected a fraction that leaves at least one request to simulate, got ${options.sample} of ${asked} requests`);
  try {
    scaleForSample(base, options.sample!);
  } catch (error) {
    if (error instanceof ScenarioError) throw new SweepSpecError(error.issues.map(formatIssue).join('\n'));
    throw error;
  }
}

/** What a shard records of the command that wrote it (`SweepResult.part`), for `merge` to compare. */
function partRecord(scenario: NamedScenario, options: SweepOptions): NonNullable<SweepResult['part']> {
  const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
  return {
    version: HARNESS_SIM_VERSION,
    scenarioSha256: sha256(scenario),
    gridSha256: sha256({ params: options.params.map((p) => ({ key: p.key, values: p.values })), variants: options.variants }),
  };
}

/**
 * A point's params as overrides. Text values are read as YAML, as `--set` reads them, so
 * `250ms` and `4%` stay text for the unit parsers while `true` becomes a boolean.
 */
export function pointOverrides(point: GridPoint): { key: string; value: unknown }[] {
  return Object.entries(point.params).map(([key, value]) => ({ key, value: overrideValue(value) }));
}

function overrideValue(value: ParamValue): unknown {
  if (typeof value === 'number') return value;
  try {
    return parseYamlValue(value);
  } catch {
    return value; // the schema reports it, at the param's key
  }
}

/** Loads one cell, turning its problems into a message that names the `--param` at fault. */
function loadPoint(sources: ScenarioSources, options: SweepOptions, point: GridPoint): NamedScenario {
  try {
    return parseScenarioText(readThrough(sources, options.file), options.file, { overrides: [...options.set, ...pointOverrides(point)], sources });
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new SweepSpecError(error.issues.map((issue) => paramIssue(issue, point)).join('\n'));
  }
}

/**
 * `--param KEY=VALUE: message` when the issue is at (or on the way to) a swept key;
 * otherwise, as when a value breaks a rule spanning fields, every param of the point
 * followed by the issue where it was found.
 */
function paramIssue(issue: ScenarioIssue, point: GridPoint): string {
  const keys = Object.keys(point.params);
  const atKey = (key: string) => issue.key === key || issue.key.startsWith(`${key}.`) || issue.key.startsWith(`${key}[`) || key.startsWith(`${issue.key}.`);
  const owner = issue.file === OVERRIDE_SOURCE ? keys.filter(atKey).sort((a, b) => b.length - a.length)[0] : undefined;
  if (owner !== undefined) {
    const where = issue.key === owner ? '' : ` ${issue.key}:`;
    return `--param ${owner}=${point.params[owner]}:${where} ${issue.message}`;
  }
  const params = keys.map((key) => `${key}=${point.params[key]}`).join(' ');
  return `--param ${params || '(none)'}: ${formatIssue(issue)}`;
}

function deriveOrThrow(scenario: NamedScenario, spec: string, point: GridPoint): void {
  try {
    deriveVariant(scenario, spec);
  } catch (error) {
    if (!(error instanceof VariantError)) throw error;
    const params = Object.entries(point.params).map(([k, v]) => `${k}=${v}`).join(', ');
    throw new SweepSpecError(`--layers: ${error.message}${params ? ` (at ${params})` : ''}`);
  }
}

/** Progress after each finished task: points whose every replication is done. */
export type SweepProgress = (pointsDone: number, totalPoints: number) => void;

/**
 * Runs simulation tasks, in this thread when `jobs` is 1, else on that many worker threads,
 * and returns their headline figures in task order, however the threads finish. `sweep`,
 * `tune` and `lab` all run through here. `onDone(i)` is called as task `i` finishes.
 */
export async function runSweepTasks(tasks: readonly SweepTask[], jobs: number, onDone?: (task: number) => void): Promise<HeadlineValues[]> {
  const runner = taskRunner(jobs);
  try {
    return await runner.run(tasks, onDone);
  } finally {
    await runner.close();
  }
}

/** Runs batches of tasks on threads started once (or in this thread when `jobs` is 1); close it when done. */
export interface TaskRunner {
  run(tasks: readonly SweepTask[], onDone?: (task: number) => void): Promise<HeadlineValues[]>;
  close(): Promise<void>;
}

/** A runner for batch after batch: `jobs` worker threads kept between batches, or this thread when `jobs` is 1. */
export function taskRunner(jobs: number): TaskRunner {
  if (jobs <= 1) {
    return {
      run: async (tasks, onDone) =>
        tasks.map((task, i) => {
          const result = runTask(task);
          onDone?.(i);
          return result;
        }),
      close: async () => {},
    };
  }
  const pool = new WorkerPool<SweepTask, HeadlineValues>(new URL('./worker.js', import.meta.url), jobs);
  return {
    // A batch of one runs in this thread: starting a thread for it would cost more than it saves.
    run: async (tasks, onDone) => {
      if (tasks.length !== 1) return pool.run(tasks, onDone);
      const value = runTask(tasks[0]!);
      onDone?.(0);
      return [value];
    },
    close: () => pool.close(),
  };
}

/**
 * Runs the plan's tasks (see `runSweepTasks`) and assembles the result. The output is the
 * same for every `jobs`.
 */
export async function executeSweep(plan: SweepPlan, jobs: number, onProgress?: SweepProgress): Promise<SweepResult> {
  const replications = plan.header.replications;
  const remaining = plan.points.map(() => replications);
  let pointsDone = 0;
  const done = (task: number) => {
    const p = Math.floor(task / replications);
    if (--remaining[p]! === 0) pointsDone++;
    onProgress?.(pointsDone, plan.points.length);
  };
  const values = await runSweepTasks(plan.tasks, jobs, done);
  const points = plan.points.map((point, p) => summarisePoint(point, values.slice(p * replications, (p + 1) * replications)));
  return sweepResult(plan.header, points);
}

/** A point's figures: the mean over its replications, with 95% intervals when there are several. */
export function summarisePoint(point: GridPoint, runs: readonly HeadlineValues[]): SweepPoint {
  const metrics = {} as Record<HeadlineKey, number>;
  const intervals = {} as Record<HeadlineKey, Interval>;
  for (const key of HEADLINE_KEYS) {
    // Session figures only for a scenario with sessions, so other sweeps keep their shape.
    if (isSessionMetric(key) && !runs.some(hasSessionValues)) continue;
    const interval = confidenceInterval(runs.map((run) => run[key]));
    metrics[key] = round(interval.mean);
    intervals[key] = roundInterval(interval);
  }
  return { index: point.index, params: point.params, variant: point.variant, metrics, ...(runs.length > 1 ? { intervals } : {}) };
}

/**
 * A result with its fields in one fixed order (including each point's params, metrics and
 * intervals), whatever order `header` and `points` came in: a merge of parts read back from
 * JSON prints byte for byte what the unsharded run prints.
 */
export function sweepResult(header: Omit<SweepResult, 'points'>, points: readonly SweepPoint[]): SweepResult {
  const ordered = [...points].sort((a, b) => a.index - b.index);
  const pick = <T>(record: Record<HeadlineKey, T>, copy: (value: T) => T = (value) => value) =>
    Object.fromEntries(HEADLINE_KEYS.filter((key) => key in record).map((key) => [key, copy(record[key])])) as Record<HeadlineKey, T>;
  return {
    scenario: header.scenario,
    seed: header.seed,
    requests: header.requests,
    ...(header.sample !== undefined ? { sample: header.sample } : {}),
    replications: header.replications,
    params: [...header.params],
    variants: [...header.variants],
    totalPoints: header.totalPoints,
    ...(header.shard !== undefined ? { shard: header.shard } : {}),
    ...(header.part !== undefined ? { part: { version: header.part.version, scenarioSha256: header.part.scenarioSha256, gridSha256: header.part.gridSha256 } } : {}),
    points: ordered.map((point) => ({
      index: point.index,
      params: Object.fromEntries(header.params.map((key) => [key, point.params[key]!])),
      variant: point.variant,
      metrics: pick(point.metrics),
      ...(point.intervals ? { intervals: pick(point.intervals, canonicalInterval) } : {}),
    })),
    ...(header.slo !== undefined ? { slo: header.slo.map((s) => ({ metric: s.metric, operator: s.operator, limit: s.limit })) } : {}),
  };
}

function canonicalInterval(interval: Interval): Interval {
  return { mean: interval.mean, low: interval.low, high: interval.high, halfWidth: interval.halfWidth, sd: interval.sd, n: interval.n };
}
