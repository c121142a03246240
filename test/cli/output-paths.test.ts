import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { INPUT_OPTIONS, OUTPUT_OPTIONS } from '../../src/cli/output-paths.js';
import { buildProgram } from '../../src/cli/program.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const SCENARIO = readFileSync(join(ROOT, 'scenarios/retry-basics.yaml'), 'utf8');
let dir = '';
let scenario = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-output-paths-'));
  scenario = join(dir, 'scenario.yaml');
  writeFileSync(scenario, SCENARIO);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Parses a command line with the real program, options and hooks, but with every action
 * replaced by nothing: what is left is the check that runs before any command. Returns the
 * usage error's message, or undefined when the paths are accepted.
 */
function refusal(...args: string[]): string | undefined {
  const program = buildProgram();
  for (const command of program.commands) command.action(() => undefined);
  try {
    program.parse(['node', 'harness-sim', ...args]);
    return undefined;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

describe('output paths are checked before any command runs', () => {
  it('refuses to write over the scenario, however its path is spelled (relative, symlink, hard link)', () => {
    const link = join(dir, 'link.yaml');
    const hard = join(dir, 'hard.yaml');
    symlinkSync(scenario, link);
    linkSync(scenario, hard);
    expect(refusal('run', scenario, '--out', scenario)).toBe(`--out ${JSON.stringify(scenario)}: is an input of this command; it would be overwritten`);
    expect(refusal('run', scenario, '--report', `${dir}/./scenario.yaml`)).toMatch(/^--report ".*": is an input of this command \(.*scenario\.yaml\); it would be overwritten$/);
    expect(refusal('run', scenario, '--junit', link)).toMatch(/^--junit ".*link\.yaml": is an input of this command/);
    expect(refusal('run', scenario, '--out', hard)).toMatch(/^--out ".*hard\.yaml": is an input of this command/);
    expect(refusal('compare', join(ROOT, 'scenarios/seed-lab.yaml'), scenario, '--out', scenario)).toMatch(/^--out .*: is an input/);
    expect(refusal('sweep', scenario, '--param', 'seed=1,2', '--junit', scenario)).toMatch(/^--junit .*: is an input/);
    expect(readFileSync(scenario, 'utf8')).toBe(SCENARIO);
  });

  it('refuses every base the scenario extends, down the chain', () => {
    const base = join(dir, 'base.yaml');
    const middle = join(dir, 'middle.yaml');
    const child = join(dir, 'child.yaml');
    writeFileSync(base, SCENARIO);
    writeFileSync(middle, 'extends: ./base.yaml\nseed: 7\n');
    writeFileSync(child, 'extends: middle.yaml\nname: child\n');
    expect(refusal('run', child, '--out', base)).toBe(`--out ${JSON.stringify(base)}: is an input of this command; it would be overwritten`);
    expect(refusal('run', child, '--report', middle)).toMatch(/^--report .*: is an input/);
    expect(refusal('run', child, '--out', join(dir, 'other.json'))).toBeUndefined();
  });

  it('refuses a merge part as the merged output', () => {
    const part = join(dir, 'part.json');
    writeFileSync(part, '{}');
    expect(refusal('merge', part, '--out', part)).toMatch(/^--out .*part\.json": is an input of this command/);
  });

  it('refuses one path given to two outputs, stdout included', () => {
    const out = join(dir, 'twice.json');
    expect(refusal('run', scenario, '--out', out, '--report', out)).toBe(`--report ${JSON.stringify(out)}: is also --out's file; give each output its own file`);
    writeFileSync(out, 'old');
    expect(refusal('run', scenario, '--out', out, '--junit', `${dir}/./twice.json`)).toMatch(/^--junit .*: is also --out's file/);
    // Without --out the report is on stdout, so --report - would interleave with it.
    expect(refusal('run', scenario, '--report', '-')).toBe('--report "-": is also the report on stdout; give each output its own file');
    expect(refusal('run', scenario, '--out', '-', '--junit', '-')).toBe('--junit "-": is also --out\'s file; give each output its own file');
    expect(refusal('run', scenario, '--out', out, '--report', '-')).toBeUndefined();
  });

  it('writes through devices: /dev/null twice is fine, a new name in /dev is refused', () => {
    expect(refusal('run', scenario, '--out', '/dev/null', '--junit', '/dev/null', '--report', '/dev/null')).toBeUndefined();
    expect(refusal('run', scenario, '--out', '/dev/harness-sim-report')).toBe(
      '--out "/dev/harness-sim-report": /dev and /proc hold devices, not reports; name an existing one (/dev/null) or a file elsewhere',
    );
  });

  it('refuses an empty path, a directory, a missing directory and a parent that is a file', () => {
    expect(refusal('run', scenario, '--out', '')).toBe('--out "": expected a file path (or - for stdout), got an empty string');
    expect(refusal('run', scenario, '--report', dir)).toBe(`--report ${JSON.stringify(dir)}: is a directory; expected a file path`);
    expect(refusal('run', scenario, '--junit', join(dir, 'missing', 'j.xml'))).toBe(`--junit ${JSON.stringify(join(dir, 'missing', 'j.xml'))}: its directory ${join(dir, 'missing')} does not exist`);
    expect(refusal('run', scenario, '--out', join(scenario, 'x.json'))).toBe(`--out ${JSON.stringify(join(scenario, 'x.json'))}: ${scenario} is not a directory`);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a directory it cannot write to, and a read-only file', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    const readOnly = join(dir, 'read-only.json');
    writeFileSync(readOnly, 'keep');
    chmodSync(readOnly, 0o444);
    chmodSync(locked, 0o555);
    try {
      expect(refusal('run', scenario, '--out', join(locked, 'r.json'))).toMatch(/: cannot create files in .*locked \(permission denied\)$/);
      expect(refusal('run', scenario, '--out', readOnly)).toMatch(/: the file is not writable \(permission denied\)$/);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('checks init\'s file argument like any output', () => {
    expect(refusal('init', dir)).toBe(`file ${JSON.stringify(dir)}: is a directory; expected a file path`);
    expect(refusal('init', join(dir, 'no', 'such', 's.yaml'))).toMatch(/^file ".*": its directory .* does not exist$/);
    expect(refusal('init', '')).toMatch(/^file "": expected a file path/);
  });

  it('knows every file option of every command as an output or an input, so a new one cannot skip the check', () => {
    const unknown: string[] = [];
    for (const command of buildProgram().commands) {
      for (const option of command.options) {
        if (!/<(file|path|dir)[^>]*>/i.test(option.flags)) continue;
        if (!OUTPUT_OPTIONS.includes(option.long!) && !INPUT_OPTIONS.includes(option.long!)) unknown.push(`${command.name()} ${option.flags}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('refuses before running: the CLI exits 2 with one line, and the scenario is unchanged', () => {
    const { GITHUB_ACTIONS: _a, GITHUB_STEP_SUMMARY: _s, ...env } = process.env;
    const result = spawnSync(process.execPath, [CLI, 'run', scenario, '--requests', '10M', '--out', scenario], { cwd: dir, encoding: 'utf8', env });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`harness-sim: --out ${JSON.stringify(scenario)}: is an input of this command; it would be overwritten\n`);
    expect(readFileSync(scenario, 'utf8')).toBe(SCENARIO);
  });
});
