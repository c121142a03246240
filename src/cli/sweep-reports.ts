import type { Command } from 'commander';
import { renderSweepHtml } from '../report/html.js';
import type { SweepResult } from '../report/sweep-types.js';
import { sweepTerminalChart, writeChart } from '../report/terminal-chart.js';
import { writeFileAtomic } from './output.js';

/**
 * Extra sweep reports (`--report FILE.html`, `--chart`), shared by `sweep` and `merge`:
 * both commands call `addReportOptions` when they are built and `writeReports` once the
 * result is printed, before gates run.
 */

/** `--report <file>` and `--chart` as commander hands them over, with the output flags that decide where the chart goes. */
export interface ReportFlags {
  report?: string;
  chart?: boolean;
  format?: string;
  out?: string;
}

/** Help text of `--report`, shared with `run` and `compare`. */
export const REPORT_HELP = 'also write a self-contained HTML report with charts (no script, no network) to this file';
/** Help text of `--chart` for sweeps. */
export const SWEEP_CHART_HELP = 'also print a compact Unicode chart of the visible failure rate against the first --param';

/** Adds `--report <file>` and `--chart` to `sweep` and `merge`. */
export function addReportOptions(command: Command): Command {
  return command.option('--report <file>', REPORT_HELP).option('--chart', SWEEP_CHART_HELP);
}

/**
 * Writes the reports the flags ask for; called with the full result (merged, for `merge`).
 * The chart goes to stdout after a table, and to stderr when stdout carries JSON, CSV or
 * Markdown, so piping the data stays clean.
 */
export function writeReports(result: SweepResult, flags: ReportFlags): void {
  if (flags.report) writeFileAtomic(flags.report, renderSweepHtml(result));
  if (flags.chart) writeChart(sweepTerminalChart(result), !flags.out && flags.format !== undefined && flags.format !== 'table');
}
