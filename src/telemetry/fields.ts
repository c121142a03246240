import type { CallRecord } from './call-record.js';
import { normaliseError } from './error-kinds.js';

/**
 * The flat-record mapper shared by every call-log format (harness-sim's own `--calls-out`,
 * OpenTelemetry span attributes, LiteLLM spend logs, Helicone and Langfuse exports, CSV):
 * each field of `CallRecord` is read from the first column name in its alias list that the
 * record has. Nested JSON is flattened to dotted names first (`metadata.usage_object.x`).
 */
const ALIASES = {
  start: ['start_time', 'startTime', 'request_created_at', 'timestamp', 'created_at', 'start'],
  end: ['end_time', 'endTime', 'response_created_at', 'end'],
  duration: ['duration_ms', 'latency_ms', 'durationMs', 'latency', 'duration'],
  model: ['gen_ai.response.model', 'gen_ai.request.model', 'model', 'request_model', 'response_model', 'model_group'],
  tool: ['gen_ai.tool.name', 'tool', 'tool_name'],
  operation: ['gen_ai.operation.name', 'kind', 'type'],
  status: ['http.response.status_code', 'status_code', 'response_status', 'status', 'statusCode'],
  errorText: ['error.type', 'error_type', 'exception', 'error', 'statusMessage', 'status_message', 'level', 'result', 'error_str'],
  // Prompt tokens that include cache reads (OpenTelemetry, OpenAI, LiteLLM, Helicone).
  inputWithCache: ['gen_ai.usage.input_tokens', 'prompt_tokens', 'usageDetails.input', 'usage.prompt_tokens', 'metadata.usage_object.prompt_tokens'],
  // Anthropic's `input_tokens` excludes cache reads and writes.
  inputWithoutCache: ['input_tokens', 'usage.input_tokens'],
  output: ['gen_ai.usage.output_tokens', 'completion_tokens', 'output_tokens', 'usageDetails.output', 'usage.completion_tokens', 'usage.output_tokens', 'metadata.usage_object.completion_tokens'],
  cacheRead: [
    'gen_ai.usage.cache_read.input_tokens',
    'prompt_cache_read_tokens',
    'cache_read_input_tokens',
    'usage.cache_read_input_tokens',
    'metadata.usage_object.cache_read_input_tokens',
    'metadata.usage_object.prompt_tokens_details.cached_tokens',
    'usage.prompt_tokens_details.cached_tokens',
    'usageDetails.cache_read_input_tokens',
  ],
  cacheWrite: [
    'gen_ai.usage.cache_creation.input_tokens',
    'prompt_cache_write_tokens',
    'cache_creation_input_tokens',
    'usage.cache_creation_input_tokens',
    'metadata.usage_object.cache_creation_input_tokens',
    'usageDetails.cache_creation_input_tokens',
  ],
  retryAfter: ['harness_sim.retry_after_ms', 'retry_after_ms'],
  tenant: ['harness_sim.tenant', 'tenant', 'user', 'user_id', 'end_user', 'metadata.user_api_key_alias'],
  requestId: ['harness_sim.request_id', 'request_id', 'trace_id', 'traceId', 'litellm_call_id'],
  sessionId: ['harness_sim.session_id', 'gen_ai.conversation.id', 'session_id', 'sessionId'],
  turn: ['harness_sim.turn', 'turn'],
  attempt: ['harness_sim.attempt', 'attempt', 'http.request.resend_count'],
  cause: ['harness_sim.cause', 'cause'],
} as const;

type Flat = Record<string, unknown>;

/** Flattens nested objects to dotted keys, at most `depth` levels deep (arrays are left out). */
export function flatten(value: unknown, depth = 4, prefix = '', into: Flat = Object.create(null) as Flat): Flat {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return into;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth > 1) flatten(v, depth - 1, name, into);
    else into[name] = v;
  }
  return into;
}

