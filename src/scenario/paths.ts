/**
 * Key paths into plain YAML-derived values (`layers.retry.maxAttempts`,
 * `upstream.incidents[0].at`): parsing them, reading along them, and setting own keys safely.
 */

/** A path into a scenario value: mapping keys and list indices. */
export type KeyPath = (string | number)[];

/** True for a mapping as `yaml` produces it (a plain object, not a list). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined when any step is missing; only own keys count. */
export function getIn(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === 'number') node = node[part];
    else if (isMapping(node) && Object.hasOwn(node, String(part))) node = node[String(part)];
    else return undefined;
  }
  return node;
}

/** True when `path` starts with every element of `prefix`. */
export function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => String(part) === String(path[i]));
}

/**
 * Sets an own key, even `__proto__`, so a hostile key becomes data instead of changing
 * the object's prototype.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/y;

/**
 * Reads `a.b[0].c` into `['a', 'b', 0, 'c']`; returns undefined for anything malformed
 * (empty segments, unclosed brackets, a non-numeric index).
 */
export function parseKeyPath(text: string): KeyPath | undefined {
  const path: KeyPath = [];
  let position = 0;
  while (position < text.length) {
    if (path.length > 0 && text[position] === '.') {
      position++;
      if (position === text.length) return undefined; // a trailing dot
    } else if (path.length > 0 && text[position] !== '[') return undefined;
    SEGMENT.lastIndex = position;
    const match = SEGMENT.exec(text);
    if (match === null) return undefined;
    path.push(match[1] !== undefined ? match[1].trim() : Number(match[2]));
    if (path[path.length - 1] === '') return undefined;
    position = SEGMENT.lastIndex;
  }
  return path.length > 0 ? path : undefined;
}

/**
 * Shows a YAML value in an error the way the user wrote it: strings quoted, `.nan` and
 * `.inf` in YAML's spelling, small containers inline, big ones by kind.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'object' && value !== null) {
    const kind = Array.isArray(value) ? 'a list' : 'a mapping';
    let inline: string | undefined;
    try {
      inline = JSON.stringify(value);
    } catch {
      inline = undefined; // a value that does not serialise is described by kind
    }
    return inline !== undefined && inline.length <= 40 ? `${kind} ${inline}` : kind;
  }
  return String(value);
}
