import { describe, expect, it } from 'vitest';
import { Empirical, makeDistribution } from '../../src/random/distributions.js';
import { RandomStreams } from '../../src/random/random.js';
import { formatIssue, ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

describe('dist: empirical (a quantile table, linearly interpolated)', () => {
  const table = { '0': 100, '0.5': 800, '0.9': 2000, '1': 10_000 };
  const dist = new Empirical(table);

  it('returns the table values at its quantiles and interpolates between them', () => {
    expect(dist.quantile(0)).toBe(100);
    expect(dist.quantile(0.5)).toBe(800);
    expect(dist.quantile(0.9)).toBe(2000);
    expect(dist.quantile(1)).toBe(10_000);
    expect(dist.quantile(0.25)).toBeCloseTo(450, 9);
    expect(dist.quantile(0.95)).toBeCloseTo(6000, 9);
  });

  it('has the exact mean of the piecewise-linear quantile function, and samples agree within 4 standard errors', () => {
    // Trapezoids: 0.5 x (100+800)/2 + 0.4 x (800+2000)/2 + 0.1 x (2000+10000)/2 = 225 + 560 + 600.
    expect(dist.mean).toBeCloseTo(1385, 9);
    const n = 200_000;
    const u = new RandomStreams(7).keyed('empirical-test');
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const v = dist.quantile(u.at(i, 0, 0));
      sum += v;
      sumSq += v * v;
    }
    const m = sum / n;
    const sd = Math.sqrt(sumSq / n - m * m);
    expect(Math.abs(m - 1385)).toBeLessThan((4 * sd) / Math.sqrt(n));
  });

  it('is built from a parsed scenario spec with units', () => {
    const scenario = parseScenarioText(
      'upstream:\n  models:\n    sonnet:\n      latency: { dist: empirical, quantiles: { 0: 90ms, 0.5: 800ms, 0.99: 6s, 1: 20s } }\n',
      'e.yaml',
    );
    const latency = makeDistribution(scenario.upstream.models.sonnet!.latency);
    expect(latency.quantile(0.5)).toBe(800);
    expect(latency.quantile(1)).toBe(20_000);
  });

  function messages(text: string): string[] {
    try {
      parseScenarioText(text, 'e.yaml');
    } catch (error) {
      if (error instanceof ScenarioError) return error.issues.map(formatIssue);
      throw error;
    }
    throw new Error('expected the scenario to be refused');
  }
  const latency = (q: string) => `upstream:\n  models:\n    sonnet:\n      latency: { dist: empirical, quantiles: ${q} }\n`;

  it.each([
    ['a table without its maximum', '{ 0: 1s, 0.5: 2s }', 'e.yaml:4:46 upstream.models.sonnet.latency.quantiles: the quantile table needs the quantiles 0 (the minimum) and 1 (the maximum), got a mapping {"0":"1s","0.5":"2s"}'],
    ['decreasing values', '{ 0: 1s, 0.5: 3s, 1: 2s }', 'e.yaml:4:46 upstream.models.sonnet.latency.quantiles: the quantile table values must not decrease with the quantile (1 is below 0.5), got a mapping {"0":"1s","1":"2s","0.5":"3s"}'],
    ['a key that is not a probability', '{ 0: 1s, p50: 2s, 1: 3s }', 'e.yaml:4:60 upstream.models.sonnet.latency.quantiles.p50: expected a cumulative probability between 0 and 1 as the key, got "p50"'],
    ['a value without a unit', '{ 0: 1s, 0.5: fast, 1: 3s }', ''],
  ])('refuses %s with its position', (_what, q, expected) => {
    const got = messages(latency(q));
    expect(got).toHaveLength(1);
    if (expected) expect(got[0]).toBe(expected);
    else expect(got[0]).toMatch(/^e\.yaml:4:\d+ upstream\.models\.sonnet\.latency\.quantiles\."0\.5": expected a duration/);
  });
});
