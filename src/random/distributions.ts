import { normalQuantile } from './random.js';

/** z of the 95th percentile of the standard normal. */
export const Z95 = 1.6448536269514722;

/**
 * A positive random quantity (a latency in ms, a token count) drawn by inverse transform:
 * `quantile(u)` maps one uniform to one value, so keyed and sequential draws both work.
 */
export interface Distribution {
  /** The value at cumulative probability `u` in (0, 1). */
  quantile(u: number): number;
  /** Exact mean, for reports and validation. */
  readonly mean: number;
}

/** Lognormal given by its median and 95th percentile: sigma = ln(p95/p50) / z95. */
export class Lognormal implements Distribution {
  readonly mu: number;
  readonly sigma: number;
  constructor(p50: number, p95: number) {
    if (!(p50 > 0) || !(p95 >= p50)) throw new RangeError(`lognormal needs 0 < p50 <= p95, got p50=${p50}, p95=${p95}`);
    this.mu = Math.log(p50);
    this.sigma = Math.log(p95 / p50) / Z95;
  }
  quantile(u: number): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(u));
  }
  get mean(): number {
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }
}

/** Always the same value. */
export class Constant implements Distribution {
  constructor(readonly value: number) {}
  quantile(): number {
    return this.value;
  }
  get mean(): number {
    return this.value;
  }
}

/** Exponential with the given mean. */
export class Exponential implements Distribution {
  constructor(readonly mean: number) {
    if (!(mean > 0)) throw new RangeError(`exponential needs mean > 0, got ${mean}`);
  }
  quantile(u: number): number {
    return -this.mean * Math.log(1 - u);
  }
}

/** Uniform on [min, max]. */
export class Uniform implements Distribution {
  constructor(readonly min: number, readonly max: number) {
    if (!(max >= min)) throw new RangeError(`uniform needs min <= max, got ${min}..${max}`);
  }
  quantile(u: number): number {
    return this.min + (this.max - this.min) * u;
  }
  get mean(): number {
    return (this.min + this.max) / 2;
  }
}

/**
 * A measured distribution given by its quantile table (cumulative probability -> value),
 * linearly interpolated between the points: what `harness-sim fit` writes when a lognormal
 * fits the data poorly. The table must cover 0 and 1, so every draw stays inside the data.
 */
export class Empirical implements Distribution {
  private readonly ps: Float64Array;
  private readonly vs: Float64Array;
  readonly mean: number;
  constructor(quantiles: Readonly<Record<string, number>>) {
    const points = Object.entries(quantiles)
      .map(([p, v]) => [Number(p), v] as const)
      .sort((a, b) => a[0] - b[0]);
    const problem = empiricalTableProblem(points);
    if (problem) throw new RangeError(`empirical ${problem}`);
    this.ps = Float64Array.from(points, (p) => p[0]);
    this.vs = Float64Array.from(points, (p) => p[1]);
    let mean = 0;
    for (let i = 1; i < this.ps.length; i++) mean += ((this.ps[i]! - this.ps[i - 1]!) * (this.vs[i]! + this.vs[i - 1]!)) / 2;
    this.mean = mean;
  }
  quantile(u: number): number {
    const ps = this.ps;
    let lo = 0;
    let hi = ps.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ps[mid]! <= u) lo = mid;
      else hi = mid;
    }
    const span = ps[hi]! - ps[lo]!;
    const t = span > 0 ? (u - ps[lo]!) / span : 0;
    return this.vs[lo]! + t * (this.vs[hi]! - this.vs[lo]!);
  }
}

/** Why a quantile table (sorted by probability) cannot be a distribution, or null when it can. */
export function empiricalTableProblem(points: ReadonlyArray<readonly [number, number]>): string | null {
  if (points.length < 2) return 'needs at least two quantiles (0 and 1)';
  for (const [p] of points) if (!(p >= 0 && p <= 1)) return `quantile keys are probabilities in [0, 1], got ${p}`;
  if (points[0]![0] !== 0 || points[points.length - 1]![0] !== 1) return 'needs the quantiles 0 (the minimum) and 1 (the maximum)';
  for (let i = 1; i < points.length; i++) {
    if (points[i]![0] === points[i - 1]![0]) return `repeats the quantile ${points[i]![0]}`;
    if (points[i]![1] < points[i - 1]![1]) return `values must not decrease with the quantile (${points[i]![0]} is below ${points[i - 1]![0]})`;
  }
  return null;
}

/** The scenario's description of a distribution, after unit parsing. */
export type DistributionSpec =
  | { dist: 'lognormal'; p50: number; p95: number }
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'empirical'; quantiles: Record<string, number> };

/** Builds the sampler for a parsed distribution spec. */
export function makeDistribution(spec: DistributionSpec): Distribution {
  switch (spec.dist) {
    case 'lognormal':
      return new Lognormal(spec.p50, spec.p95);
    case 'constant':
      return new Constant(spec.value);
    case 'exponential':
      return new Exponential(spec.mean);
    case 'uniform':
      return new Uniform(spec.min, spec.max);
    case 'empirical':
      return new Empirical(spec.quantiles);
  }
}
