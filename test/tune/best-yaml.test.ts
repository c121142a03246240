import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADLINE_KEYS, type HeadlineValues } from '../../src/metrics/headline.js';
import { loadScenarioFile, parseScenarioText } from '../../src/scenario/load.js';
import { parseSloExpression } from '../../src/slo/expression.js';
import { parseParamOption } from '../../src/sweep/grid.js';
import { bestScenarioYaml } from '../../src/tune/best-yaml.js';
import { tuneResult } from '../../src/tune/result.js';
import { SearchSpace } from '../../src/tune/space.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-best-yaml-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A result whose best is cell `best` of `params`, with two runs of made-up figures. */
function resultFor(params: string[], best: number) {
  const space = new SearchSpace(params.map(parseParamOption));
  const run = (cost: number) => ({ ...(Object.fromEntries(HEADLINE_KEYS.map((k) => [k, 0])) as HeadlineValues), monthlyCost: cost });
  const checks = [parseSloExpression('visibleFailureRate < 1%')];
  const outcome = { candidates: [{ index: best, runs: [run(100), run(101)], status: 'alive' as const }], runs: 2, rounds: 1, stoppedBy: 'converged' as const };
  const result = tuneResult({ scenario: 's', seed: 1, requests: 1000, budget: 10, maxReplications: 2 }, space, { metric: 'monthlyCost', direction: 'minimize' }, checks, outcome);
  return result;
}

describe('tune --out: the best configuration as a scenario', () => {
  it('writes the chosen values and --set into the file, keeping its comments, under a comment that says how it was chosen', () => {
    const file = join(dir, 'plain.yaml');
    const text = '# my scenario\nname: plain\nupstream:\n  models:\n    m: { errors: { rate: 10% } }   # the only model\nlayers:\n  retry:\n  timeout: { after: 2s }\n';
    writeFileSync(file, text);
    const result = resultFor(['layers.retry.maxAttempts=1..4:1', 'layers.timeout.after=1s,3s'], 5); // maxAttempts 3, after 3s
    const yaml = bestScenarioYaml({ file, text, set: ['layers.retry.baseDelay=50ms'], out: 'best.yaml' }, result, result.best!);
    expect(yaml).toMatch(/^# Chosen by harness-sim tune from .*plain\.yaml: minimize monthlyCost subject to visibleFailureRate < 1%\.\n# Set here: layers\.retry\.baseDelay=50ms, layers\.retry\.maxAttempts=3, layers\.timeout\.after=3s \(configuration #5 of 8\)\./);
    expect(yaml).toContain('# the only model');
    expect(yaml).toContain('harness-sim run best.yaml --seed 1001');
    const written = join(dir, 'best.yaml');
    writeFileSync(written, yaml);
    const scenario = loadScenarioFile(written).scenario;
    expect(scenario.layers.retry).toMatchObject({ maxAttempts: 3, baseDelay: 50 });
    expect(scenario.layers.timeout?.after).toBe(3000);
    expect(scenario.name).toBe('plain');
  });

  it('flattens a scenario that extends a base, since the base would not be found from elsewhere', () => {
    writeFileSync(join(dir, 'base.yaml'), 'name: base\nupstream:\n  models:\n    m: { errors: { rate: 10% } }\nlayers:\n  retry: { maxAttempts: 2 }\n');
    const file = join(dir, 'child.yaml');
    const text = 'extends: base.yaml\nname: child\nseed: 9\n';
    writeFileSync(file, text);
    const result = resultFor(['layers.retry.maxAttempts=1..4:1'], 3);
    const yaml = bestScenarioYaml({ file, text, set: [], out: 'best.yaml' }, result, result.best!);
    expect(yaml).toContain('Flattened from its base (extends)');
    expect(yaml).not.toMatch(/^extends:/m);
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'harness-sim-elsewhere-')), 'best.yaml');
    writeFileSync(elsewhere, yaml);
    expect(loadScenarioFile(elsewhere).scenario).toEqual(parseScenarioText(text, file, { overrides: ['layers.retry.maxAttempts=4'] }));
    expect(readFileSync(elsewhere, 'utf8')).toMatch(/^# Chosen by harness-sim tune/);
  });
});
