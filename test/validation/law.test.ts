import { describe, expect, it } from 'vitest';
import { tQuantile975 } from '../../src/report/confidence.js';
import { describeSampling, experimentScenario, judge, seedRange, type Law } from '../../src/validation/law.js';
import { LAWS } from '../../src/validation/laws.js';
import { erlangC, mm1kBlocking, mm1kSojourn, mmcSojournQuantile } from '../../src/validation/queue-laws.js';
import { callsPerRequest, retryLoadMultiplier } from '../../src/validation/retry-laws.js';

/** A law with no experiment behind it, for checking the judging rule on chosen values. */
function syntheticLaw(overrides: Partial<Law>): Law {
  return {
    id: 'synthetic',
    family: 'test',
    name: 'synthetic',
    closedForm: 'x = 0.5',
    experiment: { id: 'none', yaml: '', full: { seeds: [1], requests: 10_000 }, quick: { seeds: [1], requests: 100 } },
    expected: 0.5,
    relation: 'equal',
    unit: 'share',
    reading: 'none',
    read: () => 0,
    sampling: { kind: 'per-request', sd: 0.5 },
    ...overrides,
  };
}

describe('judging a law', () => {
  it('passes a per-request law within 4 standard errors and fails it just outside', () => {
    // sd 0.5 over 10,000 requests: SE = 0.005, tolerance 4 SE = 0.02.
    const law = syntheticLaw({});
    const inside = judge(law, 'full', [0.519]);
    expect(inside.standardError).toBeCloseTo(0.005, 12);
    expect(inside.tolerance).toBeCloseTo(0.02, 12);
    expect(inside.pass).toBe(true);
    expect(inside.low).toBeCloseTo(0.519 - 1.959963984540054 * 0.005, 12);
    expect(judge(law, 'full', [0.521]).pass).toBe(false);
    expect(judge(law, 'full', [0.479]).pass).toBe(false);
  });

  it('uses the replications\' sample standard deviation and 2 t(0.975, R - 1) standard errors', () => {
    const law = syntheticLaw({
      expected: 3,
      unit: 'ratio',
      sampling: { kind: 'replications' },
      experiment: { id: 'none', yaml: '', full: { seeds: seedRange(5), requests: 10 }, quick: { seeds: seedRange(2), requests: 10 } },
    });
    // Values 1..5: mean 3, sample sd sqrt(2.5), SE sqrt(0.5).
    const verdict = judge(law, 'full', [1, 2, 3, 4, 5]);
    expect(verdict.simulated).toBe(3);
    expect(verdict.standardError).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(verdict.quantile).toBe(tQuantile975(4));
    expect(verdict.tolerance).toBeCloseTo(2 * 2.7764 * Math.sqrt(0.5), 12);
    // Shift every value by more than the tolerance (3.93) and it fails.
    expect(judge(law, 'full', [5, 6, 7, 8, 9]).pass).toBe(false);
    expect(judge(law, 'full', [3, 4, 5, 6, 7]).pass).toBe(true);
  });

  it('adds the allowance to the tolerance, sized by the sample', () => {
    const law = syntheticLaw({ sampling: { kind: 'per-request', sd: 0 }, allowance: { value: (size) => 1 / size.requests, reason: 'test' } });
    expect(judge(law, 'full', [0.5 + 1e-4]).pass).toBe(true);
    expect(judge(law, 'full', [0.5 + 2e-4]).pass).toBe(false);
    expect(judge(law, 'quick', [0.5 + 0.009]).pass).toBe(true);
  });

  it('passes an at-most law only while the 95% interval\'s upper end stays under the bound', () => {
    const law = syntheticLaw({ relation: 'at-most', expected: 1, unit: 'ratio', sampling: { kind: 'replications' }, experiment: { id: 'none', yaml: '', full: { seeds: seedRange(3), requests: 10 }, quick: { seeds: seedRange(3), requests: 10 } } });
    // Values 0.5, 0.6, 0.7: mean 0.6, SE 0.0577, t(2) = 4.3027: upper end 0.848.
    expect(judge(law, 'full', [0.5, 0.6, 0.7]).high).toBeCloseTo(0.6 + 4.3027 * 0.1 / Math.sqrt(3), 10);
    expect(judge(law, 'full', [0.5, 0.6, 0.7]).pass).toBe(true);
    expect(judge(law, 'full', [0.7, 0.8, 0.9]).pass).toBe(false);
  });

  it('keeps a share\'s interval inside [0, 1]', () => {
    const verdict = judge(syntheticLaw({ expected: 0 }), 'full', [0]);
    expect(verdict.low).toBe(0);
    expect(verdict.high).toBeCloseTo(1.959963984540054 * 0.005, 12);
  });

  it('refuses a value count that does not match the seeds', () => {
    expect(() => judge(syntheticLaw({}), 'full', [])).toThrow(RangeError);
    expect(() => judge(syntheticLaw({}), 'full', [0.5, 0.5])).toThrow(/one value per seed/);
  });
});

