import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-scenario-cli-'));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the built CLI; the timeout turns a hang into a failed test (status null). */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

function tmp(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('harness-sim validate', () => {
  it('prints ok for each valid file and exits 0', () => {
    const { status, stdout, stderr } = cli('validate', 'scenarios/seed-lab.yaml', 'scenarios/retry-basics.yaml');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toBe('ok scenarios/seed-lab.yaml\nok scenarios/retry-basics.yaml\n');
  });

  it('prints every problem of every invalid file, still checks the rest, and exits 2', () => {
    const bad = tmp('two-problems.yaml', 'upstream:\n  models:\n    sonnet: {}\nlayers:\n  retry: { maxAttempts: 0, jitter: fulll }\n');
    const { status, stdout, stderr } = cli('validate', bad, 'scenarios/seed-lab.yaml', 'test/fixtures/unknown-key.yaml');
    expect(status).toBe(2);
    expect(stdout).toBe('ok scenarios/seed-lab.yaml\n');
    expect(lines(stderr)).toEqual([
      `${bad}:5:25 layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0`,
      `${bad}:5:36 layers.retry.jitter: expected one of "none", "full", "equal", "decorrelated", got "fulll"; did you mean "full"?`,
      'test/fixtures/unknown-key.yaml:7:5 layers.retry.maxAtempts: unknown key; did you mean "maxAttempts"?',
    ]);
  });

  it('checks --set overrides too', () => {
    const { status, stderr } = cli('validate', 'scenarios/seed-lab.yaml', '--set', 'layers.retry.maxAttempts=101');
    expect(status).toBe(2);
    expect(lines(stderr)).toEqual(['--set layers.retry.maxAttempts: expected a whole number from 1 to 100, got 101']);
  });
});

describe('harness-sim explain', () => {
  it('prints YAML with defaults and human units, then the layer order', () => {
    const { status, stdout, stderr } = cli('explain', 'scenarios/retry-basics.yaml', '--set', 'layers.retry.maxAttempts=4');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const shown = parse(stdout);
    expect(shown.layers.retry).toMatchObject({ maxAttempts: 4, baseDelay: '250ms', maxDelay: '4s' });
    expect(shown.upstream.models.sonnet.errors.rate).toBe('4%');
    expect(stdout).toMatch(/^# \[x\]   retry$/m);
    expect(stdout).toMatch(/^# \[ \]   breaker$/m);
  });

  it('writes a file that validates back', () => {
    const explained = tmp('explained.yaml', cli('explain', 'scenarios/seed-lab.yaml').stdout);
    expect(cli('validate', explained)).toMatchObject({ status: 0, stdout: `ok ${explained}\n` });
  });
});

describe('harness-sim init', () => {
  it.each(['minimal', 'seed-lab'])('writes the %s template, which validates', (template) => {
    const file = join(dir, `init-${template}.yaml`);
    const { status, stdout } = cli('init', file, '--template', template);
    expect(status).toBe(0);
    expect(stdout).toBe(`wrote ${file} (template ${template}); next: harness-sim validate ${file}\n`);
    expect(cli('validate', file).status).toBe(0);
    if (template === 'seed-lab') expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(ROOT, 'scenarios/seed-lab.yaml'), 'utf8'));
    else expect(readFileSync(file, 'utf8')).toMatch(/^# /);
  });

  it('writes scenario.yaml by default', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const result = spawnSync(process.execPath, [CLI, 'init'], { cwd, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(0);
    expect(existsSync(join(cwd, 'scenario.yaml'))).toBe(true);
  });

  it('refuses to overwrite an existing file unless --force', () => {
    const file = tmp('existing.yaml', 'keep me\n');
    const refused = cli('init', file);
    expect(refused.status).toBe(2);
    expect(lines(refused.stderr)).toEqual([`harness-sim: ${file} already exists; pass --force to overwrite it`]);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(cli('init', file, '--force').status).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# A harness-sim scenario/);
  });

  it('refuses an unknown template', () => {
    const { status, stderr } = cli('init', join(dir, 'never.yaml'), '--template', 'huge');
    expect(status).toBe(2);
    expect(lines(stderr)).toEqual(['harness-sim: --template: expected one of minimal, seed-lab, got "huge"']);
    expect(existsSync(join(dir, 'never.yaml'))).toBe(false);
  });
});

describe('harness-sim schema', () => {
  it('prints the committed JSON Schema', () => {
    const { status, stdout } = cli('schema');
    expect(status).toBe(0);
    expect(stdout).toBe(readFileSync(join(ROOT, 'schema/scenario.schema.json'), 'utf8'));
  });
});

describe('harness-sim run --set', () => {
  it('runs with the overrides applied', () => {
    const args = ['run', 'scenarios/retry-basics.yaml', '--requests', '5K', '--format', 'json'];
    const off = JSON.parse(cli(...args, '--set', 'layers.retry.enabled=false').stdout);
    const on = JSON.parse(cli(...args, '--set', 'layers.retry.maxAttempts=5', '--set', 'layers.retry.retryOn=[429,503]').stdout);
    // Without retries every call is one upstream call; with them, more.
    expect(off.metrics.loadMultiplier).toBe(1);
    expect(on.metrics.loadMultiplier).toBeGreaterThan(1);
  });

  it('reports a bad override without a file line and exits 2', () => {
    const { status, stdout, stderr } = cli('run', 'scenarios/seed-lab.yaml', '--set', 'layers.retry.maxAttempts=0');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual(['--set layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0']);
  });
});

describe('hostile files through the CLI', () => {
  const BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
  const cases: [string, () => string, RegExp][] = [
    ['an empty file', () => tmp('empty.yaml', ''), /the file is empty/],
    ['a YAML bomb', () => tmp('bomb.yaml', BOMB), /expected at most 100 alias expansions/],
    [
      'a 50 MB file',
      () => {
        const file = tmp('huge.yaml', '');
        truncateSync(file, 50 * 1024 * 1024); // sparse: 50 MB by size without writing them
        return file;
      },
      /expected a scenario under 1048576 bytes, got a file of 52428800 bytes/,
    ],
    ['binary garbage', () => tmp('garbage.bin', '\u0000\u0001\u00ff\u00fe garbage'), /got binary content/],
    ['tabs for indentation', () => tmp('tabs.yaml', 'upstream:\n\tmodels: {}\n'), /expected spaces for indentation, got a tab/],
    ['brackets nested 10,000 deep', () => tmp('deep.yaml', `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`), /expected brackets nested at most 64 deep/],
  ];

  it.each(cases)('exits 2 on %s with a clear message and no stack trace', (_what, make, message) => {
    const file = make();
    const { status, stdout, stderr } = cli('validate', file);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual([expect.stringMatching(message)]);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
