import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedNotLandmark, ms, percent, rateWithCount, shortCount } from '../../src/text/format.js';
import { formatMetricDelta, formatMetricValue, formatRelative } from '../../src/metrics/headline.js';

describe('percent', () => {
  it('prints ordinary rates to the usual decimals', () => {
    expect(percent(0.0512)).toBe('5.120%');
    expect(percent(0.04, 2)).toBe('4.00%');
    expect(percent(0)).toBe('0.000%');
    expect(percent(1, 2)).toBe('100.00%');
  });

  it('never prints a tiny rate as zero: it gets the decimals it needs', () => {
    expect(percent(2e-7)).toBe('0.00002%');
    expect(percent(2.34e-7)).toBe('0.000023%');
    expect(percent(1e-9)).toBe('0.0000001%');
    expect(percent(4.9e-6)).toBe('0.00049%');
  });

  it('never prints a rate just below one as 100%', () => {
    expect(percent(0.9999997, 2)).toBe('99.99997%');
    expect(percent(0.99999, 2)).toBe('99.999%');
    expect(percent(0.9995, 2)).toBe('99.95%');
  });

  it('reads as 0 or 100 only for exactly 0 or 1, for any rate', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 3 }), (rate, digits) => {
        const shown = Number(percent(rate, digits).slice(0, -1));
        if (shown === 0) expect(rate).toBe(0);
        if (shown === 100) expect(rate).toBe(1);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});

describe('rateWithCount', () => {
  it('adds the count to a tiny rate: 2 in 10M', () => {
    expect(rateWithCount(2e-7, 10_000_000)).toBe('0.00002% (2 in 10M)');
    expect(rateWithCount(1 / 2_500_000, 2_500_000)).toBe('0.00004% (1 in 2.5M)');
  });

  it('leaves ordinary and zero rates alone', () => {
    expect(rateWithCount(0.04, 10_000_000)).toBe('4.000%');
    expect(rateWithCount(0, 10_000_000)).toBe('0.000%');
  });

  it('writes request totals short when exact to a decimal', () => {
    expect(shortCount(10_000_000)).toBe('10M');
    expect(shortCount(1_234_567)).toBe('1,234,567');
    expect(shortCount(250_000)).toBe('250K');
  });
});

describe('ms', () => {
  it('keeps short durations in ms and seconds', () => {
    expect(ms(250)).toBe('250 ms');
    expect(ms(3500)).toBe('3.50 s');
    expect(ms(12_345)).toBe('12.3 s');
  });

  it('writes long durations in two whole units', () => {
    expect(ms(21_072_900)).toBe('5 h 51 min');
    expect(ms(125_000)).toBe('2 min 5 s');
    expect(ms(60_000)).toBe('1 min');
    expect(ms(3_600_000)).toBe('1 h');
    expect(ms(90 * 3_600_000)).toBe('3 d 18 h');
    expect(ms(59_960)).toBe('1 min');
  });
});

describe('headline deltas', () => {
  it('shows a tiny rate delta and relative change instead of zero', () => {
    expect(formatMetricDelta('rate', -2e-7)).toBe('-0.00002 pp');
    expect(formatRelative(0.00004)).toBe('+0.004%');
    expect(formatMetricValue('rate', 0.9999997)).toBe('99.99997%');
    expect(formatMetricValue('duration', 21_072_900)).toBe('5 h 51 min');
  });

  it('fixedNotLandmark keeps the plain form away from the landmarks', () => {
    expect(fixedNotLandmark(12.3456, 2, [0])).toBe('12.35');
    expect(fixedNotLandmark(-0.0004, 3, [0])).toBe('-0.0004');
  });
});
