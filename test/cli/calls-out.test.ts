import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import type { SimulatedCall } from '../../src/telemetry/calls-out-format.js';
import { formatCallLine } from '../../src/telemetry/calls-out-format.js';
import { callFromFields, flatten } from '../../src/telemetry/fields.js';

const CLI = 'dist/cli/main.js';
const DIR = mkdtempSync(join(tmpdir(), 'harness-sim-calls-out-'));
const cli = (...args: string[]) => spawnSync('node', [CLI, ...args], { encoding: 'utf8' });
const lines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

// Spawns the CLI a dozen times: generous time for a loaded machine (each takes ~0.3 s on an idle one).
describe('run --calls-out', { timeout: 240_000 }, () => {
  it('writes one line per upstream call under OpenTelemetry GenAI names, and the run is the same with or without it', () => {
    const out = join(DIR, 'calls.jsonl');
    const plain = cli('run', 'scenarios/retry-basics.yaml', '--requests', '5000', '--format', 'json');
    const logged = cli('run', 'scenarios/retry-basics.yaml', '--requests', '5000', '--format', 'json', '--calls-out', out);
    expect(logged.status).toBe(0);
    expect(logged.stdout).toBe(plain.stdout);
    const result = JSON.parse(logged.stdout);
    const calls = lines(readFileSync(out, 'utf8'));
    expect(calls.length).toBe(result.metrics.upstreamCalls);
    // Every request's first call, and one line per retry.
    expect(calls.filter((c) => c['harness_sim.cause'] === 'first').length).toBe(5000);
    expect(calls.filter((c) => c['harness_sim.cause'] === 'retry').length).toBe(result.metrics.retries);
    const failed = calls.filter((c) => c['error.type'] !== undefined);
    expect(new Set(failed.map((c) => c['error.type']))).toEqual(new Set(['429', '503', 'timeout']));
    const first = calls.find((c) => c['error.type'] === undefined)!;
    expect(first).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'sonnet', 'gen_ai.response.model': 'sonnet', 'harness_sim.tenant': 'default' });
    for (const key of ['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_creation.input_tokens', 'duration_ms', 'start_time']) expect(first).toHaveProperty([key]);
    // A 429 bills nothing, so it has no usage; it carries the retry-after the provider asked for.
    const limited = calls.find((c) => c['error.type'] === '429')!;
    expect(limited['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(limited['harness_sim.retry_after_ms']).toBe(1000);
  });

  it('gzips a .gz name to the same lines', () => {
    const plain = join(DIR, 'same.jsonl');
    const gz = join(DIR, 'same.jsonl.gz');
    expect(cli('run', 'scenarios/retry-basics.yaml', '--requests', '3000', '--calls-out', plain).status).toBe(0);
    expect(cli('run', 'scenarios/retry-basics.yaml', '--requests', '3000', '--calls-out', gz).status).toBe(0);
    expect(gunzipSync(readFileSync(gz)).toString()).toBe(readFileSync(plain, 'utf8'));
  });

  it('keeps whole requests with --calls-sample, about the fraction asked, the same ones every time', () => {
    const out = join(DIR, 'sample.jsonl');
    expect(cli('run', 'scenarios/retry-basics.yaml', '--requests', '20000', '--calls-out', out, '--calls-sample', '10%').status).toBe(0);
    const kept = lines(readFileSync(out, 'utf8'));
    const requests = new Set(kept.map((c) => c['harness_sim.request_id']));
    // 4 binomial standard deviations around 2,000 of 20,000.
    expect(Math.abs(requests.size - 2000)).toBeLessThan(4 * Math.sqrt(20000 * 0.1 * 0.9));
    expect(kept.filter((c) => c['harness_sim.cause'] === 'first').length).toBe(requests.size);
    const all = join(DIR, 'all.jsonl');
    cli('run', 'scenarios/retry-basics.yaml', '--requests', '20000', '--calls-out', all);
    const whole = lines(readFileSync(all, 'utf8')).filter((c) => requests.has(c['harness_sim.request_id']));
    expect(kept).toEqual(whole);
  });

  it('names sessions and turns, and logs tool calls with the agent loop', () => {
    const { scenario } = loadScenarioFile('test/fixtures/sessions/kinds-1.yaml');
    const calls: SimulatedCall[] = [];
    const output = simulate(scenario, {}, undefined, { sink: (c) => calls.push({ ...c }) });
    const s = output.sessions!;
    expect(calls.filter((c) => c.kind === 'model').length).toBe(output.metrics.modelCalls);
    expect(calls.filter((c) => c.kind === 'tool').length).toBe(s.toolCalls);
    expect(new Set(calls.map((c) => c.sessionId)).size).toBe(s.sessions);
    expect(Math.max(...calls.map((c) => c.turn))).toBeLessThan(2);
  });

  it('writes error kinds and causes that fit reads back as the same', () => {
    const base: SimulatedCall = { kind: 'model', target: 'm', startMs: 1000, durationMs: 12.5, error: null, billed: true, inputTokens: 1200, outputTokens: 300, cacheReadTokens: 1000, cacheWriteTokens: 0, retryAfterMs: 0, tenant: 't', client: 0, requestId: 3, sessionId: -1, turn: 0, attempt: 2, cause: 'retry' };
    for (const error of ['429', '529', '500', '503', 'timeout', '400', 'quota', null] as const) {
      const read = callFromFields(flatten(JSON.parse(formatCallLine({ ...base, error }))));
      expect(read).toMatchObject({ error, target: 'm', startMs: 1000, durationMs: 12.5, attempt: 2, cause: 'retry', requestId: '3', tenant: 't' });
    }
  });

  it('refuses what it cannot do, in one line with exit 2, writing nothing', () => {
    const out = join(DIR, 'refused.jsonl');
    const cases: [string[], RegExp][] = [
      [['--calls-sample', '0.1'], /--calls-sample: .*add --calls-out FILE/],
      [['--calls-out', out, '--replications', '2'], /--calls-out writes the calls of one run/],
      [['--calls-out', out, '--calls-sample', '0'], /--calls-sample: expected a fraction in \(0, 1\]/],
      [['--calls-out', 'scenarios/retry-basics.yaml'], /--calls-out/],
      [['--calls-out', '-'], /stdout/],
      [['--calls-out', join(DIR, 'missing', 'x.jsonl')], /--calls-out/],
    ];
    for (const [args, message] of cases) {
      const r = cli('run', 'scenarios/retry-basics.yaml', '--requests', '100', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('leaves an existing file as it was when the run fails late', () => {
    const out = join(DIR, 'kept.jsonl');
    writeFileSync(out, 'old\n');
    // An SLO breach is exit 1, not a failure: the file is written. A report path in a missing folder fails before the run.
    const r = cli('run', 'scenarios/retry-basics.yaml', '--requests', '100', '--calls-out', out, '--report', join(DIR, 'nope', 'r.html'));
    expect(r.status).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('old\n');
  });
});

