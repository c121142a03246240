import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ScenarioError } from './errors.js';
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

/** One parsed YAML file of a scenario: its text's document (for positions) and its value. */
export interface FileSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  value: Record<string, unknown>;
}

/** Reads a scenario file's text, refusing missing files, directories and oversized files. */
export function readScenarioText(file: string): string {
  try {
    const size = statSync(file).size;
    if (size > MAX_SCENARIO_BYTES) {
      throw new ScenarioError([{ file, key: '', message: `expected a scenario under ${MAX_SCENARIO_BYTES} bytes, got a file of ${size} bytes` }]);
    }
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? 'unknown error'})`;
    throw new ScenarioError([{ file, key: '', message: reason }]);
  }
}

/** Parses one file's YAML into a top-level mapping; every YAML problem is a `ScenarioError`. */
export function parseYamlSource(text: string, file: string): FileSource {
  const fail = (message: string, line?: number, column?: number): never => {
    throw new ScenarioError([{ file, line, column, key: '', message }]);
  };
  if (text.length > MAX_SCENARIO_BYTES) fail(`expected a scenario under ${MAX_SCENARIO_BYTES} bytes, got ${text.length} characters`);
  if (text.includes('\u0000')) fail('expected a YAML text file, got binary content (NUL bytes)');
  const deep = deepFlowOffset(text);
  const lineCounter = new LineCounter();
  if (deep >= 0) {
    const pos = linePos(text, deep);
    fail(`expected brackets nested at most ${MAX_FLOW_DEPTH} deep, got more`, pos.line, pos.col);
  }
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        return { file, line: pos.line, column: pos.col, key: '', message: `invalid YAML: ${firstLine(error.message)}` };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    fail(`invalid YAML: ${firstLine((error as Error).message)}`);
  }
  if (value === null || value === undefined) {
    fail('expected a scenario mapping, got an empty file (`harness-sim init` writes a starter)', 1, 1);
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

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
