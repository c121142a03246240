import { CommanderError } from 'commander';
import { ScenarioError } from '../scenario/errors.js';
import { safeText } from '../text/safe-text.js';
import { printErr } from './print.js';

/** Exit codes: 0 ok, 1 an SLO or assertion breached, 2 bad input, 3 an internal error. */
export const ExitCode = { Ok: 0, Breach: 1, BadInput: 2, Internal: 3 } as const;

/** Bad command-line input (an option value that does not parse). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The one error boundary: maps known errors to an exit code and a short message on
 * stderr, never a stack trace unless `--debug` is given.
 */
export function reportError(error: unknown, debug: boolean): number {
  if (error instanceof ScenarioError) {
    printErr(`${error.message}\n`);
    return ExitCode.BadInput;
  }
  if (error instanceof UsageError) {
    printErr(`harness-sim: ${safeText(error.message)}\n`);
    return ExitCode.BadInput;
  }
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version are not errors.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.Ok;
    return ExitCode.BadInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  printErr(`harness-sim: internal error: ${safeText(message)}${debug ? '' : ' (re-run with --debug for the stack trace)'}\n`);
  if (debug && error instanceof Error && error.stack) printErr(`${error.stack}\n`);
  return ExitCode.Internal;
}
