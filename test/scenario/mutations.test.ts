import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

const SEED_LAB: unknown = parse(readFileSync('scenarios/seed-lab.yaml', 'utf8'));

type Path = (string | number)[];

/** Every path to a value inside the scenario, containers included. */
function allPaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...allPaths(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...allPaths(v, [...prefix, k])]);
  }
  return [];
}
const PATHS = allPaths(SEED_LAB);

/** A one-edit typo: drop, double or swap letters, or change the case of one. */
function typo(key: string, kind: number, at: number): string {
  const i = at % Math.max(1, key.length);
  switch (kind) {
    case 0:
      return key.length > 1 ? key.slice(0, i) + key.slice(i + 1) : `${key}x`;
    case 1:
      return key.slice(0, i) + key[i] + key.slice(i);
    case 2:
      return i + 1 < key.length ? key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2) : `${key}_`;
    default:
      return key.slice(0, i) + (key[i] ?? 'x').toUpperCase() + key.slice(i + 1);
  }
}

type Mutation = { kind: 'delete'; path: number } | { kind: 'replace'; path: number; value: unknown } | { kind: 'rename'; path: number; typo: number; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), path: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('rename' as const), path: fc.nat(), typo: fc.nat({ max: 3 }), at: fc.nat() }),
);

/** Applies the mutations in order to a copy; a path that no longer exists is skipped. */
function mutate(mutations: Mutation[]): unknown {
  const root = structuredClone(SEED_LAB) as Record<string, unknown>;
  for (const m of mutations) {
    const path = PATHS[m.path % PATHS.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);
    if (typeof parent !== 'object' || parent === null) continue;
    const container = parent as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    if (!(key in container)) continue;
    if (m.kind === 'replace') container[key] = m.value;
    else if (Array.isArray(container)) container.splice(Number(key), 1);
    else if (m.kind === 'delete') delete container[key];
    else {
      const value = container[key];
      delete container[key];
      container[typo(String(key), m.typo, m.at)] = value;
    }
  }
  return root;
}

describe('mutated seed-lab scenarios', () => {
  it('either load or throw a ScenarioError whose every issue has the file, a dotted key and a line', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const text = stringify(mutate(mutations));
        try {
          parseScenarioText(text, 'mutant.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(ScenarioError);
          const issues = (error as ScenarioError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) {
            expect(issue.file).toBe('mutant.yaml');
            if (issue.message.startsWith('and ')) continue; // the "and N more problems" tail
            // Every value came from the file, so every issue is on a line of it.
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.column).toBeGreaterThanOrEqual(1);
            // Dotted segments, list indices, and JSON-quoted keys where a key is odd.
            const segment = String.raw`(?:[^.[\]"'\s]+|"(?:[^"\\]|\\.)*")`;
            expect(issue.key).toMatch(new RegExp(String.raw`^${segment}(?:\.${segment}|\[\d+\])*$`));
            expect(issue.message).toMatch(/^(expected |unknown key|duplicate key)/);
          }
        }
      }),
      { numRuns: 400, seed: 20_260_101 },
    );
  });
});
