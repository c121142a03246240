import type { TelemetryErrorKind } from './call-record.js';

/**
 * One simulated call as `run --calls-out` writes it: a JSON line under OpenTelemetry GenAI
 * attribute names where they exist (`gen_ai.*`, `error.type`) and harness-sim's own
 * (`harness_sim.*`) for what the conventions have no name for. `fit` reads these lines back
 * (`fields.ts` knows every name), so a run's calls can be fitted like a real log.
 *
 * Times: simulated time starts at the Unix epoch, so `start_time` is an ISO instant on
 * 1970-01-01 (the run's first day) and a time of day in the file is the time of day of the
 * scenario's diurnal shape. Token counts follow OpenTelemetry: input tokens include the cache
 * reads and writes. A call that bills nothing (a 429 or 503) has no usage fields.
 */
export interface SimulatedCall {
  kind: 'model' | 'tool';
  /** The model or tool name. */
  target: string;
  startMs: number;
  durationMs: number;
  error: TelemetryErrorKind | null;
  /** Whether the provider billed the call: usage fields only then. */
  billed: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  retryAfterMs: number;
  tenant: string;
  client: number;
  /** The user request (or the session's call) number; -1 for a call nobody waits for any more. */
  requestId: number;
  /** The session number, or -1 outside sessions. */
  sessionId: number;
  turn: number;
  /** Harness attempt at this target, from 1. */
  attempt: number;
  cause: CallOutCause;
}

/** Why a call was made, as `--calls-out` writes it. */
export const CALL_OUT_CAUSES = ['first', 'retry', 'fallback', 'quality-fallback', 'probe', 'classifier', 'sdk-retry', 'hedge', 'abandoned'] as const;
export type CallOutCause = (typeof CALL_OUT_CAUSES)[number];

/** The JSON line (with its newline) for one call. */
export function formatCallLine(call: Readonly<SimulatedCall>): string {
  const line: Record<string, string | number> = {
    'gen_ai.operation.name': call.kind === 'model' ? 'chat' : 'execute_tool',
  };
  if (call.kind === 'model') {
    line['gen_ai.request.model'] = call.target;
    line['gen_ai.response.model'] = call.target;
  } else {
    line['gen_ai.tool.name'] = call.target;
  }
  line.start_time = new Date(call.startMs).toISOString();
  line.duration_ms = round3(call.durationMs);
  if (call.kind === 'model' && call.billed) {
    line['gen_ai.usage.input_tokens'] = call.inputTokens;
    line['gen_ai.usage.output_tokens'] = call.outputTokens;
    line['gen_ai.usage.cache_read.input_tokens'] = call.cacheReadTokens;
    line['gen_ai.usage.cache_creation.input_tokens'] = call.cacheWriteTokens;
  }
  if (call.error !== null) line['error.type'] = call.error;
  if (call.retryAfterMs > 0) line['harness_sim.retry_after_ms'] = round3(call.retryAfterMs);
  line['harness_sim.tenant'] = call.tenant;
  line['harness_sim.client'] = call.client;
  if (call.requestId >= 0) line['harness_sim.request_id'] = call.requestId;
  if (call.sessionId >= 0) {
    line['harness_sim.session_id'] = call.sessionId;
    line['harness_sim.turn'] = call.turn;
  }
  line['harness_sim.attempt'] = call.attempt;
  line['harness_sim.cause'] = call.cause;
  return `${JSON.stringify(line)}\n`;
}

/** Milliseconds to the microsecond: enough for any fit, and the file stays short. */
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
