import { describe, expect, it } from 'vitest';
import { N, run, WIRING } from './fixtures.js';

/**
 * Admission capacity through the whole engine: the per-key quota (and who an unlisted key
 * is), the token budget, and backpressure's wait. Tenants a and b send half the traffic each,
 * about 16.7 requests a minute apiece (33 in all); every request is 1100 tokens.
 */

/** Requests of a tenant that got past admission (no model call fails in these scenarios). */
const admitted = (tenant: { calls: number; failures: number }) => tenant.calls - tenant.failures;

describe('per-key quota', () => {
  it('rejects every request of a key the shares leave out when unlisted is deny, and none of a listed key under its quota', () => {
    const { result } = run(WIRING.perKeyUnlisted_deny);
    expect(result.byTenant.b!.failures).toBe(result.byTenant.b!.calls);
    expect(result.byTenant.a!.failures).toBe(0);
    expect(result.metrics.rejectedRate).toBeCloseTo(result.byTenant.b!.calls / N, 10);
  });

  it('lets unlisted keys share what the listed shares leave (at least 1% of 600 rpm: 6 a minute) when unlisted is share', () => {
    const { result } = run(WIRING.perKeyUnlisted_share);
    // A 6/minute bucket of burst 6, offered 16.7 a minute: it admits the burst plus 6 a minute.
    const minutes = result.simulatedMs / 60_000;
    expect(admitted(result.byTenant.b!)).toBeLessThanOrEqual(6 + 6 * minutes + 1);
    expect(admitted(result.byTenant.b!)).toBeGreaterThan(0.9 * 6 * minutes);
    expect(result.byTenant.a!.failures).toBe(0);
  });

  it('admits unlisted keys without a limit when unlisted is allow', () => {
    expect(run(WIRING.perKeyUnlisted_allow).result.metrics.rejectedRate).toBe(0);
  });

  it('rejects nothing when the capacity layer is disabled, whatever it says', () => {
    expect(run(WIRING.capacityDisabled).result.metrics.rejectedRate).toBe(0);
  });
});

describe('token budget', () => {
  it('admits tokensPerMinute / tokens per request = 11K / 1100 = 10 requests a minute, plus a one-minute burst', () => {
    const { result } = run(WIRING.tokenBudget);
    const minutes = result.simulatedMs / 60_000;
    const ok = N - Math.round(result.metrics.rejectedRate * N);
    expect(ok).toBeLessThanOrEqual(10 + 10 * minutes + 1);
    expect(ok).toBeGreaterThan(0.9 * 10 * minutes);
  });
});

describe('backpressure', () => {
  it('rejects a waiter after exactly maxWait (500 ms) when the one slot stays busy (10 s calls)', () => {
    const { output } = run(WIRING.backpressureMaxWait);
    // Most requests arrive while the slot is busy and give up after 500 ms: the median.
    expect(output.metrics.rejected).toBeGreaterThan(N / 2);
    expect(output.metrics.latency.percentileMs(50)).toBeCloseTo(500, 0);
    // A success held the slot for 10 s, after waiting at most 500 ms for it.
    expect(output.metrics.successLatency.percentileMs(0)).toBeGreaterThanOrEqual(10_000 * 0.999);
    expect(output.metrics.successLatency.maxMs).toBeLessThanOrEqual(10_500 * 1.001);
  });
});
