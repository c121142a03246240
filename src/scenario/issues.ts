import { isMap, isScalar } from 'yaml';
import type { z } from 'zod';
import { dottedKey, type ScenarioIssue } from './errors.js';
import { OVERRIDE_SOURCE, type AppliedOverride } from './overrides.js';
import { describeValue, getIn, startsWith, type KeyPath } from './paths.js';
import { knownKeysAt } from './schema-keys.js';
import { scenarioSchema } from './schema.js';
import { didYouMean } from '../text/suggest.js';
import { MAX_ISSUES, type FileSource } from './yaml-source.js';

/** What a scenario value was built from, most specific file first, for pointing at problems. */
export interface ScenarioOrigin {
  /** The file and its bases, child first. */
  sources: readonly FileSource[];
  overrides: readonly AppliedOverride[];
  /** The value that was validated: bases merged, overrides applied. */
  merged: unknown;
}

/** Turns zod's issues into positioned scenario issues in file order, the first `MAX_ISSUES` of them. */
export function toScenarioIssues(issues: readonly z.core.$ZodIssue[], origin: ScenarioOrigin): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  let total = 0;
  for (const issue of issues) {
    const count = issue.code === 'unrecognized_keys' ? issue.keys.length : 1;
    // Locating is linear in the file, so a hostile file's thousands of issues stop here.
    if (out.length < MAX_ISSUES) out.push(...convert(issue, origin, MAX_ISSUES - out.length));
    total += count;
  }
  // The file first, then its bases in chain order, then `--set`; by position within each.
  const rank = (file: string) => (file === OVERRIDE_SOURCE ? origin.sources.length : origin.sources.findIndex((s) => s.file === file));
  out.sort((a, b) => rank(a.file) - rank(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const more = total - out.length;
  if (more > 0) out.push({ file: origin.sources[0]!.file, key: '', message: `and ${more} more problems` });
  return out;
}

function convert(issue: z.core.$ZodIssue, origin: ScenarioOrigin, limit: number): ScenarioIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(scenarioSchema, path);
    return issue.keys.slice(0, limit).map((key) => {
      const suggestion = didYouMean(key, known);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : known.length ? ` (expected one of: ${known.join(', ')})` : '';
      return { ...locate(origin, [...path, key], true), key: dottedKey([...path, key]), message: `unknown key${hint}` };
    });
  }
  return [{ ...locate(origin, path, false), key: dottedKey(path), message: describe(issue, getIn(origin.merged, path)) }];
}

/**
 * Which file (or `--set`) gave the value at `path`, and where in it. An override owns
 * everything at or under its path, and the path it created; otherwise the most specific
 * file that has the key owns it. A missing key is placed at its nearest existing parent.
 */
export function locate(origin: ScenarioOrigin, path: KeyPath, isKey: boolean): Pick<ScenarioIssue, 'file' | 'line' | 'column'> {
  for (let depth = path.length; depth > 0; depth--) {
    const here = path.slice(0, depth);
    if (origin.overrides.some((o) => startsWith(here, o.path))) return { file: OVERRIDE_SOURCE };
    const source = origin.sources.find((s) => getIn(s.value, here) !== undefined);
    if (source) return { file: source.file, ...positionIn(source, here, isKey && depth === path.length) };
    if (origin.overrides.some((o) => startsWith(o.path, here))) return { file: OVERRIDE_SOURCE };
  }
  const top = origin.sources[0]!;
  return { file: top.file, ...positionIn(top, [], false) };
}

/**
 * Line and column of the node at `path` in one file (of its key, when `atKey`), or of its
 * nearest ancestor that the file spells out.
 */
