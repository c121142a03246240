import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-lab-cli-'));
  writeFileSync(join(dir, 'bare.yaml'), 'name: bare\nupstream:\n  models:\n    m: {}\n');
  writeFileSync(join(dir, 'retry.yaml'), 'name: retry\nupstream:\n  models:\n    m: { errors: { rate: 10% } }\nlayers:\n  retry: { maxAttempts: 2 }\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('harness-sim lab', () => {
  it('runs each layer combination at each error rate and prints the figures as JSON', () => {
    const result = cli(['lab', join(dir, 'retry.yaml'), '--error-rates', '0%..20%:10%', '--requests', '2K', '--jobs', '1', '--format', 'json']);
    expect(result.status).toBe(0);
    const data = JSON.parse(result.stdout);
    expect(data.layers).toEqual(['retry']);
    expect(data.errorRates).toEqual([0, 0.1, 0.2]);
    expect(data.startRate).toBe(1); // the scenario's own 10%
    expect(data.cells.map((c: { mask: number; rate: number }) => [c.mask, c.rate])).toEqual([[0, 0], [0, 0.1], [0, 0.2], [1, 0], [1, 0.1], [1, 0.2]]);
    // Without retries the visible failure rate is the error rate, within 4 binomial standard errors of 2K requests.
    const noRetry = data.cells[2].metrics.visibleFailureRate;
    expect(Math.abs(noRetry - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / 2000));
    expect(data.cells[5].effects.retry.visibleFailureRate.tone).toBe('better');
  });

  it('refuses bad input in one line, exit 2, before running anything', () => {
    const refuse = (args: string[], message: RegExp) => {
      const result = cli(['lab', ...args]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    };
    refuse([join(dir, 'bare.yaml')], /^harness-sim: lab: .*bare\.yaml has no harness layers to switch/);
    refuse([join(dir, 'retry.yaml'), '--error-rates', '5%,1%'], /--error-rates: expected rates in ascending order without repeats/);
    refuse([join(dir, 'retry.yaml'), '--error-rates', '0,150%'], /^harness-sim: --error-rates: /);
    refuse([join(dir, 'retry.yaml'), '--format', 'pdf'], /--format: expected one of html, json/);
    refuse([join(dir, 'retry.yaml'), '--out', dir], /--out ".*": is a directory/);
  });
});
