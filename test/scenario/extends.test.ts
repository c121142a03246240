import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioFile } from '../../src/scenario/load.js';

let dir = '';
/** Writes `name` under the test directory and returns its path. */
function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function problems(file: string): string[] {
  try {
    loadScenarioFile(file);
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}

const BASE = `name: base
seed: 7
upstream:
  models:
    haiku: { errors: { rate: 4% } }
    sonnet: { errors: { rate: 2% } }
layers:
  retry:
    maxAttempts: 3
    baseDelay: 250ms
    retryOn: ["429", "503", timeout]
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-extends-'));
  write('base.yaml', BASE);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('extends', () => {
  it('merges mappings key by key and lets lists and scalars replace', () => {
    const file = write('child.yaml', 'extends: ./base.yaml\nupstream:\n  models:\n    sonnet: { errors: { rate: 10% } }\nlayers:\n  retry:\n    maxAttempts: 5\n    retryOn: ["429"]\n');
    const { scenario } = loadScenarioFile(file);
    expect(scenario.seed).toBe(7);
    expect(Object.keys(scenario.upstream.models)).toEqual(['haiku', 'sonnet']);
    expect(scenario.upstream.models.haiku!.errors.rate).toBe(0.04);
    expect(scenario.upstream.models.sonnet!.errors.rate).toBe(0.1);
    expect(scenario.layers.retry?.maxAttempts).toBe(5);
    expect(scenario.layers.retry?.baseDelay).toBe(250);
    expect(scenario.layers.retry?.retryOn).toEqual(['429']);
  });

  it('takes the name from the extending file, not the base', () => {
    expect(loadScenarioFile(write('named-by-file.yaml', 'extends: base.yaml\n')).scenario.name).toBe('named-by-file');
    expect(loadScenarioFile(write('named.yaml', 'extends: base.yaml\nname: mine\n')).scenario.name).toBe('mine');
  });

  it('resolves the base relative to the extending file and follows chains', () => {
    write('deep/middle.yaml', 'extends: ../base.yaml\nseed: 8\n');
    const file = write('deep/deeper/leaf.yaml', 'extends: ../middle.yaml\nlayers:\n  retry: { maxAttempts: 2 }\n');
    const { scenario } = loadScenarioFile(file);
    expect(scenario.seed).toBe(8);
    expect(scenario.layers.retry?.maxAttempts).toBe(2);
    expect(scenario.layers.retry?.baseDelay).toBe(250);
  });

  it('refuses a cycle, naming every file in it', () => {
    const a = write('cycle-a.yaml', 'extends: ./cycle-b.yaml\n');
    write('cycle-b.yaml', 'extends: ./cycle-a.yaml\n');
    expect(problems(a)).toEqual([`${join(dir, 'cycle-b.yaml')}:1:10 extends: expected a chain of bases without a cycle, got ${a} -> ${join(dir, 'cycle-b.yaml')} -> ${a}`]);
    const self = write('self.yaml', 'extends: self.yaml\n');
    expect(problems(self)).toEqual([`${self}:1:10 extends: expected a chain of bases without a cycle, got ${self} -> ${self}`]);
  });

  it('points at the extends line when the base cannot be read', () => {
    const file = write('orphan.yaml', 'name: orphan\nextends: ./missing.yaml\n');
    expect(problems(file)).toEqual([`${file}:2:10 extends: expected a readable base scenario, got "./missing.yaml": ${join(dir, 'missing.yaml')} no such file`]);
  });

  it('refuses an extends that is not a path', () => {
    const file = write('not-a-path.yaml', 'extends: [a, b]\n');
    expect(problems(file)).toEqual([`${file}:1:10 extends: expected the path of a base scenario, relative to this file, got a list ["a","b"]`]);
  });

  it('points problems that come from the base into the base file', () => {
    const base = write('bad-base.yaml', 'upstream:\n  models:\n    sonnet: { errors: { rate: 140% } }\nlayers:\n  retry: { jitter: fulll }\n');
    const file = write('uses-bad-base.yaml', 'extends: bad-base.yaml\nlayers:\n  retry: { maxAttempts: 0 }\n');
    expect(problems(file)).toEqual([
      `${file}:3:25 layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0`,
      `${base}:3:31 upstream.models.sonnet.errors.rate: expected a rate between 0 and 1 (or 0% to 100%), got "140%"`,
      `${base}:5:20 layers.retry.jitter: expected one of "none", "full", "equal", "decorrelated", got "fulll"; did you mean "full"?`,
    ]);
  });

  it('reports invalid YAML in the base at its own line', () => {
    const base = write('broken-base.yaml', 'upstream:\n  models:\n\tsonnet: {}\n');
    const file = write('uses-broken-base.yaml', 'extends: broken-base.yaml\n');
    expect(problems(file)).toEqual([`${base}:3:1: invalid YAML: expected spaces for indentation, got a tab`]);
  });

  it('places a required key missing from the merged scenario at the file that opened its block', () => {
    const file = write('scope.yaml', 'extends: base.yaml\nlayers:\n  scope: { escalation: human }\n');
    expect(problems(file)).toEqual([`${file}:3:10 layers.scope.allow: expected a list, got nothing (the key is required)`]);
  });
});
