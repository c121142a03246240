import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { mergeChain, resolveExtendsChain } from './compose.js';
import { ScenarioError } from './errors.js';
import { positionIn, toScenarioIssues } from './issues.js';
import { unprintableText } from './names.js';
import { applyOverrides, parseOverrides, type ScenarioOverride } from './overrides.js';
import { scenarioSchema, type ParsedScenario } from './schema.js';
import { looksLikeScenario, NOT_A_SCENARIO } from './shape.js';
import { parseYamlSource, readScenarioText, type FileSource } from './yaml-source.js';

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
  issues.push(...badOverrides, ...unapplied, ...unprintableText({ sources, overrides, merged }));
  if (!result.success || issues.length > 0) throw new ScenarioError(issues);
  const { extends: _consumed, ...parsed } = result.data;
  anchorTrace(parsed, child, file);
  return { ...parsed, name: parsed.name ?? basename(file, extname(file)) };
}

/**
 * A replayed trace is read relative to the scenario file, and must be a plain (not gzipped)
 * regular file: the engine reads it synchronously as the simulation runs.
 */
function anchorTrace(parsed: { workload: { arrival: unknown } }, child: FileSource, file: string): void {
  const arrival = parsed.workload.arrival;
  if (typeof arrival !== 'object' || arrival === null || typeof (arrival as { trace?: unknown }).trace !== 'string') return;
  const named = (arrival as { trace: string }).trace;
  const path = isAbsolute(named) ? named : join(dirname(file), named);
  const refuse = (message: string) => {
    throw new ScenarioError([{ file, ...positionIn(child, ['workload', 'arrival', 'trace'], false), key: 'workload.arrival.trace', message }]);
  };
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return refuse(`expected a log file to replay, but ${JSON.stringify(path)} does not exist`);
  }
  if (!stat.isFile()) return refuse(`expected a regular file to replay, got ${JSON.stringify(path)}`);
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) refuse('expected a plain JSONL or CSV file: replay reads it as the simulation runs; gunzip it first');
  (arrival as { trace: string }).trace = path;
}
