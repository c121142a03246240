import * as hdr from 'hdr-histogram-js';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { CompactLatencyHistogram } from '../../src/metrics/compact-histogram.js';
import { fastSlotOf, LatencyHistogram } from '../../src/metrics/latency-histogram.js';

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

  it('answers exactly what hdr-histogram-js answers when it holds the same counts (its percentiles, max and recorded values)', () => {
    // The counts the library held before this class did its arithmetic itself: a value below
    // 2^31 us recorded as its slot's lowest value (the old front buffer's flush), a larger one
    // as itself.
    const ours = new LatencyHistogram();
    const reference = hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3, useWebAssembly: false }) as hdr.JsHistogram;
    const random = seedrandom('exact');
    for (let i = 0; i < 50_000; i++) {
      // 1 ns to ~10 years, heavier below a minute, and a run of equal values at the edges.
      const ms = i % 1000 === 0 ? 2 ** 31 / 1000 : Math.exp(random() * (i % 7 === 0 ? 30 : 20) - 13);
      ours.record(ms);
      const us = Math.max(1, Math.round(ms * 1000));
      reference.recordValue(us < 2 ** 31 ? reference.lowestEquivalentValue(us) : us);
    }
    const percentiles = [0, 1e-6, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 99.9999, 100];
    for (let i = 0; i < 200; i++) percentiles.push(random() * 100);
    for (const p of percentiles) expect(ours.percentileMs(p)).toBe(reference.getValueAtPercentile(p) / 1000);
    expect(ours.maxMs).toBe(reference.maxValue / 1000);
    const lowest: number[] = [];
    const values = reference.recordedValuesIterator;
    values.reset();
    while (values.hasNext()) {
      const step = values.next();
      for (let k = 0; k < step.countAtValueIteratedTo; k++) lowest.push(reference.lowestEquivalentValue(step.valueIteratedTo) / 1000);
    }
    const replay = new LatencyHistogram();
    for (const ms of lowest) replay.record(ms);
    expect(ours.buckets()).toEqual(replay.buckets());
    expect(ours.buckets().reduce((sum, [, n]) => sum + n, 0)).toBe(50_000);
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

  it('records the same through recordAt(fastSlotOf(v), v) as through record(v), below 1 us and past the fast path included', () => {
    const random = seedrandom('record-at');
    const values = [0, 0.0004, 0.001, 1, 2_147_483.647, 2_147_483.648, 5e6, 3e7, ...Array.from({ length: 20_000 }, () => Math.exp(random() * 14 - 4))];
    const direct = new LatencyHistogram();
    const bySlot = new LatencyHistogram();
    const compactDirect = new CompactLatencyHistogram();
    const compactBySlot = new CompactLatencyHistogram();
    for (const v of values) {
      direct.record(v);
      bySlot.recordAt(fastSlotOf(v), v);
      compactDirect.record(v);
      compactBySlot.recordAt(fastSlotOf(v), v);
    }
    expect(fastSlotOf(3e7)).toBe(-1);
    for (const p of [0, 1, 25, 50, 90, 99, 99.9, 100]) {
      expect(bySlot.percentileMs(p)).toBe(direct.percentileMs(p));
      expect(compactBySlot.percentileMs(p)).toBe(compactDirect.percentileMs(p));
    }
    expect([bySlot.count, bySlot.meanMs, bySlot.maxMs]).toEqual([direct.count, direct.meanMs, direct.maxMs]);
    expect(bySlot.buckets()).toEqual(direct.buckets());
  });

  it('answers the same after its 32-bit counts widen to doubles (at a small limit here, 2^32 - 1 in a run)', () => {
    const random = seedrandom('widen');
    const values = [...Array.from({ length: 5_000 }, () => Math.exp(random() * 12 - 2)), 3e7, 0.0001];
    const narrow = new LatencyHistogram();
    const widened = new LatencyHistogram(100);
    values.forEach((v, i) => {
      narrow.record(v);
      if (i % 2 === 0) widened.record(v);
      else widened.recordAt(fastSlotOf(v), v);
    });
    for (const p of [0, 10, 50, 95, 99.99, 100]) expect(widened.percentileMs(p)).toBe(narrow.percentileMs(p));
    expect([widened.count, widened.meanMs, widened.maxMs]).toEqual([narrow.count, narrow.meanMs, narrow.maxMs]);
    expect(widened.buckets()).toEqual(narrow.buckets());
    expect(widened.bytes).toBe(2 * narrow.bytes);
  });

  it('reports zeros when empty', () => {
    const h = new LatencyHistogram();
    expect(h.percentileMs(95)).toBe(0);
    expect(h.meanMs).toBe(0);
  });
});

describe('LatencyHistogram.buckets', () => {
  it('counts values in log-spaced buckets, ten per decade, empty buckets between them included', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 5; i++) h.record(100);
    for (let i = 0; i < 3; i++) h.record(1000);
    const buckets = h.buckets();
    expect(buckets).toHaveLength(11);
    expect(buckets[0]).toEqual([100, 5]);
    expect(buckets[10]).toEqual([1000, 3]);
    expect(buckets.slice(1, 10).every(([, n]) => n === 0)).toBe(true);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]![0] / buckets[i - 1]![0]).toBeCloseTo(10 ** 0.1, 4);
  });

  it('returns no buckets when empty', () => {
    expect(new LatencyHistogram().buckets()).toEqual([]);
  });

  it('matches exact bucket counts of the sample, except values just above an edge that HDR resolution moves down one bucket', () => {
    const h = new LatencyHistogram();
    const random = seedrandom('buckets');
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      // Log-uniform from 0.1 ms to 100 s, through the fast path only (below 2^31 us).
      const ms = Math.round(10 ** (random() * 6 - 1) * 1000) / 1000;
      h.record(ms);
      values.push(ms);
    }
    const buckets = h.buckets();
    expect(buckets.reduce((sum, [, n]) => sum + n, 0)).toBe(values.length);
    const edges = buckets.map(([upper]) => upper);
    const exact = edges.map(() => 0);
    let movable = 0;
    for (const v of values) {
      const index = edges.findIndex((upper, i) => v <= upper * (1 + 1e-6) && (i === 0 || v > edges[i - 1]! * (1 + 1e-6)));
      exact[index]!++;
      // HDR stores a value at the lowest value of its slot, at most 1/1024 below it:
      // only a value within that distance above an edge can land one bucket lower.
      if (edges.some((e) => v > e && v <= e * (1 + 1 / 1024))) movable++;
    }
    const moved = buckets.reduce((sum, [, n], i) => sum + Math.abs(n - exact[i]!), 0) / 2;
    expect(moved).toBeLessThanOrEqual(movable);
    expect(moved).toBeLessThan(values.length * 0.01);
  });
});
