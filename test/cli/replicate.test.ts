import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tQuantile975 } from '../../src/report/confidence.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-replicate-'));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const { GITHUB_ACTIONS: _a, GITHUB_STEP_SUMMARY: _s, ...env } = process.env;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const stderrLines = (stderr: string) => stderr.split('\n').filter((l) => l !== '');

describe('harness-sim run --replications', () => {
  it('runs consecutive seeds and reports each metric as the mean of the single runs with a t-interval', () => {
    const { status, stdout, stderr } = cli('run', 'scenarios/retry-basics.yaml', '--requests', '2K', '--replications', '3', '--seed', '10', '--format', 'json');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ scenario: 'retry-basics', seeds: [10, 11, 12], requests: 2000, replications: 3, confidence: 0.95 });
    // Each value is what a plain run with that seed reports.
    const singles = [10, 11, 12].map((seed) => JSON.parse(cli('run', 'scenarios/retry-basics.yaml', '--requests', '2K', '--seed', String(seed), '--format', 'json').stdout));
    const load = report.metrics.loadMultiplier;
    expect(load.values).toEqual(singles.map((s) => s.metrics.loadMultiplier));
    const mean = load.values.reduce((a: number, b: number) => a + b, 0) / 3;
    const sd = Math.sqrt(load.values.reduce((a: number, v: number) => a + (v - mean) ** 2, 0) / 2);
    expect(load.mean).toBeCloseTo(mean, 8);
    expect(load.halfWidth).toBeCloseTo((tQuantile975(2) * sd) / Math.sqrt(3), 7);
    expect(load.low).toBeCloseTo(mean - load.halfWidth, 7);
    expect(report.metrics.latencyP95.values).toEqual(singles.map((s) => s.metrics.latencyMs.p95));
  });

  it('prints the means and intervals as a table', () => {
    const { status, stdout } = cli('run', 'scenarios/retry-basics.yaml', '--requests', '2K', '--replications', '2');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^retry-basics {2}seeds 42\.\.43 {2}2,000 requests x 2 replications\n/);
    expect(stdout).toMatch(/│ load multiplier +│ 1\.\d{3}x +│ 1\.\d{3}x \.\. 1\.\d{3}x +│/);
  });

  it('gates the mean of the replications', () => {
    const { status, stderr } = cli('run', 'scenarios/retry-basics.yaml', '--requests', '2K', '--replications', '2', '--assert', 'loadMultiplier < 1.01');
    expect(status).toBe(1);
    expect(stderrLines(stderr)).toHaveLength(1);
    expect(stderrLines(stderr)[0]).toMatch(/^SLO breach: retry-basics: loadMultiplier = 1\.0\d\dx, limit < 1\.01$/);
  });

  it('refuses seeds past the largest one', () => {
    const { status, stderr } = cli('run', 'scenarios/retry-basics.yaml', '--seed', '4294967295', '--replications', '2');
    expect(status).toBe(2);
    expect(stderrLines(stderr)).toEqual(['harness-sim: --replications: seeds 4294967295 to 4294967296 pass the largest seed, 4294967295; use a smaller --seed']);
  });
});

describe('harness-sim run with SLO gates', () => {
  it('exits 1 with the breach line when an --assert fails, after printing the report', () => {
    const { status, stdout, stderr } = cli('run', 'scenarios/retry-basics.yaml', '--requests', '5K', '--assert', 'loadMultiplier < 1.01', '--assert', 'visibleFailureRate < 1%');
    expect(status).toBe(1);
    expect(stdout).toMatch(/^retry-basics/);
    expect(stderrLines(stderr)).toEqual(['SLO breach: retry-basics: loadMultiplier = 1.039x, limit < 1.01']);
  });

  it('exits 0 when every assertion holds', () => {
    const { status, stderr } = cli('run', 'scenarios/retry-basics.yaml', '--requests', '5K', '--assert', 'loadMultiplier < 1.1', '--assert', 'latencyP95<5s');
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('checks the scenario slo: block and writes its verdicts to --junit', () => {
    const file = join(dir, 'gated.yaml');
    writeFileSync(file, `${readFileSync(join(ROOT, 'scenarios/retry-basics.yaml'), 'utf8')}\nslo:\n  visibleFailureRate: < 0.1%\n  monthlyCost: < $40,000\n`);
    const junit = join(dir, 'run.xml');
    const { status, stderr } = cli('run', file, '--requests', '5K', '--junit', junit);
    expect(status).toBe(1);
    expect(stderrLines(stderr)).toHaveLength(1);
    expect(stderrLines(stderr)[0]).toMatch(/^SLO breach: retry-basics: monthlyCost = \$1\d\d,\d{3}, limit < \$40,000$/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="harness-sim SLO gates" tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="retry-basics" name="monthlyCost &lt; $40,000">');
  });

  it('exits 2 on a bad --assert before simulating, naming the flag', () => {
    const { status, stdout, stderr } = cli('run', 'scenarios/retry-basics.yaml', '--assert', 'visibleFailureRate < lots');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderrLines(stderr)).toEqual(['harness-sim: --assert: expected the visibleFailureRate limit to be a rate between 0 and 1 (or 0% to 100%), got "lots"']);
  });
});
