import type { RunResult } from '../metrics/results.js';
import { axisFormat, lineName, timelineColumns } from './html.js';
import { HEADLINE_METRICS } from '../metrics/headline.js';
import { formatCompact, formatElapsed } from './svg.js';
import type { SweepResult } from './sweep-types.js';
import { safeLines, safeText } from '../text/safe-text.js';

/**
 * Compact Unicode charts for the terminal (`--chart`): columns of block characters, eight
 * heights per row, so four rows resolve 32 levels in a few lines of output.
 */

/** Eighths of a cell, from empty to full. */
const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** One row of columns: a value per x position. */
export interface TerminalSeries {
  name: string;
  values: readonly number[];
}

/** What `renderTerminalChart` draws. */
export interface TerminalChartSpec {
  title: string;
  series: readonly TerminalSeries[];
  /** A label per column (drawn when they fit), or just the first and last. */
  xLabels: readonly string[] | { first: string; last: string };
  /** Value text for the y gutter. */
  format?: (value: number) => string;
  /** Rows per series; 4 by default. */
  height?: number;
  /** Characters per column, gap included; 1 by default. */
  cellWidth?: number;
}

/**
 * Draws each series as `height` rows of block columns on a shared scale from 0 to the
 * largest value, one under the other, with the x labels beneath. A positive value too
 * small for an eighth still shows as the lowest block, so "small" never reads as "none".
 */
export function renderTerminalChart(spec: TerminalChartSpec): string {
  const height = spec.height ?? 4;
  const cell = spec.cellWidth ?? 1;
  const format = spec.format ?? formatCompact;
  const max = Math.max(0, ...spec.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const top = format(max);
  const bottom = format(0);
  const gutter = Math.max(top.length, bottom.length);
  const pad = ' '.repeat(gutter);
  const lines = [safeText(spec.title)];
  const columns = Math.max(0, ...spec.series.map((s) => s.values.length));
  for (const series of spec.series) {
    if (spec.series.length > 1 || series.name !== '') lines.push(safeText(series.name));
    const eighths = series.values.map((v) => (!(v > 0) || max === 0 ? 0 : Math.max(1, Math.round((v / max) * height * 8))));
    for (let row = 0; row < height; row++) {
      const floor = (height - 1 - row) * 8;
      const label = row === 0 ? top.padStart(gutter) : row === height - 1 ? bottom.padStart(gutter) : pad;
      const axis = row === 0 || row === height - 1 ? '┤' : '│';
      const body = eighths.map((e) => BLOCKS[Math.min(8, Math.max(0, e - floor))]!.repeat(Math.max(1, cell - 1)).padEnd(cell)).join('');
      lines.push(`${label} ${axis}${body}`.trimEnd());
    }
  }
  lines.push(`${pad} └${'─'.repeat(columns * cell)}`);
  lines.push(`${pad}  ${xAxisLabels(spec.xLabels, columns, cell)}`.trimEnd());
  return lines.join('\n');
}

function xAxisLabels(labels: TerminalChartSpec['xLabels'], columns: number, cell: number): string {
  if (Array.isArray(labels)) {
    const list = (labels as readonly string[]).map(safeText);
    if (list.every((l) => l.length < cell || (cell === 1 && l.length <= 1))) return list.map((l) => l.padEnd(cell)).join('');
    return firstLast(list[0] ?? '', list[list.length - 1] ?? '', columns * cell);
  }
  const { first, last } = labels as { first: string; last: string };
  return firstLast(safeText(first), safeText(last), columns * cell);
}

function firstLast(first: string, last: string, width: number): string {
  return first + last.padStart(Math.max(last.length + 1, width - first.length));
}

/** `sweep --chart`: the first headline metric against the first swept parameter, a block of rows per variant. */
export function sweepTerminalChart(result: SweepResult): string {
  const metric = HEADLINE_METRICS[0]!;
  const param = result.params[0];
  const points = [...result.points].sort((a, b) => a.index - b.index);
  if (param === undefined) {
    const labels = points.map((p) => p.variant);
    return renderTerminalChart({
      title: `${metric.label} by variant`,
      series: [{ name: '', values: points.map((p) => p.metrics[metric.key]) }],
      xLabels: labels,
      format: axisFormat(metric.unit),
      cellWidth: Math.min(16, Math.max(3, ...labels.map((l) => l.length + 1))),
    });
  }
  const xs = [...new Set(points.map((p) => p.params[param]!))];
  if (xs.every((x) => typeof x === 'number')) (xs as number[]).sort((a, b) => a - b);
  const series = new Map<string, number[]>();
  for (const point of points) {
    const name = lineName(result, point);
    if (!series.has(name)) series.set(name, xs.map(() => NaN));
    series.get(name)![xs.indexOf(point.params[param]!)] = point.metrics[metric.key];
  }
  const labels = xs.map((x) => (typeof x === 'number' ? formatCompact(x) : x));
  return renderTerminalChart({
    title: `${metric.label} vs ${param}`,
    series: [...series].map(([name, values]) => ({ name, values })),
    xLabels: labels,
    format: axisFormat(metric.unit),
    cellWidth: Math.min(8, Math.max(3, ...labels.map((l) => l.length + 1))),
    height: 3,
  });
}

/** `run --chart`: the failure rate of finished requests through simulated time, `width` columns wide. */
export function runTerminalChart(result: RunResult, width = 72): string {
  const { bucketMs, columns } = timelineColumns(result.timeline, width);
  const values = columns.map((c) => (c.finished > 0 ? c.failures / c.finished : 0));
  return renderTerminalChart({
    title: `failure rate through simulated time (columns of ${formatElapsed(bucketMs)})`,
    series: [{ name: '', values }],
    xLabels: { first: '0', last: formatElapsed(columns.length * bucketMs) },
    format: axisFormat('rate'),
    height: 5,
  });
}

/**
 * Prints a chart after the report: on stdout, unless stdout carries data (JSON, CSV,
 * Markdown) that a pipe would read, where it goes to stderr instead.
 */
export function writeChart(chart: string, stdoutCarriesData: boolean): void {
  (stdoutCarriesData ? process.stderr : process.stdout).write(safeLines(`${chart}\n`));
}
