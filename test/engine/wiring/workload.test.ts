import { describe, expect, it } from 'vitest';
import type { GroupStats } from '../../../src/metrics/collector.js';
import { BASE, DISTRIBUTIONS, fourSe, fourSeOfShare, N, run, WIRING } from './fixtures.js';

/**
 * The workload, the targets' latency, price and incidents, and the top-level options, through
 * the whole engine.
 */

describe('top-level options', () => {
  it('runs workload.requests requests at requests / duration: N over 1 hour ends near 1 hour', () => {
    const { output, result } = run(BASE);
    expect(output.metrics.requests).toBe(N);
    // The last arrival is a sum of N exponential gaps of mean 1.8 s: standard deviation sqrt(N) x 1.8 s.
    expect(Math.abs(result.simulatedMs - 3_600_000)).toBeLessThan(4 * Math.sqrt(N) * 1800);
  });

  it('uses the scenario\'s seed and name when the run does not override them', () => {
    const own = run(BASE).result;
    expect(own.seed).toBe(7);
    expect(own.scenario).toBe('wiring');
    expect(JSON.stringify(run(BASE, { seed: 7 }).result)).toBe(JSON.stringify(own));
    expect(JSON.stringify(run(BASE, { seed: 8 }).result)).not.toBe(JSON.stringify(own));
  });
});

describe('workload', () => {
  const n = 4000;
  const { output, result } = run(WIRING.tenantsAndTools);

  it('draws each request\'s tenant by tenants (a 20%, b 80%)', () => {
    expect(Math.abs(result.byTenant.a!.calls / n - 0.2)).toBeLessThan(fourSeOfShare(0.2, n));
    expect(result.byTenant.a!.calls + result.byTenant.b!.calls).toBe(n);
  });

  it('draws each request\'s difficulty by difficulty (trivial 30%, standard 70%)', () => {
    expect(Math.abs(result.byTier.trivial!.calls / n - 0.3)).toBeLessThan(fourSeOfShare(0.3, n));
  });

  it('calls each tool with its probability (search 30%, write 60%)', () => {
    expect(Math.abs(result.byTool.search!.calls / n - 0.3)).toBeLessThan(fourSeOfShare(0.3, n));
    expect(Math.abs(result.byTool.write!.calls / n - 0.6)).toBeLessThan(fourSeOfShare(0.6, n));
    expect(output.metrics.toolCalls).toBe(result.byTool.search!.calls + result.byTool.write!.calls);
  });

  it('bills every call its prompt prefix (500 + 20 tokens), its input (1000) and its output (100)', () => {
    expect(run(WIRING.prefixTokens).output.metrics.billedTokens).toBe(N * (520 + 1000 + 100));
  });

  it('prices tokens at the model\'s input and output prices ($3 and $15 per million)', () => {
    expect(run(BASE).output.metrics.costUsd).toBeCloseTo((N * (1000 * 3 + 100 * 15)) / 1e6, 9);
  });
});

describe('incidents', () => {
  it('fails every call inside the window (15 to 45 minutes of an hour: half the requests) with the incident\'s own mix (400s: never retried)', () => {
    const n = 4000;
    const { result } = run(WIRING.incident);
    expect(Math.abs(result.metrics.visibleFailureRate - 0.5)).toBeLessThan(fourSeOfShare(0.5, n));
    expect(result.metrics.retries).toBe(0);
  });
});

describe('distributions', () => {
  const stats = (groups: readonly GroupStats[], name: string) => groups.find((g) => g.name === name)!;

  // Every distribution field set to one kind of mean `mean`: the tokens (input and output),
  // model m's latency and the classifier's (both on m), model e's error latency, tool t's
  // latency and tool u's error latency. Tolerance: 4 standard errors of each sample mean.
  for (const [kind, { mean, variance }] of Object.entries(DISTRIBUTIONS)) {
    it(`draws every latency and token count from its own field: all ${kind}, each mean ${mean.toFixed(1)}`, () => {
      const { output, result } = run(WIRING[`distributions_${kind}` as keyof typeof WIRING]);
      const m = output.metrics;
      /** A sample mean of `count` draws of variance `perDraw` is within 4 standard errors of `expected`. */
      const expectMean = (actual: number, expected: number, count: number, perDraw = variance) =>
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(fourSe(perDraw, count) + 1e-9);
      const answered = result.byTier.standard!.calls;
      expectMean(stats(m.byModel, 'm').latency.meanMs, mean, N + answered);
      expectMean(stats(m.byModel, 'e').latency.meanMs, mean, stats(m.byModel, 'e').calls);
      expectMean(stats(m.byTool, 't').latency.meanMs, mean, stats(m.byTool, 't').calls);
      expectMean(stats(m.byTool, 'u').latency.meanMs, mean, stats(m.byTool, 'u').calls);
      // m's tokens: the classifier's 405 per request, then input + output of each answer.
      expectMean((stats(m.byModel, 'm').tokens - 405 * N) / answered, 2 * mean, answered, 2 * variance);
    });
  }
});

describe('scope', () => {
  it('refuses a request before its out-of-scope tool call (delete, called by half the requests) reaches the upstream', () => {
    const { result } = run(WIRING.scope);
    expect(result.byTool.delete!.calls).toBe(0);
    expect(result.byTool.search!.calls).toBe(N);
    expect(Math.abs(result.metrics.refusalRate - 0.5)).toBeLessThan(fourSeOfShare(0.5, N));
  });

  it('lets every tool call through when the scope layer is disabled', () => {
    const { result } = run(WIRING.scopeDisabled);
    expect(result.metrics.refusalRate).toBe(0);
    expect(Math.abs(result.byTool.delete!.calls / N - 0.5)).toBeLessThan(fourSeOfShare(0.5, N));
  });
});
