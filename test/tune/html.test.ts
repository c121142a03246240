import { describe, expect, it } from 'vitest';
import { HEADLINE_KEYS, type HeadlineValues } from '../../src/metrics/headline.js';
import { parseSloExpression } from '../../src/slo/expression.js';
import { parseParamOption } from '../../src/sweep/grid.js';
import { renderTuneHtml } from '../../src/tune/html.js';
import { eliminate, type Candidate } from '../../src/tune/race.js';
import { tuneResult } from '../../src/tune/result.js';
import { SearchSpace } from '../../src/tune/space.js';

describe('the tune HTML report', () => {
  const space = new SearchSpace([parseParamOption('layers.retry.maxAttempts=1..4:1')]);
  const run = (cost: number, failure: number, p95: number): HeadlineValues => ({
    ...(Object.fromEntries(HEADLINE_KEYS.map((k) => [k, 0])) as HeadlineValues),
    monthlyCost: cost,
    visibleFailureRate: failure,
    latencyP95: p95,
  });
  const checks = [parseSloExpression('visibleFailureRate < 1%'), parseSloExpression('latencyP95 < 3s')];
  const objective = { metric: 'monthlyCost' as const, direction: 'minimize' as const };
  // Attempts 1..4: cost rises, failure falls, p95 rises; 1 misses failure, 4 misses p95.
  const candidates: Candidate[] = [
    [100, 0.05, 1000],
    [110, 0.005, 2000],
    [120, 0.001, 2500],
    [130, 0.0001, 3500],
  ].map(([cost, failure, p95], index) => ({ index, status: 'alive', runs: [0, 1, 2].map((r) => run(cost! + r, failure! * (1 + r / 100), p95! + r)) }));
  eliminate(candidates, objective, checks, false);
  const result = tuneResult({ scenario: 'a<b>&"c"', seed: 1, requests: 1000, budget: 12, maxReplications: 3 }, space, objective, checks, {
    candidates,
    runs: 12,
    rounds: 2,
    stoppedBy: 'converged',
  });

  it('picks the cheapest configuration meeting both constraints', () => {
    expect(result.best?.params).toEqual({ 'layers.retry.maxAttempts': 2 });
    expect(result.frontier.map((f) => [f.metric, f.points.map((p) => p.index)])).toEqual([
      ['visibleFailureRate', [0, 1, 2]], // 4 misses the p95 limit, so it is not on this front
      ['latencyP95', [1]], // 1 misses the failure limit; of the rest, 2 is both cheaper and faster
    ]);
  });

  it('draws one chart per constrained metric with the limit, escapes the names, and has no script', () => {
    const html = renderTuneHtml(result);
    expect(html.match(/data-chart="tune-front-[A-Za-z0-9]+"/g)).toEqual(['data-chart="tune-front-visibleFailureRate"', 'data-chart="tune-front-latencyP95"']);
    expect(html.match(/data-threshold=/g)).toHaveLength(2);
    expect(html).toContain('Tune: a&lt;b&gt;&amp;&quot;c&quot;');
    expect(html).not.toContain('a<b>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Best: layers.retry.maxAttempts=2');
  });
});
