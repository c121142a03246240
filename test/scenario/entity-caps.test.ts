import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { MAX_MODELS, MAX_TENANTS } from '../../src/scenario/schema.js';

function tenants(n: number): string {
  const list = Array.from({ length: n }, (_, i) => `t${i}: ${1 / n}`).join(', ');
  return `name: caps\nupstream:\n  models:\n    m: {}\nworkload:\n  tenants: { ${list} }\n`;
}

function models(n: number): string {
  return `name: caps\nupstream:\n  models:\n${Array.from({ length: n }, (_, i) => `    m${i}: {}`).join('\n')}\n`;
}

function messages(text: string): string[] {
  try {
    parseScenarioText(text, 'x.yaml');
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split('\n');
    throw error;
  }
}

describe('caps on named entities', () => {
  it(`accepts ${MAX_TENANTS} tenants and ${MAX_MODELS} models`, () => {
    expect(messages(tenants(MAX_TENANTS))).toEqual([]);
    expect(messages(models(MAX_MODELS))).toEqual([]);
  });

  it('refuses one tenant more, at the tenants mapping', () => {
    expect(messages(tenants(MAX_TENANTS + 1))).toEqual([`x.yaml:6:12 workload.tenants: expected at most ${MAX_TENANTS} tenants, got ${MAX_TENANTS + 1}`]);
  });

  it('refuses one model more, at the models mapping', () => {
    expect(messages(models(MAX_MODELS + 1))).toEqual([`x.yaml:4:5 upstream.models: expected at most ${MAX_MODELS} models, got ${MAX_MODELS + 1}`]);
  });

  it('refuses 31 tools', () => {
    const tools = Array.from({ length: 31 }, (_, i) => `k${i}: 0.1`).join(', ');
    expect(messages(`name: caps\nupstream:\n  models:\n    m: {}\nworkload:\n  tools: { ${tools} }\n`)).toEqual([expect.stringMatching(/^x\.yaml:6:10 workload\.tools: expected at most 30 tools/)]);
  });

  it('ends `run` with exit 2 and one line, before simulating anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-sim-caps-'));
    try {
      const file = join(dir, 'many.yaml');
      writeFileSync(file, tenants(5000));
      const cli = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/main.js');
      const result = spawnSync(process.execPath, [cli, 'run', file, '--requests', '1K'], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`${file}:6:12 workload.tenants: expected at most ${MAX_TENANTS} tenants, got 5000\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
