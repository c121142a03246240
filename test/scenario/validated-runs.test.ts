import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * What validation accepts, a run must survive: a scenario that loads never ends in an
 * internal error (exit 3) when it runs. Small mutations of every bundled scenario, each
 * either refused by validation with a positioned issue, or run for a few requests (and
 * sampled) without throwing.
 */

const BUNDLED = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ file: f, value: parse(readFileSync(`scenarios/${f}`, 'utf8')) as unknown }));

type Path = (string | number)[];

/** Every path to a value inside the scenario, containers included. */
function allPaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...allPaths(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...allPaths(v, [...prefix, k])]);
  }
  return [];
}

/** Every scalar the scenario holds (model names, tenants, durations ...): reused elsewhere, they make repeats and cross-references. */
function allScalars(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(allScalars);
  if (typeof value === 'object' && value !== null) return [...Object.keys(value), ...Object.values(value).flatMap(allScalars)];
  return [value];
}

/**
 * Edge values a person might type: zeros, negatives, tiny numbers, units at their limits.
 * Durations of days are left out while a single huge latency still grows the timeline by
 * one bucket per second of it (issue 11, bounded timeline); add `1e9`, `400d` back then.
 */
const EDGE_VALUES: unknown[] = [0, -1, 1, 0.5, 1e-9, '0', '0ms', '1ms', '0%', '100%', '$0', '1', '0K', true, [], {}, 'openai', 'global', 'share', 'allow', 'deny', '503', 'per-tenant'];

type Mutation = { kind: 'delete'; path: number } | { kind: 'replace'; path: number; value: number } | { kind: 'edge'; path: number; value: number } | { kind: 'repeat'; path: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), path: fc.nat(), value: fc.nat() }),
  fc.record({ kind: fc.constant('edge' as const), path: fc.nat(), value: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), path: fc.nat() }),
);

function mutate(source: unknown, mutations: readonly Mutation[]): unknown {
  const root = structuredClone(source) as Record<string, unknown>;
  const paths = allPaths(root);
  const scalars = allScalars(root);
  for (const m of mutations) {
    const path = paths[m.path % paths.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);
    if (typeof parent !== 'object' || parent === null) continue;
    const container = parent as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    if (!(key in container)) continue;
    if (m.kind === 'replace') container[key] = scalars[m.value % scalars.length];
    else if (m.kind === 'edge') container[key] = EDGE_VALUES[m.value % EDGE_VALUES.length];
    else if (m.kind === 'repeat') {
      if (Array.isArray(container)) container.splice(Number(key), 0, structuredClone(container[Number(key)]));
    } else if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete container[key];
  }
  return root;
}

/** Runs a scenario that loaded; returns the error a run threw, or null. */
function runError(text: string): unknown {
  let scenario;
  try {
    scenario = parseScenarioText(text, 'mutant.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return null;
  }
  try {
    buildResult(scenario.name, simulate(scenario, { requests: 40 }));
    buildResult(scenario.name, simulate(scenario, { requests: 400, sample: 0.1 }));
    return null;
  } catch (error) {
    return error;
  }
}

describe('a scenario that validates', () => {
  it.each(BUNDLED.map((b) => [b.file, b.value] as const))('%s: every small mutation is refused by validation or runs', (_file, value) => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const text = stringify(mutate(value, mutations));
        const error = runError(text);
        if (error !== null) throw new Error(`validated but the run threw ${String(error)}\n${text}`);
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
