// Fitting in flat memory: generates call logs of growing size (100 MB and 1 GB of JSONL by
// default) and runs `harness-sim fit` on each in a fresh process, reporting wall time and peak
// RSS. Flat memory means the 1 GB file peaks at about the same RSS as the 100 MB one.
// Usage: npm run bench:fit [-- --sizes 100,1000]   (sizes in MB; the 1 GB case takes a minute or two)
// Not part of CI: it writes gigabytes to the temporary directory (removed afterwards).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sizesArg = process.argv.indexOf('--sizes');
const sizesMb = sizesArg > 0 ? process.argv[sizesArg + 1].split(',').map(Number) : [100, 1000];
const dir = mkdtempSync(join(tmpdir(), 'harness-sim-fit-bench-'));

/** A deterministic stream of call-log lines (xorshift), as `run --calls-out` writes them. */
function writeLog(file, bytes) {
  const fd = openSync(file, 'w');
  let state = 0x9e3779b9;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const models = ['claude-sonnet-4', 'claude-haiku-4', 'gpt-4.1'];
  let written = 0;
  let t = 0;
  let request = 0;
  while (written < bytes) {
    const lines = [];
    for (let i = 0; i < 10_000; i++) {
      t += -Math.log(1 - rand()) * 20;
      const failed = rand() < 0.04;
      const line = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': models[request % 3],
        start_time: new Date(Date.UTC(2026, 10, 1) + t).toISOString(),
        duration_ms: failed ? 50 : Math.round(800 * Math.exp(0.7 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()))),
        ...(failed ? { 'error.type': rand() < 0.6 ? '429' : '529' } : { 'gen_ai.usage.input_tokens': 1000 + Math.floor(rand() * 5000), 'gen_ai.usage.output_tokens': 100 + Math.floor(rand() * 900) }),
        'harness_sim.tenant': `tenant-${request % 7}`,
        'harness_sim.request_id': request++,
        'harness_sim.cause': 'first',
      };
      lines.push(JSON.stringify(line));
    }
    const chunk = `${lines.join('\n')}\n`;
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
  return request;
}

const rows = [];
try {
  for (const mb of sizesMb) {
    const file = join(dir, `calls-${mb}mb.jsonl`);
    const records = writeLog(file, mb * 1e6);
    // GNU time's %M is the peak resident set in KB; %e the elapsed seconds.
    const run = spawnSync('/usr/bin/time', ['-f', 'BENCH %M %e', process.execPath, 'dist/cli/main.js', 'fit', file, '--out', '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (run.status !== 0) throw new Error(`fit failed on ${file}: ${run.stderr}`);
    const [, kb, seconds] = run.stderr.trim().split('\n').pop().split(' ');
    rows.push({ sizeMb: Math.round(statSync(file).size / 1e6), records, peakRssMb: Math.round(Number(kb) / 1024), wallS: Number(seconds) });
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('| file | records | peak RSS | wall |');
console.log('|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.sizeMb} MB | ${r.records.toLocaleString('en-US')} | ${r.peakRssMb} MB | ${r.wallS} s |`);
