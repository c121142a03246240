import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import type { SweepResult } from '../../report/sweep-types.js';
import { useColor } from '../../report/table.js';
import { deriveVariant, VariantError, type NamedScenario } from '../../report/variants.js';
import { snapshotScenario } from '../../scenario/load.js';
import { parseParamOption, SweepSpecError, type Shard, type SweepParam } from '../../sweep/grid.js';
import { renderSweep, sweepGatePoints, SWEEP_FORMATS, type SweepFormat } from '../../sweep/render.js';
import { executeSweep, planSweep } from '../../sweep/run.js';
import { progressLine } from '../progress.js';
import { parseShardOption } from '../../sweep/shard-env.js';
import { UsageError } from '../errors.js';
import { addGateOptions, applyGates, checksFor, type GateFlags } from '../gates.js';
import { formatOption, requestsOption, sampleOption, seedOption } from '../options.js';
import { emit } from '../output.js';
import { REPLICATIONS_FLAGS, REPLICATIONS_HELP, replicationsOption } from '../replicate.js';
import { collectSet, SET_FLAGS, SET_HELP } from '../set-option.js';
import { addReportOptions, writeReports, type ReportFlags } from '../sweep-reports.js';
import { layersOption } from './compare.js';
import { scenarioArgument } from '../bundled.js';

/** The most worker threads `--jobs` may ask for. */
export const MAX_JOBS = 1024;

interface SweepFlags extends SweepOutputFlags {
  param: SweepParam[];
  layers?: string[];
  seed?: number;
  requests?: number;
  sample?: number;
  replications: number;
  jobs?: number;
  shard?: Shard;
  set: string[];
}

/** Parses one `--param KEY=SPEC` and appends it (repeatable; the first varies slowest). */
export function paramOption(value: string, previous: SweepParam[] = []): SweepParam[] {
  return [...previous, usage(() => parseParamOption(value))];
}

/** Parses `--jobs N`: a whole number from 1 to `MAX_JOBS`. */
export function jobsOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > MAX_JOBS) throw new UsageError(`--jobs: expected a whole number from 1 to ${MAX_JOBS}, got "${value}"`);
  return n;
}

/** Runs `parse`, turning a grid or shard spec error into a usage error (exit 2). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SweepSpecError) throw new UsageError(error.message);
    throw error;
  }
}

/** The format asked for, else the one `--out`'s extension names (`.json`, `.csv`, `.md`), else a table. */
export function outputFormat(format: SweepFormat | undefined, out: string | undefined): SweepFormat {
  if (format) return format;
  const fromExtension = { '.json': 'json', '.csv': 'csv', '.md': 'md' }[extname(out ?? '').toLowerCase()] as SweepFormat | undefined;
  return fromExtension ?? 'table';
}

/** Options `sweep` and `merge` share for printing a result. */
export interface SweepOutputFlags extends GateFlags, ReportFlags {
  format?: SweepFormat;
  out?: string;
}

/**
 * Prints a result the one way `sweep` and `merge` both do: the report (stdout or `--out`),
 * the extra reports, then the gates, every point against the result's `slo`. A shard's part
 * is not gated: its points are gated once merged.
 */
export function printSweep(result: SweepResult, flags: SweepOutputFlags): void {
  const format = outputFormat(flags.format, flags.out);
  emit(renderSweep(result, format, !flags.out && useColor(process.stdout)), flags.out);
  // Extension point: --report / --chart are written here (src/cli/sweep-reports.ts).
  writeReports(result, flags);
  if (result.shard === undefined) applyGates(sweepGatePoints(result), flags);
}

/**
 * `harness-sim sweep FILE --param KEY=SPEC ...`: runs the scenario at every point of a
 * parameter grid (x layer variants) and prints one row per point.
 */
