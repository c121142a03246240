import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, formatElapsed, histogramChart, lineChart, logTicks, niceTicks, timelineChart, timeTicks } from '../../src/report/svg.js';

/** How many times `needle` occurs in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The numeric value of `attribute` on every element carrying `marker`, in document order. */
function attributes(svg: string, marker: string, attribute: string): number[] {
  const out: number[] = [];
  for (const match of svg.matchAll(new RegExp(`<[a-z]+ ${marker}[^>]*>`, 'g'))) {
    const value = new RegExp(` ${attribute}="([-0-9.]+)"`).exec(match[0]);
    out.push(Number(value![1]));
  }
  return out;
}

describe('niceTicks', () => {
  it('covers the range with steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 12_100)).toEqual([0, 5000, 10_000, 15_000]);
    expect(niceTicks(-3, 7)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
  });

  it('prints decimal steps without floating-point residue', () => {
    expect(niceTicks(0, 0.0023)).toEqual([0, 0.0005, 0.001, 0.0015, 0.002, 0.0025]);
    expect(niceTicks(0.1, 0.7).map(String)).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7']);
  });

  it('widens a zero-width range to include zero, or to [0, 1] when everything is zero', () => {
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(5, 5)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses infinite bounds with a RangeError', () => {
    expect(() => niceTicks(0, Infinity)).toThrow(RangeError);
  });
});

describe('logTicks', () => {
  it('puts a tick on every power of ten from below the minimum to above the maximum', () => {
    expect(logTicks(40, 15_000)).toEqual([10, 100, 1000, 10_000, 100_000]);
  });

  it('adds 2 and 5 between the powers when the span is two decades or less', () => {
    expect(logTicks(3, 80)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(0.02, 0.04)).toEqual([0.01, 0.02, 0.05, 0.1]);
  });

  it('refuses a bound at or below zero with a RangeError', () => {
    expect(() => logTicks(0, 10)).toThrow(RangeError);
  });
});

describe('timeTicks and formatElapsed', () => {
  it('ticks a 36-minute run every 5 minutes and prints them in minutes', () => {
    const ticks = timeTicks(36.2 * 60e3);
    expect(ticks).toEqual([0, 5, 10, 15, 20, 25, 30, 35].map((m) => m * 60e3));
    expect(ticks.map(formatElapsed)).toEqual(['0', '5 min', '10 min', '15 min', '20 min', '25 min', '30 min', '35 min']);
  });

  it('prints seconds below a minute and hours from an hour', () => {
    expect(formatElapsed(45e3)).toBe('45 s');
    expect(formatElapsed(5.4e6)).toBe('1.5 h');
  });
});

describe('escapeXml', () => {
  it('escapes markup characters and replaces control characters XML forbids', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    expect(escapeXml('bell\u0007tab\tend')).toBe('bell\uFFFDtab\tend');
  });
});

describe('lineChart', () => {
  const series = [
    { name: 'retry', points: [{ x: 0, y: 0 }, { x: 0.5, y: 0.1 }, { x: 0.9, y: 0.7 }] },
    { name: 'retry+breaker', points: [{ x: 0, y: 0 }, { x: 0.5, y: 0.9 }, { x: 0.9, y: 1 }] },
  ];

  it('names the chart and marks every series and every point', () => {
    const svg = lineChart({ name: 'failures', title: 'failures', x: { label: 'error rate' }, y: { label: 'failure rate' }, series, thresholds: [{ value: 0.05, label: 'SLO < 5%' }] });
    expect(count(svg, 'data-chart="failures"')).toBe(1);
    expect(count(svg, 'data-series=')).toBe(2);
    expect(count(svg, 'data-point=')).toBe(6);
    expect(count(svg, 'data-threshold=')).toBe(1);
    expect(count(svg, 'data-legend=')).toBe(2);
    expect(svg).toContain('stroke-dasharray="7 5"');
  });

  it('puts zero on the x axis line and the largest value on the top tick', () => {
    const svg = lineChart({ name: 'c', title: 't', x: { label: 'x' }, y: { label: 'y' }, series, width: 600, height: 300 });
    const axisY = Number(/<g data-axis="x"><line x1="[-0-9.]+" y1="([-0-9.]+)"/.exec(svg)![1]);
    const cy = attributes(svg, 'data-point=""', 'cy');
    // Points are in series order, sorted by x: retry (0, 0.1, 0.7), then retry+breaker (0, 0.9, 1).
    expect(cy[0]).toBe(axisY);
    const topGridline = Math.min(...[...svg.matchAll(/<g data-axis="y">|<line x1="[-0-9.]+" y1="([-0-9.]+)" x2="[-0-9.]+" y2="[-0-9.]+" stroke="#e3e3e3"/g)].filter((m) => m[1]).map((m) => Number(m[1])));
    expect(cy[5]).toBe(topGridline);
    // Linear: 0.7 sits 70% of the way up.
    expect((axisY - cy[2]!) / (axisY - cy[5]!)).toBeCloseTo(0.7, 6);
  });

  it('spaces a log x axis by ratio: 1, 10 and 100 are equally far apart', () => {
    const svg = lineChart({ name: 'c', title: 't', x: { label: 'x', log: true }, y: { label: 'y' }, series: [{ name: 's', points: [{ x: 1, y: 1 }, { x: 10, y: 2 }, { x: 100, y: 3 }] }] });
    const cx = attributes(svg, 'data-point=""', 'cx');
    expect(cx[1]! - cx[0]!).toBeCloseTo(cx[2]! - cx[1]!, 1);
  });

  it('refuses a log axis with a value at or below zero', () => {
    expect(() => lineChart({ name: 'c', title: 't', x: { label: 'x', log: true }, y: { label: 'y' }, series: [{ name: 's', points: [{ x: 0, y: 1 }] }] })).toThrow(RangeError);
  });

  it('draws a whisker for each point that has an interval', () => {
    const svg = lineChart({ name: 'c', title: 't', x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 's', points: [{ x: 1, y: 1, low: 0.5, high: 1.5 }, { x: 2, y: 2 }] }] });
    expect(count(svg, 'data-interval=')).toBe(1);
  });

  it('escapes hostile names and titles so they stay text', () => {
    const hostile = '</svg><script>alert(1)</script>"\'&';
    const svg = lineChart({ name: hostile, title: hostile, x: { label: hostile }, y: { label: hostile }, series: [{ name: hostile, points: [{ x: 1, y: 1 }, { x: 2, y: 3 }] }], thresholds: [{ value: 2, label: hostile }] });
    expect(svg).not.toContain('<script');
    expect(count(svg, '<svg')).toBe(1);
    expect(count(svg, '</svg>')).toBe(1);
    expect(svg).toContain('&lt;/svg&gt;&lt;script&gt;');
  });
});

