import { describe, expect, it } from 'vitest';
import { HEADLINE_KEYS, type HeadlineValues } from '../../src/metrics/headline.js';
import { parseSloExpression } from '../../src/slo/expression.js';
import { paretoFront } from '../../src/tune/pareto.js';
import { constraintVerdict, eliminate, pairedDifference, ranked, type Candidate, type Objective } from '../../src/tune/race.js';

/** A run whose headline figures are zero except the ones given. */
function run(values: Partial<HeadlineValues>): HeadlineValues {
  return { ...(Object.fromEntries(HEADLINE_KEYS.map((k) => [k, 0])) as HeadlineValues), ...values };
}

const cost: Objective = { metric: 'monthlyCost', direction: 'minimize' };
const failure = parseSloExpression('visibleFailureRate < 1%');

describe('constraint verdicts at 95% confidence', () => {
  it('is met when the whole t-interval is inside the limit, missed when it is all outside, undecided when it straddles', () => {
    // mean 0.5%, sd 0.1%, n = 4: half-width t(3) 0.1% / 2 = 0.159%.
    const inside = [0.004, 0.005, 0.006, 0.005].map((v) => run({ visibleFailureRate: v }));
    expect(constraintVerdict(failure, inside, false)).toBe('met');
    const outside = [0.02, 0.021, 0.019, 0.02].map((v) => run({ visibleFailureRate: v }));
    expect(constraintVerdict(failure, outside, false)).toBe('missed');
    const straddle = [0.006, 0.014, 0.008, 0.012].map((v) => run({ visibleFailureRate: v }));
    expect(constraintVerdict(failure, straddle, false)).toBe('undecided');
  });

  it('cannot decide on one run, unless the tune has no replications (then the value decides)', () => {
    expect(constraintVerdict(failure, [run({ visibleFailureRate: 0.5 })], false)).toBe('undecided');
    expect(constraintVerdict(failure, [run({ visibleFailureRate: 0.5 })], true)).toBe('missed');
    expect(constraintVerdict(failure, [run({ visibleFailureRate: 0.001 })], true)).toBe('met');
  });

  it('pairs replications: a small steady difference is significant even when each series is noisy', () => {
    const noise = [0, 50, -40, 30, -20];
    const a = noise.map((n) => run({ monthlyCost: 1000 + n }));
    const b = noise.map((n) => run({ monthlyCost: 1001 + n }));
    const d = pairedDifference(b, a, cost)!;
    expect(d.mean).toBeCloseTo(1, 12);
    expect(d.low).toBeGreaterThan(0); // identical noise: zero spread
    expect(pairedDifference(b, a, { metric: 'monthlyCost', direction: 'maximize' })!.mean).toBeCloseTo(-1, 12);
  });
});

describe('elimination', () => {
  const candidate = (index: number, runs: Partial<HeadlineValues>[]): Candidate => ({ index, runs: runs.map(run), status: 'alive' });

  it('takes out only what is infeasible or worse than a feasible configuration with confidence', () => {
    const feasible = candidate(0, [
      { monthlyCost: 100, visibleFailureRate: 0.001 },
      { monthlyCost: 102, visibleFailureRate: 0.002 },
      { monthlyCost: 101, visibleFailureRate: 0.001 },
    ]);
    const costlier = candidate(1, [
      { monthlyCost: 110, visibleFailureRate: 0 },
      { monthlyCost: 112, visibleFailureRate: 0 },
      { monthlyCost: 111, visibleFailureRate: 0 },
    ]);
    const cheapButFailing = candidate(2, [
      { monthlyCost: 50, visibleFailureRate: 0.05 },
      { monthlyCost: 51, visibleFailureRate: 0.051 },
      { monthlyCost: 50, visibleFailureRate: 0.049 },
    ]);
    const tooFewRuns = candidate(3, [{ monthlyCost: 500, visibleFailureRate: 0.5 }]);
    const all = [feasible, costlier, cheapButFailing, tooFewRuns];
    eliminate(all, cost, [failure], false);
    expect(all.map((c) => c.status)).toEqual(['alive', 'worse', 'infeasible', 'alive']);
    expect(costlier.reason).toEqual({ than: 0, afterRuns: 3 });
    expect(cheapButFailing.reason).toEqual({ constraint: 0, afterRuns: 3 });
  });

  it('ranks configurations meeting the constraints by their means first, by objective, then the rest by how far they miss', () => {
    const all = [
      candidate(0, [{ monthlyCost: 300, visibleFailureRate: 0.02 }]),
      candidate(1, [{ monthlyCost: 200, visibleFailureRate: 0.005 }]),
      candidate(2, [{ monthlyCost: 100, visibleFailureRate: 0.5 }]),
      candidate(3, [{ monthlyCost: 150, visibleFailureRate: 0.001 }]),
    ];
    expect(ranked(all, cost, [failure]).map((c) => c.index)).toEqual([3, 1, 0, 2]);
  });
});

describe('the Pareto front', () => {
  it('keeps the points nothing beats on both axes, sorted by the first, one of each set of equal points', () => {
    const points = [
      { id: 'a', x: 1, y: 9 },
      { id: 'b', x: 2, y: 5 },
      { id: 'c', x: 3, y: 6 }, // beaten by b
      { id: 'd', x: 4, y: 1 },
      { id: 'e', x: 4, y: 1 }, // the same figures as d: only the first is kept
      { id: 'f', x: Number.NaN, y: 0 },
    ];
    expect(paretoFront(points, (p) => [p.x, p.y]).map((p) => p.id)).toEqual(['a', 'b', 'd']);
  });
});
