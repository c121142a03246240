import type { RunResult } from './results.js';
import { fixedNotLandmark, integer, ms, multiplier, percent, usd } from '../text/format.js';
import { grouped } from '../text/grouped.js';

/**
 * The headline metrics that `compare` puts side by side, replications summarise and SLO
 * gates check: one table, so a name means the same figure everywhere.
 */

/** How a headline figure is measured; decides how limits are parsed and values printed. */
export type MetricUnit = 'rate' | 'duration' | 'ratio' | 'money' | 'tokens' | 'count';

/** One headline metric: its stable name, how to read it from a run, which way is better. */
export interface HeadlineMetric {
  /** The name used in `slo:` blocks, `--assert` and JSON (`visibleFailureRate`). */
  readonly key: HeadlineKey;
  /** The row label in tables. */
  readonly label: string;
  readonly unit: MetricUnit;
  /** True for every headline figure except the cache hit rate, where more is better. */
  readonly lowerIsBetter: boolean;
  readonly read: (metrics: RunResult['metrics']) => number;
}

/** Every headline metric name, in the order reports show them. */
export const HEADLINE_KEYS = [
  'visibleFailureRate',
  'latencyP50',
  'latencyP95',
  'latencyP99',
  'loadMultiplier',
  'monthlyCost',
  'wastedTokens',
  'rejectedRate',
  'refusalRate',
  'breakerTrips',
  'cacheHitRate',
  'fallbacks',
] as const;

/** A headline metric name. */
export type HeadlineKey = (typeof HEADLINE_KEYS)[number];

/** Headline figures of one run (or their means over replications), by name. */
export type HeadlineValues = Record<HeadlineKey, number>;

/** The headline metrics, in report order. */
export const HEADLINE_METRICS: readonly HeadlineMetric[] = [
  { key: 'visibleFailureRate', label: 'visible failure rate', unit: 'rate', lowerIsBetter: true, read: (m) => m.visibleFailureRate },
  { key: 'latencyP50', label: 'latency p50', unit: 'duration', lowerIsBetter: true, read: (m) => m.latencyMs.p50 },
  { key: 'latencyP95', label: 'latency p95', unit: 'duration', lowerIsBetter: true, read: (m) => m.latencyMs.p95 },
  { key: 'latencyP99', label: 'latency p99', unit: 'duration', lowerIsBetter: true, read: (m) => m.latencyMs.p99 },
  { key: 'loadMultiplier', label: 'load multiplier', unit: 'ratio', lowerIsBetter: true, read: (m) => m.loadMultiplier },
  { key: 'monthlyCost', label: 'monthly cost', unit: 'money', lowerIsBetter: true, read: (m) => m.monthlyCostUsd },
  { key: 'wastedTokens', label: 'wasted tokens', unit: 'tokens', lowerIsBetter: true, read: (m) => m.wastedTokens },
  { key: 'rejectedRate', label: 'rejected', unit: 'rate', lowerIsBetter: true, read: (m) => m.rejectedRate },
  { key: 'refusalRate', label: 'refused (out of scope)', unit: 'rate', lowerIsBetter: true, read: (m) => m.refusalRate },
  { key: 'breakerTrips', label: 'breaker trips', unit: 'count', lowerIsBetter: true, read: (m) => m.breakerTrips },
  { key: 'cacheHitRate', label: 'cache hit rate', unit: 'rate', lowerIsBetter: false, read: (m) => m.cacheHitRate },
  { key: 'fallbacks', label: 'fallbacks', unit: 'count', lowerIsBetter: true, read: (m) => m.fallbacks },
];

/** The metric called `key`. */
export function headlineMetric(key: HeadlineKey): HeadlineMetric {
  return HEADLINE_METRICS.find((m) => m.key === key)!;
}

/** Reads every headline figure of one run. */
export function headlineValues(result: RunResult): HeadlineValues {
  const values = {} as HeadlineValues;
  for (const metric of HEADLINE_METRICS) values[metric.key] = metric.read(result.metrics);
  return values;
}

/** Prints a value in its unit the way the run table does (`0.512%`, `3.50 s`, `$40,000`). */
export function formatMetricValue(unit: MetricUnit, value: number): string {
  switch (unit) {
    case 'rate':
      return percent(value);
    case 'duration':
      return ms(value);
    case 'ratio':
      return multiplier(value);
    case 'money':
      return usd(value);
    case 'tokens':
      return compactCount(value);
    case 'count':
      return Number.isInteger(value) ? integer(value) : grouped(value, 1);
  }
}

/**
 * Prints a large count with a K/M/B suffix to four significant digits (`12.59M`), below
 * 10,000 in full: token totals run to eight digits, which would swamp a side-by-side table.
 */
export function compactCount(value: number): string {
  const size = Math.abs(value);
  if (size < 10_000) return Number.isInteger(value) ? integer(value) : grouped(value, 1);
  for (const [suffix, scale] of [['B', 1e9], ['M', 1e6], ['K', 1e3]] as const) {
    if (size >= scale) return `${Number((value / scale).toPrecision(4))}${suffix}`;
  }
  return integer(value); // unreachable: size >= 10,000 passes the K step
}

/**
 * Prints a signed difference in the metric's unit: rates in percentage points
 * (`-3.611 pp`), the rest as the value format with a sign (`+120 ms`, `-$1,204`).
 */
export function formatMetricDelta(unit: MetricUnit, delta: number): string {
  if (delta === 0) return '0';
  const sign = delta > 0 ? '+' : '-';
  const size = Math.abs(delta);
  switch (unit) {
    case 'rate':
      return `${sign}${fixedNotLandmark(size * 100, 3, [0])} pp`;
    case 'duration':
      return `${sign}${size < 1 ? `${size.toFixed(2)} ms` : ms(size)}`;
    default:
      return `${sign}${formatMetricValue(unit, size)}`;
  }
}

/** Prints a relative change (`-87.6%`); `new` when the baseline is zero and the value is not. */
export function formatRelative(relative: number | null): string {
  if (relative === null) return 'new';
  if (relative === 0) return '0%';
  const sign = relative > 0 ? '+' : '-';
  const size = Math.abs(relative) * 100;
  return `${sign}${size >= 100 ? size.toFixed(0) : fixedNotLandmark(size, 1, [0])}%`;
}
