import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDurationMs,
  formatMoneyUsd,
  formatRate,
  formatTokenCount,
  parseCount,
  parseDurationMs,
  parseMoneyUsd,
  parsePositiveInt,
  parseRate,
  parseTokenCount,
  UnitError,
} from '../../src/text/units.js';

/** The error a parser throws for `value`, failing the test if it does not throw a UnitError. */
function errorOf(parse: (value: unknown) => number, value: unknown): UnitError {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(UnitError);
    return error as UnitError;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

// Values every parser must refuse, whatever its unit.
const NONSENSE: unknown[] = [
  Number.NaN,
  Infinity,
  -Infinity,
  true,
  false,
  null,
  undefined,
  [],
  [1],
  {},
  { ms: 5 },
  '',
  '   ',
  'NaN',
  'Infinity',
  'ten',
  '5 parsecs',
  '1__000',
  '_1',
  '1_',
  '1.',
  '1 000',
];

describe('UnitError', () => {
  it('is an Error named UnitError that keeps what was expected, what was given and why', () => {
    const error = errorOf((v) => parseDurationMs(v), '-1s');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('UnitError');
    expect(error.expected).toBe('a duration like 250ms, 4s, 2m, 1h or 30d');
    expect(error.got).toBe('-1s');
    expect(error.reason).toBe('must not be negative');
  });

  it('describes non-string values the way YAML shows them', () => {
    expect(errorOf(parseRate, true).message).toBe('expected a rate between 0 and 1 (or 0% to 100%), got true');
    expect(errorOf(parseRate, null).message).toMatch(/, got null$/);
    expect(errorOf(parseRate, [0.1]).message).toMatch(/, got a list$/);
    expect(errorOf(parseRate, { a: 1 }).message).toMatch(/, got a mapping$/);
    expect(errorOf(parseRate, undefined).message).toMatch(/, got nothing$/);
    expect(errorOf(parseRate, Number.NaN).message).toMatch(/, got NaN$/);
  });

  it('shortens a very long offending string', () => {
    const message = errorOf(parseRate, 'x'.repeat(500)).message;
    expect(message.length).toBeLessThan(150);
    expect(message).toContain('...');
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['250ms', 250],
    ['4s', 4_000],
    ['1.5s', 1_500],
    ['1.1s', 1_100],
    ['0.001s', 1],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['0.5h', 1_800_000],
    ['30d', 2_592_000_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['10_000ms', 10_000],
    ['1e3ms', 1_000],
    ['.5s', 500],
    ['  4s\n', 4_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each([
    ['-1s', 'must not be negative'],
    ['0s', 'must be greater than zero'],
    ['0', 'must be greater than zero'],
    ['250', 'add a unit, e.g. 250ms'],
    ['0.5ms', '1ms is the smallest step'],
    ['1e400s', 'too large'],
    ['1e400', 'too large'],
  ])('rejects %j because it %s', (text, reason) => {
    expect(errorOf((v) => parseDurationMs(v), text).reason).toBe(reason);
  });

  it('says what a duration looks like when given something else', () => {
    expect(errorOf((v) => parseDurationMs(v), '5 parsecs').message).toBe(
      'expected a duration like 250ms, 4s, 2m, 1h or 30d, got "5 parsecs"',
    );
  });

  it('asks for a unit when given a bare YAML number', () => {
    expect(errorOf((v) => parseDurationMs(v), 30).message).toBe(
      'expected a duration like 250ms, 4s, 2m, 1h or 30d, got 30 (add a unit, e.g. 250ms)',
    );
    expect(errorOf((v) => parseDurationMs(v), -30).reason).toBe('must not be negative');
  });

  it.each(['4s4', '4 s', '1h 30m', '30m1h', '1s1s', '4sec', '4S', '1.5.5s', '--1s', '-', 's', '4ms5', '$4s'])(
    'rejects the malformed %j',
    (text) => {
      expect(errorOf((v) => parseDurationMs(v), text).reason).toBeUndefined();
    },
  );

  it.each(NONSENSE)('rejects %j', (value) => {
    errorOf((v) => parseDurationMs(v), value);
  });

  it('accepts zero, with or without a unit, only when allowZero is set', () => {
    expect(parseDurationMs(0, { allowZero: true })).toBe(0);
    expect(parseDurationMs('0', { allowZero: true })).toBe(0);
    expect(parseDurationMs('0ms', { allowZero: true })).toBe(0);
    expect(parseDurationMs('0h0m', { allowZero: true })).toBe(0);
    expect(errorOf((v) => parseDurationMs(v), 0).reason).toBe('must be greater than zero');
    expect(errorOf((v) => parseDurationMs(v, { allowZero: true }), 5).reason).toBe('add a unit, e.g. 250ms');
    expect(errorOf((v) => parseDurationMs(v, { allowZero: true }), '-5ms').reason).toBe('must not be negative');
  });
});

describe('formatDurationMs', () => {
  it.each([
    [250, '250ms'],
    [4_000, '4s'],
    [90_000, '90s'],
    [120_000, '2m'],
    [5_400_000, '90m'],
    [3_600_000, '1h'],
    [2_592_000_000, '30d'],
    [1_001, '1001ms'],
    [0, '0s'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });

  it.each([-1, 0.5, Number.NaN, Infinity])('refuses %d, which no duration parses to', (ms) => {
    expect(() => formatDurationMs(ms)).toThrow(RangeError);
  });

  it('reads back every whole positive number of milliseconds it writes', () => {
    const anyMs = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    // Random integers are rarely whole minutes or days, so also try exact multiples of each unit.
    const wholeUnits = fc
      .tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(1, 1_000, 60_000, 3_600_000, 86_400_000))
      .map(([n, unitMs]) => n * unitMs);
    fc.assert(
      fc.property(fc.oneof(anyMs, wholeUnits), (ms) => {
        expect(parseDurationMs(formatDurationMs(ms))).toBe(ms);
      }),
    );
  });
});

describe('parseRate', () => {
  it.each([
    [0.04, 0.04],
    [0, 0],
    [1, 1],
    ['0.04', 0.04],
    ['4%', 0.04],
    ['0.5%', 0.005],
    ['7%', 0.07],
    ['100%', 1],
    ['0%', 0],
    [' 12.5% ', 0.125],
    ['1e-2', 0.01],
  ])('reads %j as %d', (value, rate) => {
    expect(parseRate(value)).toBe(rate);
  });

  it('says what a rate looks like when given 120%', () => {
    expect(errorOf(parseRate, '120%').message).toBe('expected a rate between 0 and 1 (or 0% to 100%), got "120%"');
  });

  it('suggests a percent sign for a plain number that looks like a percentage', () => {
    expect(errorOf(parseRate, 4).reason).toBe('for a percentage write 4%');
    expect(errorOf(parseRate, '4').reason).toBe('for a percentage write 4%');
    expect(errorOf(parseRate, 1.2).reason).toBe('for a percentage write 1.2%');
    expect(errorOf(parseRate, 250).reason).toBeUndefined();
  });

  it.each([-0.1, '-0.1', '-4%'])('rejects the negative %j', (value) => {
    expect(errorOf(parseRate, value).reason).toBe('must not be negative');
  });

  it('reads -0% as plain zero', () => {
    expect(Object.is(parseRate('-0%'), 0)).toBe(true);
  });

  it.each([...NONSENSE, '4 %', '%', '4%%', '0.04%4', '1e400', '$0.04', '4K'])('rejects %j', (value) => {
    errorOf(parseRate, value);
  });

  it('reads a percentage written from any rate in [0, 1] back within 1e-12', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
        expect(Math.abs(parseRate(`${x * 100}%`) - x)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });
});

describe('formatRate', () => {
  it.each([
    [0.04, '4%'],
    [0.07, '7%'],
    [0.005, '0.5%'],
    [0, '0%'],
    [1, '100%'],
    [0.125, '12.5%'],
  ])('writes %d as %j', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });

  it.each([-0.1, 1.01, Number.NaN])('refuses %d, which is not a rate', (rate) => {
    expect(() => formatRate(rate)).toThrow(RangeError);
  });

  it('reads back exactly every rate it writes', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
        expect(parseRate(formatRate(x))).toBe(x);
      }),
    );
  });
});

