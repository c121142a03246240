import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { integer } from '../text/format.js';
import { formatMetricValue, headlineMetric, shownMetrics, type HeadlineMetric } from '../metrics/headline.js';
import type { SweepPoint, SweepResult } from '../report/sweep-types.js';
import { formatDurationMs, formatMoneyUsd, formatRate } from '../text/units.js';
import { safeText } from '../text/safe-text.js';
import type { SloCheck, SloOperator } from '../slo/expression.js';
import type { GatePoint } from '../slo/gate.js';

/**
 * How a sweep result is shown (table, CSV, Markdown, JSON) and gated. `sweep` and `merge`
 * both print through here, so a merged sweep prints what the unsharded one does.
 */

/** The output formats of `sweep` and `merge`. */
export const SWEEP_FORMATS = ['table', 'json', 'csv', 'md'] as const;
/** A sweep output format. */
export type SweepFormat = (typeof SWEEP_FORMATS)[number];

/** Renders the result in `format`; `color` only affects the table. */
export function renderSweep(result: SweepResult, format: SweepFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return JSON.stringify(result, null, 2);
    case 'csv':
      return renderSweepCsv(result);
    case 'md':
      return renderSweepMarkdown(result);
    case 'table':
      return renderSweepTable(result, color);
  }
}

/** The line above the table: scenario, seeds, volume, grid size (and shard). */
export function sweepTitle(result: SweepResult): string {
  const seeds = result.replications > 1 ? `seeds ${result.seed}..${result.seed + result.replications - 1} (mean ± 95% CI)` : `seed ${result.seed}`;
  const cells = result.totalPoints / Math.max(1, result.variants.length);
  const grid = result.variants.length > 1 ? `${cells} x ${result.variants.length} variants` : `${cells}`;
  const shard = result.shard ? `  shard ${result.shard}: ${result.points.length} of` : '';
  const sampled = result.sample !== undefined ? ` (${Number((result.sample * 100).toPrecision(6))}% sampled, scaled back)` : '';
  return `sweep ${safeText(result.scenario)}  ${seeds}  ${integer(result.requests)} requests${sampled}${shard}  ${result.totalPoints} points (${grid})`;
}

/** Whether the variant column says anything: not for a sweep of the scenario as written. */
function showVariant(result: SweepResult): boolean {
  return !(result.variants.length === 1 && result.variants[0] === 'all');
}

/** A metric's cell: the value, `± half-width` when replicated. */
function metricCell(metric: HeadlineMetric, point: SweepPoint): string {
  const value = formatMetricValue(metric.unit, point.metrics[metric.key]);
  const half = point.intervals?.[metric.key]?.halfWidth;
  return half === undefined || half === null ? value : `${value} ± ${formatMetricValue(metric.unit, half)}`;
}

/** The metrics a sweep shows: the session figures only when its points ran sessions. */
export function sweepMetrics(result: SweepResult): readonly HeadlineMetric[] {
  return shownMetrics(result.points.map((p) => p.metrics));
}

function rows(result: SweepResult): { head: string[]; body: string[][] } {
  const variant = showVariant(result);
  const shown = sweepMetrics(result);
  const head = ['#', ...result.params.map(safeText), ...(variant ? ['variant'] : []), ...shown.map((m) => m.label)];
  const body = result.points.map((point) => [
    String(point.index),
    ...result.params.map((key) => safeText(String(point.params[key]))),
    ...(variant ? [safeText(point.variant)] : []),
    ...shown.map((metric) => metricCell(metric, point)),
  ]);
  return { head, body };
}

/** The result as a terminal table, one row per point. */
export function renderSweepTable(result: SweepResult, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const { head, body } = rows(result);
  // No rule between rows: a sweep runs to dozens of rows, and the index column separates them.
  const table = new Table({
    head: head.map((h) => c.bold(h)),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of body) table.push(row);
  return `${c.bold(sweepTitle(result))}\n${table.toString()}`;
}

/** The result as a Markdown table, for READMEs, PR comments and step summaries. */
export function renderSweepMarkdown(result: SweepResult): string {
  const escape = (text: string) => safeText(text).replace(/\|/g, '\\|');
  const { head, body } = rows(result);
  const align = head.map((_, i) => (i === 0 || i > result.params.length + (showVariant(result) ? 1 : 0) ? '---:' : '---'));
  return [
    `**${escape(sweepTitle(result))}**`,
    '',
    `| ${head.map(escape).join(' | ')} |`,
    `|${align.join('|')}|`,
    ...body.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/**
 * The result as CSV for spreadsheets: raw numbers in reporting units (fractions, ms, USD),
 * metric keys as headers, and `KEY_low`/`KEY_high` columns when replicated.
 */
export function renderSweepCsv(result: SweepResult): string {
  const replicated = result.replications > 1;
  const shown = sweepMetrics(result);
  const head = ['index', ...result.params, 'variant', ...shown.flatMap((m) => (replicated ? [m.key, `${m.key}_low`, `${m.key}_high`] : [m.key]))];
  const lines = [head.map(csvCell).join(',')];
  for (const point of result.points) {
    const metrics = shown.flatMap((m) => {
      const interval = point.intervals?.[m.key];
      return replicated ? [point.metrics[m.key], interval?.low ?? point.metrics[m.key], interval?.high ?? point.metrics[m.key]] : [point.metrics[m.key]];
    });
    lines.push([point.index, ...result.params.map((key) => point.params[key]!), point.variant, ...metrics].map(csvCell).join(','));
  }
  return lines.join('\n');
}

/**
 * One CSV cell. A number is written as itself (a negative stays a number). Text is escaped
 * like any printed name, and text a spreadsheet would run as a formula (starting with `=`,
 * `+`, `-`, `@`, a tab or a CR: OWASP's CSV-injection list) gets a leading `'`, which
 * spreadsheets show as text. Then the cell is quoted when it holds a comma or quote (RFC 4180).
 */
export function csvCell(value: number | string): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${safeText(value)}` : safeText(value);
  return csvField(text);
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** How breach lines and JUnit name a point: `point 3 (errors.rate=0.3, variant retry)`. */
export function pointLabel(point: SweepPoint): string {
  const params = Object.entries(point.params).map(([key, value]) => `${key}=${value}`);
  return `point ${point.index} (${[...params, `variant ${point.variant}`].join(', ')})`;
}

/**
 * The checks a result records in `slo`, as gates apply them. The bound is written back in
 * the metric's unit (`< 0.1%`, `< 5s`), so `sweep` and a `merge` of its parts print the
 * same breach lines.
 */
export function sweepChecks(result: SweepResult): SloCheck[] {
  return (result.slo ?? []).map((s) => ({
    metric: s.metric,
    op: s.operator as SloOperator,
    limit: s.limit,
    bound: `${s.operator} ${formatLimit(headlineMetric(s.metric).unit, s.limit)}`,
  }));
}

function formatLimit(unit: HeadlineMetric['unit'], limit: number): string {
  try {
    if (unit === 'rate') return formatRate(limit);
    if (unit === 'duration') return formatDurationMs(limit);
    if (unit === 'money') return formatMoneyUsd(limit);
  } catch {
    // A limit the formatter does not take (a fractional ms): print the number itself.
  }
  return String(limit);
}

/** Every point with the result's checks, labelled for breach lines and JUnit. */
export function sweepGatePoints(result: SweepResult): GatePoint[] {
  const checks = sweepChecks(result);
  return result.points.map((point) => ({ label: pointLabel(point), values: point.metrics, checks }));
}
