import { chmodSync, closeSync, constants, linkSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { writeStdout } from './stdout.js';
import { safeLines, safeText } from '../text/safe-text.js';

/**
 * Writing output files without ever destroying one. A regular file is written to a
 * temporary file beside it and renamed into place only when complete, so a reader, a full
 * disk or a crash never leaves half a report and never loses the previous one. Anything
 * else that exists (/dev/null, /dev/stdout, a FIFO, a terminal) is opened and written
 * through, never renamed over, whoever runs the tool. A symlink is followed: its target
 * is what gets replaced. Paths were checked before the run (`output-paths.ts`); the
 * errors here are the ones only the write itself can meet (disk full, a race).
 *
 * While a command runs, its files are staged (`beginOutputs`): each is written to its
 * temporary file, and all are put in place together when the command ends
 * (`commitOutputs`). A command that fails late (a report that cannot be written, an
 * internal error) leaves every existing output as it was (`abandonOutputs`).
 */

/** `-` as an output path: standard output. */
export const STDOUT = '-';

/** One output waiting for the command to end: a temporary file to move, or bytes to write through. */
interface Staged {
  path: string;
  target: string;
  temporary?: string;
  content?: string;
  overwrite: boolean;
  ifExists?: string;
}

/** Temporary files not yet in place, removed on failure or interruption. */
const pending = new Set<string>();
/** Outputs written in full by this process, named as the user gave them. */
const written: string[] = [];
let staged: Staged[] | undefined;
let signalsHandled = false;
let sequence = 0;

/** Refusal to replace an existing file when the caller asked not to (`init` without `--force`). */
export class OutputExistsError extends UsageError {
  override name = 'OutputExistsError';
}

/**
 * How to write. `overwrite: false` refuses an existing file with `OutputExistsError`
 * (message `PATH already exists; <ifExists>`), atomically: the file is linked into place,
 * which fails if it appeared meanwhile.
 */
export interface WriteOptions {
  overwrite?: boolean;
  ifExists?: string;
}

/** From now until `commitOutputs`, files are staged instead of put in place. */
export function beginOutputs(): void {
  staged = [];
}

/** Puts every staged file in place, in the order written. A failure abandons the rest. */
export function commitOutputs(): void {
  const batch = staged ?? [];
  staged = undefined;
  try {
    for (const output of batch) place(output);
  } finally {
    abandon(batch);
  }
}

/** Drops every staged file: existing outputs stay as they were. */
export function abandonOutputs(): void {
  const batch = staged ?? [];
  staged = undefined;
  abandon(batch);
}

function abandon(batch: readonly Staged[]): void {
  for (const output of batch) {
    if (output.temporary !== undefined && pending.has(output.temporary)) {
      removeQuietly(output.temporary);
      pending.delete(output.temporary);
    }
  }
}

/**
 * Writes `content` to `path` atomically (or through, for a non-regular file); `-` is
 * stdout. Inside a command the file is staged and put in place when the command ends.
 * Failures are usage errors naming `path`, never the temporary file.
 */
export function writeFileAtomic(path: string, content: string, options: WriteOptions = {}): void {
  if (path === STDOUT) return writeStdout(content);
  handleSignals();
  const { target, through } = outputTarget(path);
  const output: Staged = { path, target, overwrite: options.overwrite !== false, ifExists: options.ifExists };
  if (!output.overwrite && statOrUndefined(target)) throw exists(output);
  if (through) output.content = content;
  else output.temporary = guarded(output, () => writeTemporary(target, content));
  if (staged) staged.push(output);
  else place(output);
}

/** An output written in pieces while a command runs (`run --calls-out`), put in place like any other. */
export interface OutputStream {
  write(bytes: Uint8Array | string): void;
  /** Ends the file: staged to be put in place when the command ends (or at once outside one). */
  close(): void;
}

/**
 * Opens `path` for writing in pieces, with the same rules as `writeFileAtomic`: a regular
 * file is written to a temporary file beside it and put in place only when complete (a
 * failed or interrupted run leaves the old file); anything else is written through; `-` is
 * stdout. Failures are usage errors naming `path`.
 */
export function openOutputStream(path: string): OutputStream {
  if (path === STDOUT) return { write: (bytes) => writeStdout(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString()), close: () => {} };
  handleSignals();
  const { target, through } = outputTarget(path);
  const output: Staged = { path, target, overwrite: true };
  let fd: number;
  if (through) fd = guarded(output, () => openSync(target, constants.O_WRONLY | constants.O_APPEND));
  else {
    const temporary = temporaryBeside(target);
    output.temporary = temporary;
    pending.add(temporary);
    fd = guarded(output, () => openSync(temporary, 'wx'));
  }
  let open = true;
  return {
    write(bytes) {
      const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      guarded(output, () => {
        for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
      });
    },
    close() {
      if (!open) return;
      open = false;
      guarded(output, () => {
        closeSync(fd);
        const existing = output.temporary !== undefined ? statOrUndefined(target) : undefined;
        if (existing) chmodSync(output.temporary!, existing.mode & 0o7777);
      });
      if (through) return;
      if (staged) staged.push(output);
      else place(output);
    },
  };
}

/** Prints to stdout, or writes to `--out` (`-` is stdout too). Ends the text with a newline. */
export function emit(content: string, out: string | undefined): void {
  const text = content.endsWith('\n') ? content : `${content}\n`;
  if (out) writeFileAtomic(out, text);
  else writeStdout(text);
}

/** Writes the complete content to a new temporary file beside `target`, with the old file's mode. */
function writeTemporary(target: string, content: string): string {
  const temporary = temporaryBeside(target);
  pending.add(temporary);
  try {
    writeFileSync(temporary, content, { flag: 'wx' });
    const existing = statOrUndefined(target);
    if (existing) chmodSync(temporary, existing.mode & 0o7777);
    return temporary;
  } catch (error) {
    removeQuietly(temporary);
    pending.delete(temporary);
    throw error;
  }
}

/** A new temporary file's name beside `target` (hidden, this process's, never reused). */
function temporaryBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${sequence++}`);
}

/** Moves a staged file into place (renamed over, or linked when it must not exist), or writes it through. */
function place(output: Staged): void {
  guarded(output, () => {
    if (output.temporary === undefined) return writeThrough(output.target, output.content ?? '');
    if (output.overwrite) renameSync(output.temporary, output.target);
    else {
      linkSync(output.temporary, output.target);
      unlinkSync(output.temporary);
    }
    pending.delete(output.temporary);
  });
  written.push(output.path);
}

/** Runs a file operation, turning a system error into a usage error naming the user's path. */
function guarded<T>(output: Staged, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (output.temporary !== undefined) {
      removeQuietly(output.temporary);
      pending.delete(output.temporary);
    }
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(output);
    throw new UsageError(`cannot write ${output.path}: ${reason(error)}`);
  }
}

function exists(output: Staged): OutputExistsError {
  return new OutputExistsError(`${output.path} already exists${output.ifExists ? `; ${output.ifExists}` : ''}`);
}

/**
 * Opens an existing file and writes into it: never created (a new name in /dev is not a
 * device), never truncated, appended to, so `--out /dev/stdout >> log` appends as `>>` asks.
 */
function writeThrough(target: string, content: string): void {
  const fd = openSync(target, constants.O_WRONLY | constants.O_APPEND);
  try {
    const bytes = Buffer.from(content);
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
  } finally {
    closeSync(fd);
  }
}

/** Where an output path leads, and how it is written. */
export interface OutputTarget {
  /** The path to open or to replace: symlinks followed, except into /dev and /proc. */
  target: string;
  /** Written through (opened and written) rather than replaced by a renamed file. */
  through: boolean;
}

/**
 * How an output path is written. Symlinks are followed (even dangling ones, whose target
 * is then created), and a regular file at the end is replaced atomically. Anything that
 * exists and is not a regular file (a device, a FIFO, a terminal), and anything in /dev or
 * /proc, is written through: `/dev/stdout` redirected to a file is a link into /proc whose
 * "target" is no path to rename over, and /dev holds device nodes, never our files.
 */
export function outputTarget(path: string): OutputTarget {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    if (isSystemPath(current)) return { target: path, through: true };
    let stats: Stats;
    try {
      stats = lstatSync(current);
    } catch {
      return { target: current, through: false };
    }
    if (!stats.isSymbolicLink()) return { target: current, through: !stats.isFile() };
    current = resolve(dirname(current), readlinkSync(current));
  }
  return { target: current, through: false }; // a loop of links: the write reports ELOOP
}

/** Paths under /dev or /proc (as given or once resolved): never replaced, only written through. */
function isSystemPath(path: string): boolean {
  const absolute = resolve(path);
  if (/^\/(dev|proc)(\/|$)/.test(absolute)) return true;
  try {
    return /^\/(dev|proc)(\/|$)/.test(realpathSync(dirname(absolute)));
  } catch {
    return false;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never created, or already gone.
  }
}

/** A system error in words, without the paths Node puts in its message. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOENT':
      return 'its directory does not exist';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EIO':
      return 'input/output error';
    default:
      return code ?? 'unknown error';
  }
}

/**
 * From the first write on, SIGINT and SIGTERM are handled. Writes are synchronous, so a
 * signal is handled between whole writes, never between a temporary file and its rename:
 * each output is complete or untouched, and no temporary file is left. Before any write,
 * the default action (exit at once) stays, so a long simulation can still be stopped with ^C.
 */
function handleSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  // Whatever ends the process (a closed stdout exits at once), no temporary file stays.
  process.on('exit', () => {
    for (const temporary of pending) removeQuietly(temporary);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const temporary of pending) removeQuietly(temporary);
      const unwritten = (staged ?? []).map((s) => s.path).filter((path) => !written.includes(path));
      const parts = [
        written.length > 0 ? `complete: ${written.join(', ')}` : 'no output written',
        ...(unwritten.length > 0 ? [`left as they were: ${unwritten.join(', ')}`] : []),
      ];
      process.stderr.write(safeLines(`harness-sim: interrupted by ${signal}; ${parts.map(safeText).join('; ')}\n`));
      process.exit(2);
    });
  }
}
