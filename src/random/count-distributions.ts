import { Lognormal } from './distributions.js';

/**
 * A count of at least one (turns in a session, model calls in a turn, calls in a tool
 * batch) drawn by inverse transform: `quantile(u)` maps one uniform to one whole number,
 * so keyed draws give the same count to the same session in every variant.
 */
export interface CountDistribution {
  /** The count at cumulative probability `u` in [0, 1): an integer >= 1. */
  quantile(u: number): number;
  /** The mean of the counts `quantile` returns (exact up to the normal CDF's 1.2e-7 for the lognormal). */
  readonly mean: number;
}

/** Always `value`. */
export class ConstantCount implements CountDistribution {
  constructor(readonly value: number) {
    if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`a constant count must be a whole number >= 1, got ${value}`);
  }
  quantile(): number {
    return this.value;
  }
  get mean(): number {
    return this.value;
  }
}

/**
 * Geometric on 1, 2, 3, ...: each step is the last with probability h = 1 / mean, so
 * P(N = k) = (1 - h)^(k - 1) h and P(N > k) = (1 - h)^k (a model that decides after each
 * call, independently, whether it is done).
 */
export class GeometricCount implements CountDistribution {
  /** The stop probability per step. */
  readonly stop: number;
  private readonly logContinue: number;
  constructor(readonly mean: number) {
    if (!(Number.isFinite(mean) && mean >= 1)) throw new RangeError(`a geometric count needs a mean >= 1, got ${mean}`);
    this.stop = 1 / mean;
    this.logContinue = Math.log1p(-this.stop);
  }
  quantile(u: number): number {
    if (this.stop === 1) return 1;
    // The smallest k with 1 - (1 - h)^k > u.
    return 1 + Math.floor(Math.log1p(-u) / this.logContinue);
  }
}

/** A lognormal given by median and 95th percentile, rounded to the nearest whole number, at least 1. */
export class LognormalCount implements CountDistribution {
  private readonly continuous: Lognormal;
  readonly mean: number;
  constructor(p50: number, p95: number) {
    this.continuous = new Lognormal(p50, p95);
    // E[N] = sum over k >= 1 of P(N >= k) = 1 + sum over k >= 2 of P(X >= k - 1/2).
    const { mu, sigma } = this.continuous;
    let mean = 1;
    for (let k = 2; k < 1e7; k++) {
      const tail = sigma === 0 ? (Math.log(k - 0.5) <= mu ? 1 : 0) : 0.5 * erfc((Math.log(k - 0.5) - mu) / (sigma * Math.SQRT2));
      mean += tail;
      if (tail < 1e-13 && k > Math.exp(mu)) break;
    }
    this.mean = mean;
  }
  quantile(u: number): number {
    return Math.max(1, Math.round(this.continuous.quantile(u)));
  }
}

/**
 * An empirical quantile table: points (p, value) with p rising from 0 to 1 and values not
 * falling; between points the quantile is linear, then rounded to the nearest whole number
 * (at least 1). A table read off production traces reproduces their shape, tail included.
 */
export class EmpiricalCount implements CountDistribution {
  private readonly p: Float64Array;
  private readonly v: Float64Array;
  readonly mean: number;
  constructor(points: readonly (readonly [number, number])[]) {
    const problem = tableProblem(points);
    if (problem) throw new RangeError(problem);
    this.p = Float64Array.from(points.map((point) => point[0]));
    this.v = Float64Array.from(points.map((point) => point[1]));
    // Exactly: on each linear piece, the integral of max(1, round(x)) over its values, rescaled.
    let mean = 0;
    for (let i = 1; i < points.length; i++) {
      const [p0, v0] = points[i - 1]!;
      const [p1, v1] = points[i]!;
      mean += v1 === v0 ? Math.max(1, Math.round(v0)) * (p1 - p0) : ((roundedIntegral(v1) - roundedIntegral(v0)) * (p1 - p0)) / (v1 - v0);
    }
    this.mean = mean;
  }
  quantile(u: number): number {
    const p = this.p;
    let i = 1;
    while (i < p.length - 1 && u > p[i]!) i++;
    const span = p[i]! - p[i - 1]!;
    const x = span > 0 ? this.v[i - 1]! + ((u - p[i - 1]!) / span) * (this.v[i]! - this.v[i - 1]!) : this.v[i]!;
    return Math.max(1, Math.round(x));
  }
}

/** What is wrong with an empirical table, or null: the schema and the class share this check. */
export function tableProblem(points: readonly (readonly [number, number])[]): string | null {
  if (points.length < 2) return `expected at least 2 points, got ${points.length}`;
  if (points[0]![0] !== 0) return `expected the first point at p = 0, got ${points[0]![0]}`;
  if (points[points.length - 1]![0] !== 1) return `expected the last point at p = 1, got ${points[points.length - 1]![0]}`;
  for (let i = 1; i < points.length; i++) {
    if (!(points[i]![0] > points[i - 1]![0])) return `expected p to rise from point to point, got ${points[i - 1]![0]} then ${points[i]![0]}`;
    if (!(points[i]![1] >= points[i - 1]![1])) return `expected values not to fall, got ${points[i - 1]![1]} then ${points[i]![1]}`;
  }
  if (!(points[0]![1] >= 0)) return `expected values >= 0, got ${points[0]![1]}`;
  return null;
}

/** The integral of max(1, round(t)) dt from 0 to x >= 0 (Math.round: halves round up). */
function roundedIntegral(x: number): number {
  // The integral of round(t) from 0 to x: whole steps 1..k-1, then k over the last part.
  const plain = (y: number) => {
    const k = Math.floor(y + 0.5);
    return k < 1 ? 0 : (k * (k - 1)) / 2 + k * (y - k + 0.5);
  };
  const low = Math.min(x, 1.5);
  return plain(x) + low - plain(low);
}

/** The complementary error function (Numerical Recipes' erfcc, fractional error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The scenario's description of a count distribution, after parsing. */
export type CountSpec =
  | { dist: 'constant'; value: number }
  | { dist: 'geometric'; mean: number }
  | { dist: 'lognormal'; p50: number; p95: number }
  | { dist: 'empirical'; quantiles: [number, number][] };

/** Builds the sampler of a parsed count distribution. */
export function makeCountDistribution(spec: CountSpec): CountDistribution {
  switch (spec.dist) {
    case 'constant':
      return new ConstantCount(spec.value);
    case 'geometric':
      return new GeometricCount(spec.mean);
    case 'lognormal':
      return new LognormalCount(spec.p50, spec.p95);
    case 'empirical':
      return new EmpiricalCount(spec.quantiles);
  }
}
