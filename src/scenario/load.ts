import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { dottedKey, ScenarioError, type ScenarioIssue } from './errors.js';
import { scenarioSchema, type ParsedScenario } from './schema.js';
import { didYouMean } from './suggest.js';
import { knownKeysAt } from './schema-keys.js';

/** Scenario files are hand-written; anything this large is a mistake, not a scenario. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Caps alias expansion so a "YAML bomb" fails fast instead of exhausting memory. */
const MAX_ALIAS_COUNT = 100;

/** A parsed scenario plus where it came from. */
export interface LoadedScenario {
  file: string;
  scenario: ParsedScenario & { name: string };
}

/** Reads, parses and validates a scenario file; throws `ScenarioError` listing every problem. */
export function loadScenarioFile(file: string): LoadedScenario {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_SCENARIO_BYTES) {
      throw new ScenarioError([{ file, key: '', message: `file is ${size} bytes; a scenario must be under ${MAX_SCENARIO_BYTES} bytes` }]);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? 'unknown error'})`;
    throw new ScenarioError([{ file, key: '', message: reason }]);
  }
  return { file, scenario: parseScenarioText(text, file) };
}

/** Parses scenario text; `file` is only used in messages and for the default name. */
export function parseScenarioText(text: string, file: string): ParsedScenario & { name: string } {
  const raw = parseYaml(text, file);
  const parsed = validate(raw.value, raw.doc, raw.lineCounter, file);
  return { ...parsed, name: parsed.name ?? basename(file, extname(file)) };
}

interface ParsedYaml {
  value: unknown;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

function parseYaml(text: string, file: string): ParsedYaml {
  if (text.includes('\u0000')) {
    throw new ScenarioError([{ file, key: '', message: 'binary content (NUL bytes); expected a YAML text file' }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        if (error.code === 'DUPLICATE_KEY') {
          const key = keyPathAt(doc, error.pos[0]);
          return { file, line: pos.line, column: pos.col, key, message: 'duplicate key: this key is already set above in the same mapping' };
        }
        return { file, line: pos.line, column: pos.col, key: '', message: `invalid YAML: ${firstLine(error.message)}` };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ScenarioError([{ file, key: '', message: `invalid YAML: ${firstLine((error as Error).message)}` }]);
  }
  if (value === null || value === undefined) {
    throw new ScenarioError([{ file, line: 1, column: 1, key: '', message: 'the file is empty; expected a scenario mapping (see `harness-sim init`)' }]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ScenarioError([{ file, line: 1, column: 1, key: '', message: 'expected a mapping of scenario keys at the top level' }]);
  }
  return { value, doc, lineCounter };
}

function validate(value: unknown, doc: Document.Parsed, lineCounter: LineCounter, file: string): ParsedScenario {
  const result = scenarioSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => toScenarioIssues(issue, doc, lineCounter, file));
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  throw new ScenarioError(issues);
}

function toScenarioIssues(issue: z.core.$ZodIssue, doc: Document.Parsed, lineCounter: LineCounter, file: string): ScenarioIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(scenarioSchema, path);
    return issue.keys.map((key) => {
      const suggestion = didYouMean(key, known);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : known.length ? ` (expected one of: ${known.join(', ')})` : '';
      return { file, ...position(doc, lineCounter, path, key), key: dottedKey([...path, key]), message: `unknown key${hint}` };
    });
  }
  return [{ file, ...position(doc, lineCounter, path), key: dottedKey(path), message: describe(issue, doc, path) }];
}

/** Rephrases zod's messages in the scenario's terms: what was expected, what was given. */
function describe(issue: z.core.$ZodIssue, doc: Document.Parsed, path: (string | number)[]): string {
  const given = doc.getIn(path);
  const got = given === undefined ? 'nothing' : JSON.stringify(given);
  switch (issue.code) {
    case 'invalid_type':
      return given === undefined ? `required, expected ${issue.expected}` : `expected ${issue.expected}, got ${got}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_value':
    case 'invalid_union':
      return `${lowerFirst(issue.message)}, got ${got}`;
    default:
      return lowerFirst(issue.message);
  }
}

/** Line and column of the node at `path` (or of `key` inside it), nearest existing ancestor otherwise. */
function position(doc: Document.Parsed, lineCounter: LineCounter, path: (string | number)[], key?: string) {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (!range) continue;
    let offset = range[0];
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
  return {};
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The dotted path of the mapping key that starts at `offset` (for duplicate-key errors). */
function keyPathAt(doc: Document.Parsed, offset: number): string {
  let found = '';
  visit(doc, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      const parts: (string | number)[] = [];
      for (let i = 0; i < path.length; i++) {
        const node = path[i];
        const child = path[i + 1];
        if (isPair(node) && isScalar(node.key)) parts.push(String(node.key.value));
        else if (isSeq(node) && child !== undefined) parts.push(node.items.indexOf(child as never));
      }
      parts.push(String(pair.key.value));
      found = dottedKey(parts);
      return visit.BREAK;
    },
  });
  return found;
}
