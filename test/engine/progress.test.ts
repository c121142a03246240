import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * Watching a run's progress runs the kernel in batches of events and hands a callback the
 * share done between them. The results must not move by a byte: the batches stop between
 * two events and nothing in the model sees them.
 */
describe('progress', () => {
  for (const name of ['seed-lab', 'metastable', 'incident-70']) {
    it(`${name}: the same JSON with and without a progress callback, and the share done only rises to 1`, () => {
      const file = `scenarios/${name}.yaml`;
      const scenario = parseScenarioText(readFileSync(file, 'utf8'), file);
      const plain = JSON.stringify(buildResult(scenario.name, simulate(scenario, { requests: 300_000 })));
      const seen: number[] = [];
      const watched = JSON.stringify(buildResult(scenario.name, simulate(scenario, { requests: 300_000 }, (done) => seen.push(done))));
      expect(watched).toBe(plain);
      // Hundreds of thousands of events make more than one batch of 200K.
      expect(seen.length).toBeGreaterThan(1);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(seen[0]!).toBeGreaterThan(0);
      expect(seen[seen.length - 1]!).toBeLessThanOrEqual(1);
    }, 120_000);
  }
});
