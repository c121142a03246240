import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

/** A fake terminal (or pipe) and a clock the test moves by hand. */
function fake(isTTY: boolean) {
  const written: string[] = [];
  let time = 0;
  return { stream: { isTTY, write: (text: string) => written.push(text) }, written, now: () => time, advance: (ms: number) => (time += ms) };
}

describe('progressLine', () => {
  it('draws nothing at all when the stream is not a terminal', () => {
    const f = fake(false);
    const line = progressLine(f.stream, 'run', { now: f.now });
    f.advance(5000);
    line.update(0.5);
    line.clear();
    expect(f.written).toEqual([]);
  });

  it('stays quiet for the delay, then redraws in place with the share, elapsed time and ETA', () => {
    const f = fake(true);
    const line = progressLine(f.stream, 'run', { delayMs: 1000, now: f.now });
    f.advance(500);
    line.update(0.1);
    expect(f.written).toEqual([]);
    f.advance(1500); // 2 s elapsed at 25%: 6 s to go
    line.update(0.25);
    expect(f.written).toEqual(['\r\x1b[Krun: 25%  2.00 s elapsed, ETA 6.00 s']);
    line.clear();
    expect(f.written[1]).toBe('\r\x1b[K');
  });

  it('redraws at most ten times a second, and names what it counts when told', () => {
    const f = fake(true);
    const line = progressLine(f.stream, 'sweep', { now: f.now });
    for (let i = 1; i <= 100; i++) {
      f.advance(10);
      line.update(i / 200, `${i}/200 points`);
    }
    // One second of updates every 10 ms: about ten drawn, not a hundred.
    expect(f.written.length).toBeGreaterThanOrEqual(9);
    expect(f.written.length).toBeLessThanOrEqual(11);
    expect(f.written.at(-1)).toMatch(/^\r\x1b\[Ksweep: \d+\/200 points {2}\d+ ms elapsed, ETA /);
  });

  it('writes long ETAs in hours and minutes', () => {
    const f = fake(true);
    const line = progressLine(f.stream, 'run', { now: f.now });
    f.advance(60_000);
    line.update(0.01);
    expect(f.written[0]).toBe('\r\x1b[Krun: 1%  1 min elapsed, ETA 1 h 39 min');
  });
});

/** `script` runs a command on a pseudo-terminal, as a person at a terminal would. */
const HAS_SCRIPT = existsSync('/usr/bin/script');

describe.skipIf(!HAS_SCRIPT)('progress of run and compare on a terminal', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'harness-sim-progress-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI with stderr on a terminal and stdout to a file; returns the terminal's text and the file's. */
  function onTerminal(args: string[]): { terminal: string; stdout: string } {
    const out = join(dir, 'stdout');
    const command = `${process.execPath} ${CLI} ${args.join(' ')} > ${out}`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    return { terminal: result.stdout, stdout: readFileSync(out, 'utf8') };
  }

  // 1M requests take several seconds, past the one-second delay, even on a fast machine.
  for (const [label, args] of [
    ['run', ['run', 'scenarios/seed-lab.yaml', '--requests', '1M', '--format', 'json']],
    ['compare', ['compare', 'scenarios/seed-lab.yaml', '--layers', 'none,all', '--requests', '500K', '--format', 'json']],
  ] as const) {
    it(`${label}: shows a progress line with an ETA on the terminal, erases it, and leaves the JSON exactly as without a terminal`, () => {
      const { terminal, stdout } = onTerminal([...args]);
      expect(terminal).toMatch(new RegExp(`\\r\\x1b\\[K${label}: \\d+%  [\\d.]+ s elapsed, ETA `));
      expect(terminal.endsWith('\r\x1b[K')).toBe(true);
      const plain = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
      expect(plain.stderr).toBe('');
      expect(stdout).toBe(plain.stdout);
    }, 180_000);
  }
});
