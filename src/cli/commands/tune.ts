import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { useColor } from '../../report/table.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { readScenarioText } from '../../scenario/yaml-source.js';
import { parseMetricName, SloSyntaxError } from '../../slo/expression.js';
import { escapeWorkflowData } from '../../slo/gate.js';
import { SweepSpecError, type SweepParam } from '../../sweep/grid.js';
import { bestScenarioYaml } from '../../tune/best-yaml.js';
import { renderTuneHtml } from '../../tune/html.js';
import type { Objective } from '../../tune/race.js';
import { renderTuneTable } from '../../tune/render.js';
import type { TuneResult } from '../../tune/result.js';
import { executeTune, planTune } from '../../tune/run.js';
import { ExitCode, UsageError } from '../errors.js';
import { printErr } from '../print.js';
import { progressLine } from '../progress.js';
import { isSessionMetric } from '../../metrics/headline.js';
import { ASSERT_FLAGS, assertionOption, checksFor, type GateFlags } from '../gates.js';
import { formatOption, requestsOption, seedOption } from '../options.js';
import { emit, writeFileAtomic } from '../output.js';
import { MAX_REPLICATIONS } from '../replicate.js';
import { collectSet, SET_FLAGS, SET_HELP } from '../set-option.js';
import { jobsOption, paramOption } from './sweep.js';
import { scenarioArgument } from '../bundled.js';

/** The most simulation runs one tune may spend. */
export const MAX_BUDGET = 100_000;
/** Replications of the best configurations when `--replications` is not given. */
export const DEFAULT_TUNE_REPLICATIONS = 8;

interface TuneFlags extends Pick<GateFlags, 'assert'> {
  param: SweepParam[];
  minimize?: Objective['metric'];
  maximize?: Objective['metric'];
  budget?: number;
  replications: number;
  seed?: number;
  requests?: number;
  jobs?: number;
  set: string[];
  format: 'table' | 'json';
  out?: string;
  report?: string;
}

/** Parses `--minimize` / `--maximize`: a headline metric name. */
function metricOption(flag: string) {
  return (value: string) => {
    try {
      return parseMetricName(value.trim());
    } catch (error) {
      if (error instanceof SloSyntaxError) throw new UsageError(`${flag}: ${error.message}`);
      throw error;
    }
  };
}

/** Parses `--budget N`: simulation runs, 1 to `MAX_BUDGET`. */
function budgetOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > MAX_BUDGET) throw new UsageError(`--budget: expected a whole number of simulation runs from 1 to ${MAX_BUDGET}, got "${value}"`);
  return n;
}

/** Parses `--replications N` for tune: the most runs one configuration gets. */
function tuneReplicationsOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > MAX_REPLICATIONS) throw new UsageError(`--replications: expected a whole number from 1 to ${MAX_REPLICATIONS}, got "${value}"`);
  return n;
}

/** The budget when `--budget` is not given: two runs a configuration (at least 50), never more than running every one to the top rung. */
export function defaultBudget(cells: number, replications: number): number {
  return Math.min(MAX_BUDGET, cells * replications, Math.max(50, 2 * cells));
}

/**
 * `harness-sim tune FILE --param KEY=SPEC ... --assert EXPR ...`: finds the configuration of
 * the grid that minimises (or maximises) a metric subject to the constraints, racing the
 * candidates under common random numbers.
 */
