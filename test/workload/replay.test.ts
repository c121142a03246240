import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { RandomStreams } from '../../src/random/random.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { Workload, type RequestDraw } from '../../src/workload/workload.js';
import { formatCallLine } from '../../src/telemetry/calls-out-format.js';

const FIXTURE = resolve('test/fixtures/telemetry/helicone.csv');
const dir = mkdtempSync(join(tmpdir(), 'replay-'));
copyFileSync(FIXTURE, join(dir, 'calls.csv'));

const scenarioText = (extra = '') => `duration: 1h
workload:
  arrival: { trace: calls.csv }
  tenants: { globex: 0.5, 'acme, inc "eu"': 0.5 }
${extra}upstream:
  models:
    gpt: { errors: { rate: 2% } }
layers:
  retry: {}
`;

/** The fixture's arrival times and tenants, read independently of the replay code. */
function fixtureArrivals(): { atMs: number; tenant: string; input: number }[] {
  const rows = readFileSync(FIXTURE, 'utf8').split('\r\n').slice(1).filter((r) => r !== '');
  const out = [];
  for (const row of rows) {
    const cells = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    if (cells.length < 11) continue; // the fixture's deliberately short and unterminated rows
    out.push({ atMs: Date.parse(cells[0]!), tenant: cells[10]!, input: Number(cells[5]) });
  }
  const origin = Math.min(...out.map((a) => a.atMs));
  return out.map((a) => ({ ...a, atMs: a.atMs - origin })).sort((a, b) => a.atMs - b.atMs);
}

describe('workload.arrival.trace replays a log\'s arrivals', () => {
  it('arrives exactly at the log\'s times, with its tenants and prompt sizes', () => {
    const scenario = parseScenarioText(scenarioText(), join(dir, 'replay.yaml'));
    const workload = new Workload(scenario, new RandomStreams(1));
    const expected = fixtureArrivals();
    expect(expected).toHaveLength(300);
    const draw: RequestDraw = { tenant: 0, difficulty: 0, inputTokens: 0, outputTokens: 0 };
    let now = 0;
    for (const arrival of expected) {
      now = workload.nextArrivalMs(now);
      expect(now).toBe(arrival.atMs);
      workload.draw(draw, now);
      expect(workload.tenantNames[draw.tenant]).toBe(arrival.tenant);
      expect(draw.inputTokens).toBe(arrival.input);
    }
    expect(workload.nextArrivalMs(now)).toBe(Number.POSITIVE_INFINITY);
    workload.close();
  });

  it('runs every arrival of the trace, is deterministic, and still honours --requests and duration', () => {
    const scenario = parseScenarioText(scenarioText(), join(dir, 'replay.yaml'));
    const a = simulate(scenario);
    expect(a.requests).toBe(300);
    expect(JSON.stringify(buildResult('r', simulate(scenario)))).toBe(JSON.stringify(buildResult('r', a)));
    expect(simulate(scenario, { requests: 120 }).requests).toBe(120);
    const lastArrival = fixtureArrivals()[149]!.atMs;
    const short = parseScenarioText(scenarioText().replace('duration: 1h', `duration: ${lastArrival + 1}ms`), join(dir, 'replay.yaml'));
    expect(simulate(short).requests).toBe(150);
  });

  it('reorders a log whose lines are out of time order', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\r\n');
    const shuffled = [lines[0], ...lines.slice(1).filter((l) => l !== '').reverse()].join('\n');
    writeFileSync(join(dir, 'reversed.csv'), `${shuffled}\n`);
    const scenario = parseScenarioText(scenarioText().replace('calls.csv', 'reversed.csv'), join(dir, 'replay.yaml'));
    const workload = new Workload(scenario, new RandomStreams(1));
    const times: number[] = [];
    for (let t = workload.nextArrivalMs(0); t !== Number.POSITIVE_INFINITY; t = workload.nextArrivalMs(t)) times.push(t);
    expect(times).toEqual(fixtureArrivals().map((a) => a.atMs));
  });

  it.each([
    ['a trace that does not exist', (t: string) => t.replace('calls.csv', 'missing.csv'), [], /^replay\.yaml:3:21 workload\.arrival\.trace: expected a log file to replay, but ".*missing\.csv" does not exist$/],
    ['a trace beside bursts', (t: string) => t.replace('{ trace: calls.csv }', '{ trace: calls.csv, bursts: [{ at: 1m, for: 1m, multiplier: 2 }] }'), [], /^replay\.yaml:3:21 workload\.arrival\.trace: a replayed trace brings its own arrival times/],
    ['--sample on a replay', (t: string) => t, ['--sample', '0.5'], /^--sample workload\.arrival\.trace: a replayed trace cannot be sampled/],
  ])('refuses %s with one line and exit 2', (_what, edit, flags, message) => {
    writeFileSync(join(dir, 'replay.yaml'), edit(scenarioText()));
    const r = spawnSync('node', [resolve('dist/cli/main.js'), 'run', 'replay.yaml', ...flags], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe('replaying the logs fit reads', () => {
  it('replays every GenAI span of an OTLP export (a line holds a batch of spans) and every request of a --calls-out log once', () => {
    const otlp = parseScenarioText(`workload: { arrival: { trace: ${resolve('test/fixtures/telemetry/otlp.jsonl')} } }\nupstream: { models: { m: {} } }\n`, 'otlp.yaml');
    // 300 chat spans in 5 lines (and 30 health-check spans that are not GenAI calls).
    expect(simulate(otlp).requests).toBe(300);
    const lines: string[] = [];
    const logged = parseScenarioText('workload: { requests: 2000 }\nupstream: { models: { m: { errors: { rate: 20% } } } }\nlayers: { retry: { maxAttempts: 3 } }\n', 'logged.yaml');
    simulate(logged, {}, undefined, { sink: (call) => lines.push(formatCallLine(call)) });
    const file = join(mkdtempSync(join(tmpdir(), 'harness-sim-replay-')), 'calls.jsonl');
    writeFileSync(file, lines.join(''));
    // Retries are in the log too, but only first attempts arrive.
    expect(lines.length).toBeGreaterThan(2300);
    // Poisson arrivals of 2,000 requests over 30 days may run past day 30; the replay's duration must cover them.
    const replay = parseScenarioText(`duration: 40d\nworkload: { arrival: { trace: ${file} } }\nupstream: { models: { m: {} } }\n`, 'replay.yaml');
    expect(simulate(replay).requests).toBe(2000);
  });
});
