import { dottedKey, type ScenarioIssue } from './errors.js';
import { locate, type ScenarioOrigin } from './issues.js';
import { isMapping, type KeyPath } from './paths.js';
import { firstUnsafeCharacter } from '../text/safe-text.js';
import { MAX_ISSUES } from './yaml-source.js';

/**
 * Names and text in a scenario are printed: in tables, errors, CI annotations, JUnit. A
 * newline, ESC, C1 control or bidi override in one of them could fake output lines, drive
 * the terminal, or reorder what a reader sees, so every key and every string value is
 * refused when it holds one (the printers escape them anyway). Only `description` may
 * span lines; it may hold newlines and tabs, nothing else.
 */

/** Keys whose value is free text that may hold newlines and tabs. */
const MULTILINE_KEYS = new Set(['description']);

/** The issues for every key or string in `merged` holding a control or bidi character, positioned. */
export function unprintableText(origin: ScenarioOrigin): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const visit = (value: unknown, path: KeyPath, multiline: boolean): void => {
    if (issues.length >= MAX_ISSUES) return;
    if (typeof value === 'string') {
      const bad = firstUnsafeCharacter(multiline ? value.replace(/[\n\t]/g, ' ') : value);
      if (bad) issues.push({ ...locate(origin, path, false), key: dottedKey(path), message: message('text', bad) });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i], false));
    } else if (isMapping(value)) {
      for (const key of Object.keys(value)) {
        const bad = firstUnsafeCharacter(key);
        if (bad) issues.push({ ...locate(origin, [...path, key], true), key: dottedKey([...path, key]), message: message('name', bad) });
        else visit(value[key], [...path, key], path.length === 0 && MULTILINE_KEYS.has(key));
      }
    }
  };
  visit(origin.merged, [], false);
  return issues.slice(0, MAX_ISSUES);
}

function message(what: 'name' | 'text', bad: { index: number; codePoint: string }): string {
  return `expected ${what === 'name' ? 'a name' : 'text'} without control characters (newline, tab, ESC, C1) or bidi overrides, got ${bad.codePoint} at character ${bad.index + 1}`;
}
