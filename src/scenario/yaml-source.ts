import { isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { dottedKey, ScenarioError, type ScenarioIssue } from './errors.js';
import { InputFileError, readInputText } from './input-file.js';
import { reservedKeyIssues } from './reserved-keys.js';
import { isMapping } from './paths.js';

/** Scenario files are hand-written; anything this large is a mistake, not a scenario. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Caps alias expansion so a "YAML bomb" fails fast instead of exhausting memory. */
const MAX_ALIAS_COUNT = 100;
/**
 * Caps `[`/`{` nesting: `yaml` recurses per level, and ten thousand levels abort Node
 * outright instead of throwing. A scenario needs fewer than ten.
 */
const MAX_FLOW_DEPTH = 64;

/** A file with thousands of problems is reported by its first ones; the rest would bury them. */
export const MAX_ISSUES = 50;

/** One parsed YAML file of a scenario: its text's document (for positions) and its value. */
export interface FileSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  value: Record<string, unknown>;
}

/**
 * Reads a scenario file's text: a regular file under `MAX_SCENARIO_BYTES` (devices, FIFOs,
 * directories and sockets are refused without reading, `input-file.ts`), BOM dropped.
 */
export function readScenarioText(file: string): string {
  try {
    return readInputText(file, MAX_SCENARIO_BYTES, 'a scenario');
  } catch (error) {
    if (error instanceof InputFileError) throw new ScenarioError([{ file, key: '', message: error.message }]);
    throw error;
  }
}

/** Parses one file's YAML into a top-level mapping; every YAML problem is a `ScenarioError`. */
export function parseYamlSource(source: string, file: string): FileSource {
  const fail = (message: string, line?: number, column?: number): never => {
    throw new ScenarioError([{ file, line, column, key: '', message }]);
  };
  if (source.length > MAX_SCENARIO_BYTES) fail(`expected a scenario under ${MAX_SCENARIO_BYTES} bytes, got ${source.length} characters`);
  // YAML allows CR, LF and CRLF line breaks, the parser only LF and CRLF: read a bare CR
  // (old Mac files) as the break it is. Line numbers are unchanged, and so are columns.
  const text = (source.charCodeAt(0) === 0xfeff ? source.slice(1) : source).replace(/\r\n?/g, '\n');
  if (text.includes('\u0000')) fail('expected a YAML text file, got binary content (NUL bytes)');
  const deep = deepFlowOffset(text);
  const lineCounter = new LineCounter();
  if (deep >= 0) {
    const pos = linePos(text, deep);
    fail(`expected brackets nested at most ${MAX_FLOW_DEPTH} deep, got more`, pos.line, pos.col);
  }
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    const issues: ScenarioIssue[] = doc.errors.slice(0, MAX_ISSUES).map((error) => {
      const pos = lineCounter.linePos(error.pos[0]);
      const key = error.code === 'DUPLICATE_KEY' ? keyPathAt(doc, error.pos[0]) : '';
      return { file, line: pos.line, column: pos.col, key, message: yamlMessage(error.code, error.message, text, error.pos[0]) };
    });
    if (doc.errors.length > MAX_ISSUES) issues.push({ file, key: '', message: `and ${doc.errors.length - MAX_ISSUES} more YAML errors` });
    throw new ScenarioError(issues);
  }
  const reserved = reservedKeyIssues(doc, lineCounter, file);
  if (reserved.length > 0) throw new ScenarioError(reserved.slice(0, MAX_ISSUES));
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = firstLine((error as Error).message);
    // `yaml` refuses to expand more aliases than the cap: the shape of a "billion laughs" bomb.
    if (/alias count/i.test(message)) fail(`invalid YAML: expected at most ${MAX_ALIAS_COUNT} alias expansions, got more (a YAML bomb?)`);
    fail(`invalid YAML: ${message}`);
  }
  if (value === null || value === undefined) {
    fail('the file is empty: expected a scenario mapping, got nothing (`harness-sim init` writes a starter)', 1, 1);
  }
  if (!isMapping(value)) fail(`expected a mapping of scenario keys at the top level, got ${Array.isArray(value) ? 'a list' : 'a single value'}`, 1, 1);
  return { file, doc, lineCounter, value: value as Record<string, unknown> };
}

/**
 * Offset of the first `[` or `{` nested deeper than the cap, outside comments; -1 if none.
 * Quotes are not tracked (an apostrophe in plain text would hide the rest of the file),
 * so brackets inside strings count too: harmless, no real scenario nests them 64 deep.
 */
function deepFlowOffset(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */ && (i === 0 || text.charCodeAt(i - 1) <= 0x20)) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === 0x5d /* ] */ || c === 0x7d /* } */) && depth > 0) depth--;
  }
  return -1;
}

function linePos(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, col: offset - lineStart + 1 };
}

/** The parser's message, rephrased as expected/got for the mistakes people actually make. */
function yamlMessage(code: string, message: string, text: string, offset: number): string {
  if (code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(offset, offset + 200))![0].trim().replace(/^["']|["']$/g, '');
    // Quote at most a short, escaped key: this may be a file that is no scenario at all.
    const shown = key.length > 40 ? `${key.slice(0, 37)}...` : key;
    return `duplicate key: expected each key once in a mapping, got ${shown ? JSON.stringify(shown) : 'this key'} a second time`;
  }
  if (code === 'TAB_AS_INDENT') return 'invalid YAML: expected spaces for indentation, got a tab';
  return `invalid YAML: ${firstLine(message)}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/**
 * Parses a single YAML value typed outside a file (a `--set` value): a scalar or a flow
 * collection such as `[429, 503]`. Throws an Error whose message says what is wrong.
 */
export function parseYamlValue(text: string): unknown {
  if (deepFlowOffset(text) >= 0) throw new Error(`brackets nested deeper than ${MAX_FLOW_DEPTH}`);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) throw new Error(firstLine(doc.errors[0]!.message));
  return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
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
