import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledScenarios, resolveScenarioArgument } from '../../src/cli/bundled.js';

/**
 * Installed like any npm CLI: the package builds itself when installed from git or a clone
 * (`prepare`), ships dist/, the bundled scenarios and the schema, and runs a bundled
 * scenario by name from any directory.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let elsewhere = '';

beforeAll(() => {
  elsewhere = mkdtempSync(join(tmpdir(), 'harness-sim-install-'));
});

afterAll(() => {
  if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });
});

/** Runs the built CLI in `cwd`. */
function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the package', { timeout: 600_000 }, () => {
  it('builds dist/ on install from git or a clone, and packs dist/, scenarios/ and schema/ but no tests', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[]; bin: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(pkg.bin['harness-sim']).toBe('dist/cli/main.js');
    // --ignore-scripts: list what would be packed without building again.
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status).toBe(0);
    const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/cli/main.js', 'dist/runtime/index.js', 'scenarios/seed-lab.yaml', 'schema/scenario.schema.json', 'package.json', 'README.md']));
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });
});

describe('bundled scenarios by name', { timeout: 600_000 }, () => {
  it('lists every bundled file once, with the first sentence of its comment', () => {
    const names = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
    expect(bundledScenarios().map((s) => s.name)).toEqual(names);
    for (const s of bundledScenarios()) expect(s.summary.length, s.name).toBeGreaterThan(10);
    const { status, stdout } = cli(elsewhere, 'scenarios');
    expect(status).toBe(0);
    const lines = stdout.split('\n');
    // Sorted by name: coding-agent comes first.
    expect(lines[0]).toMatch(/^coding-agent +A coding agent, calibrated/);
    expect(lines.filter((l) => /^fleet +Many harness instances/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /^seed-lab +The seed's lab: 10M requests a month/.test(l))).toHaveLength(1);
  });

  it('runs a bundled scenario by name (with or without .yaml) from another directory', () => {
    const byName = cli(elsewhere, 'run', 'retry-basics', '--requests', '2K', '--format', 'json');
    expect(byName.stderr).toBe('');
    expect(byName.status).toBe(0);
    expect(JSON.parse(byName.stdout).scenario).toBe('retry-basics');
    expect(cli(elsewhere, 'run', 'retry-basics.yaml', '--requests', '2K', '--format', 'json').stdout).toBe(byName.stdout);
  });

  it('prefers a file of that name in the current directory, and leaves paths alone', () => {
    copyFileSync(join(ROOT, 'scenarios/incident-70.yaml'), join(elsewhere, 'retry-basics'));
    expect(resolveScenarioArgument('retry-basics')).toBe(join(ROOT, 'scenarios/retry-basics.yaml'));
    expect(JSON.parse(cli(elsewhere, 'run', 'retry-basics', '--requests', '1K', '--format', 'json').stdout).scenario).toBe('incident-70');
    expect(resolveScenarioArgument('./scenarios/seed-lab.yaml')).toBe('./scenarios/seed-lab.yaml');
  });

  it('refuses a name that is neither a file nor bundled in one line, with the closest name', () => {
    const { status, stdout, stderr } = cli(elsewhere, 'run', 'seed-labb');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('harness-sim: seed-labb: no such file, nor a bundled scenario of that name (did you mean seed-lab?); harness-sim scenarios lists them\n');
  });
});
