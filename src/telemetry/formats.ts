import type { CallRecord } from './call-record.js';
import { normaliseError } from './error-kinds.js';
import { callFromFields, epochMs, flatten } from './fields.js';

/**
 * The formats `fit` reads, each detected per record (so concatenated exports work):
 * - `otlp`: OpenTelemetry's file exporter, one ExportTraceServiceRequest JSON per line
 *   (`resourceSpans[].scopeSpans[].spans[]`); spans without `gen_ai.*` attributes are skipped;
 * - `agent-trace`: one agent session per line (`session_id`, `turns[].llm_calls[]`, `turns[].tool_batches[]`);
 * - `call-log`: one call per line or CSV row, read through the column aliases in `fields.ts`
 *   (harness-sim's `--calls-out`, LiteLLM spend logs, Helicone and Langfuse exports).
 */
export type FormatName = 'otlp' | 'agent-trace' | 'call-log';

/** One agent session's shape, for fitting `workload.sessions`. */
export interface SessionShape {
  turns: number;
  /** Model calls in each turn. */
  callsPerTurn: number[];
  /** Parallel tool calls in each tool batch. */
  batchSizes: number[];
  /** Idle time between the end of one turn and the start of the next, in ms. */
  thinkTimesMs: number[];
  startMs: number;
}

export interface ParsedRecord {
  format: FormatName;
  calls: CallRecord[];
  session?: SessionShape;
  /** Parts of the record that were not calls (non-GenAI spans) or were unusable, with why. */
  skipped: number;
  problems: string[];
}

/** Reads one JSON record (a line of a JSONL file) in whichever supported format it is. */
export function parseJsonRecord(value: unknown): ParsedRecord | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.resourceSpans)) return parseOtlp(object.resourceSpans);
  if (Array.isArray(object.turns)) return parseAgentSession(object);
  const call = callFromFields(flatten(object));
  if (typeof call === 'string') return call;
  return { format: 'call-log', calls: [call], skipped: 0, problems: [] };
}

interface OtlpAttribute {
  key?: unknown;
  value?: { stringValue?: unknown; intValue?: unknown; doubleValue?: unknown; boolValue?: unknown };
}

function parseOtlp(resourceSpans: unknown[]): ParsedRecord {
  const result: ParsedRecord = { format: 'otlp', calls: [], skipped: 0, problems: [] };
  for (const resource of resourceSpans) {
    const scopes = (resource as { scopeSpans?: unknown })?.scopeSpans;
    if (!Array.isArray(scopes)) continue;
    for (const scope of scopes) {
      const spans = (scope as { spans?: unknown })?.spans;
      if (!Array.isArray(spans)) continue;
      for (const span of spans) {
        const call = otlpSpanCall(span as Record<string, unknown>);
        if (call === null) result.skipped++;
        else if (typeof call === 'string') result.problems.push(call);
        else result.calls.push(call);
      }
    }
  }
  return result;
}

/** A GenAI span as a call; null for a span that is not a GenAI call (HTTP, DB ...). */
function otlpSpanCall(span: Record<string, unknown>): CallRecord | string | null {
  const flat: Record<string, unknown> = Object.create(null);
  const attributes = Array.isArray(span.attributes) ? (span.attributes as OtlpAttribute[]) : [];
  for (const a of attributes) {
    if (typeof a?.key !== 'string' || a.value === undefined) continue;
    const v = a.value;
    flat[a.key] = v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
  }
  if (!Object.keys(flat).some((k) => k.startsWith('gen_ai.'))) return null;
  flat.start_time = span.startTimeUnixNano;
  flat.end_time = span.endTimeUnixNano;
  if (flat['harness_sim.request_id'] === undefined && typeof span.traceId === 'string') flat.trace_id = span.traceId;
  const status = span.status as { code?: unknown; message?: unknown } | undefined;
  const failed = status?.code === 2 || status?.code === 'STATUS_CODE_ERROR';
  if (!failed) {
    // OTel marks failures on the span status; an `error.type` on an OK span is not an error.
    delete flat['error.type'];
    if (flat['http.response.status_code'] === undefined) flat.status = 200;
  } else if (flat['error.type'] === undefined && typeof status?.message === 'string') {
    flat['error.type'] = status.message;
  }
  const call = callFromFields(flat);
  if (typeof call !== 'string' && failed && call.error === null) call.error = '500';
  return call;
}

