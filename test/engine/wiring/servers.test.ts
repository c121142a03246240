import { describe, expect, it } from 'vitest';
import { N, run, WIRING } from './fixtures.js';

/**
 * Finite-capacity targets (`upstream.*.capacity`) and client timeouts through the whole
 * engine. Slots and queues against queueing theory are in test/engine/closed-loop.test.ts;
 * here, what the engine does with each answer a server gives.
 */

describe('server overflow', () => {
  it('answers a full server with a 429 when overflow is 429: not retried under retryOn [503], each one a failure', () => {
    const { result } = run(WIRING.overflow429);
    const overflows = result.servers[0]!.overflows;
    expect(overflows).toBeGreaterThan(N / 2);
    expect(result.metrics.retries).toBe(0);
    expect(Math.round(result.metrics.visibleFailureRate * N)).toBe(overflows);
  });

  it('answers with a 503 when overflow is 503: each first overflow is retried, each second one fails', () => {
    const { result } = run(WIRING.overflow503);
    const overflows = result.servers[0]!.overflows;
    expect(result.metrics.retries).toBeGreaterThan(N / 2);
    expect(result.metrics.retries + Math.round(result.metrics.visibleFailureRate * N)).toBe(overflows);
  });

  it('answers with a 529 when overflow is 529: retried under the default retryOn', () => {
    const { result } = run(WIRING.overflow529);
    expect(result.metrics.retries).toBeGreaterThan(N / 2);
    expect(result.metrics.retries + Math.round(result.metrics.visibleFailureRate * N)).toBe(result.servers[0]!.overflows);
  });

  it('carries the target\'s own retry-after (2 s) on an overflow: no request ends before 10 + 2000 + 10 ms', () => {
    const { output, result } = run(WIRING.overflowRetryAfter);
    expect(result.servers[0]!.overflows).toBeGreaterThan(0);
    expect(output.metrics.latency.percentileMs(0)).toBeGreaterThanOrEqual(2020 * 0.999);
  });

  it('carries the time until the quota refills on an over-quota 429 (at most 10 s at 6 rpm), not the target\'s 30 s', () => {
    const { output, result } = run(WIRING.overQuotaRetryAfter);
    expect(result.servers[0]!.overQuota).toBeGreaterThan(N / 2);
    expect(result.metrics.retries).toBeGreaterThan(N / 2);
    // 10 ms answer + at most 10 s wait + a 100 ms (or 10 ms) second call.
    expect(output.metrics.latency.maxMs).toBeLessThanOrEqual((10 + 10_000 + 100) * 1.001);
  });
});

describe('server quotas', () => {
  /** Calls a server admitted per minute is capped by a one-minute bucket: burst + rate x minutes. */
  function expectAdmittedPerMinute(scenario: Record<string, unknown>, perMinute: number): void {
    const { result } = run(scenario);
    const minutes = result.simulatedMs / 60_000;
    const served = Math.round(result.metrics.successRate * N);
    expect(result.servers[0]!.overQuota).toBe(N - served);
    expect(served).toBeLessThanOrEqual(perMinute + perMinute * minutes + 1);
    expect(served).toBeGreaterThan(0.9 * perMinute * minutes);
  }

  it('meters input tokens with itpm: 10K / 1000 input tokens = 10 calls a minute', () => {
    expectAdmittedPerMinute(WIRING.itpm, 10);
  });

  it('meters output tokens with otpm: 1000 / 100 output tokens = 10 calls a minute', () => {
    expectAdmittedPerMinute(WIRING.otpm, 10);
  });

  it('sends no tokens to a tool\'s quota: a tool with itpm 1 is never over quota', () => {
    const { result } = run(WIRING.toolItpm);
    expect(result.metrics.toolCalls).toBe(N);
    expect(result.servers.find((s) => s.name === 't')!.overQuota).toBe(0);
  });
});

describe('client timeouts', () => {
  it('gives up on a 5 s call after layers.timeout.after (1 s), a failed request', () => {
    const { output } = run(WIRING.clientTimeout);
    expect(output.metrics.latency.meanMs).toBeCloseTo(1000, 6);
    expect(output.metrics.failures).toBe(N);
  });

  it('uses the target\'s own timeout (2 s) over layers.timeout.after', () => {
    expect(run(WIRING.targetTimeout).output.metrics.latency.meanMs).toBeCloseTo(2000, 6);
  });

  it('waits the full 5 s when the timeout layer is disabled', () => {
    const { output } = run(WIRING.timeoutDisabled);
    expect(output.metrics.latency.meanMs).toBeCloseTo(5000, 6);
    expect(output.metrics.successes).toBe(N);
  });

  it('times out a tool call at the tool\'s own timeout: 100 ms model + 2 s tool', () => {
    const { output } = run(WIRING.toolTimeout);
    expect(output.metrics.latency.meanMs).toBeCloseTo(2100, 6);
    expect(output.metrics.failures).toBe(N);
  });
});
