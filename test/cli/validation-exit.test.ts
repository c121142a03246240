import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a run would trip on is caught by validation: `validate` and `run` both exit 2 with
 * one line naming the file, line, column and key; never exit 3 ("internal error"). And each
 * error is printed once, whatever path it takes (commander, our parsers, `--set`, several files).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-validation-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A small valid scenario; each case appends or replaces lines to break one rule. */
const BASE = `name: small
seed: 7
duration: 1h
workload:
  requests: 2K
  tenants: { web: 0.7, batch: 0.3 }
upstream:
  models:
    haiku: { latency: { dist: constant, value: 100ms } }
    sonnet: { latency: { dist: constant, value: 200ms } }
`;

const CASES: { name: string; yaml: string; where: RegExp }[] = [
  {
    name: 'maxDelay below baseDelay',
    yaml: `${BASE}layers:\n  retry: { baseDelay: 2s, maxDelay: 500ms }\n`,
    where: /:12:\d+ layers\.retry\.maxDelay: expected at least baseDelay \(2s\), got 500ms$/,
  },
  {
    name: 'a repeated fallback model',
    yaml: `${BASE}layers:\n  routing:\n    fallback: [haiku, sonnet, haiku]\n`,
    where: /:13:\d+ layers\.routing\.fallback\[2\]: expected each model once in the chain, got "haiku" again \(first at \[0\]\)$/,
  },
  {
    name: 'tokensPerMinute: 0',
    yaml: `${BASE}layers:\n  capacity:\n    tokenBudget: { tokensPerMinute: 0 }\n`,
    where: /:13:\d+ layers\.capacity\.tokenBudget\.tokensPerMinute: expected at least 1 token per minute/,
  },
  {
    name: 'an incident after the run ends',
    yaml: BASE.replace('    sonnet:', '    sonnet:') + '  incidents:\n    - { target: sonnet, at: 2h, for: 10m, errorRate: 50% }\n',
    where: /:12:\d+ upstream\.incidents\[0\]\.at: expected a start before the run ends \(duration 1h\), got 2h$/,
  },
  {
    name: 'a burst after the run ends',
    yaml: BASE.replace('  tenants:', '  arrival: { bursts: [{ at: 90m, for: 1m, multiplier: 3 }] }\n  tenants:'),
    where: /:6:\d+ workload\.arrival\.bursts\[0\]\.at: expected a start before the run ends/,
  },
  {
    name: 'a share map that leaves out a tenant with traffic',
    yaml: `${BASE}layers:\n  capacity:\n    perKey: { quotaRpm: 600, shares: { web: 1 } }\n`,
    where: /:13:\d+ layers\.capacity\.perKey\.shares: expected a share for every tenant with traffic, got none for "batch"/,
  },
  {
    name: 'a fallback chain that leaves out the model requests start on',
    yaml: `${BASE}layers:\n  routing: { fallback: [sonnet] }\n`,
    where: /:12:\d+ layers\.routing\.fallback: expected the chain to include "haiku" \(the default model\)/,
  },
  {
    name: 'a repeated prompt prefix layer',
    yaml: BASE.replace('  tenants:', '  prompt: { prefix: [{ name: sys, tokens: 100 }, { name: sys, tokens: 50 }] }\n  tenants:'),
    where: /workload\.prompt\.prefix\[1\]\.name: expected a name no other prefix layer has, got "sys" again/,
  },
  {
    name: 'a breakpoint under the openai preset',
    yaml:
      BASE.replace('  tenants:', '  prompt: { prefix: [{ name: sys, tokens: 2000 }] }\n  tenants:') + 'layers:\n  cache: { preset: openai, breakpoint: sys }\n',
    where: /layers\.cache\.breakpoint: expected no breakpoint with preset openai/,
  },
];

describe('validate and run refuse what a run would trip on', () => {
  it.each(CASES)('$name: exit 2, one positioned line, from validate and run alike', ({ name, yaml, where }) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, yaml);
    const validated = cli('validate', file);
    const ran = cli('run', file);
    for (const result of [validated, ran]) {
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/internal error/);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]!.startsWith(file)).toBe(true);
      expect(lines[0]).toMatch(where);
    }
    expect(ran.stderr).toBe(validated.stderr);
  });

  it('the base scenario itself is valid (so each case fails for its own reason)', () => {
    const file = join(dir, 'base.yaml');
    writeFileSync(file, BASE);
    expect(cli('validate', file).status).toBe(0);
  });

  it('refuses --seed "" (Number("") is 0) with exit 2 on every command that takes a seed', () => {
    for (const command of [['run', 'scenarios/retry-basics.yaml'], ['compare', 'scenarios/retry-basics.yaml', '--layers', 'none,all'], ['sweep', 'scenarios/retry-basics.yaml', '--param', 'layers.retry.maxAttempts=1,2']]) {
      const result = cli(...command, '--seed', '', '--requests', '100');
      expect(result.status).toBe(2);
      expect(result.stderr).toBe('harness-sim: --seed: expected an integer from 0 to 4294967295, got ""\n');
    }
  });
});

describe('each error is printed once', () => {
  it.each([
    ['an unknown option (commander)', ['run', 'scenarios/retry-basics.yaml', '--bogus']],
    ['a missing argument (commander)', ['run']],
    ['a bad option value (our parser)', ['run', 'scenarios/retry-basics.yaml', '--format', 'xml']],
    ['a bad --set', ['run', 'scenarios/retry-basics.yaml', '--set', 'layers.retry.maxAttempts=0']],
    ['the same bad --set on two files', ['validate', 'scenarios/retry-basics.yaml', 'scenarios/seed-lab.yaml', '--set', 'nope=1']],
    ['the same bad --set given twice', ['run', 'scenarios/retry-basics.yaml', '--set', 'layers.retry.maxAttempts=0', '--set', 'layers.retry.maxAttempts=0']],
    ['a bad sweep point (asynchronous path)', ['sweep', 'scenarios/retry-basics.yaml', '--param', 'layers.retry.maxAttempts=0,1', '--jobs', '2']],
    ['an unknown command', ['nosuchcommand']],
  ])('%s: exit 2 and exactly one line on stderr', (_name, args) => {
    const result = cli(...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
