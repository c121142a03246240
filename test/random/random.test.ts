import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedUniform, normalQuantile, RandomStreams } from '../../src/random/random.js';

const N = 200_000;

function take(source: () => number, n: number): number[] {
  return Array.from({ length: n }, () => source());
}

/** Pearson correlation of two equal-length samples. */
function correlation(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Draws `n` keyed values; `key(index)` gives the (i, j, k) triple for sample `index`. */
function keyedSample(u: KeyedUniform, n: number, key: (index: number) => [number, number, number]): Float64Array {
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const [i, j, k] = key(s);
    out[s] = u.at(i, j, k);
  }
  return out;
}

describe('RandomStreams.stream', () => {
  it('gives the same sequence for the same seed and name', () => {
    const a = take(new RandomStreams(42).stream('arrivals'), 1000);
    const b = take(new RandomStreams(42).stream('arrivals'), 1000);
    expect(a).toEqual(b);
    for (const x of a) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('gives a different sequence for a different name or a different seed', () => {
    const base = take(new RandomStreams(42).stream('arrivals'), 100);
    const otherName = take(new RandomStreams(42).stream('tenants'), 100);
    const otherSeed = take(new RandomStreams(43).stream('arrivals'), 100);
    // Two independent streams share a value at a position with probability ~2^-53 each.
    expect(otherName.filter((x, i) => x === base[i])).toHaveLength(0);
    expect(otherSeed.filter((x, i) => x === base[i])).toHaveLength(0);
  });

  it('does not shift one stream when another is drawn from', () => {
    const streams = new RandomStreams(7);
    const tokens = streams.stream('tokens');
    const arrivals = streams.stream('arrivals');
    take(tokens, 5000);
    expect(take(arrivals, 50)).toEqual(take(new RandomStreams(7).stream('arrivals'), 50));
  });
});

describe('KeyedUniform', () => {
  it('gives the same draws for the same seed and name, different ones for another name or seed', () => {
    const a = new RandomStreams(42).keyed('upstream-fail');
    const same = new RandomStreams(42).keyed('upstream-fail');
    const otherName = new RandomStreams(42).keyed('upstream-latency');
    const otherSeed = new RandomStreams(43).keyed('upstream-fail');
    let equalName = 0;
    let equalSeed = 0;
    for (let i = 0; i < 1000; i++) {
      expect(same.at(i, 1, 2)).toBe(a.at(i, 1, 2));
      if (otherName.at(i, 1, 2) === a.at(i, 1, 2)) equalName++;
      if (otherSeed.at(i, 1, 2) === a.at(i, 1, 2)) equalSeed++;
    }
    expect(equalName).toBe(0);
    expect(equalSeed).toBe(0);
  });

  it('is a pure function of its key: call order and other calls do not change a draw', () => {
    const u = new RandomStreams(1).keyed('x');
    const key = fc.tuple(fc.nat(10_000_000), fc.nat(64), fc.nat(2000));
    fc.assert(
      fc.property(key, fc.array(key, { maxLength: 20 }), ([i, j, k], noise) => {
        const first = u.at(i, j, k);
        for (const [a, b, c] of noise) u.at(a, b, c);
        expect(u.at(i, j, k)).toBe(first);
        expect(new KeyedUniform(0).at(i, j, k)).toBe(new KeyedUniform(0).at(i, j, k));
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThan(1);
      }),
      { numRuns: 500, seed: 99 },
    );
  });

  it('gives different draws for keys that differ in only one component', () => {
    const u = new RandomStreams(3).keyed('x');
    const base = u.at(5, 0, 0);
    expect(u.at(6, 0, 0)).not.toBe(base);
    expect(u.at(5, 1, 0)).not.toBe(base);
    expect(u.at(5, 0, 1)).not.toBe(base);
    // Swapping components must not give the same key either.
    expect(u.at(0, 5, 0)).not.toBe(base);
    expect(u.at(0, 0, 5)).not.toBe(base);
  });

  // Keys laid out as the simulator uses them: along the request index, and over a grid of
  // (request, target, attempt) with target and attempt offsets as in Simulator.startAttempt.
  const layouts: [string, (s: number) => [number, number, number]][] = [
    ['consecutive requests (i, 0, 0)', (s) => [s, 0, 0]],
    ['a (request, target, attempt) grid', (s) => [Math.floor(s / 100), Math.floor(s / 10) % 10, (s % 10) + 1000 * (s % 2)]],
  ];

  it.each(layouts)('has mean 1/2 and variance 1/12 over 200k keys along %s', (_, key) => {
    const x = keyedSample(new RandomStreams(42).keyed('moments'), N, key);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (const v of x) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / N;
    let ss = 0;
    for (const v of x) ss += (v - mean) * (v - mean);
    const variance = ss / (N - 1);
    // SE of the mean: sqrt(Var U / n) = sqrt(1 / (12 n)).
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / (12 * N)));
    // SE of the sample variance: sqrt((mu4 - sigma^4) / n), with mu4 = 1/80 and
    // sigma^4 = 1/144 for U(0, 1), so mu4 - sigma^4 = 1/180.
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt(1 / (180 * N)));
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  it('passes a 20-bin chi-square test at seed 42 (critical value 43.82: df 19, alpha 0.001)', () => {
    const u = new RandomStreams(42).keyed('chi-square');
    const bins = new Array<number>(20).fill(0);
    for (let i = 0; i < N; i++) bins[Math.floor(u.at(i, 0, 0) * 20)]!++;
    const expected = N / 20;
    const chiSquare = bins.reduce((s, observed) => s + (observed - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(43.82);
  });

  it('passes a 10x10 serial-pair chi-square test on neighbouring requests (critical value 148.23: df 99, alpha 0.001)', () => {
    // Catches dependence between u(i) and u(i+1) that a linear correlation would miss.
    const u = new RandomStreams(42).keyed('pairs');
    const cells = new Array<number>(100).fill(0);
    const pairs = N / 2;
    for (let p = 0; p < pairs; p++) {
      const a = Math.floor(u.at(2 * p, 0, 0) * 10);
      const b = Math.floor(u.at(2 * p + 1, 0, 0) * 10);
      cells[a * 10 + b]!++;
    }
    const expected = pairs / 100;
    const chiSquare = cells.reduce((s, observed) => s + (observed - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(148.23);
  });

  // Under independence the sample correlation has standard error ~1/sqrt(n); allow 4 of them.
  const neighbours: [string, (s: number) => [number, number, number], (s: number) => [number, number, number]][] = [
    ['requests (i, i+1)', (s) => [s, 0, 0], (s) => [s + 1, 0, 0]],
    ['targets (j, j+1)', (s) => [s, 0, 0], (s) => [s, 1, 0]],
    ['attempts (k, k+1)', (s) => [s, 0, 1], (s) => [s, 0, 2]],
  ];

  it.each(neighbours)('does not correlate draws of neighbouring %s beyond 4 standard errors', (_, keyA, keyB) => {
    const u = new RandomStreams(42).keyed('neighbours');
    const r = correlation(keyedSample(u, N, keyA), keyedSample(u, N, keyB));
    expect(Math.abs(r)).toBeLessThan(4 / Math.sqrt(N));
  });

  it('does not correlate two named keyed draws at the same key (fail vs latency)', () => {
    const streams = new RandomStreams(42);
    const key = (s: number): [number, number, number] => [s, 0, 0];
    const r = correlation(keyedSample(streams.keyed('upstream-fail'), N, key), keyedSample(streams.keyed('upstream-latency'), N, key));
    expect(Math.abs(r)).toBeLessThan(4 / Math.sqrt(N));
  });
});

describe('normalQuantile', () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959963985],
    [0.05, -1.644853627],
    [0.99, 2.326347874],
    [1e-6, -4.753424309],
  ])('maps %f to %f within 1e-8', (p, z) => {
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-8);
  });

  it('is antisymmetric about 1/2, including across the tail-region boundary', () => {
    for (const p of [1e-9, 1e-6, 0.001, 0.02, 0.02425, 0.03, 0.2, 0.4999]) {
      expect(Math.abs(normalQuantile(1 - p) + normalQuantile(p))).toBeLessThan(1e-8);
    }
  });

  it('is increasing across the region boundaries', () => {
    let previous = -Infinity;
    for (let p = 0.0001; p < 1; p += 0.0001) {
      const z = normalQuantile(p);
      expect(z).toBeGreaterThan(previous);
      previous = z;
    }
  });

  it('returns -Infinity at 0 and Infinity at 1', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});
