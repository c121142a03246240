import type { Command } from 'commander';
import { basename } from 'node:path';
import { fitFiles } from '../../fit/run-fit.js';
import { renderFitReport } from '../../fit/report.js';
import { fittedScenarioYaml } from '../../fit/write-scenario.js';
import { parseScenarioText } from '../../scenario/load.js';
import { TelemetryFileError } from '../../telemetry/read.js';
import { UsageError } from '../errors.js';
import { emit } from '../output.js';
import { printErr, printOut } from '../print.js';
import { formatOption } from '../options.js';

interface FitFlags {
  out?: string;
  name?: string;
  format: 'yaml' | 'json';
}

/**
 * `harness-sim fit FILES...`: fits a scenario from call logs and traces. The scenario goes to
 * stdout (or `--out`), the fit report to stderr (or stdout when `--out` is given), so
 * `harness-sim fit calls.jsonl > fitted.yaml` works as expected.
 */
export function registerFit(program: Command): void {
  program
    .command('fit')
    .description('fit a scenario from your own call logs or traces (OTLP JSON, JSONL/CSV call logs, agent-trace sessions)')
    .argument('<files...>', 'telemetry files: .jsonl, .jsonl.gz, .json (OTLP file exporter) or .csv')
    .option('--out <file>', 'write the fitted scenario here (the fit report then goes to stdout)')
    .option('--name <name>', 'the fitted scenario\'s name (default: fitted from the first file)')
    .option('--format <format>', 'yaml (the scenario) or json (every fitted figure)', formatOption(['yaml', 'json'] as const), 'yaml')
    .action(async (files: string[], flags: FitFlags) => {
      let fit;
      try {
        fit = await fitFiles(files);
      } catch (error) {
        if (error instanceof TelemetryFileError) throw new UsageError(error.message);
        throw error;
      }
      if (fit.calls === 0) {
        const example = fit.badExamples[0] ? `, e.g. ${JSON.stringify(fit.badExamples[0]).slice(1, -1)}` : '';
        throw new UsageError(`no usable call records in ${files.map((f) => JSON.stringify(f)).join(', ')} (${fit.badRecords} bad records${example})`);
      }
      if (flags.format === 'json') {
        emit(JSON.stringify(fit, null, 2), flags.out);
        return;
      }
      const name = flags.name ?? `fitted from ${basename(files[0]!)}`;
      const yaml = fittedScenarioYaml(fit, name);
      // A fitted scenario that does not validate is a bug in fit, not in the user's logs.
      parseScenarioText(yaml, flags.out ?? 'fitted.yaml');
      const report = renderFitReport(fit);
      if (flags.out) {
        emit(yaml, flags.out);
        printOut(report);
      } else {
        printErr(report);
        printOut(yaml);
      }
    });
}
