import { describe, expect, it } from 'vitest';
import { renderTerminalChart, runTerminalChart, sweepTerminalChart } from '../../src/report/terminal-chart.js';
import { metastableRun, syntheticSweep } from './report-fixtures.js';

describe('renderTerminalChart', () => {
  it('stacks eighth blocks on a shared scale from zero to the largest value', () => {
    const chart = renderTerminalChart({ title: 'load', series: [{ name: '', values: [0, 0.25, 0.5, 1] }], xLabels: { first: '0', last: '3' }, height: 2 });
    expect(chart.split('\n')).toEqual([
      'load',
      // 1 fills both rows (16 eighths); 0.5 fills the lower row; 0.25 fills half of it.
      '1 ┤   █',
      '0 ┤ ▄██',
      '  └────',
      '   0  3',
    ]);
  });

  it('shows a positive value too small for an eighth as the lowest block, and zero as blank', () => {
    const chart = renderTerminalChart({ title: 't', series: [{ name: '', values: [0, 0.001, 1] }], xLabels: { first: 'a', last: 'b' }, height: 1 });
    expect(chart.split('\n')[1]).toBe('1 ┤ ▁█');
  });

  it('writes a label under each column when they fit the column width', () => {
    const chart = renderTerminalChart({ title: 't', series: [{ name: 'a', values: [1, 2] }, { name: 'b', values: [2, 1] }], xLabels: ['x1', 'x2'], height: 1, cellWidth: 3 });
    expect(chart.split('\n')).toEqual(['t', 'a', '2 ┤▄▄ ██', 'b', '2 ┤██ ▄▄', '  └──────', '   x1 x2']);
  });
});

describe('sweepTerminalChart', () => {
  it('draws the visible failure rate against the first parameter, a block per variant', () => {
    const lines = sweepTerminalChart(syntheticSweep()).split('\n');
    expect(lines[0]).toBe('visible failure rate vs upstream.models.sonnet.errors.rate');
    expect(lines[1]).toBe('retry');
    expect(lines[5]).toBe('retry+breaker');
    // Top row of retry+breaker (3 rows = 24 eighths, the top row holds eighths 17-24):
    // min(1, 2 x rate) is 0.8 at 0.4 (19 eighths: 3 in the top row), then 100% from 0.5 on.
    expect(lines[6]).toBe('100% ┤                ▃▃▃ ███ ███ ███ ███ ███');
    expect(lines[lines.length - 1]).toBe('      0   0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9');
  });
});

describe('runTerminalChart', () => {
  it('fits the failure-rate timeline into the requested width', () => {
    const lines = runTerminalChart(metastableRun(), 40).split('\n');
    expect(lines[0]).toMatch(/^failure rate through simulated time \(columns of /);
    const axis = lines.find((l) => l.includes('└'))!;
    const columns = axis.length - axis.indexOf('└') - 1;
    expect(columns).toBeLessThanOrEqual(40);
    expect(columns).toBeGreaterThan(20);
    expect(lines.some((l) => l.includes('█'))).toBe(true);
  });
});
