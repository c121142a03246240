import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/random/random.js';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { Workload, type RequestDraw } from '../../src/workload/workload.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A bare scenario: one fast model with no errors and no layers, so only arrivals matter. */
function scenarioText(duration: string, requests: number, arrival: string, extra = ''): string {
  return `
name: shapes
seed: 21
duration: ${duration}
workload:
  requests: ${requests}
  arrival: ${arrival}
${extra}
upstream:
  models:
    m:
      latency: { dist: constant, value: 100ms }
      errors: { rate: 0 }
`;
}

function run(text: string): RunResult {
  const scenario = parseScenarioText(text, 'shapes.yaml');
  return buildResult(scenario.name, simulate(scenario));
}

/** Arrivals counted in the timeline buckets covering [fromMs, toMs) (bucket-aligned). */
function offeredIn(r: RunResult, fromMs: number, toMs: number): number {
  const w = r.timeline.bucketMs;
  expect(fromMs % w).toBe(0);
  expect(toMs % w).toBe(0);
  return r.timeline.offered.slice(fromMs / w, toMs / w).reduce((s, n) => s + n, 0);
}

/**
 * Poisson counts: a count n with expectation mu has standard deviation sqrt(mu), so
 * 4 sqrt(mu) bounds it (a false alarm about 1 in 16,000 per assertion).
 */
function expectPoisson(count: number, mu: number): void {
  expect(Math.abs(count - mu)).toBeLessThan(4 * Math.sqrt(mu));
}

describe('bursts', () => {
  // 2 requests/s on average; 14,400 requests over a nominal 2 h run out at about 80 min
  // because the burst adds 4 x 2/s x 600 s = 4,800 arrivals.
  const text = scenarioText('2h', 14_400, '{ bursts: [{ at: 1h, for: 10m, multiplier: 5 }] }');
  const ratePerSec = 2;

  it('multiplies the arrival rate by 5 inside the window and leaves it alone outside', () => {
    const r = run(text);
    expect(r.timeline.bucketMs).toBe(10 * SECOND);
    const before = offeredIn(r, 0, HOUR);
    const inside = offeredIn(r, HOUR, HOUR + 10 * MINUTE);
    const after = offeredIn(r, HOUR + 10 * MINUTE, HOUR + 15 * MINUTE);
    expectPoisson(before, ratePerSec * 3600);
    expectPoisson(inside, 5 * ratePerSec * 600);
    expectPoisson(after, ratePerSec * 300);
    // Ratio of rates inside to before: delta-method sd = ratio x sqrt(1/inside + 1/before).
    const ratio = inside / 600 / (before / 3600);
    expect(Math.abs(ratio - 5)).toBeLessThan(4 * 5 * Math.sqrt(1 / inside + 1 / before));
  });

  it('marks the burst as a disturbance, so the run reports recovery after it', () => {
    const r = run(text);
    expect(r.recovery).not.toBeNull();
    expect(r.recovery!.disturbanceEndMs).toBe(HOUR + 10 * MINUTE);
    // Infinite capacity, no errors: nothing to recover from.
    expect(r.recovery!.baselineSuccessRatio).toBe(1);
    expect(r.recovery!.recoveredAfterMs).toBe(0);
  });
});

describe('diurnal cycle', () => {
  // 200,000 requests over 24 h: 2.3148/s on average, rate(t) = mean x (1 + a cos(2 pi (t - 14h) / 24h))
  // with a = (3 - 1) / (3 + 1) = 0.5, so the peak (14:00) is 3x the trough (02:00).
  const requests = 200_000;
  const ratePerMs = requests / DAY;
  const a = 0.5;
  const peakAt = 14 * HOUR;
  /** Expected arrivals in [t1, t2): the integral of the rate. */
  const expected = (t1: number, t2: number) =>
    ratePerMs * (t2 - t1 + ((a * DAY) / (2 * Math.PI)) * (Math.sin((2 * Math.PI * (t2 - peakAt)) / DAY) - Math.sin((2 * Math.PI * (t1 - peakAt)) / DAY)));

  it('peaks at 14:00 at 3x its trough at 02:00', () => {
    const r = run(scenarioText('24h', requests, '{ diurnal: { peakToTrough: 3 } }'));
    expect(r.timeline.bucketMs).toBe(5 * MINUTE);
    // One-hour windows centred on the peak and the trough.
    const peak = offeredIn(r, 13.5 * HOUR, 14.5 * HOUR);
    const trough = offeredIn(r, 1.5 * HOUR, 2.5 * HOUR);
    expectPoisson(peak, expected(13.5 * HOUR, 14.5 * HOUR));
    expectPoisson(trough, expected(1.5 * HOUR, 2.5 * HOUR));
    // An hour's average of the cosine is 0.99715 of its peak: the expected ratio is 2.989, not 3.
    const expectedRatio = expected(13.5 * HOUR, 14.5 * HOUR) / expected(1.5 * HOUR, 2.5 * HOUR);
    expect(expectedRatio).toBeCloseTo(2.9888, 3);
    const ratio = peak / trough;
    expect(Math.abs(ratio - expectedRatio)).toBeLessThan(4 * ratio * Math.sqrt(1 / peak + 1 / trough));
    // Mid-morning (08:00) sits at the mean rate: cos(-pi/2) = 0.
    expectPoisson(offeredIn(r, 7.5 * HOUR, 8.5 * HOUR), expected(7.5 * HOUR, 8.5 * HOUR));
  });
});

