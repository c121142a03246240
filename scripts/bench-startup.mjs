// Start-up of the built CLI: fresh processes, interleaved with node's own start so all see the
// same load; median wall and CPU time (user + system, from bench/cpu-at-exit.mjs).
// Usage: npm run build && node scripts/bench-startup.mjs [--runs 21] [--against DIR]
// --against DIR adds the same commands run by another built checkout (e.g. an older commit
// cloned to DIR and built there), for a before/after under the same conditions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const arg = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const runs = Number(arg('--runs') ?? 21);
const against = arg('--against');
const commands = [
  ['--help', ['--help']],
  ['run retry-only, 1,000 requests', ['run', 'bench/scenarios/retry-only.yaml', '--requests', '1K']],
  ['run seed-lab, 1,000 requests', ['run', 'scenarios/seed-lab.yaml', '--requests', '1K']],
];
// NODE_EXTRA_CA_CERTS makes node parse that certificate bundle at every start (about 50 ms
// here); when it is set, node's own start is also shown without it.
const withoutCerts = { ...process.env };
delete withoutCerts.NODE_EXTRA_CA_CERTS;
const cases = [['node -e 0', ['-e', '0']], ...(process.env.NODE_EXTRA_CA_CERTS ? [['node -e 0, without NODE_EXTRA_CA_CERTS', ['-e', '0'], withoutCerts]] : [])];
for (const [name, args] of commands) {
  if (against) cases.push([`${name} (${against})`, [join(resolve(against), 'dist/cli/main.js'), ...args]]);
  cases.push([name, ['dist/cli/main.js', ...args]]);
}

const dir = mkdtempSync(join(tmpdir(), 'harness-sim-startup-'));
const cpuFile = join(dir, 'cpu');
const wall = cases.map(() => []);
const cpu = cases.map(() => []);
const loadBefore = loadavg()[0];
for (let i = 0; i < runs; i++) {
  cases.forEach(([, args, env = process.env], k) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--import', './bench/cpu-at-exit.mjs', ...args], { stdio: 'ignore', env: { ...env, BENCH_CPU_FILE: cpuFile } });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    wall[k].push(performance.now() - started);
    cpu[k].push(Number(readFileSync(cpuFile, 'utf8')));
  });
}
rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`cores: ${cpus().length}, node ${process.version}, ${runs} runs each, 1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`);
console.log('| command | median wall ms | min wall ms | median CPU ms |');
console.log('|---|---:|---:|---:|');
cases.forEach(([name], k) => console.log(`| ${name} | ${median(wall[k]).toFixed(0)} | ${Math.min(...wall[k]).toFixed(0)} | ${median(cpu[k]).toFixed(0)} |`));
