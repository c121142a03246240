import { describe, expect, it } from 'vitest';
import { parseSloBound, parseSloExpression, satisfies, sloChecks, SloSyntaxError } from '../../src/slo/expression.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

describe('parseSloExpression', () => {
  it.each([
    ['visibleFailureRate < 0.1%', 'visibleFailureRate', '<', 0.001],
    ['visibleFailureRate<=0.02', 'visibleFailureRate', '<=', 0.02],
    ['latencyP95 < 5s', 'latencyP95', '<', 5000],
    ['latencyP99 <= 1m30s', 'latencyP99', '<=', 90_000],
    ['latencyP50 > 250ms', 'latencyP50', '>', 250],
    ['loadMultiplier < 1.5', 'loadMultiplier', '<', 1.5],
    ['loadMultiplier <= 2x', 'loadMultiplier', '<=', 2],
    ['monthlyCost < $40000', 'monthlyCost', '<', 40_000],
    ['monthlyCost < $40,000', 'monthlyCost', '<', 40_000],
    ['monthlyCost < $1.2K', 'monthlyCost', '<', 1200],
    ['wastedTokens < 2M', 'wastedTokens', '<', 2_000_000],
    ['rejectedRate <= 0', 'rejectedRate', '<=', 0],
    ['refusalRate < 1%', 'refusalRate', '<', 0.01],
    ['cacheHitRate >= 90%', 'cacheHitRate', '>=', 0.9],
    ['breakerTrips <= 3', 'breakerTrips', '<=', 3],
    ['  fallbacks   <   1K  ', 'fallbacks', '<', 1000],
  ])('reads %j', (text, metric, op, limit) => {
    expect(parseSloExpression(text)).toMatchObject({ metric, op, limit });
  });

  it('keeps the bound as written for messages', () => {
    expect(parseSloExpression('visibleFailureRate<0.1%').bound).toBe('< 0.1%');
  });

  it.each([
    ['visibleFailureRate 0.1%', /expected METRIC OPERATOR LIMIT/],
    ['visibleFailureRate = 0.1%', /expected METRIC OPERATOR LIMIT/],
    ['< 0.1%', /expected METRIC OPERATOR LIMIT/],
    ['visibleFailureRate <', /expected an operator \(<, <=, >, >=\) and a limit, like "< 0.1%"/],
    ['visibleFailurRate < 0.1%', /^expected a metric name, got "visibleFailurRate"; did you mean "visibleFailureRate"\?$/],
    ['throughput < 5', /^expected one of the metrics \(visibleFailureRate, latencyP50, .*\), got "throughput"$/],
    ['visibleFailureRate < 5s', /^expected the visibleFailureRate limit to be a rate between 0 and 1 \(or 0% to 100%\), got "5s"$/],
    ['visibleFailureRate < 5', /for a percentage write 5%/],
    ['latencyP95 < 5', /^expected the latencyP95 limit to be a duration .*add a unit/],
    ['monthlyCost < -$5', /^expected the monthlyCost limit to be .*must not be negative/],
    ['loadMultiplier < fast', /^expected the loadMultiplier limit to be a multiplier like 1.5 or 1.5x, got "fast"$/],
    ['visibleFailureRate << 1%', /^expected the visibleFailureRate limit to be a rate/],
  ])('refuses %j with a message saying what is wrong', (text, message) => {
    expect(() => parseSloExpression(text)).toThrow(SloSyntaxError);
    expect(() => parseSloExpression(text)).toThrow(message);
  });
});

describe('satisfies', () => {
  it('applies each operator strictly or inclusively at the limit', () => {
    const at = (op: string) => parseSloBound('loadMultiplier', `${op} 1.5`);
    expect([1.4, 1.5, 1.6].map((v) => satisfies(at('<'), v))).toEqual([true, false, false]);
    expect([1.4, 1.5, 1.6].map((v) => satisfies(at('<='), v))).toEqual([true, true, false]);
    expect([1.4, 1.5, 1.6].map((v) => satisfies(at('>'), v))).toEqual([false, false, true]);
    expect([1.4, 1.5, 1.6].map((v) => satisfies(at('>='), v))).toEqual([false, true, true]);
  });

  it('never passes NaN', () => {
    expect(satisfies(parseSloBound('latencyP95', '< 5s'), Number.NaN)).toBe(false);
    expect(satisfies(parseSloBound('latencyP95', '>= 0s'), Number.NaN)).toBe(false);
  });
});

const base = `
name: gated
upstream:
  models:
    m: { latency: { dist: constant, value: 100ms } }
`;

describe('the slo: block of a scenario', () => {
  it('keeps the bounds as written and turns them into checks in order', () => {
    const scenario = parseScenarioText(`${base}slo:\n  visibleFailureRate: < 0.1%\n  latencyP95: "< 5s"\n`, 'gated.yaml');
    expect(scenario.slo).toEqual({ visibleFailureRate: '< 0.1%', latencyP95: '< 5s' });
    expect(sloChecks(scenario.slo).map((c) => [c.metric, c.op, c.limit])).toEqual([
      ['visibleFailureRate', '<', 0.001],
      ['latencyP95', '<', 5000],
    ]);
  });

  it('is optional', () => {
    expect(parseScenarioText(base, 'gated.yaml').slo).toBeUndefined();
    expect(sloChecks(undefined)).toEqual([]);
  });

  it('reports a bad bound and an unknown metric at their lines as scenario errors', () => {
    const text = `${base}slo:\n  visibleFailureRate: "< 5s"\n  latencyP96: "< 5s"\n`;
    let error: unknown;
    try {
      parseScenarioText(text, 'gated.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const lines = (error as Error).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('gated.yaml:7:23 slo.visibleFailureRate: expected the visibleFailureRate limit to be a rate between 0 and 1 (or 0% to 100%), got "5s"');
    expect(lines[1]).toBe('gated.yaml:8:15 slo.latencyP96: expected a metric name, got "latencyP96"; did you mean "latencyP95"?');
  });
});