describe('tenant schedules', () => {
  // Two tenants of equal share at 2 requests/s in all; tenant "batch" runs x4 from 1h for 10m.
  const extra = `  tenants: { app: 0.5, batch: 0.5 }
  schedules:
    - { tenant: batch, at: 1h, for: 10m, multiplier: 4 }`;
  const text = scenarioText('2h', 14_400, 'poisson', extra);
  const ratePerMs = 2 / SECOND;

  it('multiplies only the scheduled tenant inside the window', () => {
    const scenario = parseScenarioText(text, 'shapes.yaml');
    const workload = new Workload(scenario, new RandomStreams(scenario.seed));
    expect(workload.shaped).toBe(true);
    const draw: RequestDraw = { tenant: 0, difficulty: 0, inputTokens: 0, outputTokens: 0 };
    // counts[tenant][0 = before the window, 1 = inside]
    const counts = [
      [0, 0],
      [0, 0],
    ];
    for (let t = workload.nextArrivalMs(0); t < HOUR + 10 * MINUTE; t = workload.nextArrivalMs(t)) {
      workload.draw(draw, t);
      counts[draw.tenant]![t < HOUR ? 0 : 1]!++;
    }
    const [app, batch] = counts as [number[], number[]];
    expectPoisson(app[0]!, 0.5 * ratePerMs * HOUR);
    expectPoisson(batch[0]!, 0.5 * ratePerMs * HOUR);
    expectPoisson(app[1]!, 0.5 * ratePerMs * 10 * MINUTE);
    expectPoisson(batch[1]!, 4 * 0.5 * ratePerMs * 10 * MINUTE);
  });

  it('shows in the run: the whole rate rises to 2.5x in the window, and batch gets all the extra requests', () => {
    const r = run(text);
    const before = offeredIn(r, 0, HOUR);
    const inside = offeredIn(r, HOUR, HOUR + 10 * MINUTE);
    expectPoisson(before, ratePerMs * HOUR);
    expectPoisson(inside, 2.5 * ratePerMs * 10 * MINUTE);
    // Over the whole run the tenants differ only by the window's extra 1.5 x 2/s x 600 s = 1,800
    // batch requests; the difference of two Poisson counts has variance app + batch.
    const app = r.byTenant['app']!.calls;
    const batch = r.byTenant['batch']!.calls;
    expect(app + batch).toBe(14_400);
    expect(Math.abs(batch - app - 1800)).toBeLessThan(4 * Math.sqrt(app + batch));
  });
});

describe('no shape', () => {
  it('draws the same plain Poisson arrivals with `arrival: poisson`, `arrival: {}` and `arrival: { bursts: [] }`', () => {
    const plain = JSON.stringify(run(scenarioText('1h', 20_000, 'poisson')));
    expect(JSON.stringify(run(scenarioText('1h', 20_000, '{}')))).toBe(plain);
    expect(JSON.stringify(run(scenarioText('1h', 20_000, '{ bursts: [] }')))).toBe(plain);
    // A diurnal cycle of ratio 1 is flat: no shape either.
    expect(JSON.stringify(run(scenarioText('1h', 20_000, '{ diurnal: { peakToTrough: 1 } }')))).toBe(plain);
    expect(JSON.parse(plain).recovery).toBeNull();
  });

  it('takes each gap as -ln(1 - u) / rate from the arrivals stream alone (no thinning draws)', () => {
    const scenario = parseScenarioText(scenarioText('1h', 20_000, '{}'), 'shapes.yaml');
    const workload = new Workload(scenario, new RandomStreams(77));
    expect(workload.shaped).toBe(false);
    const u = new RandomStreams(77).stream('arrivals');
    const ratePerMs = 20_000 / HOUR;
    let expectedMs = 0;
    let t = 0;
    for (let i = 0; i < 1000; i++) {
      expectedMs += -Math.log(1 - u()) / ratePerMs;
      t = workload.nextArrivalMs(t);
      expect(t).toBe(expectedMs);
    }
  });
});