describe('parseMoneyUsd', () => {
  it.each([
    ['$3', 3],
    [3, 3],
    ['3', 3],
    ['3.75', 3.75],
    ['$0.30', 0.3],
    ['$40,000', 40_000],
    ['$40000', 40_000],
    ['$40_000', 40_000],
    ['$1,234,567.89', 1_234_567.89],
    ['$1.2K', 1_200],
    ['$40K', 40_000],
    ['$2M', 2_000_000],
    ['$2m', 2_000_000],
    ['$1B', 1_000_000_000],
    [0, 0],
    ['$0', 0],
  ])('reads %j as %d dollars', (value, usd) => {
    expect(parseMoneyUsd(value)).toBe(usd);
  });

  it.each(['-$3', '$-3', '-3', -3])('rejects the negative %j', (value) => {
    expect(errorOf(parseMoneyUsd, value).message).toBe(
      `expected an amount in US dollars like $3, $0.30, $40,000 or $1.2K, got ${JSON.stringify(value)} (must not be negative)`,
    );
  });

  it.each([...NONSENSE, '$', '$$3', '3$', '$40,00', '$4,0000', '$ 3', 'USD 3', '$3X', '$3KK', '$1e400'])(
    'rejects %j',
    (value) => {
      errorOf(parseMoneyUsd, value);
    },
  );
});