function pick(flat: Flat, names: readonly string[]): unknown {
  for (const name of names) {
    const v = flat[name];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/**
 * A timestamp as milliseconds since the epoch: ISO text, or a number in seconds, ms, µs or ns
 * (told apart by size, since logs use all four).
 */
export function epochMs(v: unknown): number | undefined {
  const n = num(v);
  if (n !== undefined) {
    if (n > 1e17) return n / 1e6;
    if (n > 1e14) return n / 1e3;
    if (n > 1e11) return n;
    return n * 1e3;
  }
  if (typeof v === 'string') {
    const t = Date.parse(v.includes('T') || v.includes('Z') || v.includes('+') ? v : `${v.replace(' ', 'T')}Z`);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** Why a flat record cannot become a call, or the call. */
export function callFromFields(flat: Flat): CallRecord | string {
  const operation = String(pick(flat, ALIASES.operation) ?? '').toLowerCase();
  const toolName = pick(flat, ALIASES.tool);
  const isTool = toolName !== undefined || operation === 'execute_tool' || operation === 'tool';
  const target = isTool ? toolName ?? pick(flat, ALIASES.model) : pick(flat, ALIASES.model);
  if (typeof target !== 'string' || target === '') return isTool ? 'no tool name' : 'no model name';
  const startMs = epochMs(pick(flat, ALIASES.start));
  if (startMs === undefined) return 'no start time';
  let durationMs = num(pick(flat, ALIASES.duration));
  if (durationMs === undefined) {
    const endMs = epochMs(pick(flat, ALIASES.end));
    if (endMs !== undefined) durationMs = endMs - startMs;
  }
  if (durationMs === undefined) return 'no duration or end time';
  if (!(durationMs >= 0)) return 'ends before it starts';
  const statusValue = pick(flat, ALIASES.status);
  const status = num(statusValue);
  const statusText = status === undefined && typeof statusValue === 'string' ? statusValue : undefined;
  const errorText = [statusText, pick(flat, ALIASES.errorText)].filter((t) => typeof t === 'string' && t !== '').join(' ');
  const error = normaliseError(status, errorText === '' ? undefined : errorText);
  const record: CallRecord = { kind: isTool ? 'tool' : 'model', target, startMs, durationMs, error: error ?? null };
  const cacheRead = num(pick(flat, ALIASES.cacheRead));
  const cacheWrite = num(pick(flat, ALIASES.cacheWrite));
  const withCache = num(pick(flat, ALIASES.inputWithCache));
  const withoutCache = num(pick(flat, ALIASES.inputWithoutCache));
  if (withCache !== undefined) record.inputTokens = withCache;
  else if (withoutCache !== undefined) record.inputTokens = withoutCache + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const output = num(pick(flat, ALIASES.output));
  if (output !== undefined) record.outputTokens = output;
  if (cacheRead !== undefined) record.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) record.cacheWriteTokens = cacheWrite;
  const retryAfter = num(pick(flat, ALIASES.retryAfter));
  if (retryAfter !== undefined) record.retryAfterMs = retryAfter;
  const tenant = pick(flat, ALIASES.tenant);
  if (typeof tenant === 'string') record.tenant = tenant;
  const requestId = pick(flat, ALIASES.requestId);
  if (typeof requestId === 'string' || typeof requestId === 'number') record.requestId = String(requestId);
  const sessionId = pick(flat, ALIASES.sessionId);
  if (typeof sessionId === 'string' || typeof sessionId === 'number') record.sessionId = String(sessionId);
  const turn = num(pick(flat, ALIASES.turn));
  if (turn !== undefined) record.turn = turn;
  const attempt = num(pick(flat, ALIASES.attempt));
  if (attempt !== undefined) record.attempt = flat['http.request.resend_count'] !== undefined && flat['harness_sim.attempt'] === undefined ? attempt + 1 : attempt;
  const cause = pick(flat, ALIASES.cause);
  if (typeof cause === 'string') record.cause = cause;
  return record;
}

/** The column names `fit` understands, for its documentation and error messages. */
export const KNOWN_COLUMNS: Readonly<Record<string, readonly string[]>> = ALIASES;
