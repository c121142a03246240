import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { HEADLINE_KEYS, type HeadlineValues } from '../../src/metrics/headline.js';
import { parseSloExpression, type SloCheck } from '../../src/slo/expression.js';
import { tuneResult } from '../../src/tune/result.js';
import { rungs, search, type SearchTask } from '../../src/tune/search.js';
import { SearchSpace } from '../../src/tune/space.js';

/**
 * The search on synthetic problems whose truth is known: a cell's figures are a true value
 * plus noise with a part common to every cell at replication r (common random numbers) and
 * a small part of its own. Fast (no simulation), so the statistical claims can be checked
 * over hundreds of problems.
 */

/** A standard normal draw keyed by text. */
function normal(key: string): number {
  const random = seedrandom(key);
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface Problem {
  /** True visible failure rate of cell x; falls with x. */
  failure: (x: number) => number;
  /** True cost of cell x; rises with x. */
  cost: (x: number) => number;
  /** Relative noise: common to all cells at a replication, and each cell's own. */
  common: number;
  own: number;
  seed: number;
}

function runner(problem: Problem, calls: SearchTask[][] = []) {
  return async (tasks: readonly SearchTask[]): Promise<HeadlineValues[]> => {
    calls.push([...tasks]);
    return tasks.map(({ cell, replication }) => {
      const z = normal(`${problem.seed}:${replication}`);
      const e = normal(`${problem.seed}:${replication}:${cell}`);
      const values = Object.fromEntries(HEADLINE_KEYS.map((k) => [k, 0])) as HeadlineValues;
      values.visibleFailureRate = Math.max(0, problem.failure(cell) * (1 + problem.common * z + problem.own * e));
      values.monthlyCost = problem.cost(cell) * (1 + 0.01 * z) + 0.02 * e;
      return values;
    });
  };
}

const space = new SearchSpace([{ key: 'x', values: Array.from({ length: 12 }, (_, i) => i) }]);
const objective = { metric: 'monthlyCost' as const, direction: 'minimize' as const };

describe('the search', () => {
  it('uses rungs 1, 2, 4 ... up to --replications', () => {
    expect(rungs(1)).toEqual([1]);
    expect(rungs(8)).toEqual([1, 2, 4, 8]);
    expect(rungs(10)).toEqual([1, 2, 4, 8, 10]);
  });

  it('finds the cheapest feasible cell of a monotone problem, never spending more than the budget', async () => {
    const problem: Problem = { failure: (x) => 0.3 ** (x + 1), cost: (x) => 100 + x, common: 0.1, own: 0.1, seed: 1 };
    const check = parseSloExpression('visibleFailureRate < 0.5%'); // 0.3^5 = 0.24% < 0.5% < 0.3^4 = 0.81%
    const calls: SearchTask[][] = [];
    const outcome = await search({ space, objective, constraints: [check], budget: 60, maxReplications: 8 }, runner(problem, calls));
    const result = tuneResult({ scenario: 's', seed: 0, requests: 1, budget: 60, maxReplications: 8 }, space, objective, [check], outcome);
    expect(result.best?.params).toEqual({ x: 4 });
    expect(outcome.runs).toBe(calls.flat().length);
    expect(outcome.runs).toBeLessThanOrEqual(60);
    // Every (cell, replication) pair is run once, and replications of a cell run in order from 0.
    const seen = new Set(calls.flat().map((t) => `${t.cell}:${t.replication}`));
    expect(seen.size).toBe(outcome.runs);
    for (const c of outcome.candidates) expect(c.runs.every((r, i) => r !== undefined && seen.has(`${c.index}:${i}`))).toBe(true);
  });

  it('stops at the budget with the best it could confirm, and says so', async () => {
    const problem: Problem = { failure: (x) => 0.3 ** (x + 1), cost: (x) => 100 + x, common: 0.1, own: 0.1, seed: 2 };
    const outcome = await search({ space, objective, constraints: [parseSloExpression('visibleFailureRate < 0.5%')], budget: 5, maxReplications: 8 }, runner(problem));
    expect(outcome.runs).toBe(5);
    expect(outcome.stoppedBy).toBe('budget');
  });

  it('reports no best, and the nearest miss, when no cell can meet the constraint', async () => {
    const problem: Problem = { failure: (x) => 0.3 + 0.01 * (11 - x), cost: (x) => 100 + x, common: 0.05, own: 0.05, seed: 3 };
    const check = parseSloExpression('visibleFailureRate < 1%');
    const outcome = await search({ space, objective, constraints: [check], budget: 80, maxReplications: 4 }, runner(problem));
    const result = tuneResult({ scenario: 's', seed: 0, requests: 1, budget: 80, maxReplications: 4 }, space, objective, [check], outcome);
    expect(result.best).toBeNull();
    expect(result.nearestMiss?.constraints[0]?.params).toEqual({ x: 11 }); // the lowest failure rate: 30%
    expect(result.nearestMiss?.constraints[0]?.value.mean).toBeGreaterThan(0.25);
  });

  it('the best is truly feasible at the stated confidence: over 100 random problems, at most the 5% a 95% claim allows (+3 binomial sd)', async () => {
    const problems = fc.sample(
      fc.record({ base: fc.double({ min: 0.05, max: 0.6, noNaN: true }), limit: fc.double({ min: 0.0005, max: 0.02, noNaN: true }), seed: fc.integer({ min: 0, max: 1e9 }) }),
      { seed: 17, numRuns: 100 },
    );
    let wrong = 0;
    let found = 0;
    for (const { base, limit, seed } of problems) {
      const problem: Problem = { failure: (x) => base ** (x + 1), cost: (x) => 100 + 3 * x, common: 0.15, own: 0.1, seed };
      const check: SloCheck = { metric: 'visibleFailureRate', op: '<', limit, bound: `< ${limit}` };
      const outcome = await search({ space, objective, constraints: [check], budget: 60, maxReplications: 8 }, runner(problem));
      const result = tuneResult({ scenario: 's', seed: 0, requests: 1, budget: 60, maxReplications: 8 }, space, objective, [check], outcome);
      if (result.best === null) continue;
      found++;
      if (!(problem.failure(result.best.params.x as number) < limit)) wrong++;
    }
    const n = problems.length;
    expect(found).toBeGreaterThan(n * 0.8);
    expect(wrong).toBeLessThanOrEqual(Math.floor(0.05 * n + 3 * Math.sqrt(n * 0.05 * 0.95)));
  });
});
