import { Empirical, Lognormal } from './distributions.js';

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
  /**
   * Below this u the count is 1, found without a logarithm: a shade (1e-9, relative) under
   * the edge u = h where the formula turns to 2, so the formula's rounding (~1e-16) cannot
   * make it 2 in between. A batch of tool calls (mean 1.07) is 1 in 93% of draws.
   */
  private readonly surelyOne: number;
  constructor(readonly mean: number) {
    if (!(Number.isFinite(mean) && mean >= 1)) throw new RangeError(`a geometric count needs a mean >= 1, got ${mean}`);
    this.stop = 1 / mean;
    this.logContinue = Math.log1p(-this.stop);
    this.surelyOne = this.stop * (1 - 1e-9);
  }
  quantile(u: number): number {
    if (this.stop === 1 || u < this.surelyOne) return 1;
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
 * An empirical quantile table (cumulative probability -> count), written like the other
 * distributions' tables (`{ 0: 1, 0.5: 3, 0.9: 12, 1: 60 }`): linear between the points,
 * then rounded to the nearest whole number (at least 1). A table read off production traces
 * reproduces their shape, tail included.
 */
export class EmpiricalCount implements CountDistribution {
  private readonly continuous: Empirical;
  readonly mean: number;
  constructor(quantiles: Readonly<Record<string, number>>) {
    this.continuous = new Empirical(quantiles);
    const points = Object.entries(quantiles)
      .map(([p, v]) => [Number(p), v] as const)
      .sort((a, b) => a[0] - b[0]);
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
    return Math.max(1, Math.round(this.continuous.quantile(u)));
  }
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
  | { dist: 'empirical'; quantiles: Record<string, number> };

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
