import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-compare-'));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the built CLI outside GitHub Actions unless `env` says otherwise. */
function cli(args: string[], env: Record<string, string> = {}) {
  const { GITHUB_ACTIONS: _a, GITHUB_STEP_SUMMARY: _s, ...rest } = process.env;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...rest, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const stderrLines = (stderr: string) => stderr.split('\n').filter((l) => l !== '');

/** A one-model scenario with retries; `extra` is appended (e.g. an `slo:` block). */
function scenarioFile(name: string, extra = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 7
upstream:
  models:
    m:
      latency: { dist: lognormal, p50: 800ms, p95: 2500ms }
      errors: { rate: 4% }
layers:
  retry: { maxAttempts: 3 }
${extra}`,
  );
  return file;
}

const LADDER = ['none', '+capacity', '+routing', '+breaker', '+retry', '+scope', '+cache'];

describe('harness-sim compare', () => {
  it('prints every ladder step of seed-lab side by side and exits 0', () => {
    const { status, stdout, stderr } = cli(['compare', 'scenarios/seed-lab.yaml', '--ladder', '--requests', '5K']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const header = stdout.split('\n').find((l) => l.includes('metric'))!;
    expect(header.split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['metric', ...LADDER]);
    for (const label of ['visible failure rate', 'latency p99', 'load multiplier', 'monthly cost', 'wasted tokens', 'cache hit rate', 'fallbacks']) {
      expect(stdout).toContain(label);
    }
  });

  it('reports the ladder in JSON with deltas against the first step', () => {
    const { status, stdout } = cli(['compare', 'scenarios/seed-lab.yaml', '--ladder', '--requests', '5K', '--format', 'json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.baseline).toBe('none');
    expect(report.seeds).toEqual([42]);
    expect(report.requests).toBe(5000);
    expect(report.variants.map((v: { label: string }) => v.label)).toEqual(LADDER);
    expect(report.variants[0].delta).toBeNull();
    const top = report.variants[6];
    // Everything on: retries and fallback hide the 4% upstream errors, and the cache raises its hit rate.
    expect(top.metrics.visibleFailureRate).toBeLessThan(report.variants[0].metrics.visibleFailureRate);
    expect(top.delta.visibleFailureRate.direction).toBe('better');
    expect(top.delta.cacheHitRate.absolute).toBe(top.metrics.cacheHitRate);
    expect(top.delta.cacheHitRate.direction).toBe('better');
    expect(top.delta.monthlyCost.absolute).toBeCloseTo(top.metrics.monthlyCost - report.variants[0].metrics.monthlyCost, 2);
  });

  it('compares each layer alone against none, and leave-one-out against all, in JSON with deltas from that reference', () => {
    const each = cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'each', '--requests', '3K', '--format', 'json']);
    expect(each.stderr).toBe('');
    expect(each.status).toBe(0);
    const alone = JSON.parse(each.stdout);
    expect(alone.baseline).toBe('none');
    expect(alone.variants.map((v: { label: string }) => v.label)).toEqual(['none', 'capacity', 'routing', 'breaker', 'retry', 'scope', 'cache']);
    const retry = alone.variants[4];
    expect(retry.delta.visibleFailureRate.absolute).toBeCloseTo(retry.metrics.visibleFailureRate - alone.variants[0].metrics.visibleFailureRate, 10);
    const loo = JSON.parse(cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'leave-one-out', '--requests', '3K', '--format', 'json']).stdout);
    expect(loo.baseline).toBe('all');
    expect(loo.variants.map((v: { label: string }) => v.label)).toEqual(['all', '-capacity', '-routing', '-breaker', '-retry', '-scope', '-cache']);
    // Without the cache the stack costs more than with it.
    expect(loo.variants[6].delta.monthlyCost.direction).toBe('worse');
  });

  it('refuses each or leave-one-out mixed with other variants, in one line, exit 2', () => {
    const { status, stdout, stderr } = cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'each,retry']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderrLines(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/--layers: each and leave-one-out stand alone/);
  });

  it('gives exactly zero deltas for two identical variants: the runs share their random numbers', () => {
    const { status, stdout } = cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'none,none', '--requests', '20K', '--format', 'json']);
    expect(status).toBe(0);
    const [first, second] = JSON.parse(stdout).variants;
    expect(second.label).toBe('none #2');
    expect(second.metrics).toEqual(first.metrics);
    for (const [metric, delta] of Object.entries(second.delta as Record<string, { absolute: number; relative: number; direction: string }>)) {
      expect([metric, delta.absolute, delta.relative, delta.direction]).toEqual([metric, 0, 0, 'same']);
    }
  });

  it('with replications reports intervals and marks differences whose paired interval contains 0 not significant', () => {
    const { status, stdout } = cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'none,all', '--requests', '5K', '--replications', '3', '--format', 'json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.seeds).toEqual([42, 43, 44]);
    const [none, all] = report.variants;
    expect(none.intervals.visibleFailureRate.n).toBe(3);
    expect(none.intervals.visibleFailureRate.low).toBeLessThan(none.metrics.visibleFailureRate);
    // 4% upstream errors against none at all once retried: far apart on every seed.
    expect(all.delta.visibleFailureRate.significant).toBe(true);
    expect(all.delta.visibleFailureRate.high).toBeLessThan(0);
    // Neither variant rejects anything: every paired difference is 0, so not significant.
    expect(all.delta.rejectedRate).toMatchObject({ absolute: 0, low: 0, high: 0, significant: false });
  });

  it('marks not-significant differences in the table', () => {
    const { status, stdout } = cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'none,none', '--requests', '2K', '--replications', '2']);
    expect(status).toBe(0);
    expect(stdout).toContain('seeds 42..43');
    expect(stdout).toContain('0 (0%) n.s.');
  });

  it('compares several files under the first one\'s seed, labelled by scenario name', () => {
    const other = scenarioFile('other');
    const { status, stdout } = cli(['compare', 'scenarios/retry-basics.yaml', other, '--requests', '2K', '--format', 'json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.seeds).toEqual([42]);
    expect(report.variants.map((v: { label: string }) => v.label)).toEqual(['retry-basics', 'other']);
  });

  it('prints a Markdown table with --format md', () => {
    const { status, stdout } = cli(['compare', 'scenarios/retry-basics.yaml', '--layers', 'none,retry', '--requests', '2K', '--format', 'md']);
    expect(status).toBe(0);
    expect(stdout).toContain('| metric | none | retry |');
    expect(stdout).toMatch(/\| visible failure rate \| \d+\.\d{3}% \| \d+\.\d{3}%<br>-\d+\.\d{3} pp \(-\d+(\.\d)?%\) \|/);
  });

  const badInputs: [string, string[], RegExp][] = [
    ['a layer the scenario lacks', ['compare', 'scenarios/retry-basics.yaml', '--layers', 'none,cache'], /^harness-sim: --layers: layer "cache" is not in scenario retry-basics \(it has: retry\)$/],
    ['an unknown layer', ['compare', 'scenarios/retry-basics.yaml', '--layers', 'retyr'], /^harness-sim: --layers: unknown layer "retyr" in "retyr"; did you mean "retry"\?$/],
    ['an empty variant', ['compare', 'scenarios/retry-basics.yaml', '--layers', 'none,,all'], /^harness-sim: --layers: expected comma-separated variants/],
    ['--layers with --ladder', ['compare', 'scenarios/seed-lab.yaml', '--layers', 'none', '--ladder'], /^harness-sim: --layers and --ladder cannot be combined/],
    ['one file and nothing to vary', ['compare', 'scenarios/seed-lab.yaml'], /^harness-sim: compare needs two or more files, --layers or --ladder/],
    ['--replications 0', ['compare', 'scenarios/seed-lab.yaml', '--ladder', '--replications', '0'], /^harness-sim: --replications: expected a whole number from 1 to 1000, got "0"$/],
    ['--format xml', ['compare', 'scenarios/seed-lab.yaml', '--ladder', '--format', 'xml'], /^harness-sim: --format: expected one of table, json, md, got "xml"$/],
    ['a bad --assert', ['compare', 'scenarios/seed-lab.yaml', '--ladder', '--assert', 'visibleFailureRate < 5s'], /^harness-sim: --assert: expected the visibleFailureRate limit to be a rate between 0 and 1 \(or 0% to 100%\), got "5s"$/],
    ['an --assert without operator', ['compare', 'scenarios/seed-lab.yaml', '--ladder', '--assert', 'latencyP95 5s'], /^harness-sim: --assert: expected METRIC OPERATOR LIMIT/],
  ];

  it.each(badInputs)('exits 2 on %s with one line naming the problem and no report', (_what, args, line) => {
    const { status, stdout, stderr } = cli([...args, '--requests', '1K']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderrLines(stderr)).toHaveLength(1);
    expect(stderrLines(stderr)[0]).toMatch(line);
  });
});

describe('SLO gates on compare', () => {
  it('exits 1 with one line per breach, after printing the report', () => {
    const { status, stdout, stderr } = cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'none,all', '--requests', '5K', '--assert', 'visibleFailureRate < 0.1%', '--assert', 'loadMultiplier < 1.5']);
    expect(status).toBe(1);
    expect(stdout).toContain('visible failure rate');
    // none fails 4.76% of requests; all calls the classifier too, so its load is 2.09x.
    expect(stderrLines(stderr)).toEqual(['SLO breach: none: visibleFailureRate = 4.700%, limit < 0.1%', 'SLO breach: all: loadMultiplier = 2.098x, limit < 1.5']);
  });

  it('exits 0 and prints nothing on stderr when every SLO holds', () => {
    const { status, stderr } = cli(['compare', 'scenarios/seed-lab.yaml', '--layers', 'none,all', '--requests', '5K', '--assert', 'visibleFailureRate < 10%']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('checks each variant against the slo: block of its own scenario', () => {
    const gated = scenarioFile('gated', 'slo:\n  visibleFailureRate: < 0.1%\n  latencyP95: "< 1m"\n');
    const { status, stderr } = cli(['compare', gated, '--layers', 'none,retry', '--requests', '5K']);
    expect(status).toBe(1);
    const lines = stderrLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^SLO breach: none: visibleFailureRate = \d\.\d{3}%, limit < 0\.1%$/);
  });

  it('exits 2 with a positioned error for a malformed slo: block, before running anything', () => {
    const bad = scenarioFile('bad-slo', 'slo:\n  visibleFailureRate: "0.1%"\n');
    const { status, stdout, stderr } = cli(['compare', bad, '--layers', 'none,retry', '--requests', '1K']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderrLines(stderr)).toEqual([`${bad}:11:23 slo.visibleFailureRate: expected an operator (<, <=, >, >=) and a limit, like "< 0.1%", got "0.1%"`]);
  });

  it('writes JUnit XML with one test case per variant and SLO, and a failure for each breach', () => {
    // The directory must exist: a missing one is refused before the run (test/cli/output-paths.test.ts).
    mkdirSync(join(dir, 'reports'), { recursive: true });
    const junit = join(dir, 'reports', 'slo.xml');
    const { status } = cli([
      'compare', 'scenarios/seed-lab.yaml', '--layers', 'none,retry,all', '--requests', '5K',
      '--assert', 'visibleFailureRate < 0.1%', '--assert', 'latencyP95 < 1m', '--junit', junit,
    ]);
    expect(status).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    // Only `none` breaches: retries alone take the 4.76% down to p^3, about 0.006%.
    expect(xml).toContain('<testsuites name="harness-sim SLO gates" tests="6" failures="1">');
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain('<testsuite name="none" tests="2" failures="1" errors="0" skipped="0">');
    expect(xml).toContain('<testsuite name="retry" tests="2" failures="0" errors="0" skipped="0">');
    expect(xml).toContain('<failure message="none: visibleFailureRate = 4.700%, limit &lt; 0.1%" type="SLOBreach">');
  });

  it('on GitHub Actions annotates breaches and appends the verdicts to the step summary', () => {
    const summary = join(dir, 'step-summary.md');
    const { status, stderr } = cli(
      ['compare', 'scenarios/seed-lab.yaml', '--layers', 'none,all', '--requests', '5K', '--assert', 'visibleFailureRate < 0.1%'],
      { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    );
    expect(status).toBe(1);
    expect(stderrLines(stderr)).toEqual([
      'SLO breach: none: visibleFailureRate = 4.700%, limit < 0.1%',
      '::error title=SLO breach::none: visibleFailureRate = 4.700%25, limit < 0.1%25',
    ]);
    const table = readFileSync(summary, 'utf8');
    expect(table).toContain('| none | visibleFailureRate | 4.700% | < 0.1% | **breach** |');
    expect(table).toContain('| all | visibleFailureRate | 0.000% | < 0.1% | pass |');
  });
});
