import { Z95 } from '../random/distributions.js';
import { normalQuantile } from '../random/random.js';
import { PositiveSample, quantileOf } from './sample.js';

/** The quantiles an empirical fit writes: dense in the tail, where harness decisions are made. */
export const EMPIRICAL_POINTS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1] as const;

export type FittedDistribution =
  | { dist: 'lognormal'; p50: number; p95: number; ks: number; n: number; ci95: { p50: [number, number]; p95: [number, number] } }
  | { dist: 'empirical'; quantiles: Record<string, number>; ks: number; n: number; lognormalKs: number }
  | { dist: 'constant'; value: number; ks: number; n: number };

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Kolmogorov-Smirnov distance between a sorted sample and the lognormal (mu, sigma). */
export function ksLognormal(sorted: Float64Array, mu: number, sigma: number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = sigma > 0 ? normalCdf((Math.log(sorted[i]!) - mu) / sigma) : sorted[i]! >= Math.exp(mu) ? 1 : 0;
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  }
  return d;
}

/**
 * The lognormal's fit is "poor" when its KS distance exceeds both the 1% critical value for the
 * reservoir's size (1.63 / sqrt(n)) and an absolute 0.03: with 20K samples even a small, harmless
 * departure is significant, and an empirical table then buys nothing but noise.
 */
export function poorFit(ks: number, n: number): boolean {
  return ks > Math.max(1.63 / Math.sqrt(n), 0.03);
}

/**
 * Fits a positive quantity: lognormal by maximum likelihood (written as its median and 95th
 * percentile, the scenario's parameters, with 95% confidence intervals from the MLE's normal
 * approximation), or the empirical quantile table when the lognormal fits poorly.
 */
export function fitPositive(sample: PositiveSample): FittedDistribution | null {
  if (sample.positives === 0) return sample.count > 0 ? { dist: 'constant', value: 0, ks: 0, n: sample.count } : null;
  const { mu, sigma } = sample.logMoments;
  const sorted = sample.sorted();
  const n = sample.positives;
  // Equal values (sigma is then rounding noise, not spread): a constant.
  if (sigma < 1e-9 || sorted[0] === sorted[sorted.length - 1]) return { dist: 'constant', value: sorted.length > 0 ? sorted[0]! : Math.exp(mu), ks: 0, n };
  const ks = ksLognormal(sorted, mu, sigma);
  if (poorFit(ks, sorted.length) && sorted.length >= 50) {
    const quantiles: Record<string, number> = {};
    for (const p of EMPIRICAL_POINTS) quantiles[String(p)] = quantileOf(sorted, p);
    return { dist: 'empirical', quantiles, ks: empiricalKs(sorted.length), n, lognormalKs: ks };
  }
  // se(mu) = sigma / sqrt(n); se(sigma) = sigma / sqrt(2n); ln p95 = mu + z95 sigma.
  const seMu = sigma / Math.sqrt(n);
  const seP95 = Math.sqrt(seMu * seMu + (Z95 * Z95 * sigma * sigma) / (2 * n));
  const z = normalQuantile(0.975);
  const p95 = mu + Z95 * sigma;
  return {
    dist: 'lognormal',
    p50: Math.exp(mu),
    p95: Math.exp(p95),
    ks,
    n,
    ci95: { p50: [Math.exp(mu - z * seMu), Math.exp(mu + z * seMu)], p95: [Math.exp(p95 - z * seP95), Math.exp(p95 + z * seP95)] },
  };
}

/** An empirical table's own KS error is at most the widest gap between its quantile points' probabilities, interpolated; report the sampling error instead. */
function empiricalKs(n: number): number {
  return 1.36 / Math.sqrt(n);
}
