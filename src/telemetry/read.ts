import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parseCsvRow, parseJsonRecord, splitCsvLine, type ParsedRecord } from './formats.js';
import { open } from 'node:fs/promises';

/** A record longer than this (one agent session on one line can be large) is skipped, not buffered. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** A telemetry file that cannot be read at all (the CLI turns it into one line and exit 2). */
export class TelemetryFileError extends Error {
  override name = 'TelemetryFileError';
}

export type ReadItem = { file: string; line: number; record: ParsedRecord } | { file: string; line: number; problem: string };

/**
 * The records of one telemetry file, streamed: JSONL (`.gz` detected by its magic bytes) or
 * CSV with a header row. Memory stays flat whatever the file's size: lines are cut from
 * chunks, and a line longer than `MAX_RECORD_BYTES` is skipped and reported.
 */
export async function* readTelemetryFile(file: string): AsyncGenerator<ReadItem> {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    throw new TelemetryFileError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  if (!stat.isFile()) throw new TelemetryFileError(`${file}: not a regular file (a telemetry export must be a JSONL, JSONL.gz or CSV file)`);
  const gzip = await startsWithGzipMagic(file);
  let stream: Readable = createReadStream(file, { highWaterMark: 1 << 20 });
  if (gzip) stream = stream.pipe(createGunzip());
  let header: string[] | null = null;
  let csv: boolean | null = null;
  let lineNumber = 0;
  try {
    for await (const line of lines(stream)) {
      lineNumber++;
      if (line === null) {
        yield { file, line: lineNumber, problem: `a record longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB` };
        continue;
      }
      const text = lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (text.trim() === '') continue;
      // CSV when the first record is a header row (commas, not a JSON object); JSONL otherwise.
      if (csv === null) csv = !text.trimStart().startsWith('{') && text.includes(',') && !text.trimStart().startsWith('[');
      if (csv) {
        const cells = splitCsvLine(text);
        if (typeof cells === 'string') {
          yield { file, line: lineNumber, problem: cells };
          continue;
        }
        if (header === null) {
          header = cells;
          continue;
        }
        const parsed = parseCsvRow(header, cells);
        yield typeof parsed === 'string' ? { file, line: lineNumber, problem: parsed } : { file, line: lineNumber, record: parsed };
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield { file, line: lineNumber, problem: 'not valid JSON' };
        continue;
      }
      const parsed = parseJsonRecord(value);
      yield typeof parsed === 'string' ? { file, line: lineNumber, problem: parsed } : { file, line: lineNumber, record: parsed };
    }
  } catch (error) {
    if (error instanceof TelemetryFileError) throw error;
    throw new TelemetryFileError(`${file}: ${gzip ? 'not a valid gzip stream' : 'read failed'} after line ${lineNumber} (${(error as Error).message.slice(0, 80)})`);
  }
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Lines of a byte stream (LF, CRLF or bare CR); null stands for a line over the size cap. */
async function* lines(stream: Readable): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let oversized = false;
  let lastWasCr = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== 0x0a && byte !== 0x0d) continue;
      if (byte === 0x0a && lastWasCr && i === start && size === 0 && parts.length === 0) {
        // The LF of a CRLF whose CR ended the previous line.
        start = i + 1;
        lastWasCr = false;
        continue;
      }
      lastWasCr = byte === 0x0d;
      const piece = chunk.subarray(start, i);
      yield finish(piece);
      start = i + 1;
      if (byte === 0x0d && chunk[i + 1] === 0x0a) {
        i++;
        start = i + 1;
        lastWasCr = false;
      }
    }
    if (start < chunk.length) {
      lastWasCr = false;
      const rest = chunk.subarray(start);
      if (!oversized) {
        size += rest.length;
        if (size > MAX_RECORD_BYTES) {
          oversized = true;
          parts = [];
        } else parts.push(Buffer.from(rest));
      }
    }
  }
  if (size > 0 || parts.length > 0 || oversized) yield finish(Buffer.alloc(0));

  function finish(piece: Buffer): string | null {
    const tooLong = oversized || size + piece.length > MAX_RECORD_BYTES;
    const text = tooLong ? null : (parts.length === 0 ? piece : Buffer.concat([...parts, piece])).toString('utf8');
    parts = [];
    size = 0;
    oversized = false;
    return text;
  }
}
