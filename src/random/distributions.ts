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

/** The scenario's description of a distribution, after unit parsing. */
export type DistributionSpec =
  | { dist: 'lognormal'; p50: number; p95: number }
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'uniform'; min: number; max: number };

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
  }
}