describe('barChart', () => {
  it('draws one bar per series per group, grouped under data-series', () => {
    const svg = barChart({
      name: 'bars',
      title: 'cost',
      groups: ['none', 'retry', 'all'],
      series: [
        { name: 'p50', values: [1, 2, 3] },
        { name: 'p95', values: [4, 5, 6] },
      ],
      y: { label: 'ms' },
    });
    expect(count(svg, 'data-chart="bars"')).toBe(1);
    expect(count(svg, 'data-series=')).toBe(2);
    expect(count(svg, 'data-point=')).toBe(6);
    expect(count(svg, 'data-group=')).toBe(3);
  });

  it('makes bar heights proportional to the values from a zero baseline', () => {
    const svg = barChart({ name: 'b', title: 't', groups: ['a', 'b'], series: [{ name: 's', values: [2, 8], low: [1, 7], high: [3, 9] }], y: { label: 'y' } });
    const heights = attributes(svg, 'data-point=""', 'height');
    expect(heights[1]! / heights[0]!).toBeCloseTo(4, 2);
    expect(count(svg, 'data-interval=')).toBe(2);
  });
});

describe('histogramChart', () => {
  const bins = [
    { low: 10, high: 100, count: 1 },
    { low: 100, high: 1000, count: 10 },
    { low: 1000, high: 10_000, count: 100 },
    { low: 10_000, high: 100_000, count: 0 },
  ];

  it('draws a data-point per bin, equally wide on the log x axis, with the markers', () => {
    const svg = histogramChart({ name: 'latency', title: 'latency', bins, x: { label: 'ms' }, y: { label: 'requests' }, markers: [{ value: 500, label: 'p50' }, { value: 5000, label: 'p99' }] });
    expect(count(svg, 'data-chart="latency"')).toBe(1);
    expect(count(svg, 'data-series=')).toBe(1);
    expect(count(svg, 'data-point=')).toBe(4);
    expect(count(svg, 'data-marker=')).toBe(2);
    const widths = attributes(svg, 'data-point=""', 'width');
    expect(widths[0]).toBeCloseTo(widths[2]!, 1);
  });

  it('on log counts, gives each decade of count the same height', () => {
    const svg = histogramChart({ name: 'h', title: 't', bins, x: { label: 'ms' }, y: { label: 'requests', log: true } });
    const heights = attributes(svg, 'data-point=""', 'height');
    expect(heights[2]! - heights[1]!).toBeCloseTo(heights[1]! - heights[0]!, 1);
    expect(heights[0]).toBeGreaterThan(0);
    expect(heights[3]).toBe(0);
  });
});

describe('timelineChart', () => {
  it('draws a data-point per bucket per series and closes area series', () => {
    const values = Array.from({ length: 50 }, (_, i) => (i % 10) / 10);
    const svg = timelineChart({
      name: 'timeline',
      title: 'failure rate',
      bucketMs: 10_000,
      series: [
        { name: 'failure rate', values, mode: 'area' },
        { name: 'breakers', values: values.map((v) => (v > 0.5 ? 1 : 0)), mode: 'step' },
      ],
      y: { label: 'rate' },
      markers: [{ value: 250_000, label: 'incident ends' }],
    });
    expect(count(svg, 'data-series=')).toBe(2);
    expect(count(svg, 'data-point=')).toBe(100);
    expect(count(svg, 'data-marker=')).toBe(1);
    expect(count(svg, 'Z"')).toBe(1);
  });
});
