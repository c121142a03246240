import { safeText } from '../text/safe-text.js';

/** One problem in a scenario, positioned in its file. */
export interface ScenarioIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. `layers.retry.maxAttempts`; empty for the whole file. */
  key: string;
  message: string;
}

/**
 * Bad input: every problem found in a scenario, reported at once. The CLI prints one
 * line per issue and exits 2; nothing else is written.
 */
export class ScenarioError extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    // One line per problem: an issue found twice (by two rules, or in two files) prints once.
    super([...new Set(issues.map(formatIssue))].join('\n'));
    this.name = 'ScenarioError';
  }
}

/** `file:line:col key: message`, the shape compilers use so editors can jump to it. */
export function formatIssue(issue: ScenarioIssue): string {
  // Each part is escaped on its own, so an issue is always one line and a name quoted in it
  // cannot reach the terminal raw.
  const file = safeText(issue.file);
  const where = issue.line !== undefined ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
  return issue.key ? `${where} ${safeText(issue.key)}: ${safeText(issue.message)}` : `${where}: ${safeText(issue.message)}`;
}

/**
 * Joins a key path the way users write it: `upstream.incidents[0].target`. A key that
 * would read ambiguously (empty, or holding dots, brackets, quotes or spaces) is quoted.
 */
export function dottedKey(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
      continue;
    }
    const text = String(part);
    const key = /^[^.[\]"'\s]+$/.test(text) ? text : JSON.stringify(text);
    out += out ? `.${key}` : key;
  }
  return out;
}
