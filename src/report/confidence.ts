import { mean, sampleStandardDeviation } from 'simple-statistics';
import { round, type RunResult } from '../metrics/results.js';
import { HEADLINE_METRICS, type HeadlineKey, type HeadlineValues } from '../metrics/headline.js';

/**
 * Confidence intervals over replications: each seed gives one independent observation of a
 * metric, so the t-distribution on their mean says how far the next set of seeds could move it.
 */

/**
 * The 0.975 quantile of Student's t for 1 to 30 degrees of freedom (index = df - 1), to four
 * decimals, from the standard tables. A table keeps the small-sample end exact, where series
 * approximations are poor.
 */
const T975_TABLE = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281,
  2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086,
  2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
] as const;

/** The 0.975 quantile of the standard normal, the limit of t as df grows. */
const Z975 = 1.959963984540054;

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: the multiplier of the
 * standard error for a two-sided 95% interval. Beyond the table it uses the Cornish-Fisher
 * expansion in 1/df (Abramowitz & Stegun 26.7.5), which is within 1e-4 of the exact value
 * from df 30 on, instead of jumping to the normal 1.96.
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`df must be a whole number of at least 1, got ${df}`);
  if (df <= T975_TABLE.length) return T975_TABLE[df - 1]!;
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const g1 = (z3 + z) / 4;
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
}

/** A mean with its two-sided 95% confidence interval. */
export interface Interval {
  mean: number;
  /** Lower and upper ends of the interval; both equal the mean when n < 2. */
  low: number;
  high: number;
  /** Half the interval's width; null when n < 2, where no interval exists. */
  halfWidth: number | null;
  /** Sample standard deviation; null when n < 2. */
  sd: number | null;
  n: number;
}

/** The mean of `values` and its 95% t-interval (`mean ± t(0.975, n-1) · sd / √n`). */
export function confidenceInterval(values: readonly number[]): Interval {
  if (values.length === 0) throw new RangeError('confidenceInterval needs at least one value');
  const n = values.length;
  const m = mean(values as number[]);
  if (n < 2) return { mean: m, low: m, high: m, halfWidth: null, sd: null, n };
  const sd = sampleStandardDeviation(values as number[]);
  const halfWidth = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { mean: m, low: m - halfWidth, high: m + halfWidth, halfWidth, sd, n };
}

/**
 * Whether a paired difference is distinguishable from zero: its interval excludes 0.
 * Null with fewer than two pairs, where there is nothing to judge it by.
 */
export function isSignificant(difference: Interval): boolean | null {
  if (difference.halfWidth === null) return null;
  return difference.low > 0 || difference.high < 0;
}

/** The per-seed values of every headline metric. */
export function headlineSeries(results: readonly RunResult[]): Record<HeadlineKey, number[]> {
  const series = {} as Record<HeadlineKey, number[]>;
  for (const metric of HEADLINE_METRICS) series[metric.key] = results.map((r) => metric.read(r));
  return series;
}

/** Mean and 95% interval of every headline metric over the replications. */
export function summarise(results: readonly RunResult[]): Record<HeadlineKey, Interval> {
  const series = headlineSeries(results);
  const out = {} as Record<HeadlineKey, Interval>;
  for (const metric of HEADLINE_METRICS) out[metric.key] = confidenceInterval(series[metric.key]);
  return out;
}

/** The means of a summary, as the figures gates check. */
export function means(summary: Record<HeadlineKey, Interval>): HeadlineValues {
  const out = {} as HeadlineValues;
  for (const metric of HEADLINE_METRICS) out[metric.key] = summary[metric.key].mean;
  return out;
}

/** Rounds an interval's figures for stable JSON. */
export function roundInterval(interval: Interval) {
  const r = (v: number | null) => (v === null ? null : round(v));
  return { mean: round(interval.mean), low: round(interval.low), high: round(interval.high), halfWidth: r(interval.halfWidth), sd: r(interval.sd), n: interval.n };
}
