// Benchmark: each case in a fresh process; prints a Markdown table and writes bench/results.json.
// Usage: npm run bench [-- --quick]   (the full run takes a few minutes; --quick about 30 s)
// Speed is tracked here, never by timed unit tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;
const scale = quick ? 1_000_000 : 10_000_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs one simulation case `times` times in fresh processes. */
function simulationCase(name, target, requests, times = runs) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const out = execFileSync(process.execPath, ['bench/case.mjs', target, String(requests)], { encoding: 'utf8' });
    samples.push(JSON.parse(out.trim().split('\n').pop()));
  }
  const walls = samples.map((s) => s.wallMs / 1000);
  const wall = median(walls);
  return {
    case: name,
    requests,
    medianWallS: wall,
    minWallS: Math.min(...walls),
    maxWallS: Math.max(...walls),
    requestsPerSec: requests / wall,
    eventsPerSec: samples[0].events / wall,
    modelCallsPerSec: samples[0].modelCalls / wall,
    peakRssMb: Math.max(...samples.map((s) => s.maxRssMb)),
  };
}

/** Wall time of a whole CLI command in a fresh process. */
function timeCommand(args) {
  const started = performance.now();
  execFileSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (performance.now() - started) / 1000;
}

const rows = [
  simulationCase('floor: the retry-only variates + histogram, no engine', 'floor', scale),
  simulationCase('retry-only (1 model, 4% errors, 3 attempts)', 'bench/scenarios/retry-only.yaml', scale),
  simulationCase('seed-lab, all layers', 'scenarios/seed-lab.yaml', scale),
];
// Agent sessions: 100K coding-agent sessions (about 3M model calls and 2.9M tool calls); quick: 10K.
const sessions = simulationCase('coding-agent sessions (requests = sessions)', 'scenarios/coding-agent.yaml', quick ? 10_000 : 100_000);
const memory = [1_000_000, 10_000_000, ...(quick ? [] : [100_000_000])].map((n) =>
  simulationCase(`retry-only at ${n.toLocaleString('en-US')} (memory)`, 'bench/scenarios/retry-only.yaml', n, 1),
);

// A sweep of seed-lab: 40 points at 1M requests (quick: 8 points at 200K), --jobs 1 vs --jobs 2.
const dir = mkdtempSync(join(tmpdir(), 'harness-sim-bench-'));
const sweepArgs = (jobs) => [
  'sweep', 'scenarios/seed-lab.yaml',
  '--param', quick ? 'upstream.models.sonnet.errors.rate=0.01..0.08:0.01' : 'upstream.models.sonnet.errors.rate=0.01..0.4:0.01',
  '--requests', quick ? '200K' : '1M', '--jobs', String(jobs), '--format', 'json', '--out', join(dir, `sweep-${jobs}.json`),
];
const sweep1 = timeCommand(sweepArgs(1));
const sweep2 = timeCommand(sweepArgs(2));
rmSync(dir, { recursive: true, force: true });

const help = median([0, 1, 2, 3, 4].map(() => timeCommand(['--help'])));

const floor = rows[0].medianWallS;
const lines = [
  `cores: ${cpus().length}, node ${process.version}, runs per case: ${runs}${quick ? ' (quick)' : ''}`,
  '',
  '| case | requests | median wall s (min-max) | requests/s | events/s | peak RSS MB | x floor |',
  '|---|---|---|---|---|---|---|',
  ...[...rows, ...memory].map(
    (r) =>
      `| ${r.case} | ${r.requests.toLocaleString('en-US')} | ${r.medianWallS.toFixed(2)} (${r.minWallS.toFixed(2)}-${r.maxWallS.toFixed(2)}) | ${Math.round(r.requestsPerSec).toLocaleString('en-US')} | ${Math.round(r.eventsPerSec).toLocaleString('en-US')} | ${r.peakRssMb.toFixed(0)} | ${r.requests === rows[0].requests && !r.case.includes('(memory)') ? (r.medianWallS / floor).toFixed(1) : ''} |`,
  ),
  '',
  '| case | requests (sessions) | median wall s (min-max) | model calls/s | events/s | peak RSS MB |',
  '|---|---|---|---|---|---|',
  ...[rows[1], sessions].map(
    (r) =>
      `| ${r.case} | ${r.requests.toLocaleString('en-US')} | ${r.medianWallS.toFixed(2)} (${r.minWallS.toFixed(2)}-${r.maxWallS.toFixed(2)}) | ${Math.round(r.modelCallsPerSec).toLocaleString('en-US')} | ${Math.round(r.eventsPerSec).toLocaleString('en-US')} | ${r.peakRssMb.toFixed(0)} |`,
  ),
  '',
  `| sweep of seed-lab (${quick ? '8 points x 200K' : '40 points x 1M'}) | --jobs 1: ${sweep1.toFixed(2)} s | --jobs 2: ${sweep2.toFixed(2)} s | ratio ${(sweep2 / sweep1).toFixed(2)} |`,
  `| harness-sim --help | ${(help * 1000).toFixed(0)} ms (median of 5) | | |`,
];
console.log(lines.join('\n'));
writeFileSync(
  'bench/results.json',
  JSON.stringify({ cores: cpus().length, node: process.version, quick, rows, sessions, memory, sweep: { jobs1S: sweep1, jobs2S: sweep2, ratio: sweep2 / sweep1 }, helpMs: help * 1000 }, null, 2) + '\n',
);
