import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/random/random.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { EXTRA_STEP, SessionPlan } from '../../src/workload/session-plan.js';

const scenario = parseScenarioText(
  `
workload:
  tools: { read: 0.5, edit: 0.3, test: 0.2 }
  tokens: { input: { dist: lognormal, p50: 300, p95: 2K }, output: { dist: lognormal, p50: 400, p95: 1500 } }
  sessions:
    turns: { dist: geometric, mean: 4 }
    callsPerTurn: { dist: geometric, mean: 8 }
    toolsPerBatch: { dist: lognormal, p50: 2, p95: 200 }
    toolResultTokens: { default: { dist: constant, value: 700 }, test: { dist: constant, value: 3000 } }
    toolErrorTokens: { dist: constant, value: 90 }
    onToolError: { retrySame: 60% }
upstream:
  models:
    sonnet: {}
`,
  'plan.yaml',
);

/** Everything a plan says about session `s`'s first turns, drawn in the order given. */
function describePlan(plan: SessionPlan, s: number, reverse: boolean): string[] {
  const lines: string[] = [];
  const turns = plan.turns(s);
  const order = Array.from({ length: Math.min(turns, 3) }, (_, t) => t);
  for (const t of reverse ? order.reverse() : order) {
    const calls = plan.callsPerTurn(s, t);
    const batches = Array.from({ length: Math.min(calls - 1, 4) }, (_, step) => {
      const size = plan.batchSize(s, t, step);
      return `${size}:${Array.from({ length: size }, (_, slot) => plan.tool(s, t, step, slot)).join(',')}`;
    });
    lines.push(`turn ${t} calls ${calls} user ${plan.userTokens(s, t)} think ${plan.thinkMs(s, t).toFixed(3)} batches ${batches.join(' ')} completion ${plan.completionTokens(s, t, 0)}`);
  }
  return reverse ? lines.reverse() : lines;
}

describe('a session plan', () => {
  it('gives session 17 the same turns, calls, batches and tokens whatever was asked before (keyed draws, not a sequence)', () => {
    const a = new SessionPlan(scenario, new RandomStreams(42));
    const b = new SessionPlan(scenario, new RandomStreams(42));
    for (let s = 0; s < 50; s++) b.turns(s);
    expect(describePlan(b, 17, true)).toEqual(describePlan(a, 17, false));
    expect(describePlan(a, 18, false)).not.toEqual(describePlan(a, 17, false));
    expect(describePlan(new SessionPlan(scenario, new RandomStreams(43)), 17, false)).not.toEqual(describePlan(a, 17, false));
  });

  it('keeps added steps apart from planned ones, caps batches at 64, and uses the per-tool result tokens', () => {
    const plan = new SessionPlan(scenario, new RandomStreams(1));
    expect(plan.completionTokens(3, 0 | EXTRA_STEP, 0)).not.toBe(plan.completionTokens(3, 0, 0));
    let largest = 0;
    for (let s = 0; s < 2000; s++) largest = Math.max(largest, plan.batchSize(s, 0, 0));
    expect(largest).toBe(64);
    expect(plan.resultTokens(2, false, 0, 0, 0, 0)).toBe(3000);
    expect(plan.resultTokens(0, false, 0, 0, 0, 0)).toBe(700);
    expect(plan.resultTokens(0, true, 0, 0, 0, 0)).toBe(90);
  });

  it('draws the tool mix and the retry choice at their shares (4 binomial standard errors over 100,000 draws)', () => {
    const plan = new SessionPlan(scenario, new RandomStreams(5));
    const n = 100_000;
    const counts = [0, 0, 0];
    let again = 0;
    for (let i = 0; i < n; i++) {
      counts[plan.tool(i, 0, 0, 0)]!++;
      if (plan.callsAgain(i, 0, 0, 0)) again++;
    }
    const within = (count: number, p: number) => expect(Math.abs(count / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    within(counts[0]!, 0.5);
    within(counts[1]!, 0.3);
    within(counts[2]!, 0.2);
    within(again, 0.6);
  });

  it('gives the same logical call the same upstream key, and distinct calls distinct keys but at the 32-bit birthday rate', () => {
    const plan = new SessionPlan(scenario, new RandomStreams(9));
    const keys = new Set<number>();
    for (let s = 0; s < 1000; s++) for (let step = 0; step < 20; step++) for (let slot = 0; slot < 10; slot++) keys.add(plan.callKey(s, 1, step, slot));
    // 200,000 keys in 2^32 share one in about n^2 / 2^33 = 4.7 pairs; allow 4 times that.
    expect(200_000 - keys.size).toBeLessThan(4 * (200_000 ** 2 / 2 ** 33));
    expect(plan.callKey(1, 1, 2, 3)).toBe(new SessionPlan(scenario, new RandomStreams(9)).callKey(1, 1, 2, 3));
  });
});
