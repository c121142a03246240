import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * The cache-aware cost of failure: a retried call re-pays its input tokens unless the
 * prefix is still cached on that target; falling back to another model starts cold.
 * Model `a` always times out after 1 s (the server finished the work, so the call is billed
 * and the prompt was cached); model `b` always answers.
 */
const scenario = (layers: string) =>
  parseScenarioText(
    `
workload:
  requests: 1000
  tokens: { input: { dist: constant, value: 1000 }, output: { dist: constant, value: 100 } }
  prompt: { prefix: [ { name: system, tokens: 8K } ] }
upstream:
  models:
    a: { latency: { dist: constant, value: 500ms }, errors: { rate: 100%, mix: { timeout: 1 }, timeoutAfter: 1s }, price: { input: $3, output: $15 } }
    b: { latency: { dist: constant, value: 500ms }, price: { input: $3, output: $15 } }
layers:
  cache: { preset: anthropic, breakpoint: system }
${layers}
`,
    'cache-failure.yaml',
  );

describe('the cost of a failed call under prompt caching', () => {
  it('lets a retry on the same model read the prefix its failed attempt cached', () => {
    const out = simulate(scenario('  retry: { maxAttempts: 2, baseDelay: 10ms, jitter: none, retryOn: [timeout] }'), { requests: 1 });
    // Attempt 1 writes the prefix (a miss), attempt 2 reads it (a hit).
    expect([out.layers.cacheMisses, out.layers.cacheHits]).toEqual([1, 1]);
    // Input cost: 8K prefix at 1.25x then 0.1x, plus 1000 own input tokens each time; output each time.
    const expected = ((8000 * 1.25 + 1000) * 3 + 100 * 15 + (8000 * 0.1 + 1000) * 3 + 100 * 15) / 1e6;
    expect(out.metrics.costUsd).toBeCloseTo(expected, 12);
  });

  it('starts cold on the fallback model: its cache is its own, even right after the first model cached the prefix', () => {
    const out = simulate(scenario('  routing: { fallback: [a, b], fallbackOn: [timeout] }'), { requests: 1 });
    expect([out.layers.cacheMisses, out.layers.cacheHits]).toEqual([2, 0]);
    const expected = (2 * ((8000 * 1.25 + 1000) * 3 + 100 * 15)) / 1e6;
    expect(out.metrics.costUsd).toBeCloseTo(expected, 12);
  });

  it('re-pays the full input on a retry when no cache layer is on', () => {
    const withCache = scenario('  retry: { maxAttempts: 2, baseDelay: 10ms, jitter: none, retryOn: [timeout] }');
    const out = simulate({ ...withCache, layers: { ...withCache.layers, cache: undefined } }, { requests: 1 });
    expect(out.metrics.costUsd).toBeCloseTo((2 * (9000 * 3 + 100 * 15)) / 1e6, 12);
    // Both attempts timed out: every billed token was wasted.
    expect(out.metrics.wastedTokens).toBe(2 * 9100);
  });
});
