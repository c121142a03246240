/**
 * Text from a scenario (names, values) or from the command line is printed to terminals
 * and CI logs. Two things must never get through: terminal control (ANSI escapes, C1
 * controls, bare CR, bidi overrides that reorder what a reader sees) and CI workflow
 * commands (`::add-mask::`, `::stop-commands::`, which the GitHub runner obeys at the start
 * of any line of stdout or stderr, and the older `##[cmd]` and Azure `##vso[` forms, which
 * it obeys anywhere in a line).
 *
 * Every escape is written as a JSON string escape (`\u001b`, `\n`), so escaping the text of
 * a JSON document leaves it valid JSON that reads back to the same value.
 */

/**
 * Characters never printed raw: C0 controls (tab, LF and CR included), DEL, C1 controls,
 * the Arabic letter mark, LRM/RLM, the bidi embeddings, overrides and isolates, and the
 * Unicode line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** The same set, for tests: does `text` hold any character `safeText` would escape? */
export function hasUnsafeCharacter(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/** The first unsafe character of `text` and its index, or null when there is none. */
export function firstUnsafeCharacter(text: string): { index: number; codePoint: string } | null {
  UNSAFE.lastIndex = 0;
  const match = UNSAFE.exec(text);
  UNSAFE.lastIndex = 0;
  return match === null ? null : { index: match.index, codePoint: `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
}

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  return SHORT[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Colour (SGR) sequences as chalk writes them: the only escapes `safeLines` lets through. */
const SGR = String.raw`\u001b\[[0-9;]*m`;
/**
 * Leading whitespace (not a line break) and colour codes, then `::`, at the start of any
 * line: a line the GitHub runner would read as a command (it trims leading whitespace).
 */
const COMMAND_AT_LINE_START = new RegExp(`^((?:[^\\S\\n]|${SGR})*):(?=:)`, 'gm');
/** `##[` (the runner's v1 commands) and `##vso[` (Azure Pipelines), obeyed anywhere in a line. */
const COMMAND_ANYWHERE = /##(vso)?\[/gi;
/** In a block: a colour code (kept) or an unsafe character other than LF and tab (escaped). */
const UNSAFE_IN_BLOCK = new RegExp(`(${SGR})|[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029]`, 'g');

function neutraliseCommands(text: string): string {
  return text
    .replace(COMMAND_AT_LINE_START, (_match, lead: string) => `${lead}\\u003a`)
    .replace(COMMAND_ANYWHERE, (_match, vso: string | undefined) => `##${vso ?? ''}\\u005b`);
}

/**
 * One line of text, safe to print anywhere: every unsafe character escaped (newlines too, so
 * the result is always one line), and workflow-command openings neutralised. Use it for
 * every name or value that came from a scenario or the command line.
 */
export function safeText(text: string): string {
  return neutraliseCommands(String(text).replace(UNSAFE, escapeCharacter));
}

/**
 * A block of output (a report, an error list), safe to print: line breaks and tabs stay,
 * and so do colour codes (`ESC[...m`, which only colour); every other unsafe character is
 * escaped and no line can start a workflow command. The printing boundary applies it to
 * everything it writes; names inside should already have gone through `safeText`.
 */
export function safeLines(text: string): string {
  const escaped = String(text).replace(UNSAFE_IN_BLOCK, (match: string, sgr: string | undefined) => (sgr !== undefined ? match : escapeCharacter(match)));
  return neutraliseCommands(escaped);
}

/** The unsafe characters XML and HTML can carry but a reader must not get raw (C1, DEL, bidi, LS/PS). */
const UNSAFE_PRINTABLE_IN_XML = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * Escapes the characters a markup document could carry but that would act on its reader:
 * C1 controls, DEL, bidi overrides and line separators (C0 controls are the markup
 * escaper's job, since XML cannot carry most of them at all).
 */
export function escapeInvisible(text: string): string {
  return text.replace(UNSAFE_PRINTABLE_IN_XML, escapeCharacter);
}