export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('find the configuration that minimises a metric (default monthlyCost) subject to SLO constraints, racing configurations under common random numbers')
    .addArgument(scenarioArgument('<file>', 'scenario YAML file'))
    .option('--param <KEY=SPEC>', 'tuned key and its values, as sweep takes them: 1..8:1, 250ms,1s, 1e-3..1e-1:x10 (repeatable)', paramOption, [])
    .option(ASSERT_FLAGS, "a constraint, e.g. 'visibleFailureRate < 0.1%' (repeatable; the scenario's slo: block counts too)", assertionOption, [])
    .option('--minimize <metric>', 'the metric to minimise (default monthlyCost)', metricOption('--minimize'))
    .option('--maximize <metric>', 'the metric to maximise instead (e.g. cacheHitRate)', metricOption('--maximize'))
    .option('--budget <n>', 'the most simulation runs to spend (default: 2 per configuration, at least 50)', budgetOption)
    .option('--replications <n>', `the most replications (seeds seed..seed+N-1) a configuration gets as it survives the race (default ${DEFAULT_TUNE_REPLICATIONS})`, tuneReplicationsOption, DEFAULT_TUNE_REPLICATIONS)
    .option('--seed <n>', "the root seed: replication r of every configuration runs seed + r (default: the scenario's)", seedOption)
    .option('--requests <n>', 'simulate only the first N requests in each run (e.g. 200K)', requestsOption)
    .option('--jobs <n>', 'worker threads (default: the available CPUs; 1 runs in-process); the answer does not depend on it', jobsOption)
    .option(SET_FLAGS, `${SET_HELP}; applies to every configuration, before its params`, collectSet, [])
    .option('--format <format>', 'table or json', formatOption(['table', 'json'] as const), 'table')
    .option('--out <file>', 'write the best configuration as a full scenario (.yaml), with a comment saying how it was chosen')
    .option('--report <file>', 'also write an HTML report with the Pareto fronts (self-contained, no script)')
    .option('--shard <i/n|auto>', 'refused: see the message', () => {
      throw new UsageError('--shard: tune picks each round from the results of the last, so it cannot be split into independent shards; run it with --jobs on one machine, or shard an exhaustive `sweep --shard auto` and `merge` it');
    })
    .action((file: string, flags: TuneFlags) => {
      if (flags.param.length === 0) throw new UsageError('tune needs at least one --param KEY=SPEC (e.g. --param layers.retry.maxAttempts=1..8:1)');
      if (flags.minimize && flags.maximize) throw new UsageError('--minimize and --maximize: give one objective');
      const objective: Objective = flags.maximize ? { metric: flags.maximize, direction: 'maximize' } : { metric: flags.minimize ?? 'monthlyCost', direction: 'minimize' };
      // The paths themselves were checked before the action (src/cli/output-paths.ts).
      if (flags.out !== undefined && !['.yaml', '.yml'].includes(extname(flags.out).toLowerCase())) {
        throw new UsageError(`--out: writes the best configuration as a scenario, so it must end in .yaml or .yml, got "${flags.out}" (for the JSON result use --format json)`);
      }
      const base = loadScenarioFile(file, { overrides: flags.set }).scenario;
      const constraints = checksFor(base, { assert: flags.assert });
      if (!base.workload.sessions && isSessionMetric(objective.metric)) {
        throw new UsageError(`--${objective.direction}: ${objective.metric} is an agent-session figure, and this scenario has no workload.sessions`);
      }
      const cells = flags.param.reduce((n, p) => n * p.values.length, 1);
      const plan = usage(() =>
        planTune({
          file,
          params: flags.param,
          set: flags.set,
          seed: flags.seed,
          requests: flags.requests,
          objective,
          constraints,
          budget: flags.budget ?? defaultBudget(cells, flags.replications),
          maxReplications: flags.replications,
        }),
      );
      const text = plan.sources.get(file) ?? readScenarioText(file);
      const jobs = Math.max(1, flags.jobs ?? availableParallelism());
      const progress = progressLine(process.stderr, 'tune');
      // The action returns the running tune: commander awaits it, so its files are put in
      // place with the command's (src/cli/output.ts) and its errors reach main's boundary.
      return executeTune(plan, jobs, (runs, budget) => progress.update(runs / budget, `${runs}/${budget} runs`)).then(
        (result) => {
          progress.clear();
          printTune(result, flags, { file, text });
        },
        (error: unknown) => {
          progress.clear();
          throw error;
        },
      );
    });
}

/** Prints the result, writes `--out` and `--report`, and sets exit code 1 when nothing is feasible. */
function printTune(result: TuneResult, flags: TuneFlags, source: { file: string; text: string }): void {
  const yaml = result.best && flags.out ? bestScenarioYaml({ file: source.file, text: source.text, set: flags.set, out: flags.out }, result, result.best) : undefined;
  emit(flags.format === 'json' ? JSON.stringify(result, null, 2) : renderTuneTable(result, useColor(process.stdout)), undefined);
  if (flags.report) writeFileAtomic(flags.report, renderTuneHtml(result));
  if (yaml !== undefined) writeFileAtomic(flags.out!, yaml);
  if (result.best === null) {
    const message = `tune: no configuration met every constraint at 95% confidence after ${result.runs} runs`;
    printErr(`harness-sim: ${message}${flags.out ? `; ${flags.out} not written` : ''}\n`);
    // On GitHub Actions, the same annotation an SLO gate gives (the text escaped for the runner).
    if (process.env.GITHUB_ACTIONS === 'true') process.stderr.write(`::error title=SLO breach::${escapeWorkflowData(message)}\n`);
    process.exitCode = ExitCode.Breach;
  }
}

/** Runs `parse`, turning a grid spec error into a usage error (exit 2). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SweepSpecError) throw new UsageError(error.message);
    throw error;
  }
}
