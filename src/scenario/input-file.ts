import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reading an input file (a scenario, an `extends` base, a `merge` part) without trusting
 * what the path names. The file is opened without blocking (a FIFO with no writer would
 * otherwise hang the open), then checked with fstat on that same descriptor (no race with
 * a swap of the path): only a regular file under the size cap is read, and never more
 * than the cap, so /dev/zero, /dev/urandom, FIFOs, sockets and directories are refused at
 * once, in bounded time and memory.
 */

/** Why an input file was refused, in words fit for `FILE: <reason>`. */
export class InputFileError extends Error {
  override name = 'InputFileError';
}

/** Reads a regular file of at most `maxBytes` bytes as UTF-8 text (a leading BOM is dropped). */
export function readInputText(file: string, maxBytes: number, what = 'a file'): string {
  const text = readInputBytes(file, maxBytes, what).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a regular file of at most `maxBytes` bytes. */
export function readInputBytes(file: string, maxBytes: number, what = 'a file'): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputFileError(openReason((error as NodeJS.ErrnoException).code));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputFileError(`expected ${what}, got ${kindOf(stats)}`);
    if (stats.size > maxBytes) throw new InputFileError(`expected ${what} under ${maxBytes} bytes, got a file of ${stats.size} bytes`);
    // Read at most one byte past the cap: a file that grows while read is caught too.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stats.size, 0) + 1));
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) throw new InputFileError(`expected ${what} under ${maxBytes} bytes, got a file that grew past it while read`);
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  } finally {
    closeSync(fd);
  }
}

function openReason(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read (permission denied)';
    case 'ENOTDIR':
      return 'no such file (a parent is not a directory)';
    case 'ENXIO':
      return 'expected a file, got a socket or device with nothing behind it';
    case 'ELOOP':
      return 'cannot read (too many levels of symbolic links)';
    default:
      return `cannot read (${code ?? 'unknown error'})`;
  }
}

function kindOf(stats: ReturnType<typeof fstatSync>): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'something that is not a regular file';
}
