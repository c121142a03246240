import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHarness, loadHarnessConfig } from '../../src/runtime/index.js';
import { ScenarioError } from '../../src/scenario/errors.js';

async function problems(layers: unknown): Promise<string[]> {
  try {
    await createHarness(layers as never);
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('createHarness validates a layers object with the scenario schema', () => {
  it('names the dotted key and says what was expected, as harness-sim validate does', async () => {
    expect(await problems({ retry: { maxAttempts: 0 } })).toEqual(['createHarness layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0']);
    expect(await problems({ retyr: {} })).toEqual(['createHarness layers.retyr: unknown key; did you mean "retry"?']);
    expect((await problems({ retry: { baseDelay: '5 parsecs' } }))[0]).toMatch(/^createHarness layers\.retry\.baseDelay: /);
    expect(await problems({ breaker: { failureRateThreshold: 1.5 } })).toHaveLength(1);
  });

  it('reads units as a scenario does: "250ms", "4s", "25%"', async () => {
    const harness = await createHarness({ retry: { baseDelay: '250ms', maxDelay: '4s' }, breaker: { failureRateThreshold: '25%' } });
    expect(harness.config.layers.retry).toMatchObject({ baseDelay: 250, maxDelay: 4000 });
    expect(harness.config.layers.breaker?.failureRateThreshold).toBe(0.25);
  });
});

describe('loadHarnessConfig', () => {
  it('reads the layers, models and tools of a bundled scenario', async () => {
    const config = await loadHarnessConfig('scenarios/incident-70.yaml');
    expect(config.models).toEqual(['sonnet']);
    expect(config.layers.retry).toMatchObject({ maxAttempts: 3, baseDelay: 250, maxDelay: 4000, retryOn: ['429', '503', 'timeout'] });
    expect(config.layers.breaker).toMatchObject({ window: 60_000, cooldown: 30_000, failureRateThreshold: 0.25 });
    const harness = await createHarness(config);
    expect(harness.models).toEqual(['sonnet']);
  });

  it('reports a bad value at file:line:col with its key, as the CLI does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'upstream:\n  models:\n    sonnet: {}\nlayers:\n  retry:\n    maxAttempts: 0\n');
    await expect(loadHarnessConfig(file)).rejects.toThrow(`${file}:6:18 layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0`);
    await expect(loadHarnessConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: no such file/);
  });

  it('takes per-model client timeouts from the scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-config-'));
    const file = join(dir, 'timeouts.yaml');
    writeFileSync(file, 'upstream:\n  models:\n    fast: { timeout: 2s }\n    slow: {}\nlayers:\n  timeout: { after: 30s }\n');
    const config = await loadHarnessConfig(file);
    expect(config.timeouts).toEqual({ fast: 2000 });
  });
});

describe('the runtime refuses what only the simulator runs, one line per block', () => {
  it('refuses layers.session when on, naming the key and how to turn it off', async () => {
    expect(await problems({ session: { maxStepsPerTurn: 5 } })).toEqual([
      'createHarness layers.session: per-turn and per-session limits are simulated only (workload.sessions): the runtime has no turns; set layers.session.enabled: false to run the other layers',
    ]);
    expect(await problems({ hedge: { after: '1s' }, session: { enabled: false }, retry: { sdk: { maxRetries: 2 } } })).toEqual([]);
  });

  it('points at the block in a scenario file, at file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-config-'));
    const file = join(dir, 'session.yaml');
    writeFileSync(file, 'workload:\n  tools: { read: 1 }\n  sessions: { turns: { dist: constant, value: 2 } }\nupstream:\n  models:\n    sonnet: {}\nlayers:\n  retry: {}\n  session: { maxStepsPerTurn: 5 }\n');
    await expect(loadHarnessConfig(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.\\]/g, '\\$&')}:9:3 layers\\.session: per-turn and per-session limits are simulated only`));
  });
});
