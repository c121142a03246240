import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let outDir = '';

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  outDir = mkdtempSync(join(tmpdir(), 'harness-sim-cli-'));
}, 60_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The value at a dotted path such as `metrics.latencyMs.p95`. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

const CONTRACT_NUMBERS = [
  'seed',
  'requests',
  'metrics.visibleFailureRate',
  'metrics.latencyMs.p50',
  'metrics.latencyMs.p95',
  'metrics.latencyMs.p99',
  'metrics.latencyMs.mean',
  'metrics.loadMultiplier',
  'metrics.upstreamCalls',
  'metrics.monthlyCostUsd',
  'metrics.wastedTokens',
];

describe('harness-sim run', () => {
  it('prints the JSON contract for seed-lab with --format json and exits 0', () => {
    const { status, stdout, stderr } = cli('run', 'scenarios/seed-lab.yaml', '--requests', '20K', '--format', 'json');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.scenario).toBe('seed-lab');
    expect(result.seed).toBe(42);
    expect(result.requests).toBe(20_000);
    for (const path of CONTRACT_NUMBERS) {
      expect(Number.isFinite(at(result, path)), path).toBe(true);
    }
    const m = result.metrics;
    expect(m.visibleFailureRate).toBeGreaterThanOrEqual(0);
    expect(m.visibleFailureRate).toBeLessThanOrEqual(1);
    expect(m.latencyMs.p50).toBeGreaterThan(0);
    expect(m.latencyMs.p50).toBeLessThanOrEqual(m.latencyMs.p95);
    expect(m.latencyMs.p95).toBeLessThanOrEqual(m.latencyMs.p99);
    expect(m.loadMultiplier).toBeGreaterThanOrEqual(1);
    // loadMultiplier is upstream calls per request, rounded to 8 decimals.
    expect(Math.abs(m.loadMultiplier * 20_000 - m.upstreamCalls)).toBeLessThan(1e-3);
    expect(m.monthlyCostUsd).toBeGreaterThan(0);
    expect(Number.isInteger(m.wastedTokens)).toBe(true);
  });

  it('applies --seed to the run and reports it', () => {
    const { status, stdout } = cli('run', 'scenarios/seed-lab.yaml', '--requests', '2K', '--format', 'json', '--seed', '7');
    expect(status).toBe(0);
    expect(JSON.parse(stdout).seed).toBe(7);
  });

  it('prints a table by default', () => {
    const { status, stdout, stderr } = cli('run', 'scenarios/seed-lab.yaml', '--requests', '2K');
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/seed-lab/);
    expect(() => JSON.parse(stdout)).toThrow();
  });

  it('writes the report to --out, prints nothing, and matches what stdout would have shown', () => {
    // The directory must exist: a missing one is refused before the run (test/cli/output-paths.test.ts).
    mkdirSync(join(outDir, 'nested'));
    const out = join(outDir, 'nested', 'report.json');
    const written = cli('run', 'scenarios/seed-lab.yaml', '--requests', '20K', '--format', 'json', '--out', out);
    expect(written.status).toBe(0);
    expect(written.stdout).toBe('');
    expect(written.stderr).toBe('');
    const printed = cli('run', 'scenarios/seed-lab.yaml', '--requests', '20K', '--format', 'json');
    // Same seed in two processes: the same bytes.
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout);
    // The atomic write leaves no temporary file behind.
    expect(readdirSync(join(outDir, 'nested'))).toEqual(['report.json']);
  });

  // [what, arguments, the one stderr line expected]. Each run also passes --out: a bad
  // input must not write a report.
  const badInputs: [string, string[], RegExp][] = [
    ['a missing file', ['run', 'test/fixtures/does-not-exist.yaml'], /^test\/fixtures\/does-not-exist\.yaml: no such file$/],
    ['invalid YAML', ['run', 'test/fixtures/invalid-yaml.yaml'], /^test\/fixtures\/invalid-yaml\.yaml:5:1: invalid YAML: \S/],
    [
      'an unknown key',
      ['run', 'test/fixtures/unknown-key.yaml'],
      /^test\/fixtures\/unknown-key\.yaml:7:5 layers\.retry\.maxAtempts: unknown key; did you mean "maxAttempts"\?$/,
    ],
    ['a wrong type', ['run', 'test/fixtures/wrong-type.yaml'], /^test\/fixtures\/wrong-type\.yaml:7:18 layers\.retry\.maxAttempts: expected a whole number from 1 to 100, got "three"$/],
    ['an empty file', ['run', 'test/fixtures/empty.yaml'], /^test\/fixtures\/empty\.yaml:1:1: the file is empty/],
    [
      'a negative rate',
      ['run', 'test/fixtures/negative-rate.yaml'],
      /^test\/fixtures\/negative-rate\.yaml:5:23 upstream\.models\.sonnet\.errors\.rate: .*"-4%".*negative/,
    ],
    // The duplicate is the second `maxAttempts` under layers.retry, line 8 column 5.
    ['duplicate keys', ['run', 'test/fixtures/duplicate-keys.yaml'], /^test\/fixtures\/duplicate-keys\.yaml:8:5 layers\.retry\.maxAttempts: .*(duplicate|unique)/i],
    // A lognormal whose p95 is below its p50 is bad input like any other, not an internal error.
    [
      'a lognormal with p95 below p50',
      ['run', 'test/fixtures/bad-distribution.yaml'],
      /^test\/fixtures\/bad-distribution\.yaml:5:\d+ upstream\.models\.sonnet\.latency(\.p95)?: .*p95/,
    ],
    ['--requests abc', ['run', 'scenarios/seed-lab.yaml', '--requests', 'abc'], /^harness-sim: --requests: .*"abc"$/],
    ['--requests 0', ['run', 'scenarios/seed-lab.yaml', '--requests', '0'], /^harness-sim: --requests: .*at least 1/],
    ['--format xml', ['run', 'scenarios/seed-lab.yaml', '--format', 'xml'], /^harness-sim: --format: expected one of table, json, got "xml"$/],
    ['--seed abc', ['run', 'scenarios/seed-lab.yaml', '--seed', 'abc'], /^harness-sim: --seed: .*"abc"$/],
  ];

  it.each(badInputs)('exits 2 on %s with one line naming the problem, no stack trace and no report', (what, args, line) => {
    const out = join(outDir, `${what.replace(/\W+/g, '-')}.json`);
    const { status, stdout, stderr } = cli(...args, '--out', out);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect(stderr.endsWith('\n')).toBe(true);
    expect(lines.filter((l) => /^\s*at /.test(l))).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outDir).filter((f) => f.startsWith(what.replace(/\W+/g, '-')))).toEqual([]);
  });
});
