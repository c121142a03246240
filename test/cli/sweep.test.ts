import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';
let scenario = '';

/**
 * Each test spawns the CLI a few times (up to ten for the merge of every format); a spawn
 * takes about half a second of CPU, but on a loaded runner the wall-clock time stretches
 * many times. The limit is against a hang, not a measure of speed (that lives in bench/).
 */
const SPAWNING = { timeout: 600_000 };

const RATE = 'upstream.models.m.errors.rate';
/** Two error rates x two variants, 2K requests a point: the whole sweep takes under a second. */
const GRID = ['--param', `${RATE}=0.1,0.5`, '--layers', 'retry,retry+breaker', '--requests', '2K'];

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-sweep-'));
  scenario = join(dir, 'tiny.yaml');
  writeFileSync(
    scenario,
    `name: tiny
seed: 7
upstream:
  models:
    m:
      latency: { dist: lognormal, p50: 800ms, p95: 2500ms }
      errors: { rate: 4% }
layers:
  retry: { maxAttempts: 3 }
  breaker: { enabled: true }
`,
  );
}, SPAWNING.timeout);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the built CLI outside GitHub Actions. */
function cli(args: string[]) {
  const { GITHUB_ACTIONS: _a, GITHUB_STEP_SUMMARY: _s, ...env } = process.env;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Point {
  index: number;
  params: Record<string, number | string>;
  variant: string;
  metrics: Record<string, number>;
  intervals?: Record<string, { halfWidth: number | null; n: number }>;
}

describe('harness-sim sweep', SPAWNING, () => {
  it('runs every value with every variant, variant outermost, and reports one point each', () => {
    const { status, stdout, stderr } = cli(['sweep', scenario, ...GRID, '--format', 'json', '--jobs', '1']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ scenario: 'tiny', seed: 7, requests: 2000, replications: 1, params: [RATE], variants: ['retry', 'retry+breaker'], totalPoints: 4 });
    expect(result.shard).toBeUndefined();
    expect(result.points.map((p: Point) => [p.index, p.params[RATE], p.variant])).toEqual([
      [0, 0.1, 'retry'],
      [1, 0.5, 'retry'],
      [2, 0.1, 'retry+breaker'],
      [3, 0.5, 'retry+breaker'],
    ]);
  });

  it('applies each value: with retries alone the load multiplier is 1 + p + p^2', () => {
    const { stdout } = cli(['sweep', scenario, ...GRID, '--format', 'json']);
    const points: Point[] = JSON.parse(stdout).points;
    for (const point of points.filter((p) => p.variant === 'retry')) {
      const p = point.params[RATE] as number;
      // Calls per request are 1, 2 or 3 with probabilities 1-p, p(1-p), p^2; the tolerance
      // is 4 standard errors of their mean over the 2,000 requests (seed fixed at 7).
      const mean = 1 + p + p * p;
      const variance = (1 - p) * 1 + p * (1 - p) * 4 + p * p * 9 - mean * mean;
      expect(Math.abs(point.metrics.loadMultiplier! - mean)).toBeLessThan(4 * Math.sqrt(variance / 2000));
    }
    // The breaker (opens above 25% failures by default) holds the load far below that at p = 0.5.
    expect(points[3]!.metrics.loadMultiplier).toBeLessThan(0.5);
  });

  it('prints the same JSON byte for byte with one job in-process and with two worker threads', () => {
    const one = cli(['sweep', scenario, ...GRID, '--replications', '2', '--format', 'json', '--jobs', '1']);
    const two = cli(['sweep', scenario, ...GRID, '--replications', '2', '--format', 'json', '--jobs', '2']);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const point: Point = JSON.parse(one.stdout).points[1];
    expect(point.intervals?.loadMultiplier?.n).toBe(2);
  });

  it('writes a table, CSV and Markdown with one row per point', () => {
    const table = cli(['sweep', scenario, ...GRID]);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe('sweep tiny  seed 7  2,000 requests  4 points (2 x 2 variants)');
    expect(table.stdout).toMatch(/│ 3 +│ 0\.5 +│ retry\+breaker +│/);
    const csv = cli(['sweep', scenario, ...GRID, '--format', 'csv']).stdout.trimEnd().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toBe(`index,${RATE},variant,visibleFailureRate,latencyP50,latencyP95,latencyP99,loadMultiplier,monthlyCost,wastedTokens,rejectedRate,refusalRate,breakerTrips,cacheHitRate,fallbacks`);
    expect(csv[2]).toMatch(/^1,0\.5,retry,/);
    const md = cli(['sweep', scenario, ...GRID, '--format', 'md']).stdout.trimEnd().split('\n');
    expect(md).toHaveLength(8); // title, blank, header, rule, 4 rows
    expect(md[7]).toMatch(/^\| 3 \| 0\.5 \| retry\+breaker \| /);
  });

  it('exits 1 when a point breaches an SLO, naming the point, and writes one JUnit case per point and SLO', () => {
    const junit = join(dir, 'gates.xml');
    const { status, stdout, stderr } = cli(['sweep', scenario, ...GRID, '--assert', 'visibleFailureRate < 5%', '--assert', 'loadMultiplier < 10', '--junit', junit]);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^sweep tiny/);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^SLO breach: point 1 \(upstream\.models\.m\.errors\.rate=0\.5, variant retry\): visibleFailureRate = \d+\.\d{3}%, limit < 5%$/);
    expect(lines[1]).toMatch(/^SLO breach: point 3 \(upstream\.models\.m\.errors\.rate=0\.5, variant retry\+breaker\): /);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="harness-sim SLO gates" tests="8" failures="2">');
    expect(xml.match(/<testcase /g)).toHaveLength(8);
  });

  it('exits 0 when every point meets the SLOs', () => {
    const { status, stderr } = cli(['sweep', scenario, '--param', `${RATE}=0.01,0.02`, '--requests', '1K', '--assert', 'loadMultiplier < 1.5']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it.each([
    ['a value the key does not take', [`${RATE}=0.1,1.5`], /^harness-sim: --param upstream\.models\.m\.errors\.rate=1\.5: expected a rate between 0 and 1/],
    ['a misspelt key', ['upstream.models.m.errors.rat=0.1'], /^harness-sim: --param upstream\.models\.m\.errors\.rat=0\.1: unknown key; did you mean "rate"\?/],
    ['a missing unit', ['layers.retry.baseDelay=100,200'], /^harness-sim: --param layers\.retry\.baseDelay=100: expected a duration like 250ms/],
    ['a malformed range', [`${RATE}=0.5..0.1:0.1`], /^harness-sim: --param upstream\.models\.m\.errors\.rate: expected END at or above START/],
  ])('exits 2 on %s, naming the --param', (_name, params, message) => {
    const { status, stdout, stderr } = cli(['sweep', scenario, ...params.flatMap((p) => ['--param', p]), '--requests', '1K']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 without a --param, and for a shard that would not be JSON', () => {
    expect(cli(['sweep', scenario, '--requests', '1K']).stderr).toMatch(/^harness-sim: sweep needs at least one --param/);
    const shard = cli(['sweep', scenario, ...GRID, '--shard', '1/2']);
    expect(shard.status).toBe(2);
    expect(shard.stderr).toMatch(/^harness-sim: --shard writes a part for `harness-sim merge`, which reads JSON/);
  });
});

describe('harness-sim sweep --shard and merge', SPAWNING, () => {
  /** Writes shard `i` of `n` with `extra` flags to `dir/name` and returns the path. */
  function shard(i: number, n: number, name: string, extra: string[] = []): string {
    const out = join(dir, name);
    const { status, stderr } = cli(['sweep', scenario, ...GRID, '--shard', `${i}/${n}`, '--out', out, ...extra]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    return out;
  }

  it('merges shard 1/2 and 2/2 into exactly what the unsharded run prints, in every format', () => {
    const a = shard(1, 2, 'a.json');
    const b = shard(2, 2, 'b.json');
    const part = JSON.parse(readFileSync(a, 'utf8'));
    expect(part.shard).toBe('1/2');
    expect(part.points.map((p: Point) => p.index)).toEqual([0, 2]);
    for (const format of ['json', 'md', 'csv', 'table']) {
      const whole = cli(['sweep', scenario, ...GRID, '--format', format]);
      const merged = cli(['merge', b, a, '--format', format]);
      expect(merged.status, format).toBe(0);
      expect(merged.stdout, format).toBe(whole.stdout);
    }
  });

  it('gates a merged sweep with the SLOs its parts carry, exiting 1 on a breach', () => {
    const gate = ['--assert', 'visibleFailureRate < 5%'];
    const a = shard(1, 2, 'gate-a.json', gate);
    const b = shard(2, 2, 'gate-b.json', gate);
    const whole = cli(['sweep', scenario, ...GRID, ...gate, '--format', 'json']);
    const merged = cli(['merge', a, b, '--format', 'json']);
    expect(merged.status).toBe(1);
    expect(merged.stdout).toBe(whole.stdout);
    expect(merged.stderr).toBe(whole.stderr);
    expect(merged.stderr).toContain('SLO breach: point 1 (upstream.models.m.errors.rate=0.5, variant retry)');
  });

  it('refuses parts of different sweeps, a point given twice and a missing shard with exit 2', () => {
    const a = shard(1, 2, 'm-a.json');
    const b = shard(2, 2, 'm-b.json');
    const other = shard(2, 2, 'm-other.json', ['--seed', '8']);
    const mismatched = cli(['merge', a, other]);
    expect(mismatched.status).toBe(2);
    expect(mismatched.stderr).toBe(`harness-sim: merge: ${other} is not part of the same sweep as ${a}: seed 8 vs 7\n`);
    const duplicate = cli(['merge', a, b, a]);
    expect(duplicate.status).toBe(2);
    expect(duplicate.stderr).toBe(`harness-sim: merge: point 0 is in both ${a} and ${a}; is a part given twice?\n`);
    const edited = shard(2, 2, 'm-set.json', ['--set', 'upstream.models.m.errors.rate=5%']);
    const set = cli(['merge', a, edited]);
    expect(set.status).toBe(2);
    expect(set.stderr).toMatch(/^harness-sim: merge: .*m-set\.json is not part of the same sweep as .*m-a\.json: the scenario content \(after extends and --set\) differs/);
    const missing = cli(['merge', a]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('harness-sim: merge: 2 of 4 points are in no part (1, 3); missing the part of shard 2/2\n');
  });

  it('refuses a file that is not a sweep part with exit 2', () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'points: []');
    expect(cli(['merge', notJson]).stderr).toMatch(/^harness-sim: merge: .*not\.json is not JSON/);
    const notPart = join(dir, 'run.json');
    writeFileSync(notPart, JSON.stringify({ scenario: 'x', points: [] }));
    const result = cli(['merge', notPart]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^harness-sim: merge: .*run\.json is not a sweep result: seed: /);
  });
});
