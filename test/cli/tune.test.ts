import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';
let scenario = '';

/**
 * Independent failures with p = 0.3 and every error retried: visible failure is p^n for n
 * attempts, so the cheapest n with p^n < 0.5% is 5 (0.3^4 = 0.81%, 0.3^5 = 0.24%); more
 * attempts only add billed calls.
 */
const P03 = `name: p03
seed: 7
workload:
  requests: 10K
  tokens:
    input: { dist: constant, value: 1000 }
    output: { dist: constant, value: 200 }
upstream:
  models:
    m:
      latency: { dist: constant, value: 500ms }
      errors: { rate: 30%, mix: { "503": 1 } }
      price: { input: $3, output: $15 }
layers:
  # retries, tuned below
  retry: { maxAttempts: 3, baseDelay: 100ms, jitter: full, retryOn: ["503"] }
`;

const TUNE = ['--param', 'layers.retry.maxAttempts=1..8:1', '--assert', 'visibleFailureRate < 0.5%', '--requests', '5K'];

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-tune-'));
  scenario = join(dir, 'p03.yaml');
  writeFileSync(scenario, P03);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('harness-sim tune', () => {
  it('finds the smallest maxAttempts with 0.3^n below 0.5%, the same for --jobs 1 and 2, and writes it as a scenario with a comment', () => {
    const out = join(dir, 'best.yaml');
    const report = join(dir, 'tune.html');
    const one = cli(['tune', scenario, ...TUNE, '--format', 'json', '--jobs', '1', '--out', out, '--report', report]);
    expect(one.stderr).toBe('');
    expect(one.status).toBe(0);
    const two = cli(['tune', scenario, ...TUNE, '--format', 'json', '--jobs', '2']);
    expect(two.stdout).toBe(one.stdout);
    const result = JSON.parse(one.stdout);
    expect(result.best.params).toEqual({ 'layers.retry.maxAttempts': 5 });
    expect(result.best.margins[0]).toMatchObject({ metric: 'visibleFailureRate', verdict: 'met' });
    expect(result.best.margins[0].margin.low).toBeGreaterThan(0);
    expect(result.runs).toBeLessThanOrEqual(result.budget);
    // n = 4 is out for its failures, n >= 6 for their cost (or not raced): none is reported as better.
    const four = result.evaluated.find((e: { params: Record<string, number> }) => e.params['layers.retry.maxAttempts'] === 4);
    expect(four.feasibility).not.toBe('met');
    expect(result.frontier[0].metric).toBe('visibleFailureRate');

    const yaml = readFileSync(out, 'utf8');
    expect(yaml).toMatch(/^# Chosen by harness-sim tune from .*p03\.yaml: minimize monthlyCost subject to visibleFailureRate < 0\.5%\./);
    expect(yaml).toContain('# retries, tuned below'); // the file's own comments survive
    expect(loadScenarioFile(out).scenario.layers.retry?.maxAttempts).toBe(5);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('data-chart="tune-front-visibleFailureRate"');
    expect(html).not.toMatch(/<script/);

    // A fresh, independent check of the claim: 8 new seeds, gated on the same constraint.
    const fresh = cli(['run', out, '--seed', '1000', '--replications', '8', '--requests', '5K', '--assert', 'visibleFailureRate < 0.5%', '--format', 'json']);
    expect(fresh.status).toBe(0);
    expect(JSON.parse(fresh.stdout).metrics.visibleFailureRate.high).toBeLessThan(0.005);
  });

  it('prints the best, its margins and the front as a table, scenario names escaped', () => {
    const hostile = join(dir, 'hostile.yaml');
    writeFileSync(hostile, P03.replace('name: p03', 'name: "p03##vso[task.setvariable variable=x]1"'));
    const table = cli(['tune', hostile, ...TUNE, '--jobs', '1']);
    expect(table.status).toBe(0);
    expect(table.stdout).not.toContain('##vso[');
    expect(table.stdout).toContain('tune p03##vso\\u005btask.setvariable variable=x]1  minimize monthlyCost  subject to visibleFailureRate < 0.5%');
    expect(table.stdout).toMatch(/best: layers\.retry\.maxAttempts=5/);
    expect(table.stdout).toMatch(/Pareto front: monthly cost vs visible failure rate/);
  });

  it('exits 1 with the nearest miss per constraint when no configuration is feasible, and writes no --out', () => {
    const out = join(dir, 'none.yaml');
    const result = cli(['tune', scenario, '--param', 'layers.retry.maxAttempts=1..3:1', '--assert', 'visibleFailureRate < 0.01%', '--requests', '2K', '--jobs', '1', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('no configuration met every constraint at 95% confidence');
    expect(result.stdout).toMatch(/visibleFailureRate < 0\.01%: closest 2\.\d+% .* at layers\.retry\.maxAttempts=3 \(#2\)/);
    expect(result.stderr).toMatch(/^harness-sim: tune: no configuration met every constraint at 95% confidence after \d+ runs; .*none\.yaml not written\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses bad input in one line, exit 2, before running anything', () => {
    const refuse = (args: string[], message: RegExp) => {
      const result = cli(['tune', scenario, ...args]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    };
    refuse([], /^harness-sim: tune needs at least one --param KEY=SPEC/);
    refuse([...TUNE, '--out', join(dir, 'best.json')], /--out: writes the best configuration as a scenario, so it must end in \.yaml or \.yml/);
    refuse([...TUNE, '--out', scenario], /--out ".*p03\.yaml": is an input of this command/);
    mkdirSync(join(dir, 'folder.yaml'), { recursive: true });
    refuse([...TUNE, '--out', join(dir, 'folder.yaml')], /--out ".*folder\.yaml": is a directory/);
    refuse([...TUNE, '--minimize', 'monthlyCostUsd'], /--minimize: expected a metric name, got "monthlyCostUsd"; did you mean "monthlyCost"\?/);
    refuse([...TUNE, '--minimize', 'latencyP95', '--maximize', 'cacheHitRate'], /--minimize and --maximize: give one objective/);
    refuse([...TUNE, '--budget', '0'], /--budget: expected a whole number of simulation runs/);
    refuse([...TUNE, '--shard', 'auto'], /--shard: tune picks each round from the results of the last/);
    refuse(['--param', 'seed=1..3:1'], /--param seed: tune compares configurations on the same seeds/);
    refuse(['--param', 'layers.retry.maxAttempts=0..2:1'], /--param layers\.retry\.maxAttempts=0: /);
  });
});
