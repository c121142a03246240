import { describe, expect, it } from 'vitest';
import { ConstantCount, EmpiricalCount, GeometricCount, LognormalCount, type CountDistribution } from '../../src/random/count-distributions.js';
import { RandomStreams } from '../../src/random/random.js';

/** The mean of `dist` by the midpoint rule on a fine grid of u: a check of the closed-form `mean`. */
function gridMean(dist: CountDistribution, cells = 1 << 20): number {
  let sum = 0;
  for (let i = 0; i < cells; i++) sum += dist.quantile((i + 0.5) / cells);
  return sum / cells;
}

describe('count distributions', () => {
  it('a geometric count with mean 8 stops after each step with probability 1/8: P(N > k) = (7/8)^k at every k, exactly at the grid', () => {
    const g = new GeometricCount(8);
    expect(g.stop).toBe(0.125);
    // quantile(u) > k exactly when u >= 1 - (7/8)^k.
    for (const k of [1, 2, 5, 10, 30]) {
      const edge = 1 - 0.875 ** k;
      expect(g.quantile(edge - 1e-12)).toBe(k);
      expect(g.quantile(edge + 1e-12)).toBe(k + 1);
    }
    expect(g.quantile(0)).toBe(1);
    expect(new GeometricCount(1).quantile(0.999999)).toBe(1);
  });

  it('a geometric count is what the log formula gives for every u, the draws answered as 1 without it included (1M keyed draws, and u packed around the edge u = h)', () => {
    const formula = (g: GeometricCount, u: number) => 1 + Math.floor(Math.log1p(-u) / Math.log1p(-g.stop));
    const u = new RandomStreams(11).keyed('geometric-edge');
    const differ: number[] = [];
    for (const mean of [1.0001, 1.07, 2, 3.95, 7.75, 1000]) {
      const g = new GeometricCount(mean);
      const check = (x: number) => {
        if (g.quantile(x) !== formula(g, x)) differ.push(x);
      };
      for (let i = 0; i < 1_000_000 / 6; i++) check(u.at(i, mean, 0));
      // Around the edge, down to neighbouring doubles.
      for (let d = -1e-6; d <= 1e-6; d += 1e-9) check(g.stop + d);
      for (const x of [g.stop, g.stop * (1 - 1e-9), g.stop * (1 - 2e-9), g.stop * (1 + 1e-16), g.stop * (1 - 1e-16)]) check(x);
    }
    expect(differ).toEqual([]);
  });

  it('a geometric sample of 200,000 has mean 3.95 within 4 standard errors (sd = sqrt(1 - h)/h)', () => {
    const g = new GeometricCount(3.95);
    const u = new RandomStreams(7).keyed('geometric');
    const n = 200_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += g.quantile(u.at(i, 0, 0));
    const sd = Math.sqrt(1 - g.stop) / g.stop;
    expect(Math.abs(sum / n - 3.95)).toBeLessThan((4 * sd) / Math.sqrt(n));
  });

  it('a constant is its value; zero, fractions and negatives are refused', () => {
    expect(new ConstantCount(3).quantile()).toBe(3);
    expect(new ConstantCount(3).mean).toBe(3);
    expect(() => new ConstantCount(0)).toThrow(RangeError);
    expect(() => new ConstantCount(1.5)).toThrow(/whole number >= 1/);
    expect(() => new GeometricCount(0.5)).toThrow(/mean >= 1/);
  });

  it('a rounded lognormal is at least 1 and its closed-form mean matches the grid mean to 1e-4 (the grid\'s own error at the steps)', () => {
    const l = new LognormalCount(6, 40);
    expect(l.quantile(1e-9)).toBe(1);
    expect(l.quantile(0.5)).toBe(6);
    expect(Math.abs(l.mean - gridMean(l)) / l.mean).toBeLessThan(1e-4);
  });

  it('an empirical table interpolates between its points, rounds, and has the exact mean of that step function', () => {
    const table = new EmpiricalCount({ 0: 1, 0.5: 3, 0.9: 12, 1: 60 });
    expect(table.quantile(0)).toBe(1);
    expect(table.quantile(0.25)).toBe(2);
    expect(table.quantile(0.5)).toBe(3);
    expect(table.quantile(0.75)).toBe(9); // 3 + 0.625 x 9 = 8.625
    expect(table.quantile(0.999999)).toBe(60);
    expect(Math.abs(table.mean - gridMean(table))).toBeLessThan(1e-5);
    // A flat piece and a piece below 1 (clamped to 1).
    const flat = new EmpiricalCount({ 0: 0, 0.5: 0, 1: 4 });
    expect(Math.abs(flat.mean - gridMean(flat))).toBeLessThan(1e-5);
  });

  it('an empirical table must hold the quantiles 0 and 1 and not fall', () => {
    expect(() => new EmpiricalCount({ 0: 3, 1: 2 })).toThrow(/must not decrease/);
    expect(() => new EmpiricalCount({ 0.1: 1, 1: 2 })).toThrow(/quantiles 0/);
  });
});
