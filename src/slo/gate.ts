import { appendFileSync } from 'node:fs';
import { formatMetricValue, headlineMetric, type HeadlineValues } from '../metrics/headline.js';
import { satisfies, type SloCheck } from './expression.js';
import { safeText } from '../text/safe-text.js';

/**
 * SLO gates: checks applied to the headline figures of each reported point (a run, or a
 * variant of a comparison), with the outputs CI needs: one stderr line per breach, GitHub
 * annotations and a step-summary table.
 */

/** One point to gate: a label for messages and its headline figures (means, when replicated). */
export interface GatePoint {
  label: string;
  values: HeadlineValues;
  checks: readonly SloCheck[];
}

/** The verdict of one check on one point. */
export interface GateResult {
  point: string;
  check: SloCheck;
  value: number;
  passed: boolean;
}

/** Applies every point's checks, in point order then check order. */
export function evaluateGates(points: readonly GatePoint[]): GateResult[] {
  return points.flatMap((point) =>
    point.checks.map((check) => {
      const value = point.values[check.metric];
      return { point: point.label, check, value, passed: satisfies(check, value) };
    }),
  );
}

/** The check as text: `visibleFailureRate < 0.1%`. */
export function checkName(check: SloCheck): string {
  return `${check.metric} ${check.bound}`;
}

/** The value in its metric's unit: `0.512%`, `3.50 s`. */
export function formatGateValue(result: GateResult): string {
  return formatMetricValue(headlineMetric(result.check.metric).unit, result.value);
}

/** One line about a breach: which point, which metric, the value against the limit. */
export function breachMessage(result: GateResult): string {
  return `${safeText(result.point)}: ${result.check.metric} = ${formatGateValue(result)}, limit ${safeText(result.check.bound)}`;
}

/** Environment the CI outputs read; a parameter so tests need not touch `process.env`. */
export interface GateEnvironment {
  GITHUB_ACTIONS?: string;
  GITHUB_STEP_SUMMARY?: string;
}

/**
 * Reports breaches: `SLO breach: ...` lines on stderr and, on GitHub Actions, `::error`
 * annotations plus a Markdown table appended to `$GITHUB_STEP_SUMMARY`. Returns whether
 * anything breached. The annotations go to stderr too, which the runner also scans, so
 * stdout stays the report alone.
 */
export function reportGates(results: readonly GateResult[], env: GateEnvironment = process.env): boolean {
  const breaches = results.filter((r) => !r.passed);
  // Breach messages are escaped (`breachMessage` runs names through `safeText`), so these
  // lines are written raw: the annotation must reach the runner as a command.
  for (const breach of breaches) process.stderr.write(`SLO breach: ${breachMessage(breach)}\n`);
  if (env.GITHUB_ACTIONS === 'true') {
    for (const breach of breaches) process.stderr.write(`::error title=SLO breach::${escapeWorkflowData(breachMessage(breach))}\n`);
    if (env.GITHUB_STEP_SUMMARY && results.length > 0) appendStepSummary(env.GITHUB_STEP_SUMMARY, gateSummaryMarkdown(results));
  }
  return breaches.length > 0;
}

/**
 * Appends to the step summary file. A summary that cannot be written (a read-only or
 * missing path) is worth a warning, not the run: the verdict's exit code must survive it.
 */
function appendStepSummary(path: string, markdown: string): void {
  try {
    appendFileSync(path, markdown);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`harness-sim: warning: cannot write the step summary to ${safeText(path)} (${safeText(reason)}); the SLO verdict stands\n`);
  }
}

/** A Markdown table of every check, for the GitHub step summary. */
export function gateSummaryMarkdown(results: readonly GateResult[]): string {
  const failed = results.filter((r) => !r.passed).length;
  const lines = [
    `### harness-sim SLO gates: ${failed === 0 ? 'all passed' : `${failed} of ${results.length} breached`}`,
    '',
    '| point | metric | value | limit | result |',
    '|---|---|---:|---|---|',
    ...results.map((r) =>
      `| ${[safeText(r.point), r.check.metric, formatGateValue(r), r.check.bound, r.passed ? 'pass' : '**breach**'].map(markdownCell).join(' | ')} |`,
    ),
  ];
  return `${lines.join('\n')}\n\n`;
}

/** Escapes a Markdown table cell: pipes would split it, newlines would end the row. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Escapes a workflow command's message the way `@actions/core` does (`%`, CR, LF). */
export function escapeWorkflowData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
