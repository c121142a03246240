import { gzipSync } from 'node:zlib';
import type { CallLogOptions } from '../engine/simulator.js';
import { formatCallLine } from '../telemetry/calls-out-format.js';
import { openOutputStream } from './output.js';

/** Bytes of JSON lines gathered before a write: big enough to compress well, small enough to keep memory flat. */
const CHUNK_BYTES = 1 << 20;

/** A `--calls-out` file being written while the run goes: the engine's sink, and how to end it. */
export interface CallsOut {
  calls: CallLogOptions;
  /** Flushes the last lines and closes the file (put in place when the command ends). */
  finish(): void;
  /** Calls written so far. */
  readonly written: number;
}

/**
 * Opens `path` for `run --calls-out`: one JSON line per upstream call, written in 1 MB pieces
 * as the run goes, so memory stays flat however long the run. A name ending in `.gz` is
 * gzipped, each piece as its own gzip member (a multi-member file every gunzip reads whole),
 * because the run is synchronous and a streaming compressor would only flush at its end.
 */
export function openCallsOut(path: string, sample: number | undefined): CallsOut {
  const stream = openOutputStream(path);
  const gzip = /\.gz$/i.test(path);
  let pieces: string[] = [];
  let size = 0;
  let written = 0;
  const flush = () => {
    if (pieces.length === 0) return;
    const text = pieces.join('');
    pieces = [];
    size = 0;
    stream.write(gzip ? gzipSync(text) : text);
  };
  return {
    calls: {
      sample,
      sink: (call) => {
        const line = formatCallLine(call);
        pieces.push(line);
        size += line.length;
        written++;
        if (size >= CHUNK_BYTES) flush();
      },
    },
    finish() {
      flush();
      stream.close();
    },
    get written() {
      return written;
    },
  };
}
