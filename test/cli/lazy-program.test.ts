import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_LOADERS, programFor } from '../../src/cli/lazy-program.js';
import { buildProgram } from '../../src/cli/program.js';

describe('the CLI loads only the command it runs', () => {
  it('has a loader for every command of the full program, and no other', () => {
    expect(Object.keys(COMMAND_LOADERS)).toEqual(buildProgram().commands.map((c) => c.name()));
  });

  it('builds, for each command, the same command as the full program (same help)', async () => {
    const full = buildProgram();
    for (const name of Object.keys(COMMAND_LOADERS)) {
      const program = await programFor([name, 'x.yaml', '--format', 'json']);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
      expect(program.commands[0]!.helpInformation()).toBe(full.commands.find((c) => c.name() === name)!.helpInformation());
    }
  });

  it('finds the command after the root options and gives help, unknown names and no name the full program', async () => {
    expect((await programFor(['--debug', 'sweep', 'a.yaml'])).commands.map((c) => c.name())).toEqual(['sweep']);
    for (const args of [[], ['help', 'run'], ['rnu'], ['--version'], ['constructor'], ['toString']]) {
      expect((await programFor(args)).commands).toHaveLength(Object.keys(COMMAND_LOADERS).length);
    }
  });
});

describe('the built CLI (npm run build: tsc, then scripts/bundle.mjs)', () => {
  it('is the loader of the bundle: dist/cli/main.js runs chunks/cli.cjs, not the compiled modules', () => {
    const main = readFileSync('dist/cli/main.js', 'utf8');
    expect(main.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(main).toContain("'./chunks/cli.cjs'");
    expect(main).not.toContain("'./unbundled.js'");
  });

  it('runs a scenario to the same JSON as the unbundled modules (dist/cli/unbundled.js)', () => {
    const args = ['run', 'scenarios/seed-lab.yaml', '--requests', '3K', '--format', 'json'];
    const bundled = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
    const modules = spawnSync(process.execPath, ['dist/cli/unbundled.js', ...args], { encoding: 'utf8' });
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toBe(modules.stdout);
    expect(JSON.parse(bundled.stdout).requests).toBe(3000);
  });

  it('prints the same root help as the unbundled modules, from its own small bundle', () => {
    const bundled = spawnSync(process.execPath, ['dist/cli/main.js', '--help'], { encoding: 'utf8' });
    expect(bundled.stdout).toBe(spawnSync(process.execPath, ['dist/cli/unbundled.js', '--help'], { encoding: 'utf8' }).stdout);
    expect(bundled.stdout).toContain('Usage: harness-sim');
  });

  it('has a code cache that V8 accepts in a fresh process started as the executable is (no flags)', () => {
    const probe = `import('./dist/cli/boot.js').then((m) => console.log(m.loadBundle(new URL('./dist/cli/chunks/cli.cjs', 'file://' + process.cwd() + '/')).cacheRejected))`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('false');
  });

  it('runs the same with a cache V8 refuses (another Node, a damaged file): it compiles as usual', () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-sim-cache-'));
    try {
      cpSync('dist/cli', join(dir, 'cli'), { recursive: true });
      writeFileSync(join(dir, 'cli/chunks/cli.cjs.cache'), Buffer.alloc(4096, 7));
      const args = ['run', 'scenarios/retry-basics.yaml', '--requests', '1K', '--format', 'json'];
      const damaged = spawnSync(process.execPath, [join(dir, 'cli/main.js'), ...args], { encoding: 'utf8' });
      expect(damaged.stderr).toBe('');
      expect(damaged.stdout).toBe(spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' }).stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
