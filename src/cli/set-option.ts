/**
 * The repeatable `--set key.path=value` option shared by run, validate and explain: each
 * use overrides one scenario value on the raw YAML before validation, so a bad value is
 * reported like one in the file. Use as `.option(SET_FLAGS, SET_HELP, collectSet, [])`.
 */
export const SET_FLAGS = '--set <key=value>';

/** Help text for `--set`. */
export const SET_HELP = 'override a scenario value, e.g. --set layers.retry.maxAttempts=5 (repeatable; the value is read as YAML)';

/** Commander's accumulator for a repeatable option: every use, in order. */
export function collectSet(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
