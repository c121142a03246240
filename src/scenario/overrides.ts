import { dottedKey, type ScenarioIssue } from './errors.js';
import { describeValue, isMapping, parseKeyPath, setOwn, type KeyPath } from './paths.js';
import { isReservedKey, reservedMessage } from './reserved-keys.js';
import { isRecordAt } from './schema-keys.js';
import { scenarioSchema } from './schema.js';
import { didYouMean } from '../text/suggest.js';
import { parseYamlValue } from './yaml-source.js';

/** Where override problems are reported: `--set layers.retry.maxAttempts: expected ...`. */
export const OVERRIDE_SOURCE = '--set';

/**
 * One override of a scenario value: `key.path=value` as typed after `--set` (the value
 * read as YAML, so `5`, `4%`, `false`, `[429, 503]` mean what they do in a file), or a key
 * and an already-parsed value for callers such as a sweep.
 */
export type ScenarioOverride = string | { key: string; value: unknown };

/** An override ready to apply: where, and what. */
export interface AppliedOverride {
  path: KeyPath;
  value: unknown;
}

/** Reads every override; `issues` lists each malformed one (left out of `overrides`). */
export function parseOverrides(overrides: readonly ScenarioOverride[]): { overrides: AppliedOverride[]; issues: ScenarioIssue[] } {
  const issues: ScenarioIssue[] = [];
  const parsed: AppliedOverride[] = [];
  for (const override of overrides) {
    const { key, value, error } = splitOverride(override);
    const path = parseKeyPath(key);
    if (error !== undefined) issues.push(issue(key, error));
    else if (path === undefined) issues.push(issue(key, `expected a key path such as layers.retry.maxAttempts, got ${JSON.stringify(key)}`));
    else if (path[0] === 'extends') issues.push(issue(key, 'expected a scenario key, got extends (a base can only be named in the file)'));
    else if (path.some(isReservedKey)) issues.push(issue(key, reservedMessage(String(path.find(isReservedKey)))));
    else parsed.push({ path, value });
  }
  return { overrides: parsed, issues };
}

/**
 * Sets each override's value at its path in `root` (a raw scenario, before validation),
 * replacing what was there; later overrides win. Creates missing mappings on the way, but
 * refuses to invent a named entry (a model, a tool) from a deeper key, because
 * `upstream.models.sonet.errors.rate` is far more often a typo than a new model.
 * Returns an issue for each override that could not be applied.
 */
export function applyOverrides(root: Record<string, unknown>, overrides: readonly AppliedOverride[]): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const override of overrides) {
    const problem = applyOne(root, override.path, override.value);
    if (problem) issues.push(problem);
  }
  return issues;
}

function applyOne(root: Record<string, unknown>, path: KeyPath, value: unknown): ScenarioIssue | undefined {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const here = dottedKey(path.slice(0, i + 1));
    const last = i === path.length - 1;
    const fresh = () => (typeof path[i + 1] === 'number' ? [] : {});
    if (Array.isArray(node)) {
      if (typeof part !== 'number') return issue(here, `expected an index such as [0] into a list, got ".${part}"`);
      if (part > node.length) return issue(here, `expected an index from 0 to ${node.length} (the list has ${node.length} items), got ${part}`);
      if (last) node[part] = value;
      else if (node[part] === undefined || node[part] === null) node[part] = fresh();
      node = node[part];
      continue;
    }
    const map = node as Record<string, unknown>;
    if (typeof part === 'number') return issue(here, `expected a key such as .name into a mapping, got [${part}]`);
    if (last) {
      setOwn(map, part, value);
      return undefined;
    }
    if (!Object.hasOwn(map, part)) {
      const parent = path.slice(0, i);
      if (isRecordAt(scenarioSchema, parent)) return missingEntry(here, part, Object.keys(map));
      setOwn(map, part, fresh());
    } else if (map[part] === null) {
      setOwn(map, part, fresh()); // `retry:` with nothing after it is an empty block
    } else if (!isMapping(map[part]) && !Array.isArray(map[part])) {
      return issue(here, `expected a mapping to set ${dottedKey(path)} inside, got ${describeValue(map[part])}`);
    }
    node = map[part];
  }
  return undefined;
}

function missingEntry(key: string, name: string, existing: string[]): ScenarioIssue {
  const suggestion = didYouMean(name, existing);
  const expected = existing.length > 0 ? `expected one of the existing entries (${existing.join(', ')})` : 'expected an existing entry (there are none)';
  const hint = suggestion ? `; did you mean "${suggestion}"?` : '.';
  return issue(key, `${expected}, got "${name}"${hint} To add an entry, set it whole: --set '${key}={...}'`);
}

/** Splits an override into its key and value; `error` says what is wrong with a malformed one. */
function splitOverride(override: ScenarioOverride): { key: string; value?: unknown; error?: string } {
  if (typeof override !== 'string') return { key: override.key, value: override.value };
  const equals = override.indexOf('=');
  if (equals < 0) return { key: override, error: `expected key.path=value (e.g. layers.retry.maxAttempts=5), got ${JSON.stringify(override)}` };
  const key = override.slice(0, equals).trim();
  const text = override.slice(equals + 1);
  try {
    return { key, value: parseYamlValue(text) };
  } catch (error) {
    return { key, error: `expected a YAML value (5, 4%, false, [429, 503]), got ${JSON.stringify(text)} (${(error as Error).message})` };
  }
}

function issue(key: string, message: string): ScenarioIssue {
  return { file: OVERRIDE_SOURCE, key, message };
}