/** One session of the public agent-trace schema (GitHub Copilot coding-agent traces). */
function parseAgentSession(session: Record<string, unknown>): ParsedRecord | string {
  const sessionId = String(session.session_id ?? '');
  const result: ParsedRecord = { format: 'agent-trace', calls: [], skipped: 0, problems: [] };
  const shape: SessionShape = { turns: 0, callsPerTurn: [], batchSizes: [], thinkTimesMs: [], startMs: Number.POSITIVE_INFINITY };
  let previousTurnEnd: number | undefined;
  (session.turns as unknown[]).forEach((turnValue, turnIndex) => {
    const turn = (turnValue ?? {}) as Record<string, unknown>;
    const llmCalls = Array.isArray(turn.llm_calls) ? (turn.llm_calls as Record<string, unknown>[]) : [];
    const batches = Array.isArray(turn.tool_batches) ? (turn.tool_batches as Record<string, unknown>[]) : [];
    let turnStart = Number.POSITIVE_INFINITY;
    let turnEnd = Number.NEGATIVE_INFINITY;
    let calls = 0;
    for (const c of llmCalls) {
      const startMs = epochMs(c?.timestamp);
      const durationMs = Number(c?.duration_ms);
      if (startMs === undefined || !(durationMs >= 0) || typeof c?.model !== 'string') {
        result.problems.push('an llm_call without timestamp, duration_ms or model');
        continue;
      }
      const tokens = (c.tokens ?? {}) as Record<string, unknown>;
      const statusCode = Number(c.status_code);
      const error = normaliseError(Number.isFinite(statusCode) && statusCode > 0 ? statusCode : undefined, typeof c.result === 'string' ? c.result : undefined) ?? null;
      const call: CallRecord = { kind: 'model', target: c.model, startMs, durationMs, error, sessionId, turn: turnIndex + 1 };
      if (Number.isFinite(Number(tokens.prompt))) call.inputTokens = Number(tokens.prompt);
      if (Number.isFinite(Number(tokens.completion))) call.outputTokens = Number(tokens.completion);
      if (Number.isFinite(Number(tokens.cached))) call.cacheReadTokens = Number(tokens.cached);
      result.calls.push(call);
      calls++;
      turnStart = Math.min(turnStart, startMs);
      turnEnd = Math.max(turnEnd, startMs + durationMs);
    }
    for (const b of batches) {
      const startMs = epochMs(b?.timestamp);
      const fns = Array.isArray(b?.function_calls) ? (b.function_calls as Record<string, unknown>[]) : [];
      if (startMs === undefined) {
        result.problems.push('a tool_batch without timestamp');
        continue;
      }
      shape.batchSizes.push(fns.length);
      for (const f of fns) {
        const durationMs = Number(f?.duration_ms);
        if (typeof f?.name !== 'string' || !(durationMs >= 0)) {
          result.problems.push('a function_call without name or duration_ms');
          continue;
        }
        // The schema's status: 1 success, 2 failure or timeout.
        result.calls.push({ kind: 'tool', target: f.name, startMs, durationMs, error: Number(f.status) === 2 ? '500' : null, sessionId, turn: turnIndex + 1 });
        turnEnd = Math.max(turnEnd, startMs + durationMs);
      }
    }
    if (calls === 0) return;
    shape.turns++;
    shape.callsPerTurn.push(calls);
    if (previousTurnEnd !== undefined && turnStart >= previousTurnEnd) shape.thinkTimesMs.push(turnStart - previousTurnEnd);
    previousTurnEnd = turnEnd;
    shape.startMs = Math.min(shape.startMs, turnStart);
  });
  if (shape.turns === 0) return 'a session with no usable llm_calls';
  result.session = shape;
  return result;
}

/** RFC 4180 CSV: splits one physical line into cells (quoted cells may not span lines here). */
export function splitCsvLine(line: string): string[] | string {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        if (i >= line.length) return 'an unterminated quoted cell';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += line[i++];
      }
      cells.push(cell);
      if (i < line.length && line[i] !== ',') return 'text after a quoted cell';
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      cells.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return cells;
}

/** A CSV data row under its header, as a call. */
export function parseCsvRow(header: readonly string[], cells: readonly string[]): ParsedRecord | string {
  if (cells.length !== header.length) return `${cells.length} cells under a header of ${header.length}`;
  const flat: Record<string, unknown> = Object.create(null);
  header.forEach((name, i) => {
    flat[name.trim()] = cells[i];
  });
  const call = callFromFields(flat);
  if (typeof call === 'string') return call;
  return { format: 'call-log', calls: [call], skipped: 0, problems: [] };
}
