import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shortenedRunWarnings } from '../../src/engine/shortened.js';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * `--requests N` shortens simulated time: what the scenario places after the shortened
 * run's last arrival never happens, and the run says so, naming each window by its key.
 */

// 36,000 requests over 1 h (10 a second): 1,000 requests take 100 s.
const SCENARIO = parseScenarioText(
  `name: windows
duration: 1h
workload:
  requests: 36000
  tenants: { web: 0.5, batch: 0.5 }
  arrival: { bursts: [{ at: 10m, for: 1m, multiplier: 2 }] }
  schedules: [{ tenant: batch, at: 50s, for: 100s, multiplier: 3 }]
upstream:
  models:
    m: { errors: { rate: 4% } }
  incidents:
    - { target: m, at: 20s, for: 30s, errorRate: 50% }
    - { target: m, at: 30m, for: 5m, errorRate: 90% }
`,
  'windows.yaml',
);

describe('a run shortened by --requests', () => {
  it('names every window it never reaches or cuts short, and nothing it covers', () => {
    expect(shortenedRunWarnings(SCENARIO, { requests: 1000 }, 100_000)).toEqual([
      '--requests 1000 simulates 1 min 40 s of arrivals: upstream.incidents[1] (the incident on m, 30 min to 35 min) never happens in this run',
      '--requests 1000 simulates 1 min 40 s of arrivals: workload.arrival.bursts[0] (the burst, 10 min to 11 min) never happens in this run',
      '--requests 1000 simulates 1 min 40 s of arrivals: workload.schedules[0] (the schedule of batch, 50.0 s to 2 min 30 s) is cut short after 50.0 s',
    ]);
  });

  it('warns of nothing without --requests, at the full volume or above, or when every window fits', () => {
    expect(shortenedRunWarnings(SCENARIO, {}, 100_000)).toEqual([]);
    expect(shortenedRunWarnings(SCENARIO, { requests: 36_000 }, 100_000)).toEqual([]);
    expect(shortenedRunWarnings(SCENARIO, { requests: 35_000 }, 2_200_000)).toEqual([]);
  });

  it('counts windows past the tenth instead of naming them', () => {
    const many = { ...SCENARIO, upstream: { ...SCENARIO.upstream, incidents: Array.from({ length: 14 }, (_, i) => ({ ...SCENARIO.upstream.incidents[1]!, at: 600_000 + i })) } };
    const lines = shortenedRunWarnings(many, { requests: 10 }, 1000);
    expect(lines).toHaveLength(11); // 10 incidents named; 4 more, the burst and the schedule counted
    expect(lines[10]).toBe('--requests 10 simulates 1.00 s of arrivals: and 6 more incidents, bursts or schedules are cut off');
  });

  it('puts the warnings in the result of a real run, from the span its arrivals took', () => {
    const result = buildResult('windows', simulate(SCENARIO, { requests: 1000, seed: 1 }));
    expect(result.warnings).toHaveLength(3);
    // Bursts and schedules shape the load, so the span is the one the 1,000 arrivals took (78 s at seed 1), not 100 s.
    expect(result.warnings![0]).toMatch(/^--requests 1000 simulates 1 min 18 s of arrivals: upstream\.incidents\[1\]/);
    expect(buildResult('windows', simulate(SCENARIO, { requests: 36_000, seed: 1 })).warnings).toBeUndefined();
  });
});

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('run and compare say so', { timeout: 600_000 }, () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

  it('on stderr, once per line, and in the JSON', () => {
    const run = cli('run', 'scenarios/incident-70.yaml', '--requests', '20K', '--format', 'json');
    expect(run.status).toBe(0);
    const line = '--requests 20000 simulates 36 min of arrivals: upstream.incidents[0] (the incident on sonnet, 2 h to 3 h) never happens in this run';
    expect(run.stderr).toBe(`harness-sim: warning: ${line}\n`);
    expect(JSON.parse(run.stdout).warnings).toEqual([line]);
    const compare = cli('compare', 'scenarios/incident-70.yaml', '--layers', 'none,all', '--requests', '20K', '--format', 'json');
    expect(compare.stderr).toBe(`harness-sim: warning: ${line}\n`);
    expect(JSON.parse(compare.stdout).warnings).toEqual([line]);
  });
});
