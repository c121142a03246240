import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ScenarioError, type ScenarioIssue } from './errors.js';
import { describeValue, isMapping, setOwn } from './paths.js';
import { looksLikeScenario } from './shape.js';
import { parseYamlSource, readScenarioText, type FileSource } from './yaml-source.js';

/** A chain this long is a mistake (or a cycle through symlinks), not a design. */
const MAX_EXTENDS_DEPTH = 16;

/**
 * Follows `extends:` from `child` through its bases, reading each relative to the file
 * that names it. Returns the chain, child first. A base that cannot be read is reported
 * at the `extends` that names it; a problem inside a base points into the base.
 */
export function resolveExtendsChain(
  child: FileSource,
  position: (source: FileSource) => Partial<ScenarioIssue>,
  read: (file: string) => string = readScenarioText,
): FileSource[] {
  const chain = [child];
  const seen = [resolve(child.file)];
  for (let current = child; current.value.extends !== undefined; ) {
    const named = current.value.extends;
    const fail = (message: string): never => {
      throw new ScenarioError([{ file: current.file, ...position(current), key: 'extends', message }]);
    };
    if (typeof named !== 'string' || named.trim() === '') fail(`expected the path of a base scenario, relative to this file, got ${describeValue(named)}`);
    const file = basePath(current.file, named as string);
    const cycleStart = seen.indexOf(resolve(file));
    if (cycleStart >= 0) fail(`expected a chain of bases without a cycle, got ${[...chain.slice(cycleStart).map((s) => s.file), file].join(' -> ')}`);
    if (chain.length > MAX_EXTENDS_DEPTH) fail(`expected at most ${MAX_EXTENDS_DEPTH} bases in a chain, got more`);
    let text = '';
    try {
      text = read(file);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      fail(`expected a readable base scenario, got ${JSON.stringify(named)}: ${file} ${error.issues[0]!.message}`);
    }
    const base = parseYamlSource(text, file);
    // Quote nothing from a base that is no scenario (`extends: /etc/shadow`).
    if (!looksLikeScenario(base.value)) fail(`expected a base scenario, got ${JSON.stringify(named)}, a file with none of a scenario's top-level keys (workload, upstream, layers, ...)`);
    current = base;
    chain.push(current);
    seen.push(resolve(file));
  }
  return chain;
}

/** Where a base named by `extends: named` in `file` lives: relative to that file. */
function basePath(file: string, named: string): string {
  return isAbsolute(named) ? named : join(dirname(file), named);
}

/**
 * The files reading `file` reads: the file, then each base of its `extends:` chain, as far
 * as they can be read. For checking, before a command runs, that no output would overwrite
 * one of them; problems in the files are left for the load itself to report.
 */
export function scenarioInputFiles(file: string): string[] {
  const files = [file];
  try {
    let source = parseYamlSource(readScenarioText(file), file);
    while (typeof source.value.extends === 'string' && files.length <= MAX_EXTENDS_DEPTH + 1) {
      const base = basePath(source.file, source.value.extends);
      files.push(base);
      source = parseYamlSource(readScenarioText(base), base);
    }
  } catch {
    // The load reports it, at the right position.
  }
  return files;
}

/**
 * Merges a chain (child first) into one fresh raw scenario: mappings merge key by key,
 * lists and scalars from the more specific file replace the base's. `extends` is consumed
 * here, and `name` is not inherited: a derived scenario is a different scenario.
 */
export function mergeChain(chain: readonly FileSource[]): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    const layer: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(chain[i]!.value)) {
      if (key === 'extends' || (key === 'name' && i > 0)) continue;
      setOwn(layer, key, value);
    }
    merged = deepMerge(merged, layer) as Record<string, unknown>;
  }
  return merged;
}

/** `over` on top of `base`, copying everything so callers may mutate the result. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMapping(base) || !isMapping(over)) return clone(over);
  const result = clone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(over)) {
    setOwn(result, key, Object.hasOwn(result, key) ? deepMerge(result[key], value) : clone(value));
  }
  return result;
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (!isMapping(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) setOwn(copy, key, clone(inner));
  return copy;
}
