import { RandomStreams, type KeyedUniform } from '../random/random.js';

/**
 * Streaming summary of a positive quantity (a latency, a token count): exact moments of its
 * logarithm over every value (the lognormal's maximum-likelihood fit needs only these) and a
 * fixed-size uniform reservoir sample (for quantiles and the goodness of fit), so memory stays
 * flat however many values stream through. The reservoir is seeded: the same file fits alike.
 */
export class PositiveSample {
  static readonly RESERVOIR = 20_000;
  count = 0;
  zeros = 0;
  sum = 0;
  private logSum = 0;
  private logSumSq = 0;
  private readonly reservoir: number[] = [];
  private seen = 0;
  private readonly draw: KeyedUniform;

  constructor(name: string, seed = 1) {
    this.draw = new RandomStreams(seed).keyed(`fit-reservoir/${name}`);
  }

  add(value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) return;
    this.count++;
    this.sum += value;
    if (value === 0) {
      this.zeros++;
      return;
    }
    const l = Math.log(value);
    this.logSum += l;
    this.logSumSq += l * l;
    const i = this.seen++;
    if (i < PositiveSample.RESERVOIR) this.reservoir.push(value);
    else {
      const j = Math.floor(this.draw.at(i, 0, 0) * (i + 1));
      if (j < PositiveSample.RESERVOIR) this.reservoir[j] = value;
    }
  }

  /** Values above zero (the lognormal describes these). */
  get positives(): number {
    return this.count - this.zeros;
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  /** Maximum-likelihood lognormal parameters of the positive values. */
  get logMoments(): { mu: number; sigma: number } {
    const n = this.positives;
    const mu = this.logSum / n;
    const variance = n > 1 ? Math.max(0, this.logSumSq / n - mu * mu) : 0;
    return { mu, sigma: Math.sqrt(variance) };
  }

  /** The reservoir, sorted (a uniform sample of the positive values). */
  sorted(): Float64Array {
    return Float64Array.from(this.reservoir).sort();
  }
}

/** The p-quantile of a sorted sample, by linear interpolation between order statistics. */
export function quantileOf(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
