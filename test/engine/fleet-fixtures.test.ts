import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { loadScenarioFile } from '../../src/scenario/load.js';

// The fleet fixtures hold every value of workload.clientSpread, layers.retry.sdk.jitter and
// .retryOn, and layers.hedge.target (test/scenario/enum-coverage.test.ts counts on them); each
// runs to the end with every request ended exactly once and no negative figure.
describe('fleet fixtures', () => {
  const dir = 'test/fixtures/fleet';
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

  it.each(files)('runs %s to the end: every request ends once', (file) => {
    const { scenario } = loadScenarioFile(join(dir, file));
    const m = simulate(scenario).metrics;
    expect(m.requests).toBe(400);
    expect(m.successes + m.failures + m.rejected + m.refused).toBe(400);
    expect(m.successes).toBeGreaterThan(300);
    expect(m.costUsd).toBeGreaterThan(0);
  });
});
