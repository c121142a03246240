import { isPair, isScalar, isSeq, visit, type Document, type LineCounter } from 'yaml';
import { dottedKey, type ScenarioIssue } from './errors.js';

/**
 * Keys that name parts of every JavaScript object. As a model, tenant, tool, SLO or any
 * other key they would be dropped, or change an object's prototype, somewhere between the
 * YAML and the simulator; no scenario needs them, so they are refused where written.
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** True for a key a scenario may not use. */
export function isReservedKey(key: string | number): boolean {
  return typeof key === 'string' && RESERVED_KEYS.includes(key);
}

/** One issue per reserved key anywhere in the document, at its position, with its dotted path. */
export function reservedKeyIssues(doc: Document.Parsed, lineCounter: LineCounter, file: string): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  visit(doc, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key) || !isReservedKey(String(pair.key.value))) return undefined;
      const keys: (string | number)[] = [];
      for (let i = 0; i < path.length; i++) {
        const node = path[i];
        if (isPair(node) && isScalar(node.key)) keys.push(String(node.key.value));
        else if (isSeq(node) && path[i + 1] !== undefined) keys.push(node.items.indexOf(path[i + 1] as never));
      }
      keys.push(String(pair.key.value));
      const position = lineCounter.linePos(pair.key.range?.[0] ?? 0);
      issues.push({ file, line: position.line, column: position.col, key: dottedKey(keys), message: reservedMessage(String(pair.key.value)) });
      return undefined;
    },
  });
  return issues;
}

/** The message for a reserved key, in files and in `--set` alike. */
export function reservedMessage(key: string): string {
  return `expected a name other than ${RESERVED_KEYS.join(', ')} (reserved in JavaScript), got ${JSON.stringify(key)}`;
}
