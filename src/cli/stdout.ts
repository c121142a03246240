import { printOut } from './print.js';

/**
 * A reader that stops early (`harness-sim sweep ... | head -1`) closes the pipe: the rest
 * of the output has nowhere to go, and that is not an error, so the process ends quietly
 * with exit 0 (no stack trace, no SLO-breach code, no further lines), as `yes | head`
 * does. Any other failure to write stdout (a full disk behind `> file`) is exit 2, in one line.
 */
export function handleStdoutErrors(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => endOnStdoutError(error));
}

/**
 * Writes to stdout (escaped, `print.ts`) and stops at once if the reader is gone. Writes to a pipe are
 * synchronous on Linux, and the stream records the failure before it emits it, so the
 * command ends here instead of running on to print gates for nobody.
 */
export function writeStdout(text: string): void {
  printOut(text);
  const error = process.stdout.errored as NodeJS.ErrnoException | null | undefined;
  if (error) endOnStdoutError(error);
}

function endOnStdoutError(error: NodeJS.ErrnoException): never {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`harness-sim: cannot write to stdout: ${error.code ?? error.message}\n`);
  process.exit(2);
}
