import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { CompactLatencyHistogram } from '../../src/metrics/compact-histogram.js';
import { COMPACT_BREAKDOWN_ABOVE, type GroupStats } from '../../src/metrics/collector.js';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/** A scenario with `n` tenants: equal shares, or all traffic on the first and the rest idle. */
function manyTenants(n: number, idle: boolean): string {
  const share = (i: number) => (idle ? (i === 0 ? 1 - (n - 1) * 1e-9 : 1e-9) : 1 / n);
  const tenants = Array.from({ length: n }, (_, i) => `t${i}: ${share(i)}`).join(', ');
  return `name: many\nupstream:\n  models:\n    m: {}\nworkload:\n  tenants: { ${tenants} }\nlayers:\n  retry: {}\n`;
}

const bytes = (groups: readonly GroupStats[]) => groups.reduce((sum, g) => sum + g.latency.bytes, 0);

describe('memory per entity', () => {
  it('costs an idle tenant no histogram buffer at all', () => {
    const out = simulate(parseScenarioText(manyTenants(1000, true), 'x.yaml'), { requests: 2000 });
    const used = out.metrics.byTenant.filter((g) => g.calls > 0);
    expect(used.length).toBeLessThan(5);
    expect(out.metrics.byTenant.filter((g) => g.calls === 0).every((g) => g.latency.bytes === 0)).toBe(true);
    expect(bytes(out.metrics.byTenant)).toBeLessThan(used.length * 50_000);
  });

  it('keeps a thousand busy tenants to a few tens of KB each', () => {
    const out = simulate(parseScenarioText(manyTenants(1000, false), 'x.yaml'), { requests: 20_000 });
    expect(out.metrics.byTenant.filter((g) => g.calls > 0).length).toBeGreaterThan(990);
    // The 3-digit HDR buffer alone is 188 KB a tenant: 188 MB for a thousand.
    expect(bytes(out.metrics.byTenant) / 1000).toBeLessThan(50_000);
    for (const g of out.metrics.byTenant) expect(g.latency).toBeInstanceOf(CompactLatencyHistogram);
  });

  it(`keeps the exact HDR rows at ${COMPACT_BREAKDOWN_ABOVE} entities or fewer, so small scenarios report as before`, () => {
    const out = simulate(parseScenarioText(manyTenants(COMPACT_BREAKDOWN_ABOVE, false), 'x.yaml'), { requests: 2000 });
    for (const g of out.metrics.byTenant) expect(g.latency).toBeInstanceOf(LatencyHistogram);
  });
});

describe('CompactLatencyHistogram', () => {
  it('reads percentiles within 1/128 of the exact ones and the mean exactly', () => {
    const compact = new CompactLatencyHistogram();
    const values: number[] = [];
    // A deterministic log-spread from 0.5 ms to 20 min.
    for (let i = 0; i < 20_000; i++) {
      const v = 0.5 * Math.pow(2_400_000, ((i * 7919) % 20_000) / 20_000);
      values.push(v);
      compact.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [1, 50, 95, 99, 99.9]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
      expect(Math.abs(compact.percentileMs(p) - exact) / exact).toBeLessThan(1 / 128 + 1e-3);
    }
    expect(compact.meanMs).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it('grows only as far as the largest value, up to ~50 KB for any latency', () => {
    const compact = new CompactLatencyHistogram();
    expect(compact.bytes).toBe(0);
    compact.record(1000);
    expect(compact.bytes).toBeLessThan(20_000);
    compact.record(3650 * 86400e3); // ten years
    expect(compact.bytes).toBeLessThan(60_000);
    expect(compact.percentileMs(100)).toBeGreaterThan(3650 * 86400e3 * (1 - 1 / 128));
    expect(Math.abs(compact.percentileMs(0) - 1000) / 1000).toBeLessThan(1 / 128);
  });
});
