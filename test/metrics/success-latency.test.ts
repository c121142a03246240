import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

describe('latency of successful requests', () => {
  it('leaves out the fast rejections that pull the all-requests latency down', () => {
    // One slot, no queue, constant 1 s calls at about one arrival a second: about half are
    // rejected at 0 ms, every admitted request takes exactly 1 s.
    const scenario = parseScenarioText(
      `
duration: 1h
workload: { requests: 3600 }
upstream: { models: { m: { latency: { dist: constant, value: 1s } } } }
layers: { capacity: { backpressure: { maxInFlight: 1, maxDepth: 0, maxWait: 1s } } }
`,
      'success-latency.yaml',
    );
    const result = buildResult('s', simulate(scenario));
    expect(result.metrics.rejectedRate).toBeGreaterThan(0.3);
    // HDR resolves 1 s to within 1/1024; the mean is exact.
    expect(result.metrics.successLatencyMs.mean).toBe(1000);
    expect(Math.abs(result.metrics.successLatencyMs.p50 - 1000)).toBeLessThan(1000 / 1024);
    expect(result.metrics.latencyMs.mean).toBeCloseTo(1000 * (1 - result.metrics.rejectedRate), 2);
  });
});
