import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import type { ParsedScenario } from '../../src/scenario/schema.js';
import { parsedScenario, PROPERTY_REQUESTS, PROPERTY_RUNS } from './arbitraries.js';

/**
 * Properties of every run, over random valid scenarios (1-3 models, random error rates and
 * mixes, tools, tenants, prefix, and random layer toggles and settings), 2,000 requests each,
 * 30 scenarios per property from a fixed fast-check seed.
 */

const run = (scenario: ParsedScenario & { name: string }) => {
  const output = simulate(scenario, { requests: PROPERTY_REQUESTS });
  return { output, result: buildResult(scenario.name, output) };
};

describe('every generated scenario', () => {
  it('ends every request exactly once: successes + failures + rejected + refused = requests', () => {
    fc.assert(
      fc.property(parsedScenario(), (scenario) => {
        const m = run(scenario).output.metrics;
        expect(m.requests).toBe(PROPERTY_REQUESTS);
        expect(m.successes + m.failures + m.rejected + m.refused).toBe(PROPERTY_REQUESTS);
      }),
      PROPERTY_RUNS,
    );
  });

  it('makes a first model call for every admitted request when no breaker can refuse it (and one more with a classifier)', () => {
    // Without a breaker nothing stops an admitted request's first call: exactly one first
    // attempt per request not rejected at admission, and upstream calls are at least that many,
    // plus one classifier call each when a classifier routes. With a breaker, an admitted request
    // either reaches a model or is short-circuited: calls + short-circuits >= admitted.
    fc.assert(
      fc.property(parsedScenario(), (scenario) => {
        const { output, result } = run(scenario);
        const admitted = output.metrics.requests - output.metrics.rejected;
        const breaker = scenario.layers.breaker?.enabled === true;
        const classifier = scenario.layers.routing?.enabled === true && scenario.layers.routing.classifier !== undefined;
        if (breaker) {
          expect(result.metrics.upstreamCalls + result.metrics.shortCircuited).toBeGreaterThanOrEqual(admitted);
        } else {
          expect(result.loadAttribution.firstAttempt).toBe(admitted);
          expect(result.metrics.upstreamCalls).toBeGreaterThanOrEqual(admitted * (classifier ? 2 : 1));
        }
        expect(result.loadAttribution.classifier).toBe(classifier ? admitted : 0);
      }),
      PROPERTY_RUNS,
    );
  });

  it('gives byte-identical JSON for the same seed twice', () => {
    fc.assert(
      fc.property(parsedScenario(), (scenario) => {
        expect(JSON.stringify(run(scenario).result)).toBe(JSON.stringify(run(scenario).result));
      }),
      { ...PROPERTY_RUNS, numRuns: 15 },
    );
  });

  it('never reports a negative cost or token count', () => {
    fc.assert(
      fc.property(parsedScenario(), (scenario) => {
        const { metrics, byModel, byTenant, byTier, byTool } = run(scenario).result;
        expect(metrics.costUsd).toBeGreaterThanOrEqual(0);
        expect(metrics.monthlyCostUsd).toBeGreaterThanOrEqual(0);
        expect(metrics.billedTokens).toBeGreaterThanOrEqual(metrics.wastedTokens);
        expect(metrics.wastedTokens).toBeGreaterThanOrEqual(0);
        for (const group of [byModel, byTenant, byTier, byTool]) {
          for (const row of Object.values(group)) {
            expect(row.costUsd).toBeGreaterThanOrEqual(0);
            expect(row.monthlyCostUsd).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('orders latency percentiles p50 <= p95 <= p99, all non-negative', () => {
    fc.assert(
      fc.property(parsedScenario(), (scenario) => {
        const { p50, p95, p99, mean } = run(scenario).result.metrics.latencyMs;
        expect(p50).toBeGreaterThanOrEqual(0);
        expect(p50).toBeLessThanOrEqual(p95);
        expect(p95).toBeLessThanOrEqual(p99);
        expect(mean).toBeGreaterThanOrEqual(0);
      }),
      PROPERTY_RUNS,
    );
  });
});
