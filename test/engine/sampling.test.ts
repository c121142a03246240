import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scaleForSample } from '../../src/engine/sampling.js';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const seedLab = parseScenarioText(readFileSync('scenarios/seed-lab.yaml', 'utf8'), 'scenarios/seed-lab.yaml');

describe('sampling a fraction of the traffic', () => {
  it('scales requests and every absolute capacity by the fraction, leaving the original untouched', () => {
    const text = `
upstream:
  models:
    m: { capacity: { concurrency: 40, queue: 100, rpm: 600, itpm: 1M } }
layers:
  capacity:
    perKey: { quotaRpm: 1200, shares: { default: 1 } }
    tokenBudget: { tokensPerMinute: 8M }
    backpressure: { maxInFlight: 64, maxDepth: 128, maxWait: 2s }
  retry: { budget: { ratio: 0.2, minRetriesPerSec: 10 } }
`;
    const scenario = parseScenarioText(text, 'inline.yaml');
    const scaled = scaleForSample(scenario, 0.25);
    expect(scaled.workload.requests).toBe(2_500_000);
    expect(scaled.upstream.models.m!.capacity).toMatchObject({ concurrency: 10, queue: 25, rpm: 150, itpm: 250_000 });
    expect(scaled.layers.capacity!.perKey!.quotaRpm).toBe(300);
    expect(scaled.layers.capacity!.tokenBudget!.tokensPerMinute).toBe(2_000_000);
    expect(scaled.layers.capacity!.backpressure).toMatchObject({ maxInFlight: 16, maxDepth: 32 });
    expect(scaled.layers.retry!.budget!.minRetriesPerSec).toBe(2.5);
    expect(scenario.upstream.models.m!.capacity!.concurrency).toBe(40);
    expect(scaled.duration).toBe(scenario.duration);
  });

  it('scales back by the requests asked for over those simulated, not by 1/fraction, so rounding never shows', () => {
    const retry = parseScenarioText(readFileSync('scenarios/retry-basics.yaml', 'utf8'), 'scenarios/retry-basics.yaml');
    // 1,001 x 0.3 = 300.3: 300 requests are simulated, and they stand for 1,001 (1/0.3 would make 1,000).
    const output = simulate(retry, { requests: 1001, sample: 0.3 });
    expect(output.sampleScale.counts).toBeCloseTo(1001 / 300, 12);
    const result = buildResult('r', output);
    expect(result.requests).toBe(1001);
    expect(result.sampling).toMatchObject({ fraction: 0.3, simulatedRequests: 300 });
    // Per-time figures scale by the scenario's rate over the sampled one (the scenario's requests, rounded alike).
    expect(output.sampleScale.rate).toBeCloseTo(retry.workload.requests / Math.round(retry.workload.requests * 0.3), 12);
  });

  it('refuses a fraction that leaves less than one request, naming --sample', () => {
    expect(() => simulate(seedLab, { requests: 5, sample: 0.1 })).toThrow(/expected a fraction that leaves at least one request to simulate, got 0\.1 of 5 requests \(0\.5\)/);
    expect(simulate(seedLab, { requests: 10, sample: 0.1 }).requests).toBe(1);
  });

  it('reports the whole traffic: request and call counts scaled back, cost per month unchanged within sampling error', () => {
    const full = buildResult('full', simulate(seedLab, { requests: 200_000 }));
    const sampled = buildResult('sampled', simulate(seedLab, { requests: 200_000, sample: 0.1 }));
    expect(sampled.requests).toBe(200_000);
    expect(sampled.sampling).toMatchObject({ fraction: 0.1, simulatedRequests: 20_000 });
    // Calls per request are ~2.09 with a per-request standard deviation under 1;
    // 4 standard errors over the 20K sampled requests is < 0.03 on the multiplier.
    expect(Math.abs(sampled.metrics.loadMultiplier - full.metrics.loadMultiplier)).toBeLessThan(0.03);
    expect(Math.abs(sampled.metrics.upstreamCalls / full.metrics.upstreamCalls - 1)).toBeLessThan(0.03 / 2.09);
    // Monthly cost is a mean of per-request costs (lognormal tokens, CV ~1.3): 4 SE at n = 20K is ~4%.
    expect(Math.abs(sampled.metrics.monthlyCostUsd / full.metrics.monthlyCostUsd - 1)).toBeLessThan(0.04);
  });

  it('gives a rule-of-three upper bound when no failure was seen, and a binomial interval otherwise', () => {
    const none = buildResult('x', simulate(seedLab, { requests: 50_000, sample: 0.2 }));
    expect(none.metrics.visibleFailureRate).toBe(0);
    expect(none.sampling!.visibleFailureRateCi95).toEqual([0, 3 / 10_000]);
    const failing = parseScenarioText('upstream:\n  models:\n    m: { errors: { rate: 10% } }\n', 'f.yaml');
    const r = buildResult('f', simulate(failing, { requests: 100_000, sample: 0.5 }));
    const p = r.metrics.visibleFailureRate;
    const se = Math.sqrt((p * (1 - p)) / 50_000);
    expect(r.sampling!.visibleFailureRateStdErr).toBeCloseTo(se, 10);
    expect(r.sampling!.visibleFailureRateCi95[0]).toBeCloseTo(p - 1.959964 * se, 8);
  });

  it('rejects fractions outside (0, 1]', () => {
    expect(() => scaleForSample(seedLab, 0)).toThrow(RangeError);
    expect(() => scaleForSample(seedLab, 1.5)).toThrow(RangeError);
  });
});
