import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartsOf, count } from '../report/report-fixtures.js';

/** `--report FILE.html` and `--chart` on run, compare and sweep, through the built CLI. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let outDir = '';

// dist/ is built once by test/global-setup.ts.
beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'harness-sim-reports-'));
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('run --report and --chart', () => {
  it('writes the run report beside the table on stdout', () => {
    const file = join(outDir, 'run.html');
    const { status, stdout, stderr } = cli('run', 'scenarios/metastable.yaml', '--requests', '2K', '--report', file);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('metastable  seed 7');
    const charts = chartsOf(readFileSync(file, 'utf8'));
    expect([...charts.keys()]).toEqual(['run-latency-histogram', 'run-failure-rate', 'run-breakers-open', 'run-queue-depth', 'run-throughput']);
  });

  it('prints the failure-rate chart on stderr when stdout carries JSON, so the JSON still parses', () => {
    const { status, stdout, stderr } = cli('run', 'scenarios/metastable.yaml', '--requests', '2K', '--format', 'json', '--chart');
    expect(status).toBe(0);
    expect(JSON.parse(stdout).requests).toBe(2000);
    expect(stderr).toMatch(/^failure rate through simulated time \(columns of /);
    expect(stderr).toContain('█');
  });

  it('refuses --report with --replications, as a usage error', () => {
    const { status, stderr } = cli('run', 'scenarios/seed-lab.yaml', '--requests', '1K', '--replications', '2', '--report', join(outDir, 'never.html'));
    expect(status).toBe(2);
    expect(stderr).toContain('--report and --chart draw one run');
    expect(existsSync(join(outDir, 'never.html'))).toBe(false);
  });
});

describe('compare --report', () => {
  it('writes a bar chart per metric with a bar per variant', () => {
    const file = join(outDir, 'compare.html');
    const { status } = cli('compare', 'scenarios/incident-70.yaml', '--layers', 'retry,retry+breaker', '--requests', '2K', '--set', 'upstream.models.sonnet.errors.rate=30%', '--report', file);
    expect(status).toBe(0);
    const charts = chartsOf(readFileSync(file, 'utf8'));
    expect(charts.has('compare-visibleFailureRate')).toBe(true);
    for (const svg of charts.values()) expect(count(svg, 'data-point=')).toBe(2);
  });
});

describe('sweep --report and --chart', () => {
  const args = ['sweep', 'scenarios/incident-70.yaml', '--param', 'upstream.models.sonnet.errors.rate=0,0.3,0.6', '--layers', 'retry,retry+breaker', '--requests', '2K', '--jobs', '2'];

  it('writes a line chart per metric, a line per variant and a point per grid point, and prints the chart after the table', () => {
    const file = join(outDir, 'sweep.html');
    const { status, stdout } = cli(...args, '--report', file, '--chart');
    expect(status).toBe(0);
    const svg = chartsOf(readFileSync(file, 'utf8')).get('sweep-visibleFailureRate')!;
    expect(count(svg, 'data-series=')).toBe(2);
    expect(count(svg, 'data-point=')).toBe(6);
    expect(stdout.indexOf('visible failure rate vs upstream.models.sonnet.errors.rate')).toBeGreaterThan(stdout.indexOf('retry+breaker'));
  });

  it('prints the chart on stderr when stdout carries JSON', () => {
    const { status, stdout, stderr } = cli(...args, '--format', 'json', '--chart');
    expect(status).toBe(0);
    expect(JSON.parse(stdout).points).toHaveLength(6);
    expect(stderr).toContain('visible failure rate vs upstream.models.sonnet.errors.rate');
  });
});
