import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { compare, simulateReplications } from '../../src/validation/parity/compare.js';
import { measure } from '../../src/validation/parity/measured.js';
import { PARITY_CASES, parityTable, runParityCase } from '../../src/validation/parity/parity.js';
import { perturbed, shifted } from '../../src/validation/parity/perturb.js';
import { makeDistribution } from '../../src/random/distributions.js';

/**
 * The runtime against a real HTTP upstream (node:http on localhost) in scaled real time
 * (a scenario second in 20 ms), versus the simulator on the same scenario: every figure
 * within PARITY_Z = 4.5 standard deviations of the simulator's spread over 40 replications of
 * the same size, widened only towards what the run's measured transport and timer lateness
 * push it to (see compare.ts). 1,000 requests a case (five cases, after one discarded warm-up run) took 53 s of real time on a 2-core machine at load average 13.
 */
describe('parity: createHarness against a real HTTP upstream equals the simulation', () => {
  for (const parityCase of PARITY_CASES) {
    it(`${parityCase.name}: visible failures, load, latency percentiles and the layer's own figure agree`, async () => {
      const result = await runParityCase(parityCase, { requests: 1000, replications: 40 });
      const failed = result.checks.filter((c) => !c.pass);
      expect(failed, parityTable([result])).toEqual([]);
      // The real run did real work: every request ended, and calls went over the socket.
      expect(result.measured.metrics.requests).toBe(1000);
      expect(result.measured.metrics.upstreamCalls).toBeGreaterThan(500);
    });
  }

  it('fails a harness that is configured differently from its scenario: two attempts measured against a scenario of three', async () => {
    const { scenario } = loadScenarioFile('scenarios/parity/retries.yaml');
    const requests = 600;
    const wrong = { ...scenario, layers: { ...scenario.layers, retry: { ...scenario.layers.retry!, maxAttempts: 2 } } };
    const measured = await measure(wrong, { requests, seed: scenario.seed, scale: 0.02 });
    const sims = simulateReplications(scenario, requests, 40, scenario.seed + 1000);
    const checks = compare(sims, sims, measured, 'retries');
    // p = 0.3: p^2 = 9% visible instead of p^3 = 2.7%, about 6 standard deviations at 600 requests.
    expect(checks.find((c) => c.metric === 'visibleFailureRate')!.pass).toBe(false);
  });
});

describe('parity: the slowed scenario', () => {
  it('shifts a lognormal by the measured transport exactly at its quantiles', () => {
    const spec = { dist: 'lognormal' as const, p50: 800, p95: 2500 };
    const base = makeDistribution(spec);
    const moved = makeDistribution(shifted(spec, 40));
    for (const u of [0, 0.1, 0.5, 0.95, 0.999]) expect(moved.quantile(u)).toBeCloseTo(base.quantile(u) + 40, 6);
    expect(shifted({ dist: 'constant', value: 50 }, 10)).toEqual({ dist: 'constant', value: 60 });
  });

  it('slows every model call by the transport and every error answer by transport plus lateness', () => {
    const { scenario } = loadScenarioFile('scenarios/parity/fallback.yaml');
    const slowed = perturbed(scenario, 30, 20);
    const errorLatency = makeDistribution(slowed.upstream.models.primary!.errors.latency);
    expect(errorLatency.quantile(0.5)).toBe(makeDistribution(scenario.upstream.models.primary!.errors.latency).quantile(0.5) + 50);
    expect(slowed.upstream.models.secondary!.errors.timeoutAfter).toBe(scenario.upstream.models.secondary!.errors.timeoutAfter + 50);
    expect(scenario.upstream.models.primary!.latency.dist).toBe('lognormal');
  });
});
