import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioFile, parseScenarioText, type ScenarioOverride } from '../../src/scenario/load.js';
import { parseKeyPath } from '../../src/scenario/paths.js';

const SEED_LAB_FILE = 'scenarios/seed-lab.yaml';
const SEED_LAB = readFileSync(SEED_LAB_FILE, 'utf8');

function load(...overrides: ScenarioOverride[]) {
  return parseScenarioText(SEED_LAB, SEED_LAB_FILE, { overrides });
}

function problems(...overrides: ScenarioOverride[]): string[] {
  try {
    load(...overrides);
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected the overrides to be refused');
}

describe('--set overrides', () => {
  it('replaces a number, a rate, a boolean and a list, each read as YAML', () => {
    const scenario = load(
      'layers.retry.maxAttempts=5',
      'upstream.models.sonnet.errors.rate=10%',
      'layers.breaker.enabled=false',
      'layers.retry.retryOn=[429,503]',
    );
    expect(scenario.layers.retry?.maxAttempts).toBe(5);
    expect(scenario.upstream.models.sonnet!.errors.rate).toBe(0.1);
    expect(scenario.upstream.models.haiku!.errors.rate).toBe(0.04);
    expect(scenario.layers.breaker?.enabled).toBe(false);
    expect(scenario.layers.retry?.retryOn).toEqual(['429', '503']);
  });

  it('lets a later override of the same key win', () => {
    expect(load('layers.retry.maxAttempts=5', 'layers.retry.maxAttempts=7').layers.retry?.maxAttempts).toBe(7);
  });

  it('creates a block the file does not have, with its defaults', () => {
    const scenario = load('layers.retry.budget.ratio=10%');
    expect(scenario.layers.retry?.budget).toEqual({ ratio: 0.1, minRetriesPerSec: 1, window: 10_000 });
  });

  it('accepts an already-parsed value, as a sweep passes it', () => {
    expect(load({ key: 'layers.retry.maxAttempts', value: 4 }).layers.retry?.maxAttempts).toBe(4);
  });

  it('reaches into lists by index', () => {
    expect(load('layers.routing.fallback[2]=haiku', 'layers.routing.fallback[0]=opus').layers.routing?.fallback).toEqual(['opus', 'sonnet', 'haiku']);
  });

  it('reports a bad value as --set with the key, not a file line', () => {
    expect(problems('layers.retry.maxAttempts=0')).toEqual(['--set layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0']);
  });

  it('suggests the key an unknown override key was meant to be', () => {
    expect(problems('layers.retyr.maxAttempts=5')).toEqual(['--set layers.retyr: unknown key; did you mean "retry"?']);
    expect(problems('layers.retry.maxAtempts=5')).toEqual(['--set layers.retry.maxAtempts: unknown key; did you mean "maxAttempts"?']);
  });

  it('refuses to invent a model from a misspelt name, suggesting the one that exists', () => {
    expect(problems('upstream.models.sonet.errors.rate=10%')).toEqual([
      `--set upstream.models.sonet: expected one of the existing entries (haiku, sonnet, opus), got "sonet"; did you mean "sonnet"? To add an entry, set it whole: --set 'upstream.models.sonet={...}'`,
    ]);
  });

  it('adds a whole new entry when it is set whole', () => {
    expect(Object.keys(load('upstream.models.mini={}').upstream.models)).toEqual(['haiku', 'sonnet', 'opus', 'mini']);
  });

  it('reports every malformed override at once, after the problems they cause', () => {
    expect(problems('no-equals-sign', 'layers..retry=1', 'layers.retry.maxAttempts=[1', 'seed.x=1', 'extends=./other.yaml', 'layers.retry.jitter=fulll')).toEqual([
      '--set layers.retry.jitter: expected one of "none", "full", "equal", "decorrelated", got "fulll"; did you mean "full"?',
      '--set no-equals-sign: expected key.path=value (e.g. layers.retry.maxAttempts=5), got "no-equals-sign"',
      '--set layers..retry: expected a key path such as layers.retry.maxAttempts, got "layers..retry"',
      expect.stringMatching(/^--set layers\.retry\.maxAttempts: expected a YAML value \(5, 4%, false, \[429, 503\]\), got "\[1" \(.+\)$/),
      '--set extends: expected a scenario key, got extends (a base can only be named in the file)',
      '--set seed: expected a mapping to set seed.x inside, got 42',
    ]);
  });

  it('keeps file problems positioned in the file beside override problems', () => {
    const text = 'upstream:\n  models:\n    sonnet: {}\nlayers:\n  retry: { jitter: fulll }\n';
    try {
      parseScenarioText(text, 'f.yaml', { overrides: ['layers.retry.maxAttempts=0'] });
      expect.unreachable();
    } catch (error) {
      expect((error as ScenarioError).issues.map(formatIssue)).toEqual([
        'f.yaml:5:20 layers.retry.jitter: expected one of "none", "full", "equal", "decorrelated", got "fulll"; did you mean "full"?',
        '--set layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0',
      ]);
    }
  });

  it('keeps the one-argument loadScenarioFile working', () => {
    expect(loadScenarioFile(SEED_LAB_FILE).scenario.layers.retry?.maxAttempts).toBe(3);
    expect(loadScenarioFile(SEED_LAB_FILE, { overrides: ['layers.retry.maxAttempts=2'] }).scenario.layers.retry?.maxAttempts).toBe(2);
  });
});

describe('parseKeyPath', () => {
  it.each([
    ['layers.retry.maxAttempts', ['layers', 'retry', 'maxAttempts']],
    ['upstream.incidents[0].at', ['upstream', 'incidents', 0, 'at']],
    ['upstream.models.sonnet.errors.mix.429', ['upstream', 'models', 'sonnet', 'errors', 'mix', '429']],
  ])('reads %s', (text, path) => {
    expect(parseKeyPath(text)).toEqual(path);
  });

  it.each(['', 'a..b', 'a.', '.a', 'a[x]', 'a[0', 'a]'])('refuses %j', (text) => {
    expect(parseKeyPath(text)).toBeUndefined();
  });
});
