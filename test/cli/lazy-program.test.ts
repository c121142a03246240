import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  it('is the bundle: dist/cli/main.js imports its chunks, not the compiled modules', () => {
    const main = readFileSync('dist/cli/main.js', 'utf8');
    expect(main.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(main).toContain('./chunks/');
    expect(main).not.toContain("'./cli.js'");
  });

  it('runs a scenario to the same JSON as the unbundled modules (dist/cli/cli.js)', () => {
    const args = ['run', 'scenarios/seed-lab.yaml', '--requests', '3K', '--format', 'json'];
    const bundled = spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
    const modules = spawnSync(process.execPath, ['dist/cli/cli.js', ...args], { encoding: 'utf8' });
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toBe(modules.stdout);
    expect(JSON.parse(bundled.stdout).requests).toBe(3000);
  });
});
