import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { printOut } from './print.js';

/**
 * Writes a report atomically: to a temporary file beside the target, then renamed over
 * it, so a reader (or a crash) never sees half a report.
 */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** Prints to stdout or writes to `--out`. */
export function emit(content: string, out: string | undefined): void {
  if (out) writeFileAtomic(out, content.endsWith('\n') ? content : `${content}\n`);
  else printOut(content.endsWith('\n') ? content : `${content}\n`);
}