describe('formatMoneyUsd', () => {
  it.each([
    [3, '$3'],
    [0, '$0'],
    [0.3, '$0.30'],
    [3.75, '$3.75'],
    [40_000, '$40,000'],
    [1_234_567, '$1,234,567'],
    [0.0015, '$0.0015'],
  ])('writes %d as %j', (usd, text) => {
    expect(formatMoneyUsd(usd)).toBe(text);
  });

  it.each([-1, Number.NaN, Infinity, 2 ** 53])('refuses %d, which the parser would not read back', (usd) => {
    expect(() => formatMoneyUsd(usd)).toThrow(RangeError);
  });

  it('reads back exactly every amount it writes', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: Number.MAX_SAFE_INTEGER, noNaN: true }), (usd) => {
        expect(parseMoneyUsd(formatMoneyUsd(usd))).toBe(usd);
      }),
    );
  });
});

describe('parseTokenCount', () => {
  it.each([
    ['8K', 8_000],
    ['8k', 8_000],
    ['1.2M', 1_200_000],
    ['1500', 1_500],
    [1500, 1_500],
    ['7.7K', 7_700],
    ['1,500', 1_500],
    ['10_000', 10_000],
    ['1500.4', 1_500],
    [1500.6, 1_501],
    [0, 0],
  ])('reads %j as %d tokens', (value, tokens) => {
    expect(parseTokenCount(value)).toBe(tokens);
  });

  it('rejects a negative count', () => {
    expect(errorOf(parseTokenCount, '-8K').message).toBe(
      'expected a token count like 1500, 8K or 1.2M, got "-8K" (must not be negative)',
    );
  });

  it.each([...NONSENSE, '8KB', '8 K', 'K', '1e400', '8K8'])('rejects %j', (value) => {
    errorOf(parseTokenCount, value);
  });
});

describe('parseCount', () => {
  it.each([
    ['10M', 10_000_000],
    ['1.5M', 1_500_000],
    ['250K', 250_000],
    ['1.5K', 1_500],
    ['1e6', 1_000_000],
    [1e6, 1_000_000],
    ['10000000', 10_000_000],
    ['10_000_000', 10_000_000],
    ['1B', 1_000_000_000],
    ['0', 0],
  ])('reads %j as %d', (value, count) => {
    expect(parseCount(value)).toBe(count);
  });

  it.each([1.5, '1.5', '1.0005K'])('rejects %j, which is not a whole number', (value) => {
    expect(errorOf(parseCount, value).reason).toBe('must be a whole number');
  });

  it.each([
    ['-1M', 'must not be negative'],
    ['1e400', 'too large'],
    ['1e16', 'too large'],
  ])('rejects %j because it is %s', (value, reason) => {
    expect(errorOf(parseCount, value).reason).toBe(reason);
  });

  it.each([...NONSENSE, '10MM', '10 M', '1M1'])('rejects %j', (value) => {
    errorOf(parseCount, value);
  });
});

describe('formatTokenCount and formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1_000, '1K'],
    [1_500, '1.5K'],
    [8_192, '8192'],
    [7_700, '7.7K'],
    [128_000, '128K'],
    [1_200_000, '1.2M'],
    [1_050_000, '1050K'],
    [10_000_000, '10M'],
    [1_000_000_000, '1B'],
  ])('writes %d as %j', (n, text) => {
    expect(formatTokenCount(n)).toBe(text);
    expect(formatCount(n)).toBe(text);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %d, which is not a count', (n) => {
    expect(() => formatTokenCount(n)).toThrow(RangeError);
  });

  it('reads back every whole count it writes', () => {
    const anyCount = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const roundCounts = fc
      .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(100, 100_000, 100_000_000))
      .map(([n, step]) => n * step);
    fc.assert(
      fc.property(fc.oneof(anyCount, roundCounts), (n) => {
        expect(parseTokenCount(formatTokenCount(n))).toBe(n);
        expect(parseCount(formatCount(n))).toBe(n);
      }),
    );
  });
});

describe('parsePositiveInt', () => {
  const parseAttempts = (value: unknown) => parsePositiveInt(value, 'maxAttempts');

  it.each([
    [1, 1],
    [3, 3],
    ['3', 3],
    [' 10_000 ', 10_000],
    [3.0, 3],
  ])('reads %j as %d', (value, n) => {
    expect(parseAttempts(value)).toBe(n);
  });

  it('names the field in its error', () => {
    expect(errorOf(parseAttempts, 0).message).toBe(
      'expected maxAttempts to be a whole number of 1 or more, got 0 (must be at least 1)',
    );
  });

  it.each([
    [1.5, 'must be a whole number'],
    ['2.5', 'must be a whole number'],
    [-2, 'must be at least 1'],
    ['1e400', 'too large'],
    [2 ** 60, 'too large'],
  ])('rejects %j because it %s', (value, reason) => {
    expect(errorOf(parseAttempts, value).reason).toBe(reason);
  });

  it.each([...NONSENSE, '3x', '3K', '3s'])('rejects %j', (value) => {
    errorOf(parseAttempts, value);
  });
});
