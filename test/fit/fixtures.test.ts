import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitFiles } from '../../src/fit/run-fit.js';
import { fittedScenarioYaml } from '../../src/fit/write-scenario.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const DIR = 'test/fixtures/telemetry';
const CLI = 'dist/cli/main.js';

describe('fit reads each supported format, counting every bad record and never crashing', () => {
  it('OTLP JSON (file exporter): GenAI spans only, provider error types normalised, a truncated line counted', async () => {
    const fit = await fitFiles([join(DIR, 'otlp.jsonl')]);
    expect(fit.formats).toEqual({ otlp: 5 });
    expect(fit.badRecords).toBe(1);
    expect(fit.skipped).toBe(30); // the health-check HTTP spans
    expect(fit.calls).toBe(300);
    const sonnet = fit.models.find((m) => m.name === 'claude-sonnet-4')!;
    expect(Object.keys(sonnet.mix)).toEqual(['529']); // overloaded_error
    expect(fit.models.find((m) => m.name === 'gpt-4.1')!.mix).toEqual({ '429': 3 });
    // Generated with a median of 900 ms and sigma 0.6 (p95 = 900 e^(1.645 x 0.6) = 2.41 s).
    expect(sonnet.latency).toMatchObject({ dist: 'lognormal' });
    if (sonnet.latency?.dist === 'lognormal') {
      expect(sonnet.latency.ci95.p50[0]).toBeLessThan(900);
      expect(sonnet.latency.ci95.p50[1]).toBeGreaterThan(900);
    }
  });

  it('LiteLLM spend logs: exceptions normalised (rate limit, API error, insufficient quota), skewed clocks and bad lines counted', async () => {
    const fit = await fitFiles([join(DIR, 'litellm.jsonl')]);
    expect(fit.badRecords).toBe(9); // 6 without an end time, 3 malformed lines
    expect(fit.calls).toBe(294);
    expect(fit.outOfOrder).toBeGreaterThan(0);
    const kinds = new Set(fit.models.flatMap((m) => Object.keys(m.mix)));
    expect([...kinds].sort()).toEqual(['429', '500', 'quota']);
    expect(fit.models.map((m) => m.tokens!.cachedShare).every((s) => s > 0.15 && s < 0.3)).toBe(true);
  });

  it('Helicone CSV (CRLF, quoted cells): short and unterminated rows counted, tenants read from user_id', async () => {
    const fit = await fitFiles([join(DIR, 'helicone.csv')]);
    expect(fit.badRecords).toBe(2);
    expect(fit.calls).toBe(300);
    expect(Object.keys(fit.tenants).sort()).toEqual(['acme, inc "eu"', 'globex']);
    expect(fit.tenants['acme, inc "eu"']).toBeCloseTo(1 / 3, 2);
  });

  it('agent-trace sessions (JSONL.gz): turns, calls per turn, tool batches and think times', async () => {
    const fit = await fitFiles([join(DIR, 'agent-trace.jsonl.gz')]);
    expect(fit.badRecords).toBe(1); // the session with no llm_calls
    expect(fit.sessions!.sessions).toBe(40);
    expect(fit.sessions!.meanTurns).toBeGreaterThan(1);
    expect(fit.sessions!.meanToolsPerBatch).toBeGreaterThanOrEqual(1);
    expect(fit.tools.map((t) => t.name).sort()).toEqual(['bash', 'edit']);
    expect(fit.models[0]!.mix).toEqual({ '529': fit.models[0]!.errors });
  });

  it.each(['otlp.jsonl', 'litellm.jsonl', 'helicone.csv', 'agent-trace.jsonl.gz'])('writes a scenario from %s that validates', async (file) => {
    const fit = await fitFiles([join(DIR, file)]);
    expect(() => parseScenarioText(fittedScenarioYaml(fit, 'x'), 'fitted.yaml')).not.toThrow();
  });
});

describe('harness-sim fit on the command line', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'fit-cli-'));
  const run = (...args: string[]) => spawnSync('node', [CLI, 'fit', ...args], { encoding: 'utf8', timeout: 20_000 });

  it('prints the scenario on stdout and the report on stderr', () => {
    const r = run(join(DIR, 'helicone.csv'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# Fitted by `harness-sim fit`/);
    expect(r.stderr).toMatch(/read 300 records \(300 call-log\)/);
    const out = join(tmp, 'fitted.yaml');
    writeFileSync(out, r.stdout);
    expect(execFileSync('node', [CLI, 'validate', out], { encoding: 'utf8' })).toMatch(/^ok /);
  });

  it.each([
    ['a file with no usable record', () => { const f = join(tmp, 'junk.jsonl'); writeFileSync(f, 'nope\n{"a": 1}\n'); return f; }, /^harness-sim: no usable call records in ".*junk\.jsonl" \(2 bad records, e\.g\. .*junk\.jsonl:1: not valid JSON\)$/],
    ['a missing file', () => join(tmp, 'missing.jsonl'), /^harness-sim: .*missing\.jsonl: no such file$/],
    ['a directory', () => tmp, /not a regular file/],
    ['a device that never ends', () => '/dev/zero', /^harness-sim: \/dev\/zero: not a regular file/],
  ])('refuses %s with one line and exit 2', (_what, path, message) => {
    const r = run(path());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe('examples/traffic (README: Start from your own traffic)', () => {
  it('fitted.yaml is exactly what fit writes for the OTLP fixture, and the harness and replay built on it run', () => {
    const r = spawnSync('node', [CLI, 'fit', join(DIR, 'otlp.jsonl')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync('examples/traffic/fitted.yaml', 'utf8'));
    const replay = spawnSync('node', [CLI, 'run', 'examples/traffic/replay.yaml', '--format', 'json'], { encoding: 'utf8' });
    expect(replay.status).toBe(0);
    expect(JSON.parse(replay.stdout).requests).toBe(300);
  });
});
