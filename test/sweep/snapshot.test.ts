import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseParamOption } from '../../src/sweep/grid.js';
import { executeSweep, planSweep, type SweepOptions } from '../../src/sweep/run.js';
import { planLab, executeLab } from '../../src/lab/lab.js';

/**
 * A sweep reads its scenario (and every base it extends) once, and runs every point from
 * that snapshot: editing or deleting the files while it runs changes nothing, in this
 * thread (--jobs 1) or on worker threads (the built dist/, --jobs 2).
 */

let dir = '';
let child = '';
let base = '';

const BASE = (rate: string) => `seed: 3
upstream:
  models:
    m: { latency: { dist: lognormal, p50: 500ms, p95: 1500ms }, errors: { rate: ${rate} } }
layers:
  retry: { maxAttempts: 3 }
`;
const CHILD = (attempts: number) => `name: snap
extends: base.yaml
layers:
  retry: { maxAttempts: ${attempts} }
  breaker: { enabled: true }
`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-snapshot-'));
  base = join(dir, 'base.yaml');
  child = join(dir, 'child.yaml');
  writeFileSync(base, BASE('10%'));
  writeFileSync(child, CHILD(3));
});

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function options(): SweepOptions {
  return { file: child, params: [parseParamOption('layers.breaker.cooldown=5s,30s')], variants: ['all', 'retry'], set: [], requests: 2000, replications: 2, checks: [] };
}

/** Rewrites both files (different error rate and attempts), then deletes them. */
function editThenDelete(): void {
  writeFileSync(base, BASE('60%'));
  writeFileSync(child, CHILD(1));
  unlinkSync(base);
  unlinkSync(child);
}

describe('a sweep runs every point from one reading of its files', () => {
  it('gives the untouched result when the scenario and its base are edited, then deleted, after planning (--jobs 1)', async () => {
    const untouched = await executeSweep(planSweep(options()), 1);
    const plan = planSweep(options());
    editThenDelete();
    const edited = await executeSweep(plan, 1);
    expect(edited).toEqual(untouched);
    // The edit would have changed the figures: 10% errors with 3 attempts load ~1.11 calls per request.
    expect(untouched.points[0]!.metrics.loadMultiplier).toBeGreaterThan(1.05);
  });

  it('gives the same result on worker threads, which never read the files (--jobs 2, built dist/)', async () => {
    const untouched = await executeSweep(planSweep(options()), 1);
    // A computed specifier: the typecheck must not depend on (a possibly stale or absent) dist/.
    const built = '../../dist/sweep/run.js';
    const dist = (await import(built)) as typeof import('../../src/sweep/run.js');
    const plan = dist.planSweep(options());
    editThenDelete();
    expect(await dist.executeSweep(plan, 2)).toEqual(untouched);
  });

  it('lab runs every combination from the snapshot too', async () => {
    const labOptions = { file: child, set: [], errorRates: [0.05], requests: 1000 };
    const untouched = await executeLab(planLab(labOptions), 1);
    const plan = planLab(labOptions);
    editThenDelete();
    expect(await executeLab(plan, 1)).toEqual(untouched);
  });
});
