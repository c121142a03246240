// Benchmark: each case in a fresh process, several times; prints a table and writes bench/results.json.
// Usage: npm run bench [-- --quick]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;
const scale = quick ? 1_000_000 : 10_000_000;
const cases = [
  { name: 'floor (variates + histogram only)', target: 'floor', requests: scale },
  { name: 'retry-only', target: 'bench/scenarios/retry-only.yaml', requests: scale },
  { name: 'seed-lab, all layers', target: 'scenarios/seed-lab.yaml', requests: scale },
];
if (!quick) cases.push({ name: 'retry-only, 1M (flat-memory check)', target: 'bench/scenarios/retry-only.yaml', requests: 1_000_000 });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const c of cases) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['bench/case.mjs', c.target, String(c.requests)], { encoding: 'utf8' });
    samples.push(JSON.parse(out.trim().split('\n').pop()));
  }
  const walls = samples.map((s) => s.wallMs);
  rows.push({
    case: c.name,
    requests: c.requests,
    medianWallS: median(walls) / 1000,
    minWallS: Math.min(...walls) / 1000,
    maxWallS: Math.max(...walls) / 1000,
    requestsPerSec: c.requests / (median(walls) / 1000),
    eventsPerSec: samples[0].events / (median(walls) / 1000),
    peakRssMb: Math.max(...samples.map((s) => s.maxRssMb)),
  });
}
const helpTimes = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  execFileSync(process.execPath, ['dist/cli/main.js', '--help'], { encoding: 'utf8' });
  helpTimes.push(performance.now() - t);
}
const floor = rows[0].medianWallS;
console.log(`cores: ${cpus().length}, node ${process.version}, runs per case: ${runs}`);
console.log('| case | requests | median wall s (min-max) | requests/s | events/s | peak RSS MB | x floor |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.case} | ${r.requests.toLocaleString('en-US')} | ${r.medianWallS.toFixed(2)} (${r.minWallS.toFixed(2)}-${r.maxWallS.toFixed(2)}) | ${Math.round(r.requestsPerSec).toLocaleString('en-US')} | ${Math.round(r.eventsPerSec).toLocaleString('en-US')} | ${r.peakRssMb.toFixed(0)} | ${(r.medianWallS / floor).toFixed(1)} |`,
  );
}
console.log(`| harness-sim --help | | ${(median(helpTimes) / 1000).toFixed(3)} | | | | |`);
writeFileSync('bench/results.json', JSON.stringify({ date: new Date().toISOString(), cores: cpus().length, node: process.version, quick, rows, helpMs: median(helpTimes) }, null, 2) + '\n');
