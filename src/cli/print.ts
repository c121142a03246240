import { safeLines } from '../text/safe-text.js';

/**
 * The printing boundary: everything harness-sim writes to stdout or stderr goes through
 * here (reports, errors, breach lines), escaped by `safeLines`, so no scenario name or
 * command-line value can move the cursor, recolour the terminal, or run a CI workflow
 * command. Only the progress line (`\r`, erase-line) and the gate's own `::error`
 * annotations write raw, and both escape what they embed.
 */

/** Writes `text` to stdout, escaped. */
export function printOut(text: string): void {
  process.stdout.write(safeLines(text));
}

/** Writes `text` to stderr, escaped. */
export function printErr(text: string): void {
  process.stderr.write(safeLines(text));
}
