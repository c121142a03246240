import { describe, expect, it } from 'vitest';
import { confidenceInterval, isSignificant, tQuantile975 } from '../../src/report/confidence.js';

describe('tQuantile975', () => {
  // Reference values of the 0.975 quantile of Student's t, from standard tables (3 decimals).
  it.each([
    [1, 12.706],
    [2, 4.303],
    [4, 2.776],
    [10, 2.228],
    [29, 2.045],
    [30, 2.042],
  ])('gives t(0.975, %i) = %f to three decimals', (df, expected) => {
    expect(tQuantile975(df)).toBeCloseTo(expected, 3);
  });

  // Beyond the table the series takes over; exact values to four decimals.
  it.each([
    [31, 2.0395],
    [40, 2.0211],
    [60, 2.0003],
    [120, 1.9799],
  ])('gives t(0.975, %i) = %f to four decimals beyond the table', (df, expected) => {
    expect(tQuantile975(df)).toBeCloseTo(expected, 4);
  });

  it('approaches the normal quantile 1.960 as the degrees of freedom grow', () => {
    expect(tQuantile975(1_000_000)).toBeCloseTo(1.95996, 4);
  });

  it('falls strictly as the degrees of freedom grow, with no jump where the table ends', () => {
    for (let df = 1; df < 200; df++) expect(tQuantile975(df + 1)).toBeLessThan(tQuantile975(df));
    expect(tQuantile975(30) - tQuantile975(31)).toBeLessThan(0.003);
  });

  it('refuses degrees of freedom below 1 or fractional', () => {
    expect(() => tQuantile975(0)).toThrow('df must be a whole number of at least 1, got 0');
    expect(() => tQuantile975(2.5)).toThrow(RangeError);
  });
});

describe('confidenceInterval', () => {
  it('is the mean plus or minus t(0.975, n-1) standard errors', () => {
    // mean 3, sample sd sqrt(2.5); half-width 2.7764 * 1.58114 / sqrt(5) = 1.96324.
    const ci = confidenceInterval([1, 2, 3, 4, 5]);
    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(ci.halfWidth).toBeCloseTo(1.96324, 4);
    expect(ci.low).toBeCloseTo(1.03676, 4);
    expect(ci.high).toBeCloseTo(4.96324, 4);
    expect(ci.n).toBe(5);
  });

  it('has no interval for a single value', () => {
    expect(confidenceInterval([7])).toEqual({ mean: 7, low: 7, high: 7, halfWidth: null, sd: null, n: 1 });
  });

  it('refuses an empty series', () => {
    expect(() => confidenceInterval([])).toThrow(RangeError);
  });
});

describe('isSignificant', () => {
  it('calls a difference significant only when its interval excludes zero', () => {
    expect(isSignificant(confidenceInterval([1, 1.1, 0.9]))).toBe(true);
    expect(isSignificant(confidenceInterval([-1, -1.1, -0.9]))).toBe(true);
    expect(isSignificant(confidenceInterval([1, -1, 0.5]))).toBe(false);
    // Identical runs: every paired difference is exactly 0.
    expect(isSignificant(confidenceInterval([0, 0, 0]))).toBe(false);
  });

  it('cannot judge a single pair', () => {
    expect(isSignificant(confidenceInterval([5]))).toBeNull();
  });
});
