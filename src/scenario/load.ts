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
  /**
   * Texts already read, by path as named (the file, then each `extends` base): a base found
   * here is not read again, and one read from disk is added. See `ScenarioSources`.
   */
  sources?: ScenarioSources;
}

/**
 * A snapshot of a scenario's files: path (as the file or its `extends:` names it) to text.
 * A command that loads one scenario many times (sweep, tune, lab: once per point, in any
 * thread) reads the files once into a snapshot and loads every point from it, so editing or
 * deleting a file while it runs changes nothing. A Map, so it crosses to worker threads.
 */
export type ScenarioSources = Map<string, string>;

/** Reads `file` through `sources`: from the snapshot when there, else from disk into it. */
export function readThrough(sources: ScenarioSources, file: string): string {
  let text = sources.get(file);
  if (text === undefined) {
    text = readScenarioText(file);
    sources.set(file, text);
  }
  return text;
}

/**
 * Reads `file` and every base of its `extends:` chain into a snapshot and validates the
 * scenario from it (with `overrides`). Throws `ScenarioError` as `loadScenarioFile` does.
 */
export function snapshotScenario(file: string, options: LoadOptions = {}): { sources: ScenarioSources; scenario: ParsedScenario & { name: string } } {
  const sources = options.sources ?? new Map<string, string>();
  const scenario = parseScenarioText(readThrough(sources, file), file, { ...options, sources });
  return { sources, scenario };
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
  const snapshot = options.sources;
  const read = snapshot ? (base: string) => readThrough(snapshot, base) : readScenarioText;
  const sources = resolveExtendsChain(child, (source) => positionIn(source, ['extends'], false), read);
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
