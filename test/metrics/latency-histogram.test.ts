import * as hdr from 'hdr-histogram-js';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js';

describe('LatencyHistogram', () => {
  // HDR at 3 significant digits resolves a value to within 1/1024 of itself (sub-bucket width).
  const RELATIVE_RESOLUTION = 1 / 1024;

  it('reports the percentiles of a plain HDR histogram and of the exact sorted sample, within HDR resolution', () => {
    const ours = new LatencyHistogram();
    const reference = hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3, useWebAssembly: false });
    const random = seedrandom('histogram');
    const all: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // 1 ns to ~2.5 hours: covers bucket 0, the fast path and the >2^31 us slow path.
      const ms = Math.exp(random() * 22 - 13);
      ours.record(ms);
      all.push(Math.max(1, Math.round(ms * 1000)) / 1000);
      reference.recordValue(Math.max(1, Math.round(ms * 1000)));
    }
    all.sort((a, b) => a - b);
    for (const p of [0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]) {
      const exact = all[Math.max(0, Math.ceil((p / 100) * all.length) - 1)]!;
      const hdrValue = reference.getValueAtPercentile(p) / 1000;
      expect(Math.abs(ours.percentileMs(p) - exact) / exact).toBeLessThanOrEqual(RELATIVE_RESOLUTION + 1e-9);
      expect(Math.abs(ours.percentileMs(p) - hdrValue) / hdrValue).toBeLessThanOrEqual(2 * RELATIVE_RESOLUTION);
    }
  });

  it('keeps the exact mean and count, and answers queries between recordings', () => {
    const h = new LatencyHistogram();
    h.record(100);
    h.record(300);
    expect(h.percentileMs(50)).toBeCloseTo(100, 1);
    h.record(500);
    expect(h.count).toBe(3);
    expect(h.meanMs).toBe(300);
    expect(h.percentileMs(100)).toBeCloseTo(500, 0);
  });

  it('reports zeros when empty', () => {
    const h = new LatencyHistogram();
    expect(h.percentileMs(95)).toBe(0);
    expect(h.meanMs).toBe(0);
  });
});
