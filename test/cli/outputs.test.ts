import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abandonOutputs, beginOutputs, commitOutputs, OutputExistsError, writeFileAtomic } from '../../src/cli/output.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const PRELOAD = join(ROOT, 'test/fixtures/preload/failing-writes.cjs');
const SCENARIO = join(ROOT, 'scenarios/retry-basics.yaml');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-outputs-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Temporary files of the atomic writer anywhere in `folder`. */
const temporaries = (folder: string) => readdirSync(folder).filter((name) => name.includes('.tmp-'));

/** Runs the CLI with the failing-writes preload configured by `env`. */
function cli(args: string[], env: Record<string, string> = {}) {
  const { GITHUB_ACTIONS: _a, GITHUB_STEP_SUMMARY: _s, ...base } = process.env;
  const result = spawnSync(process.execPath, ['--require', PRELOAD, CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...base, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('writeFileAtomic', () => {
  // The writer handles SIGINT/SIGTERM from its first write on; keep that out of the test worker.
  const signals = ['SIGINT', 'SIGTERM', 'exit'] as const;
  let before: Map<string, Function[]>;
  beforeEach(() => {
    before = new Map(signals.map((s) => [s, process.listeners(s as NodeJS.Signals)]));
  });
  afterEach(() => {
    for (const s of signals) for (const l of process.listeners(s as NodeJS.Signals)) if (!before.get(s)!.includes(l)) process.off(s, l as () => void);
  });

  it('replaces a regular file whole, keeps its mode, and leaves no temporary file', () => {
    const file = join(dir, 'mode.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o640);
    writeFileAtomic(file, 'new content\n');
    expect(readFileSync(file, 'utf8')).toBe('new content\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(temporaries(dir)).toEqual([]);
  });

  it('follows a symlink: the link stays, its target is replaced (created when dangling)', () => {
    const target = join(dir, 'target.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync('target.json', link);
    writeFileAtomic(link, 'through the link');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('target.json');
    expect(readFileSync(target, 'utf8')).toBe('through the link');
    const dangling = join(dir, 'dangling.json');
    symlinkSync('created.json', dangling);
    writeFileAtomic(dangling, 'created');
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'created.json'), 'utf8')).toBe('created');
  });

  it('writes through /dev/null and leaves it a character device (even as root)', () => {
    writeFileAtomic('/dev/null', 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('writes through a FIFO to its reader and leaves it a FIFO', async () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (chunk) => (received += chunk));
    const done = new Promise((resolve) => reader.on('close', resolve));
    writeFileAtomic(fifo, 'down the pipe\n');
    await done;
    expect(received).toBe('down the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('names the user\'s path when the device is full', () => {
    expect(() => writeFileAtomic('/dev/full', 'x')).toThrow(/^cannot write \/dev\/full: no space left on the device$/);
  });

  it('stages files while a command runs: abandoned, every existing file stays as it was', () => {
    const a = join(dir, 'staged-a.json');
    const b = join(dir, 'staged-b.json');
    writeFileSync(a, 'old a');
    beginOutputs();
    writeFileAtomic(a, 'new a');
    writeFileAtomic(b, 'new b');
    expect(readFileSync(a, 'utf8')).toBe('old a');
    expect(existsSync(b)).toBe(false);
    abandonOutputs();
    expect(readFileSync(a, 'utf8')).toBe('old a');
    expect(existsSync(b)).toBe(false);
    expect(temporaries(dir)).toEqual([]);
    beginOutputs();
    writeFileAtomic(a, 'new a');
    writeFileAtomic(b, 'new b');
    commitOutputs();
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['new a', 'new b']);
    expect(temporaries(dir)).toEqual([]);
  });

  it('refuses an existing file when asked not to overwrite, with the caller\'s hint', () => {
    const file = join(dir, 'exists.yaml');
    writeFileSync(file, 'mine');
    expect(() => writeFileAtomic(file, 'theirs', { overwrite: false, ifExists: 'pass --force to overwrite it' })).toThrow(OutputExistsError);
    expect(() => writeFileAtomic(file, 'theirs', { overwrite: false, ifExists: 'pass --force' })).toThrow(`${file} already exists; pass --force`);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });
});

describe('the CLI never destroys an output', () => {
  it('SIGTERM between a temporary file and its rename: exit 2 naming the user\'s paths, every file whole, no temporary file', () => {
    const out = join(dir, 'signal.json');
    const junit = join(dir, 'signal.xml');
    const { status, stderr } = cli(['run', SCENARIO, '--requests', '1K', '--format', 'json', '--out', out, '--junit', junit], { HARNESS_TEST_SIGNAL_AT_RENAME: 'SIGTERM' });
    expect(status).toBe(2);
    expect(stderr).toBe(`harness-sim: interrupted by SIGTERM; complete: ${out}, ${junit}\n`);
    expect(stderr).not.toContain('.tmp-');
    expect(JSON.parse(readFileSync(out, 'utf8')).requests).toBe(1000);
    expect(readFileSync(junit, 'utf8')).toMatch(/<\/testsuites>\n?$/);
    expect(temporaries(dir)).toEqual([]);
  });

  it('a disk that fills on the second file: exit 2 naming it, and the first file is left as it was', () => {
    const out = join(dir, 'late.json');
    const report = join(dir, 'late.html');
    writeFileSync(out, 'previous report');
    writeFileSync(report, 'previous html');
    const { status, stdout, stderr } = cli(['run', SCENARIO, '--requests', '1K', '--format', 'json', '--out', out, '--report', report], { HARNESS_TEST_ENOSPC_AT_WRITE: '2' });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`harness-sim: cannot write ${report}: no space left on the device\n`);
    expect(readFileSync(out, 'utf8')).toBe('previous report');
    expect(readFileSync(report, 'utf8')).toBe('previous html');
    expect(temporaries(dir)).toEqual([]);
  });

  it('a reader that has gone (EPIPE): exit 0 and nothing on stderr, even when an SLO is breached', async () => {
    const child = spawn(process.execPath, [CLI, 'run', SCENARIO, '--requests', '1K', '--assert', 'visibleFailureRate < 0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the first write: the write meets EPIPE
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('piped into head -1: exit 0 and nothing on stderr', () => {
    const result = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" schema | head -1`], { encoding: 'utf8' });
    expect(result.stdout).toBe('{\n');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
