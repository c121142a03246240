import { describe, expect, it } from 'vitest';
import { Constant, Exponential, Lognormal, makeDistribution, Uniform, Z95, type Distribution } from '../../src/random/distributions.js';
import { RandomStreams } from '../../src/random/random.js';

const N = 200_000;

/** n values of `dist` from keyed uniforms at a fixed seed (as the upstream draws latencies). */
function sample(dist: Distribution, name: string, n = N): Float64Array {
  const u = new RandomStreams(42).keyed(name);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dist.quantile(u.at(i, 0, 0));
  return out;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function variance(x: Float64Array): number {
  const m = mean(x);
  let s = 0;
  for (const v of x) s += (v - m) * (v - m);
  return s / (x.length - 1);
}

/** The empirical p-quantile of an already sorted sample. */
function sortedQuantile(sorted: Float64Array, p: number): number {
  return sorted[Math.floor(p * sorted.length)]!;
}

/** Standard normal density. */
function phi(z: number): number {
  return Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
}

describe('Lognormal', () => {
  const p50 = 800;
  const p95 = 2500;
  const dist = new Lognormal(p50, p95);

  it('derives mu = ln p50 and sigma = ln(p95/p50) / z95', () => {
    expect(dist.mu).toBeCloseTo(Math.log(800), 12);
    expect(dist.sigma).toBeCloseTo(Math.log(2500 / 800) / 1.6448536269514722, 12);
    expect(Z95).toBeCloseTo(1.6448536269514722, 15);
  });

  it('puts its 50th and 95th percentiles at p50 and p95', () => {
    expect(dist.quantile(0.5)).toBeCloseTo(800, 6);
    // normalQuantile(0.95) is accurate to ~2e-9, so p95 comes back to ~1e-8 relative.
    expect(Math.abs(dist.quantile(0.95) / 2500 - 1)).toBeLessThan(1e-8);
  });

  it('has p99 = exp(mu + 2.3263479 sigma), as in REFERENCES', () => {
    const expected = Math.exp(dist.mu + 2.3263479 * dist.sigma);
    // 2.3263479 is rounded to 7 decimals (the true z99 is 2.32634787...), so ~1e-7 relative.
    expect(Math.abs(dist.quantile(0.99) / expected - 1)).toBeLessThan(1e-7);
    expect(expected).toBeCloseTo(4008.35, 1);
  });

  it('matches p50, p95 and p99 in a sample of 200k keyed draws within 4 order-statistic standard errors', () => {
    const sorted = sample(dist, 'lognormal').sort();
    for (const [p, z] of [[0.5, 0], [0.95, Z95], [0.99, 2.3263479]] as const) {
      const q = Math.exp(dist.mu + dist.sigma * z);
      // The sample p-quantile has standard error sqrt(p (1 - p) / n) / f(q), with the
      // lognormal density f(q) = phi(z) / (q sigma). For p50=800, p95=2500 that is about
      // 1.6 ms at the median, 8.2 ms at p95 and 23 ms at p99.
      const density = phi(z) / (q * dist.sigma);
      const standardError = Math.sqrt((p * (1 - p)) / N) / density;
      expect(Math.abs(sortedQuantile(sorted, p) - q)).toBeLessThan(4 * standardError);
    }
  });

  it('has mean exp(mu + sigma^2 / 2), and the sample mean agrees within 4 standard errors', () => {
    const exact = Math.exp(Math.log(800) + dist.sigma ** 2 / 2);
    expect(dist.mean).toBeCloseTo(exact, 9);
    // SD of a lognormal: mean * sqrt(exp(sigma^2) - 1).
    const sd = exact * Math.sqrt(Math.exp(dist.sigma ** 2) - 1);
    expect(Math.abs(mean(sample(dist, 'lognormal-mean')) - exact)).toBeLessThan(4 * sd / Math.sqrt(N));
  });

  it('degenerates to a constant when p50 equals p95', () => {
    const flat = new Lognormal(300, 300);
    expect(flat.sigma).toBe(0);
    expect(flat.quantile(0.01)).toBeCloseTo(300, 9);
    expect(flat.quantile(0.99)).toBeCloseTo(300, 9);
  });

  it('refuses p50 <= 0 and p95 < p50', () => {
    expect(() => new Lognormal(0, 10)).toThrow(RangeError);
    expect(() => new Lognormal(-1, 10)).toThrow(RangeError);
    expect(() => new Lognormal(10, 9)).toThrow(/p50=10, p95=9/);
    expect(() => new Lognormal(Number.NaN, 10)).toThrow(RangeError);
  });
});

describe('Exponential', () => {
  it('has the given mean, and the sample mean agrees within 4 standard errors', () => {
    const dist = new Exponential(250);
    expect(dist.mean).toBe(250);
    // SD of an exponential equals its mean, so SE = mean / sqrt(n).
    expect(Math.abs(mean(sample(dist, 'exponential')) - 250)).toBeLessThan(4 * 250 / Math.sqrt(N));
  });

  it('maps u to -mean ln(1 - u): 0 at u = 0 and the median at mean ln 2', () => {
    const dist = new Exponential(250);
    expect(dist.quantile(0)).toBeCloseTo(0, 12); // -0 from -mean * ln(1); equal to 0 in arithmetic
    expect(dist.quantile(0.5)).toBeCloseTo(250 * Math.LN2, 9);
  });

  it('refuses a mean that is not positive', () => {
    expect(() => new Exponential(0)).toThrow(RangeError);
    expect(() => new Exponential(-5)).toThrow(/got -5/);
  });
});

describe('Constant', () => {
  it('returns its value for every u and has it as its mean', () => {
    const dist: Distribution = new Constant(50);
    for (const u of [0, 0.1, 0.5, 0.999999]) expect(dist.quantile(u)).toBe(50);
    expect(dist.mean).toBe(50);
  });
});

describe('Uniform', () => {
  it('maps u linearly onto [min, max]', () => {
    const dist = new Uniform(100, 300);
    expect(dist.quantile(0)).toBe(100);
    expect(dist.quantile(0.25)).toBe(150);
    expect(dist.quantile(1)).toBe(300);
    expect(dist.mean).toBe(200);
  });

  it('has sample mean and variance within 4 standard errors of (min+max)/2 and (max-min)^2/12', () => {
    const x = sample(new Uniform(100, 300), 'uniform');
    const width = 200;
    expect(Math.abs(mean(x) - 200)).toBeLessThan(4 * Math.sqrt(width ** 2 / 12 / N));
    // SE of the sample variance of U(a, b): width^2 sqrt(1 / (180 n)) (see random.test.ts).
    expect(Math.abs(variance(x) - width ** 2 / 12)).toBeLessThan(4 * width ** 2 * Math.sqrt(1 / (180 * N)));
  });

  it('allows min = max and refuses max < min', () => {
    expect(new Uniform(5, 5).quantile(0.7)).toBe(5);
    expect(() => new Uniform(5, 4)).toThrow(/5\.\.4/);
  });
});

describe('makeDistribution', () => {
  it('builds the sampler named by dist with its parameters', () => {
    const lognormal = makeDistribution({ dist: 'lognormal', p50: 800, p95: 2500 });
    expect(lognormal).toBeInstanceOf(Lognormal);
    expect(lognormal.quantile(0.5)).toBeCloseTo(800, 6);
    expect(makeDistribution({ dist: 'constant', value: 7 }).quantile(0.3)).toBe(7);
    const exponential = makeDistribution({ dist: 'exponential', mean: 10 });
    expect(exponential).toBeInstanceOf(Exponential);
    expect(exponential.mean).toBe(10);
    const uniform = makeDistribution({ dist: 'uniform', min: 1, max: 3 });
    expect(uniform).toBeInstanceOf(Uniform);
    expect(uniform.quantile(0.5)).toBe(2);
  });
});
