import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grouped } from '../../src/text/grouped.js';

const locale = (value: number, max: number, min: number) => value.toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });

describe('grouped: toLocaleString("en-US") without ICU', () => {
  it('writes exactly what toLocaleString writes, for every fraction setting the reports use', () => {
    const settings: [number, number][] = [[0, 0], [1, 0], [2, 0], [2, 2], [3, 0], [3, 1]];
    const values = fc.oneof(
      fc.double({ noNaN: true }),
      fc.double({ min: -1e7, max: 1e7, noNaN: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000), // ties like 1.005 and 2.5
      fc.integer({ min: 0, max: 2 ** 53 }),
      fc.constantFrom(0, -0, 0.5, 1.5, 2.5, -0.5, -0.04, 0.95, 9.95, 99.995, 999.5, 999_999.5, 1.005, 1e21, 1.7976931348623157e308, 5e-324, Infinity, -Infinity, NaN),
    );
    fc.assert(
      fc.property(values, fc.constantFrom(...settings), (value, [max, min]) => {
        expect(grouped(value, max, min)).toBe(locale(value, max, min));
      }),
      { numRuns: 20_000, seed: 18 },
    );
  });
});
