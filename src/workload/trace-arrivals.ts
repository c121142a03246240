import { closeSync, openSync, readSync } from 'node:fs';
import { isFirstAttempt, type CallRecord } from '../telemetry/call-record.js';
import { parseCsvRow, parseJsonRecord, splitCsvLine } from '../telemetry/formats.js';

/** One replayed arrival: its time (absolute while buffered, then since the trace's first arrival), and what the log says about it. */
export interface TraceArrival {
  atMs: number;
  tenant?: string;
  inputTokens?: number;
  outputTokens?: number;
}

/**
 * Arrivals replayed from a log (`workload.arrival: { trace: FILE }`), read in chunks as the
 * simulation asks for them (flat memory; synchronous, since the engine has no Promises).
 * Every format `fit` reads works: a request's first attempt (or an agent session's first
 * call) is one arrival. Logs are only roughly ordered (clock skew, batching exporters), so
 * arrivals pass through a reorder buffer of `REORDER` entries; one later than that is
 * replayed at the time it is read and counted in `late`.
 */
export class TraceArrivals {
  static readonly REORDER = 4096;
  private readonly fd: number;
  private readonly chunk = Buffer.alloc(1 << 20);
  private carry = '';
  private eof = false;
  private header: string[] | null = null;
  private csv: boolean | null = null;
  private originMs: number | undefined;
  private readonly pending: TraceArrival[] = [];
  private lastEmittedMs = 0;
  /** Records that were not usable arrivals, and arrivals more out of order than the buffer. */
  bad = 0;
  late = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
  }

  /** The next arrival in time order, or null when the trace is exhausted. */
  next(): TraceArrival | null {
    while (this.pending.length < TraceArrivals.REORDER && !this.eof) this.readLine();
    if (this.pending.length === 0) return null;
    const next = popMin(this.pending);
    // Times are relative to the earliest arrival in the first buffer-full, not the first line.
    this.originMs ??= next.atMs;
    next.atMs -= this.originMs;
    if (next.atMs < this.lastEmittedMs) {
      this.late++;
      next.atMs = this.lastEmittedMs;
    }
    this.lastEmittedMs = next.atMs;
    return next;
  }

  close(): void {
    closeSync(this.fd);
  }

  private readLine(): void {
    let newline = this.carry.indexOf('\n');
    while (newline < 0) {
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) {
        this.eof = true;
        const last = this.carry;
        this.carry = '';
        if (last.trim() !== '') this.parse(last);
        return;
      }
      this.carry += this.chunk.toString('utf8', 0, n);
      if (this.carry.length > 64 * 1024 * 1024) {
        // One record over 64 MiB: skip it rather than buffer it.
        this.bad++;
        this.carry = '';
      }
      newline = this.carry.indexOf('\n');
    }
    const line = this.carry.slice(0, newline).replace(/\r$/, '');
    this.carry = this.carry.slice(newline + 1);
    if (line.trim() !== '') this.parse(line.replace(/^\uFEFF/, ''));
  }

  private parse(line: string): void {
    this.csv ??= !line.trimStart().startsWith('{') && line.includes(',');
    let parsed;
    if (this.csv) {
      const cells = splitCsvLine(line);
      if (typeof cells === 'string') return void this.bad++;
      if (this.header === null) {
        this.header = cells;
        return;
      }
      parsed = parseCsvRow(this.header, cells);
    } else {
      try {
        parsed = parseJsonRecord(JSON.parse(line));
      } catch {
        return void this.bad++;
      }
    }
    if (typeof parsed === 'string') return void this.bad++;
    // A session arrives once (its first model call); otherwise every first attempt is an arrival
    // (an OTLP line holds a batch of spans, a call log one call).
    if (parsed.session) {
      const first = parsed.calls.find((c) => c.kind === 'model');
      if (first) this.arrive(first);
      return;
    }
    for (const call of parsed.calls) if (call.kind === 'model' && isFirstAttempt(call)) this.arrive(call);
  }

  private arrive(call: CallRecord): void {
    const arrival: TraceArrival = { atMs: call.startMs };
    if (call.tenant !== undefined) arrival.tenant = call.tenant;
    // The request's own tokens, as `fit` writes workload.tokens.input: the cached prefix is the scenario's prompt.prefix.
    if (call.inputTokens !== undefined) arrival.inputTokens = Math.max(1, Math.round(call.inputTokens - (call.cacheReadTokens ?? 0) - (call.cacheWriteTokens ?? 0)));
    if (call.outputTokens !== undefined) arrival.outputTokens = Math.max(1, Math.round(call.outputTokens));
    pushHeap(this.pending, arrival);
  }
}

function pushHeap(heap: TraceArrival[], item: TraceArrival): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.atMs <= item.atMs) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = item;
}

function popMin(heap: TraceArrival[]): TraceArrival {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && heap[r]!.atMs < heap[l]!.atMs ? r : l;
      if (heap[c]!.atMs >= last.atMs) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}
