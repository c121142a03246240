import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenarioText } from '../../src/scenario/load.js';
import { scenarioSchema, type ParsedScenario } from '../../src/scenario/schema.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { WIRING } from '../engine/wiring/fixtures.js';
import { schemaOptions, valuesAt } from './schema-walk.js';

/**
 * Every value of every closed set in the scenario language (enums, `dist` kinds, the names
 * of an error or difficulty mix) is exercised at least once by a bundled scenario, a test
 * fixture file, or a wiring test's scenario (test/engine/wiring/fixtures.ts), after defaults.
 * A new enum value fails this test until something runs it.
 */

const ROOT = resolve(__dirname, '../..');

/** Every YAML file under `dir` that loads (fixtures of bad input are skipped). */
function loadAll(dir: string): { source: string; scenario: ParsedScenario }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .flatMap((entry) => {
      const file = join(entry.parentPath, entry.name);
      try {
        return [{ source: file, scenario: loadScenarioFile(file).scenario }];
      } catch (error) {
        if (error instanceof ScenarioError) return [];
        throw error;
      }
    });
}

const sources = [
  ...loadAll(join(ROOT, 'scenarios')),
  ...loadAll(join(ROOT, 'test/fixtures')),
  ...Object.entries(WIRING).map(([name, input]) => ({ source: `wiring:${name}`, scenario: parseScenarioText(JSON.stringify(input), `${name}.yaml`) })),
];
const closedSets = schemaOptions(scenarioSchema).filter((option) => option.values !== undefined);

/**
 * Models and tools are both targets (one schema, one `Target` class, one call path), so an
 * option of `upstream.tools.*` counts as exercised where the same option of `upstream.models.*` is.
 */
const asTarget = (path: string) => path.replace(/^upstream\.tools\.\*/, 'upstream.models.*');

describe('enum coverage', () => {
  it('finds the closed sets the engine branches on, so an empty gap list means something', () => {
    const byPath = Object.fromEntries(closedSets.map((o) => [o.path, o.values]));
    expect(byPath['layers.retry.jitter']).toEqual(['none', 'full', 'equal', 'decorrelated']);
    expect(byPath['upstream.models.*.capacity.overflow']).toEqual(['429', '503', '529']);
    expect(byPath['layers.cache.key']).toEqual(['shared', 'per-tenant']);
    expect(byPath['layers.routing.fallbackOn[]']).toEqual(expect.arrayContaining(['400', '429', '503', 'open', 'timeout']));
    expect(byPath['upstream.models.*.errors.mix']).toEqual(expect.arrayContaining(['429', '503', 'timeout', '400']));
    expect(byPath['upstream.models.*.latency']).toEqual(expect.arrayContaining(['lognormal', 'constant', 'exponential', 'uniform']));
    expect(sources.length).toBeGreaterThan(Object.keys(WIRING).length);
  });

  it('exercises every value of every enum, distribution kind and mix name in a bundled scenario or a test fixture', () => {
    const gaps = closedSets.flatMap((option) => {
      const sameOption = closedSets.filter((other) => asTarget(other.path) === asTarget(option.path));
      const seen = new Set(sameOption.flatMap((o) => sources.flatMap(({ scenario }) => valuesAt(scenario, o))));
      return option.values!.filter((value) => !seen.has(value)).map((value) => `${option.path}: ${value}`);
    });
    expect(gaps).toEqual([]);
  });
});
