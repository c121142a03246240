import type { Command } from 'commander';
import { simulate, type RunOutput } from '../../engine/simulator.js';
import { buildResult } from '../../metrics/results.js';
import { headlineValues } from '../../metrics/headline.js';
import { renderRunHtml } from '../../report/html.js';
import { renderRunTable, useColor } from '../../report/table.js';
import { runTerminalChart, writeChart } from '../../report/terminal-chart.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { applyGates, ASSERT_FLAGS, ASSERT_HELP, assertionOption, checksFor, JUNIT_FLAGS, JUNIT_HELP, type GateFlags } from '../gates.js';
import { UsageError } from '../errors.js';
import { openCallsOut, type CallsOut } from '../calls-out.js';
import { emit, writeFileAtomic } from '../output.js';
import { callsSampleOption, formatOption, requestsOption, sampleOption, seedOption } from '../options.js';
import { printRunWarnings, REPLICATIONS_FLAGS, REPLICATIONS_HELP, replicationsOption, runReplicated, watchRuns } from '../replicate.js';
import { collectSet, SET_FLAGS, SET_HELP } from '../set-option.js';
import { REPORT_HELP } from '../sweep-reports.js';
import { scenarioArgument } from '../bundled.js';

interface RunFlags extends GateFlags {
  seed?: number;
  requests?: number;
  sample?: number;
  format: 'table' | 'json';
  out?: string;
  set: string[];
  replications: number;
  report?: string;
  chart?: boolean;
  callsOut?: string;
  callsSample?: number;
}

/** `harness-sim run FILE`: simulate one scenario and report its figures. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('simulate a scenario and print its results')
    .addArgument(scenarioArgument('<file>', 'scenario YAML file'))
    .option('--seed <n>', 'override the scenario seed', seedOption)
    .option('--requests <n>', 'simulate only the first N requests (e.g. 100K) at the scenario arrival rate', requestsOption)
    .option('--sample <fraction>', 'simulate this fraction of the traffic (e.g. 0.1), capacities scaled alike; counts and cost are scaled back and the sampling error reported', sampleOption)
    .option('--format <format>', 'table or json', formatOption(['table', 'json'] as const), 'table')
    .option('--out <file>', 'write the report to a file (atomically) instead of stdout')
    .option(SET_FLAGS, SET_HELP, collectSet, [])
    .option(REPLICATIONS_FLAGS, REPLICATIONS_HELP, replicationsOption, 1)
    .option(ASSERT_FLAGS, ASSERT_HELP, assertionOption, [])
    .option(JUNIT_FLAGS, JUNIT_HELP)
    .option('--report <file>', REPORT_HELP)
    .option('--chart', 'also print a compact Unicode chart of the failure rate through simulated time')
    .option('--calls-out <file>', 'also write every model and tool call as a JSON line (OpenTelemetry GenAI names; .gz compresses), for fit or your own tools')
    .option('--calls-sample <fraction>', "with --calls-out: keep the calls of this seeded fraction of requests (whole sessions), e.g. 0.01", callsSampleOption)
    .action((file: string, flags: RunFlags) => {
      const { scenario } = loadScenarioFile(file, { overrides: flags.set });
      const checks = checksFor(scenario, flags);
      if (flags.callsSample !== undefined && flags.callsOut === undefined) throw new UsageError('--calls-sample: keeps a share of the calls --calls-out writes; add --calls-out FILE');
      if (flags.replications > 1 && flags.callsOut !== undefined) throw new UsageError('--calls-out writes the calls of one run; drop --replications (or run each seed with --seed)');
      if (flags.replications > 1 && (flags.report || flags.chart)) {
        throw new UsageError('--report and --chart draw one run; drop --replications, or use compare/sweep --replications for intervals');
      }
      if (flags.replications > 1 && flags.sample !== undefined) throw new UsageError('--sample reports its own sampling error for one run; drop --replications or --sample');
      if (flags.replications > 1) return runReplicated(scenario, flags);
      const watch = watchRuns('run');
      const callsOut: CallsOut | undefined = flags.callsOut !== undefined ? openCallsOut(flags.callsOut, flags.callsSample) : undefined;
      let output: RunOutput;
      try {
        output = simulate(scenario, { seed: flags.seed, requests: flags.requests, sample: flags.sample }, watch.progress, callsOut?.calls);
      } finally {
        watch.clear();
      }
      callsOut?.finish();
      const result = buildResult(scenario.name, output);
      printRunWarnings([result]);
      const text =
        flags.format === 'json'
          ? JSON.stringify(result, null, 2)
          : renderRunTable(result, !flags.out && useColor(process.stdout));
      emit(text, flags.out);
      if (flags.report) writeFileAtomic(flags.report, renderRunHtml(result));
      if (flags.chart) writeChart(runTerminalChart(result), flags.format === 'json' && !flags.out);
      applyGates([{ label: scenario.name, values: headlineValues(result), checks }], flags);
    });
}
