import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { MAX_BUCKETS, Timeline } from '../../src/metrics/timeline.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('Timeline', () => {
  it('picks a readable width for about 1000 buckets over the expected span', () => {
    expect(new Timeline(3_600_000).bucketMs).toBe(5_000);
    expect(new Timeline(30 * 86400e3).bucketMs).toBe(3600e3);
    // Past the 1-day width: whole days, still about 1000 buckets.
    expect(new Timeline(10_000 * 86400e3).bucketMs).toBe(10 * 86400e3);
  });

  it('never holds more than MAX_BUCKETS buckets, however far time jumps, and loses no count', () => {
    const timeline = new Timeline(1000); // 1 s buckets
    let offered = 0;
    for (const t of [0, 500, 10e3, 3e6, 1e9, 1e12, 1e15, 9e15]) {
      timeline.advance(t, 3, 1);
      timeline.offered[timeline.current]!++;
      timeline.goodput[timeline.current]!++;
      offered++;
      expect(timeline.offered.length).toBeLessThanOrEqual(MAX_BUCKETS);
      // The bucket counted into holds t.
      expect(timeline.current * timeline.bucketMs).toBeLessThanOrEqual(t);
      expect((timeline.current + 1) * timeline.bucketMs).toBeGreaterThan(t);
    }
    expect(sum(timeline.offered)).toBe(offered);
    expect(sum(timeline.goodput)).toBe(offered);
    for (const series of [timeline.upstreamCalls, timeline.failures, timeline.queueDepth, timeline.breakersOpen]) expect(series).toHaveLength(timeline.offered.length);
    // Width doubled from 1 s until 2000 buckets cover 9e15 ms.
    expect(timeline.bucketMs * MAX_BUCKETS).toBeGreaterThan(9e15);
    expect(timeline.bucketMs).toBe(1000 * 2 ** Math.ceil(Math.log2(9e15 / 1000 / MAX_BUCKETS)));
  });

  it('merges pairs keeping sums, the peak queue depth and the later open-breaker count', () => {
    const timeline = new Timeline(1000);
    for (let b = 0; b < MAX_BUCKETS; b++) {
      timeline.advance(b * 1000, b % 7, b % 3);
      timeline.offered[timeline.current] = b;
      timeline.noteQueue(b % 5);
    }
    timeline.advance(MAX_BUCKETS * 1000, 0, 9); // the 2001st bucket: merge
    expect(timeline.bucketMs).toBe(2000);
    expect(timeline.offered).toHaveLength(MAX_BUCKETS / 2 + 1);
    expect(timeline.offered[0]).toBe(0 + 1);
    expect(timeline.offered[10]).toBe(20 + 21);
    // Bucket b is sampled at its end edge, by the advance to b + 1 (b + 1) % 3 open, so the
    // merged pair (1994, 1995) keeps 1995's sample, 1996 % 3 = 1; the last pair keeps the 9.
    expect(timeline.breakersOpen[999]).toBe(9);
    expect(timeline.breakersOpen[997]).toBe(1996 % 3);
    // The pair (20, 21): the peak of what each bucket saw (noted inside it, or sampled at its end edge).
    expect(timeline.queueDepth[10]).toBe(Math.max(21 % 7, 20 % 5, 22 % 7, 21 % 5));
  });
});

describe('a run with absurd latencies and retry-afters', () => {
  it('keeps its timeline at MAX_BUCKETS or fewer and counts every request', () => {
    const scenario = parseScenarioText(
      `name: absurd
upstream:
  models:
    slow:
      latency: { dist: constant, value: 3650d }
      errors: { rate: 50%, mix: { "429": 1 }, retryAfter: 3650d, latency: { dist: constant, value: 3650d } }
layers:
  retry: { maxAttempts: 3, honorRetryAfter: true, retryOn: ["429"] }
`,
      'absurd.yaml',
    );
    const result = buildResult(scenario.name, simulate(scenario, { requests: 200 }));
    expect(result.simulatedMs).toBeGreaterThan(3650 * 86400e3);
    expect(result.timeline.offered.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(sum(result.timeline.offered)).toBe(200);
    expect(sum(result.timeline.goodput) + sum(result.timeline.failures)).toBe(200);
  });
});