describe('the law registry', () => {
  it('has unique ids, a parsable scenario per experiment, and the families the issue asks for', () => {
    expect(new Set(LAWS.map((l) => l.id)).size).toBe(LAWS.length);
    for (const experiment of new Set(LAWS.map((l) => l.experiment))) expect(experimentScenario(experiment).name).toBe(experiment.id);
    expect([...new Set(LAWS.map((l) => l.family))]).toEqual(['retry', 'queue', 'token-bucket', 'latency', 'prompt-cache', 'breaker', 'episodes', 'nested-retries', 'fleet', 'sessions']);
    // 3 x 4 retry grid points with two laws each.
    expect(LAWS.filter((l) => l.family === 'retry')).toHaveLength(24);
  });

  it('quick samples are no larger than full ones, and replications have at least 3 seeds', () => {
    for (const law of LAWS) {
      const { full, quick } = law.experiment;
      expect(quick.requests * quick.seeds.length).toBeLessThanOrEqual(full.requests * full.seeds.length);
      if (law.sampling.kind === 'replications') expect(quick.seeds.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('describes each law\'s sample and tolerance rule in words', () => {
    const law = LAWS.find((l) => l.id === 'retry-load-p0.7-n3')!;
    expect(describeSampling(law, 'full')).toBe('seed 42 x 200,000 requests; tolerance 4 SE, SE = 0.8683/sqrt(N x seeds)');
    const queue = LAWS.find((l) => l.id === 'mm1k-blocking')!;
    expect(describeSampling(queue, 'quick')).toBe('seeds 1..5 x 100,000 requests; tolerance 2 t(0.975, 4) SE over the replications');
  });
});

describe('the closed forms the laws expect', () => {
  it('give the seed\'s retry figures: 2.19 calls (variance 0.7539) and 34.3% visible failure at p = 0.7, n = 3', () => {
    const calls = callsPerRequest(0.7, 3);
    expect(calls.mean).toBeCloseTo(2.19, 12);
    expect(calls.variance).toBeCloseTo(0.7539, 12);
    expect(retryLoadMultiplier(0.7, 3)).toBeCloseTo(2.19, 12);
    expect(retryLoadMultiplier(0.04, 1)).toBe(1);
    expect(callsPerRequest(0.3, 1)).toEqual({ mean: 1, variance: 0 });
  });

  it('give the issue\'s queue figures: M/M/1/K blocking 0.050814, Erlang C 0.228571 (8/35)', () => {
    expect(mm1kBlocking(0.9, 10)).toBeCloseTo(0.050814, 6);
    expect(mm1kBlocking(1, 10)).toBeCloseTo(1 / 11, 12);
    expect(erlangC(2, 0.8)).toBeCloseTo(8 / 35, 12);
    // One server: the probability of waiting is the utilisation.
    expect(erlangC(1, 0.6)).toBeCloseTo(0.6, 12);
    // Little: L = lambda (1 - P_K) W, with L from the M/M/1/K distribution summed directly.
    const rho = 0.9;
    const norm = (1 - rho) / (1 - rho ** 11);
    const inSystem = Array.from({ length: 11 }, (_, n) => n * norm * rho ** n).reduce((a, b) => a + b, 0);
    expect(mm1kSojourn(9, 10, 10)).toBeCloseTo(inSystem / (9 * (1 - mm1kBlocking(rho, 10))), 12);
  });

  it('invert the M/M/c sojourn distribution: with one server it is Exp(mu - lambda)', () => {
    expect(mmcSojournQuantile(1, 8, 10, 0.95)).toBeCloseTo(-Math.log(0.05) / 2, 9);
    expect(mmcSojournQuantile(1, 8, 10, 0.5)).toBeCloseTo(Math.log(2) / 2, 9);
    // M/M/2 at lambda 8, mu 10: between the service-time p95 (0.2996 s) and that plus the wait's.
    const p95 = mmcSojournQuantile(2, 8, 10, 0.95);
    expect(p95).toBeGreaterThan(-Math.log(0.05) / 10);
    expect(p95).toBeCloseTo(0.34463, 4);
  });
});
