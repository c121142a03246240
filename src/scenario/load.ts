import { basename, extname } from 'node:path';
import { mergeChain, resolveExtendsChain } from './compose.js';
import { ScenarioError } from './errors.js';
import { positionIn, toScenarioIssues } from './issues.js';
import { applyOverrides, parseOverrides, type ScenarioOverride } from './overrides.js';
import { scenarioSchema, type ParsedScenario } from './schema.js';
import { looksLikeScenario, NOT_A_SCENARIO } from './shape.js';
import { parseYamlSource, readScenarioText } from './yaml-source.js';

export { MAX_SCENARIO_BYTES } from './yaml-source.js';
export { scenarioInputFiles } from './compose.js';
export type { ScenarioOverride } from './overrides.js';

/** A parsed scenario plus where it came from. */
export interface LoadedScenario {
  file: string;
  scenario: ParsedScenario & { name: string };
}

/** How to load: values to override after the file (and its bases) are read. */
export interface LoadOptions {
  /** `key.path=value` overrides, applied in order on the raw scenario before validation. */
  overrides?: readonly ScenarioOverride[];
}

/**
 * Reads, composes (`extends`), overrides and validates a scenario file; throws
 * `ScenarioError` listing every problem, each at the file (or `--set`) it came from.
 */
export function loadScenarioFile(file: string, options: LoadOptions = {}): LoadedScenario {
  return { file, scenario: parseScenarioText(readScenarioText(file), file, options) };
}

/**
 * Parses scenario text as if read from `file`: `file` names it in messages, gives the
 * default name, and anchors relative `extends` paths (bases are read from disk).
 */
export function parseScenarioText(text: string, file: string, options: LoadOptions = {}): ParsedScenario & { name: string } {
  const { overrides, issues: badOverrides } = parseOverrides(options.overrides ?? []);
  const child = parseYamlSource(text, file);
  if (!looksLikeScenario(child.value)) throw new ScenarioError([{ file, key: '', message: NOT_A_SCENARIO }]);
  const sources = resolveExtendsChain(child, (source) => positionIn(source, ['extends'], false));
  const merged = mergeChain(sources);
  const unapplied = applyOverrides(merged, overrides);
  const result = scenarioSchema.safeParse(merged);
  const issues = result.success ? [] : toScenarioIssues(result.error.issues, { sources, overrides, merged });
  issues.push(...badOverrides, ...unapplied);
  if (!result.success || issues.length > 0) throw new ScenarioError(issues);
  const { extends: _consumed, ...parsed } = result.data;
  return { ...parsed, name: parsed.name ?? basename(file, extname(file)) };
}
