import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSloExpression, satisfies } from '../../src/slo/expression.js';
import { parseParamOption } from '../../src/sweep/grid.js';
import { executeSweep, planSweep } from '../../src/sweep/run.js';
import { executeTune, planTune } from '../../src/tune/run.js';

/**
 * A two-parameter case with a real trade-off, whose optimum an exhaustive sweep computes:
 * a model with a heavy latency tail (p50 500 ms, p95 4 s) and 10% errors, a client timeout
 * and retries. A shorter timeout cuts the p95 but turns slow calls into billed, abandoned
 * attempts that need retrying; more attempts cut failures and cost a little more. Minimise
 * cost subject to visible failure < 0.5% and p95 < 3 s over 8 x 16 = 128 configurations:
 * the tune must find the sweep's optimum in at most 64 runs, half the grid.
 */

const SCENARIO = `name: timeout-retry
seed: 11
workload:
  requests: 4K
  tokens:
    input: { dist: constant, value: 1000 }
    output: { dist: constant, value: 200 }
upstream:
  models:
    m:
      latency: { dist: lognormal, p50: 500ms, p95: 4s }
      errors: { rate: 10%, mix: { "503": 1 } }
      price: { input: $3, output: $15 }
layers:
  timeout: { after: 3s }
  retry: { maxAttempts: 3, baseDelay: 100ms, multiplier: 2, maxDelay: 1s, jitter: full, retryOn: ["503", timeout] }
`;

let dir = '';
let file = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-optimum-'));
  file = join(dir, 'timeout-retry.yaml');
  writeFileSync(file, SCENARIO);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tune on a case with a known optimum', () => {
  it('finds the exhaustive sweep\'s optimum of a 128-cell grid with a budget of 64 runs', async () => {
    const params = [parseParamOption('layers.retry.maxAttempts=1..8:1'), parseParamOption('layers.timeout.after=250ms..4000ms:250ms')];
    const constraints = [parseSloExpression('visibleFailureRate < 0.5%'), parseSloExpression('latencyP95 < 3s')];
    const sweep = await executeSweep(planSweep({ file, params, variants: ['all'], set: [], replications: 3, checks: [] }), 1);
    const feasible = sweep.points.filter((p) => constraints.every((c) => satisfies(c, p.metrics[c.metric])));
    const optimum = [...feasible].sort((a, b) => a.metrics.monthlyCost - b.metrics.monthlyCost || a.index - b.index)[0]!;
    expect(optimum.params).toEqual({ 'layers.retry.maxAttempts': 4, 'layers.timeout.after': '2250ms' });

    const budget = sweep.points.length / 2;
    const plan = planTune({ file, params, set: [], objective: { metric: 'monthlyCost', direction: 'minimize' }, constraints, budget, maxReplications: 4 });
    const result = await executeTune(plan, 1); // in-process: worker threads need dist/, and --jobs does not change the answer
    expect(result.runs).toBeLessThanOrEqual(budget);
    expect(result.best?.index).toBe(optimum.index);
    expect(result.best?.margins.every((m) => m.verdict === 'met')).toBe(true);
    expect(result.evaluated.length).toBeLessThan(sweep.points.length / 2);
  });
});
