import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatLawValue, renderVerifyTable, verifyJson } from '../../src/cli/commands/verify.js';
import { judge, type Law } from '../../src/validation/law.js';
import { LAWS } from '../../src/validation/laws.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

// dist/ is built once by test/global-setup.ts.
beforeAll(() => {
  expect(existsSync(CLI)).toBe(true);
});

const law: Law = {
  id: 'made-up',
  family: 'test',
  name: 'made-up law',
  closedForm: 'x = 2',
  experiment: { id: 'none', yaml: '', full: { seeds: [1], requests: 100 }, quick: { seeds: [1], requests: 100 } },
  expected: 2,
  relation: 'equal',
  unit: 'ratio',
  reading: 'none',
  read: () => 0,
  sampling: { kind: 'per-request', sd: 1 },
};

describe('harness-sim verify', () => {
  it('runs every law with quick samples, prints JSON with a verdict each, and exits 0 when all hold', () => {
    const run = spawnSync(process.execPath, [CLI, 'verify', '--quick', '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.profile).toBe('quick');
    expect(json.laws).toBe(LAWS.length);
    expect(json.failed).toBe(0);
    const seedRetry = json.results.find((r: { id: string }) => r.id === 'retry-load-p0.7-n3');
    expect(seedRetry.expected).toBeCloseTo(2.19, 10);
    expect(seedRetry.requestsPerSeed).toBe(50_000);
    expect(seedRetry.ci95[0]).toBeLessThan(seedRetry.ci95[1]);
  }, 120_000);

  it('prints a table of law, expected, simulated, 95% CI and result', () => {
    const run = spawnSync(process.execPath, [CLI, 'verify', '--quick'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/law\s+│ expected\s+│ simulated\s+│ 95% CI\s+│ result/);
    expect(run.stdout).toContain(`${LAWS.length} of ${LAWS.length} laws hold (quick samples)`);
    expect(run.stdout).toMatch(/retry load, p=0.7 n=3\s+│ 2\.1900x/);
  }, 120_000);

  it('rejects an unknown format as bad input (exit 2)', () => {
    const run = spawnSync(process.execPath, [CLI, 'verify', '--format', 'xml'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--format: expected one of table, json, got "xml"');
  });

  it('marks a law that drifted as FAIL in the table and counts it in the JSON', () => {
    // sd 1 over 100 requests: SE 0.1, tolerance 0.4; 2.5 is off by 0.5.
    const verdicts = [judge(law, 'full', [2.5]), judge(law, 'full', [2.1])];
    const table = renderVerifyTable('full', verdicts, false);
    expect(table).toMatch(/made-up law\s+│ 2\.0000x\s+│ 2\.5000x\s+│ 2\.3040x \.\. 2\.6960x\s+│ FAIL/);
    expect(table).toContain('1 of 2 laws hold (full samples)');
    const json = verifyJson('full', verdicts);
    expect([json.passed, json.failed]).toEqual([1, 1]);
    expect(json.results[0]!.pass).toBe(false);
  });

  it('formats each unit with the digits needed to judge it', () => {
    expect(formatLawValue('share', 0.343)).toBe('34.300%');
    expect(formatLawValue('share', 0.000064)).toBe('0.00640%');
    expect(formatLawValue('share', 0)).toBe('0%');
    expect(formatLawValue('usd', 720000)).toBe('$720,000.00');
    expect(formatLawValue('ms', 19.047619)).toBe('19.05 ms');
    expect(formatLawValue('perSec', 10)).toBe('10.0000/s');
    expect(formatLawValue('tokens', 919.8)).toBe('919.8');
  });
});
