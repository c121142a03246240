import type { RunResult } from './results.js';
import type { SessionsResult } from './session-results.js';
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
  /** An agent-session figure (`sessions.*`): NaN for a run without `workload.sessions`, and shown only beside runs that have them. */
  readonly session?: true;
  readonly read: (result: RunResult) => number;
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
  // Agent sessions (`workload.sessions`) only; see `session` below.
  'turnSuccessRate',
  'sessionSuccessRate',
  'turnLatencyP95',
  'costPerSession',
  'tokensPerSession',
  'wastedTokensPerSession',
  'cachedPromptShare',
] as const;

/** A headline metric name. */
export type HeadlineKey = (typeof HEADLINE_KEYS)[number];

/** Headline figures of one run (or their means over replications), by name. */
export type HeadlineValues = Record<HeadlineKey, number>;

/** The headline metrics, in report order. */
export const HEADLINE_METRICS: readonly HeadlineMetric[] = [
  { key: 'visibleFailureRate', label: 'visible failure rate', unit: 'rate', lowerIsBetter: true, read: (r) => r.metrics.visibleFailureRate },
  { key: 'latencyP50', label: 'latency p50', unit: 'duration', lowerIsBetter: true, read: (r) => r.metrics.latencyMs.p50 },
  { key: 'latencyP95', label: 'latency p95', unit: 'duration', lowerIsBetter: true, read: (r) => r.metrics.latencyMs.p95 },
  { key: 'latencyP99', label: 'latency p99', unit: 'duration', lowerIsBetter: true, read: (r) => r.metrics.latencyMs.p99 },
  { key: 'loadMultiplier', label: 'load multiplier', unit: 'ratio', lowerIsBetter: true, read: (r) => r.metrics.loadMultiplier },
  { key: 'monthlyCost', label: 'monthly cost', unit: 'money', lowerIsBetter: true, read: (r) => r.metrics.monthlyCostUsd },
  { key: 'wastedTokens', label: 'wasted tokens', unit: 'tokens', lowerIsBetter: true, read: (r) => r.metrics.wastedTokens },
  { key: 'rejectedRate', label: 'rejected', unit: 'rate', lowerIsBetter: true, read: (r) => r.metrics.rejectedRate },
  { key: 'refusalRate', label: 'refused (out of scope)', unit: 'rate', lowerIsBetter: true, read: (r) => r.metrics.refusalRate },
  { key: 'breakerTrips', label: 'breaker trips', unit: 'count', lowerIsBetter: true, read: (r) => r.metrics.breakerTrips },
  { key: 'cacheHitRate', label: 'cache hit rate', unit: 'rate', lowerIsBetter: false, read: (r) => r.metrics.cacheHitRate },
  { key: 'fallbacks', label: 'fallbacks', unit: 'count', lowerIsBetter: true, read: (r) => r.metrics.fallbacks },
  { key: 'turnSuccessRate', label: 'turn success rate', unit: 'rate', lowerIsBetter: false, session: true, read: (r) => session(r, (s) => s.turnSuccessRate) },
  { key: 'sessionSuccessRate', label: 'session success rate', unit: 'rate', lowerIsBetter: false, session: true, read: (r) => session(r, (s) => s.sessionSuccessRate) },
  { key: 'turnLatencyP95', label: 'turn latency p95', unit: 'duration', lowerIsBetter: true, session: true, read: (r) => session(r, (s) => s.turnLatencyMs.p95) },
  { key: 'costPerSession', label: 'cost per session', unit: 'money', lowerIsBetter: true, session: true, read: (r) => session(r, (s) => s.costPerSessionUsd) },
  { key: 'tokensPerSession', label: 'tokens per session', unit: 'tokens', lowerIsBetter: true, session: true, read: (r) => session(r, (s) => s.billedTokensPerSession) },
  { key: 'wastedTokensPerSession', label: 'wasted tokens per session', unit: 'tokens', lowerIsBetter: true, session: true, read: (r) => session(r, (s) => s.wastedTokensPerSession) },
  { key: 'cachedPromptShare', label: 'cached prompt share', unit: 'rate', lowerIsBetter: false, session: true, read: (r) => session(r, (s) => s.cachedPromptShare) },
];

/** A session figure of a run, or NaN for a run without sessions. */
function session(result: RunResult, pick: (s: SessionsResult) => number): number {
  return result.sessions ? pick(result.sessions) : NaN;
}

/**
 * The headline metrics to show beside these values: every one, except the session figures
 * when none of the runs had sessions (so every other report keeps its shape).
 */
export function shownMetrics(values: readonly HeadlineValues[] | boolean): readonly HeadlineMetric[] {
  const sessions = typeof values === 'boolean' ? values : values.some(hasSessionValues);
  return sessions ? HEADLINE_METRICS : HEADLINE_METRICS.filter((m) => !m.session);
}

/** Whether these figures came from a run with sessions (a result read back from JSON may lack the session keys). */
export function hasSessionValues(values: Partial<HeadlineValues>): boolean {
  return typeof values.turnSuccessRate === 'number' && !Number.isNaN(values.turnSuccessRate);
}

/** Whether `key` is an agent-session figure. */
export function isSessionMetric(key: HeadlineKey): boolean {
  return headlineMetric(key).session === true;
}

/** The metric called `key`. */
export function headlineMetric(key: HeadlineKey): HeadlineMetric {
  return HEADLINE_METRICS.find((m) => m.key === key)!;
}

/** Reads every headline figure of one run. */
export function headlineValues(result: RunResult): HeadlineValues {
  const values = {} as HeadlineValues;
  for (const metric of HEADLINE_METRICS) values[metric.key] = metric.read(result);
  return values;
}

/** Prints a value in its unit the way the run table does (`0.512%`, `3.50 s`, `$40,000`). */
export function formatMetricValue(unit: MetricUnit, value: number): string {
  // A session figure of a run without sessions.
  if (Number.isNaN(value)) return 'n/a';
  switch (unit) {
    case 'rate':
      return percent(value);
    case 'duration':
      return ms(value);
    case 'ratio':
      return multiplier(value);
    case 'money':
      // A session costs cents: keep three significant digits below a dollar.
      return value !== 0 && Math.abs(value) < 1 ? `$${Number(value.toPrecision(3))}` : usd(value);
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
