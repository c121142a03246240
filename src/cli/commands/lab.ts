import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { DEFAULT_LAB_RATES, executeLab, LabSpecError, MAX_LAB_RATES, planLab } from '../../lab/lab.js';
import { renderLabPage } from '../../lab/page.js';
import { parseParamValues, SweepSpecError } from '../../sweep/grid.js';
import { parseRate, UnitError } from '../../text/units.js';
import { UsageError } from '../errors.js';
import { formatOption, requestsOption, seedOption } from '../options.js';
import { emit } from '../output.js';
import { progressLine } from '../progress.js';
import { collectSet, SET_FLAGS, SET_HELP } from '../set-option.js';
import { jobsOption } from './sweep.js';
import { scenarioArgument } from '../bundled.js';

/** Requests per run when `--requests` is not given: a lab runs hundreds of them. */
export const DEFAULT_LAB_REQUESTS = 20_000;

interface LabFlags {
  errorRates: number[];
  requests?: number;
  seed?: number;
  jobs?: number;
  set: string[];
  format?: 'html' | 'json';
  out?: string;
}

/** Parses `--error-rates`: a list (`0,1%,4%`) or range (`0%..30%:5%`) of rates, ascending, each in [0, 1]. */
export function errorRatesOption(value: string): number[] {
  let rates: number[];
  try {
    rates = parseParamValues(value).map((v) => parseRate(v));
  } catch (error) {
    if (error instanceof SweepSpecError || error instanceof UnitError) throw new UsageError(`--error-rates: ${error.message}`);
    throw error;
  }
  if (rates.length > MAX_LAB_RATES) throw new UsageError(`--error-rates: at most ${MAX_LAB_RATES} rates (each one runs every layer combination), got ${rates.length}`);
  if (rates.some((r, i) => i > 0 && r <= rates[i - 1]!)) throw new UsageError(`--error-rates: expected rates in ascending order without repeats, got "${value}"`);
  return rates;
}

/**
 * `harness-sim lab FILE --out lab.html`: runs every on/off combination of the scenario's
 * layers at a set of upstream error rates and writes one self-contained page to explore
 * them (`--format json` writes the runs' figures instead).
 */
export function registerLab(program: Command): void {
  program
    .command('lab')
    .description('run every on/off combination of the layers at several upstream error rates and write an interactive page of the real runs')
    .addArgument(scenarioArgument('<file>', 'scenario YAML file'))
    .option('--error-rates <rates>', `upstream error rates for the slider, set on every model (default ${DEFAULT_LAB_RATES.map((r) => `${r * 100}%`).join(',')})`, errorRatesOption)
    .option('--requests <n>', `requests in each run (default ${DEFAULT_LAB_REQUESTS / 1000}K)`, requestsOption)
    .option('--seed <n>', "the seed of every run (default: the scenario's)", seedOption)
    .option('--jobs <n>', 'worker threads (default: the available CPUs; 1 runs in-process)', jobsOption)
    .option(SET_FLAGS, `${SET_HELP}; applies to every run, before the layer and error-rate choices`, collectSet, [])
    .option('--format <format>', "html or json (default: from --out's extension, else html)", formatOption(['html', 'json'] as const))
    .option('--out <file>', 'write the page (or the JSON) to a file instead of stdout')
    .action((file: string, flags: LabFlags) => {
      const format = flags.format ?? (extname(flags.out ?? '').toLowerCase() === '.json' ? 'json' : 'html');
      let plan;
      try {
        plan = planLab({ file, set: flags.set, errorRates: flags.errorRates ?? DEFAULT_LAB_RATES, seed: flags.seed, requests: flags.requests ?? DEFAULT_LAB_REQUESTS });
      } catch (error) {
        if (error instanceof LabSpecError) throw new UsageError(error.message);
        throw error;
      }
      const progress = progressLine(process.stderr, 'lab');
      const jobs = flags.jobs ?? availableParallelism();
      return executeLab(plan, jobs, (done, total) => progress.update(done / total, `${done}/${total} runs`)).then(
        (data) => {
          progress.clear();
          emit(format === 'json' ? JSON.stringify(data, null, 2) : renderLabPage(data), flags.out);
        },
        (error: unknown) => {
          progress.clear();
          throw error;
        },
      );
    });
}
