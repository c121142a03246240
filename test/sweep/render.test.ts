import { describe, expect, it } from 'vitest';
import { HEADLINE_KEYS, type HeadlineValues } from '../../src/metrics/headline.js';
import type { SweepResult } from '../../src/report/sweep-types.js';
import { csvCell, renderSweepCsv } from '../../src/sweep/render.js';

describe('CSV cells', () => {
  it('prefixes text a spreadsheet would run as a formula with a quote', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\\tcmd");
    expect(csvCell('\rcmd')).toBe("'\\rcmd");
  });

  it('writes numbers as numbers, negative ones included, and plain text as is', () => {
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(1e-7)).toBe('1e-7');
    expect(csvCell('retry+breaker')).toBe('retry+breaker');
    expect(csvCell('a,b')).toBe('"a,b"');
  });

  it('escapes formula text in every cell of a sweep, keeping metric values numeric', () => {
    const metrics = Object.fromEntries(HEADLINE_KEYS.map((k) => [k, -1])) as HeadlineValues;
    const result: SweepResult = {
      scenario: 'x',
      seed: 1,
      requests: 10,
      replications: 1,
      params: ['=cmd|x'],
      variants: ['all'],
      totalPoints: 1,
      points: [{ index: 0, params: { '=cmd|x': '=1+1' }, variant: '@all', metrics }],
    };
    const [head, row] = renderSweepCsv(result).split('\n');
    expect(head!.split(',')[1]).toBe("'=cmd|x");
    expect(row!.split(',').slice(0, 4)).toEqual(['0', "'=1+1", "'@all", '-1']);
  });
});