export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description('run a scenario over a grid of parameter values (and layer variants) and print one row per point')
    .addArgument(scenarioArgument('<file>', 'scenario YAML file'))
    .option(
      '--param <KEY=SPEC>',
      'swept key and values: a range 0.01..0.2:0.01, a list 250ms,1s or a log range 1e-3..1e-1:x10 (repeatable; the first varies slowest)',
      paramOption,
      [],
    )
    .option('--layers <variants>', 'also sweep layer variants: none, all, or names joined by + (retry,retry+breaker)', layersOption)
    .option('--requests <n>', 'simulate only the first N requests at each point (e.g. 20K)', requestsOption)
    .option('--sample <fraction>', 'simulate this fraction of each point\'s traffic (e.g. 0.1), capacities scaled alike; counts and cost are scaled back', sampleOption)
    .option('--seed <n>', 'seed for every point (default: the scenario\'s)', seedOption)
    .option(REPLICATIONS_FLAGS, REPLICATIONS_HELP, replicationsOption, 1)
    .option('--format <format>', 'table, json, csv or md (default: from --out\'s extension, else table)', formatOption(SWEEP_FORMATS))
    .option('--out <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--jobs <n>', 'worker threads (default: the available CPUs; 1 runs in-process)', jobsOption)
    .option(
      '--shard <i/n|auto>',
      'run only points whose index % n == i-1 and write a part for `merge` (JSON; gated at merge); auto reads i and n from the batch engine (HARNESS_SIM_SHARD, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID, CLOUD_RUN_TASK_INDEX)',
      (v: string) => usage(() => parseShardOption(v)),
    )
    .option(SET_FLAGS, `${SET_HELP}; applies to every point, before its params`, collectSet, []);
  addReportOptions(addGateOptions(command)).action((file: string, flags: SweepFlags) => {
    if (flags.param.length === 0) throw new UsageError('sweep needs at least one --param KEY=SPEC (e.g. --param upstream.models.sonnet.errors.rate=0..0.9:0.1)');
    if (flags.shard && outputFormat(flags.format, flags.out) !== 'json') {
      throw new UsageError('--shard writes a part for `harness-sim merge`, which reads JSON: add --format json or --out part-1.json');
    }
    if (flags.shard && flags.junit) throw new UsageError('--junit with --shard: a part is gated when merged; pass --junit to merge');
    const variants = flags.layers ?? ['all'];
    // The files are read here, once: every point runs from this snapshot (src/sweep/run.ts).
    const { sources, scenario: base } = snapshotScenario(file, { overrides: flags.set });
    checkVariants(base, variants);
    const plan = usage(() =>
      planSweep({
        file,
        sources,
        params: flags.param,
        variants,
        set: flags.set,
        seed: flags.seed,
        requests: flags.requests,
        ...(flags.sample !== undefined ? { sample: flags.sample } : {}),
        replications: flags.replications,
        shard: flags.shard,
        checks: checksFor(base, flags),
      }),
    );
    const jobs = Math.max(1, Math.min(flags.jobs ?? availableParallelism(), plan.tasks.length));
    const progress = progressLine(process.stderr, 'sweep');
    // The action returns the running sweep: commander awaits it, so its files are put in
    // place with the command's (src/cli/output.ts) and its errors reach main's boundary.
    return executeSweep(plan, jobs, (done, total) => progress.update(done / total, `${done}/${total} points`)).then(
      (result) => {
        progress.clear();
        printSweep(result, flags);
      },
      (error: unknown) => {
        progress.clear();
        throw error;
      },
    );
  });
}

/** Refuses an unknown or absent layer, and two specs naming the same variant. */
function checkVariants(scenario: NamedScenario, specs: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const spec of specs) {
    let label: string;
    try {
      label = deriveVariant(scenario, spec).label;
    } catch (error) {
      if (error instanceof VariantError) throw new UsageError(`--layers: ${error.message}`);
      throw error;
    }
    const earlier = seen.get(label);
    if (earlier !== undefined) throw new UsageError(`--layers: "${spec}" is the same variant as "${earlier}"; list each once`);
    seen.set(label, spec);
  }
}