export function positionIn(source: FileSource, path: KeyPath, atKey: boolean): { line?: number; column?: number } {
  const { doc, lineCounter } = source;
  for (let depth = path.length; depth >= 0; depth--) {
    const usingKey = atKey && depth === path.length && depth > 0;
    const parentPath = usingKey ? path.slice(0, depth - 1) : path.slice(0, depth);
    const node = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
    let range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (usingKey) {
      const pair = isMap(node) ? node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[depth - 1])) : undefined;
      range = pair && isScalar(pair.key) ? pair.key.range ?? undefined : undefined;
    }
    if (!range) continue;
    const pos = lineCounter.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  }
  return {};
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/**
 * Says what the key expected and what it was given. Messages the schema wrote itself
 * start with "expected" and are kept; zod's generic ones are rephrased.
 */
export function describe(issue: z.core.$ZodIssue, given: unknown): string {
  const got = describeValue(given);
  const required = given === undefined ? ' (the key is required)' : '';
  if (issue.message.startsWith('expected ')) {
    return issue.message.includes(', got ') ? issue.message : `${issue.message}, got ${got}${required}${quotedNumberHint(issue, given)}`;
  }
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeWords(issue.expected, given)}, got ${got}${required}${quotedNumberHint(issue, given)}`;
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}, got ${got}${suggest(given, issue.values)}`;
    case 'invalid_union':
      return describeUnion(issue, got, given) + required;
    case 'too_small':
    case 'too_big':
      return `expected ${bound(issue)}, got ${got}`;
    default:
      return `${lowerFirst(issue.message)}, got ${got}`;
  }
}

/** zod's type name in the scenario's words; a finite number when .nan or .inf was given. */
function typeWords(expected: string, given: unknown): string {
  if ((expected === 'number' || expected === 'int') && typeof given === 'number' && !Number.isFinite(given)) return `a finite ${expected === 'int' ? 'whole ' : ''}number`;
  return TYPE_WORDS[expected] ?? expected;
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion, got: string, given: unknown): string {
  if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
    const options = issue.options;
    return `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${got}${suggest(given, options)}`;
  }
  const branches = issue.errors.map((errors) => errors.filter((e) => e.path.length === 0));
  if (branches.every((b) => b.length > 0 && b.every((e) => e.code === 'invalid_value'))) {
    // `429` and `"429"` are the same choice to the reader: list each once, as first spelled.
    const all = branches.flat().flatMap((e) => (e as z.core.$ZodIssueInvalidValue).values);
    const values = all.filter((v, i) => all.findIndex((w) => String(w) === String(v)) === i);
    return `expected ${oneOf(values)}, got ${got}${suggest(given, values)}`;
  }
  if (branches.every((b) => b.length > 0 && b.every((e) => e.code === 'invalid_type'))) {
    const types = [...new Set(branches.flat().map((e) => TYPE_WORDS[(e as z.core.$ZodIssueInvalidType).expected] ?? (e as z.core.$ZodIssueInvalidType).expected))];
    return `expected ${types.join(' or ')}, got ${got}`;
  }
  return `expected a value of one of the accepted forms, got ${got}`;
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const words = small ? (issue.inclusive ? 'at least' : 'above') : issue.inclusive ? 'at most' : 'below';
  if (issue.origin === 'string') return limit === 1 && small ? 'non-empty text' : `text of ${words} ${limit} characters`;
  if (issue.origin === 'array' || issue.origin === 'set') return `a list of ${words} ${limit} items`;
  return `a number ${words} ${limit}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
}

function suggest(given: unknown, values: readonly unknown[]): string {
  if (typeof given !== 'string') return '';
  const suggestion = didYouMean(given, values.map(String));
  return suggestion !== undefined && suggestion !== given ? `; did you mean "${suggestion}"?` : '';
}

/** `maxAttempts: "3"`: numbers are not read from quoted text, so say how to fix it. */
function quotedNumberHint(issue: z.core.$ZodIssue, given: unknown): string {
  const wantsNumber = issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int');
  if (!wantsNumber || typeof given !== 'string' || given.trim() === '' || !Number.isFinite(Number(given))) return '';
  return ` (quoted text; write the number without quotes: ${given.trim()})`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
