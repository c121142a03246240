import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/results.js';
import { compareVariants, renderComparisonTable } from '../../src/report/comparison.js';
import { compactCount, formatMetricDelta, formatRelative } from '../../src/metrics/headline.js';

/** A run result whose headline figures are zero except those given. */
function run(m: { failure?: number; p95?: number; cost?: number; cacheHitRate?: number }): RunResult {
  return {
    scenario: 's',
    seed: 1,
    requests: 1000,
    simulatedMs: 0,
    layersOn: [],
    metrics: {
      visibleFailureRate: m.failure ?? 0,
      latencyMs: { p50: 0, p95: m.p95 ?? 0, p99: 0, mean: 0 },
      loadMultiplier: 1,
      monthlyCostUsd: m.cost ?? 0,
      cacheHitRate: m.cacheHitRate ?? 0,
    } as RunResult['metrics'],
    byModel: {},
    byTenant: {},
    byTier: {},
    byTool: {},
    loadAttribution: { firstAttempt: 1000, retry: 0, fallback: 0, qualityFallback: 0, halfOpenProbe: 0, classifier: 0 },
    servers: [],
    recovery: null,
    timeline: { bucketMs: 1000, offered: [], upstreamCalls: [], goodput: [], failures: [], queueDepth: [], breakersOpen: [] },
  };
}

describe('compareVariants', () => {
  it('takes each difference against the first variant, with its relative size and direction', () => {
    const [base, other] = compareVariants([
      { label: 'a', results: [run({ failure: 0.04, p95: 2000, cost: 100, cacheHitRate: 0.5 })] },
      { label: 'b', results: [run({ failure: 0.01, p95: 3000, cost: 100, cacheHitRate: 0.75 })] },
    ]);
    expect(base!.delta).toBeNull();
    const d = other!.delta!;
    expect(d.visibleFailureRate.absolute).toBeCloseTo(-0.03, 12);
    expect(d.visibleFailureRate.relative).toBeCloseTo(-0.75, 12);
    expect(d.visibleFailureRate.direction).toBe('better');
    expect([d.latencyP95.absolute, d.latencyP95.relative, d.latencyP95.direction]).toEqual([1000, 0.5, 'worse']);
    expect([d.monthlyCost.absolute, d.monthlyCost.relative, d.monthlyCost.direction]).toEqual([0, 0, 'same']);
    // The one figure where more is better.
    expect([d.cacheHitRate.absolute, d.cacheHitRate.relative, d.cacheHitRate.direction]).toEqual([0.25, 0.5, 'better']);
    // One seed: no interval, so no verdict on significance.
    expect(d.latencyP95.significant).toBeNull();
  });

  it('has no relative change when the baseline is zero and the variant is not', () => {
    const [, other] = compareVariants([{ label: 'a', results: [run({})] }, { label: 'b', results: [run({ cost: 5 })] }]);
    expect(other!.delta!.monthlyCost).toMatchObject({ absolute: 5, relative: null, direction: 'worse' });
  });

  it('pairs runs by seed, so a constant shift is significant even when the seeds vary widely', () => {
    // Unpaired, the spread (2000 ms between seeds) would swamp the 10 ms shift.
    const [, other] = compareVariants([
      { label: 'a', results: [run({ p95: 1000 }), run({ p95: 3000 }), run({ p95: 2000 })] },
      { label: 'b', results: [run({ p95: 1010 }), run({ p95: 3010 }), run({ p95: 2011 })] },
    ]);
    const d = other!.delta!.latencyP95;
    expect(d.absolute).toBeCloseTo(10.333, 3);
    expect(d.significant).toBe(true);
    expect(d.interval.low).toBeGreaterThan(0);
    expect(other!.values.latencyP95.halfWidth!).toBeGreaterThan(1000);
  });

  it('colours improvements green and regressions red only when asked', () => {
    const variants = compareVariants([
      { label: 'a', results: [run({ failure: 0.04, p95: 2000 })] },
      { label: 'b', results: [run({ failure: 0.01, p95: 3000 })] },
    ]);
    const plain = renderComparisonTable(variants, { seeds: [1], requests: 1000 }, false);
    expect(plain).not.toMatch(/\u001b\[/);
    const coloured = renderComparisonTable(variants, { seeds: [1], requests: 1000 }, true);
    expect(coloured).toContain('\u001b[32m-3.000 pp (-75.0%)\u001b[39m');
    expect(coloured).toContain('\u001b[31m+1.00 s (+50.0%)\u001b[39m');
  });
});

describe('delta formatting', () => {
  it('writes rates in percentage points and the rest in their unit with a sign', () => {
    expect(formatMetricDelta('rate', -0.0361)).toBe('-3.610 pp');
    expect(formatMetricDelta('duration', 163)).toBe('+163 ms');
    expect(formatMetricDelta('duration', -0.25)).toBe('-0.25 ms');
    expect(formatMetricDelta('money', -32522)).toBe('-$32,522');
    expect(formatMetricDelta('ratio', 1.092)).toBe('+1.092x');
    expect(formatMetricDelta('count', 0)).toBe('0');
  });

  it('writes relative changes with one decimal below 100% and none above', () => {
    expect([formatRelative(-0.876), formatRelative(4.55), formatRelative(0), formatRelative(null)]).toEqual(['-87.6%', '+455%', '0%', 'new']);
  });

  it('shortens large token counts to four significant digits', () => {
    expect([compactCount(9999), compactCount(12_592_657), compactCount(567_206), compactCount(-402_800)]).toEqual(['9,999', '12.59M', '567.2K', '-402.8K']);
  });
});
