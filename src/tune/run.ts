import type { HeadlineValues } from '../metrics/headline.js';
import type { SloCheck } from '../slo/expression.js';
import { SweepSpecError, type SweepParam } from '../sweep/grid.js';
import type { ScenarioSources } from '../scenario/load.js';
import { planSweep, pointOverrides, taskRunner, type SweepTask } from '../sweep/run.js';
import type { Objective } from './race.js';
import { tuneResult, type TuneResult } from './result.js';
import { search, type SearchProgress, type SearchTask } from './search.js';
import { SearchSpace } from './space.js';

/**
 * Planning and running a tune: the grid is validated as a sweep validates it (every cell,
 * before anything runs), then the search asks for runs batch by batch and the sweep's
 * worker pool runs them.
 */

/** What a tune runs. */
export interface TuneOptions {
  file: string;
  params: readonly SweepParam[];
  /** `--set` overrides, applied before each cell's params. */
  set: readonly string[];
  seed?: number;
  requests?: number;
  objective: Objective;
  constraints: readonly SloCheck[];
  budget: number;
  maxReplications: number;
}

/** A validated tune, ready to run. */
export interface TunePlan {
  options: TuneOptions;
  space: SearchSpace;
  scenario: string;
  /** The root seed: replication r of every configuration runs seed + r. */
  seed: number;
  requests: number;
  /** The scenario's files as read once at the start: every run loads from them. */
  sources: ScenarioSources;
}

/**
 * Validates the file, `--set`, every cell of the grid and the seeds. Throws `ScenarioError`
 * or `SweepSpecError` (naming `--param KEY=VALUE`), as `sweep` does.
 */
export function planTune(options: TuneOptions): TunePlan {
  const seedParam = options.params.find((p) => p.key === 'seed' || p.key === 'workload.requests');
  if (seedParam !== undefined) {
    throw new SweepSpecError(`--param ${seedParam.key}: tune compares configurations on the same seeds and volume; tune a harness setting, and use --seed or --requests for these`);
  }
  const sweep = planSweep({
    file: options.file,
    params: options.params,
    variants: ['all'],
    set: options.set,
    seed: options.seed,
    requests: options.requests,
    replications: options.maxReplications,
    checks: [],
    // Tune runs its budget, not the grid: the grid only bounds the cells it may visit.
    maxRuns: Number.POSITIVE_INFINITY,
  });
  return {
    options,
    space: new SearchSpace(options.params),
    scenario: sweep.header.scenario,
    seed: sweep.header.seed,
    requests: sweep.header.requests,
    sources: sweep.sources,
  };
}

/** The simulation one search task stands for. */
export function tuneTask(plan: TunePlan, task: SearchTask): SweepTask {
  const { options } = plan;
  return {
    file: options.file,
    sources: plan.sources,
    overrides: [...options.set, ...pointOverrides({ index: task.cell, params: plan.space.paramsAt(task.cell), variant: 'all' })],
    ...(options.requests !== undefined ? { requests: options.requests } : {}),
    seed: plan.seed + task.replication,
    variant: 'all',
  };
}

/** Runs the search on `jobs` threads and builds the result; the same for every `jobs`. */
export async function executeTune(plan: TunePlan, jobs: number, onProgress?: SearchProgress): Promise<TuneResult> {
  const { options } = plan;
  const runner = taskRunner(jobs);
  const runBatch = (tasks: readonly SearchTask[]): Promise<HeadlineValues[]> => runner.run(tasks.map((task) => tuneTask(plan, task)));
  let outcome;
  try {
    outcome = await search(
      { space: plan.space, objective: options.objective, constraints: options.constraints, budget: options.budget, maxReplications: options.maxReplications },
      runBatch,
      onProgress,
    );
  } finally {
    await runner.close();
  }
  return tuneResult(
    { scenario: plan.scenario, seed: plan.seed, requests: plan.requests, budget: options.budget, maxReplications: options.maxReplications },
    plan.space,
    options.objective,
    options.constraints,
    outcome,
  );
}
