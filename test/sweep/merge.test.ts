import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { headlineValues } from '../../src/metrics/headline.js';
import { buildResult, round } from '../../src/metrics/results.js';
import { HARNESS_SIM_VERSION } from '../../src/metrics/version.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { SweepResult } from '../../src/report/sweep-types.js';
import { parseParamOption, parseShard } from '../../src/sweep/grid.js';
import { MergeError, mergeParts, readPart, type SweepPart } from '../../src/sweep/merge.js';
import { executeSweep, planSweep, type SweepOptions } from '../../src/sweep/run.js';

/**
 * `merge` joins only parts written by the same command: each shard records the version and
 * hashes of the scenario as run and of the grid, and its figures are checked against their
 * ranges. Parts are computed in this thread (1K requests a point).
 */

let dir = '';
let file = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-merge-'));
  file = join(dir, 'm.yaml');
  writeFileSync(file, 'seed: 5\nupstream:\n  models:\n    m: { latency: { dist: lognormal, p50: 500ms, p95: 1500ms }, errors: { rate: 5% } }\nlayers:\n  retry: { maxAttempts: 3 }\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function options(extra: Partial<SweepOptions> = {}): SweepOptions {
  return { file, params: [parseParamOption('layers.retry.maxAttempts=1,2,3')], variants: ['all'], set: [], requests: 1000, replications: 1, checks: [], ...extra };
}

async function part(i: number, n: number, extra: Partial<SweepOptions> = {}): Promise<SweepPart> {
  return { file: `part-${i}.json`, result: await executeSweep(planSweep(options({ shard: parseShard(`${i}/${n}`), ...extra })), 1) };
}

/** A part as `merge` reads it: through JSON, from a file. */
function roundTrip(name: string, result: SweepResult): SweepPart {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(result));
  return readPart(path);
}

describe('merge joins only parts of one sweep', () => {
  it('records the version and the scenario and grid hashes in each shard, and joins them into the unsharded result', async () => {
    const a = await part(1, 2);
    const b = await part(2, 2);
    expect(a.result.part).toEqual({ version: HARNESS_SIM_VERSION, scenarioSha256: expect.stringMatching(/^[0-9a-f]{64}$/), gridSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(b.result.part).toEqual(a.result.part);
    const whole = await executeSweep(planSweep(options()), 1);
    expect(whole.part).toBeUndefined();
    expect(mergeParts([roundTrip('a.json', a.result), roundTrip('b.json', b.result)])).toEqual(whole);
  });

  it('refuses a part run with another --set (same scenario name, seed and keys)', async () => {
    const a = await part(1, 2);
    const b = await part(2, 2, { set: ['upstream.models.m.errors.rate=6%'] });
    expect(() => mergeParts([a, b])).toThrow(new MergeError('merge: part-2.json is not part of the same sweep as part-1.json: the scenario content (after extends and --set) differs (' + `scenarioSha256 ${b.result.part!.scenarioSha256.slice(0, 12)} vs ${a.result.part!.scenarioSha256.slice(0, 12)})`));
  });

  it('refuses a part sampled differently', async () => {
    const a = await part(1, 2, { sample: 0.5 });
    const b = await part(2, 2);
    expect(a.result.sample).toBe(0.5);
    expect(() => mergeParts([a, b])).toThrow(/is not part of the same sweep as part-1\.json: sample null vs 0\.5/);
  });

  it('runs a sampled point exactly as run --sample does', async () => {
    const sweep = await executeSweep(planSweep(options({ sample: 0.5 })), 1);
    const scenario = parseScenarioText(readFileSync(file, 'utf8'), file, { overrides: ['layers.retry.maxAttempts=2'] });
    const run = headlineValues(buildResult('m', simulate(scenario, { requests: 1000, sample: 0.5, seed: 5 })));
    expect(sweep.points[1]!.metrics.loadMultiplier).toBe(round(run.loadMultiplier));
    expect(sweep.points[1]!.metrics.monthlyCost).toBe(round(run.monthlyCost));
    expect(() => planSweep(options({ sample: 0.0001 }))).toThrow(/--sample: expected a fraction that leaves at least one request to simulate, got 0\.0001 of 1000 requests/);
  });

  it('refuses a part of a grid with other values for the same keys', async () => {
    const a = await part(1, 2);
    const b = await part(2, 2, { params: [parseParamOption('layers.retry.maxAttempts=1,2,4')] });
    expect(() => mergeParts([a, b])).toThrow(/the grid of --param values differs/);
  });

  it('refuses a part of another version, and a result that is no shard', async () => {
    const a = await part(1, 2);
    const b = await part(2, 2);
    const older = { ...b, result: { ...b.result, part: { ...b.result.part!, version: '0.0.9' } } };
    expect(() => mergeParts([a, older])).toThrow(/the harness-sim version differs \(version 0\.0\.9 vs 0\.1\.0/);
    const whole = { file: 'whole.json', result: await executeSweep(planSweep(options()), 1) };
    expect(() => mergeParts([whole])).toThrow(/^merge: whole\.json is not a shard of a sweep/);
  });

  it('refuses figures no run produces: a negative count, a rate above 1, a missing rate', async () => {
    const a = (await part(1, 2)).result;
    const edit = (metric: string, value: number | null) => {
      const copy = JSON.parse(JSON.stringify(a)) as SweepResult;
      (copy.points[0]!.metrics as Record<string, number | null>)[metric] = value;
      return () => roundTrip('edited.json', copy);
    };
    expect(edit('fallbacks', -1)).toThrow(/point 0 metrics\.fallbacks is -1, but no figure is negative; was the part edited\?/);
    expect(edit('visibleFailureRate', 1.5)).toThrow(/metrics\.visibleFailureRate is 1\.5, but a rate is at most 1/);
    expect(edit('visibleFailureRate', null)).toThrow(/metrics\.visibleFailureRate is null, but only a latency may be missing/);
    expect(edit('latencyP95', null)).not.toThrow();
  });

  it('refuses a part whose sweep is past the caps before reading its points', () => {
    const base = { scenario: 's', seed: 1, requests: 10, replications: 1, params: [], variants: ['all'], points: [] };
    expect(() => roundTrip('big.json', { ...base, totalPoints: 10_001 } as SweepResult)).toThrow(/totalPoints: Too big/i);
    expect(() => roundTrip('runs.json', { ...base, totalPoints: 10_000, replications: 2 } as SweepResult)).toThrow(/a sweep of 20000 simulations, more than the 10000/);
  });
});
