/**
 * One model or tool call as harness-sim reads and writes telemetry: the common shape every
 * supported log format is normalised to before fitting, and what `run --calls-out` writes
 * (under OpenTelemetry GenAI attribute names, see `calls-out-format.ts`).
 */

/** The error kinds a provider's answer is normalised to (the scenario's error taxonomy). */
export const TELEMETRY_ERROR_KINDS = ['429', '529', '500', '503', 'timeout', '400', 'quota'] as const;
export type TelemetryErrorKind = (typeof TELEMETRY_ERROR_KINDS)[number];

export interface CallRecord {
  kind: 'model' | 'tool';
  /** The model (response model when known) or the tool's name. */
  target: string;
  /** Start, in milliseconds since the Unix epoch (or since the run's start for simulated calls). */
  startMs: number;
  durationMs: number;
  /** null for a success. */
  error: TelemetryErrorKind | null;
  /** Prompt tokens including cache reads (the OpenTelemetry convention). */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Retry-after the provider asked for, in ms, when the log has it. */
  retryAfterMs?: number;
  tenant?: string;
  /** Identifies the user request (or session) the call served, when the log has it. */
  requestId?: string;
  sessionId?: string;
  turn?: number;
  /** 1 for the first call of a request; retries and fallbacks count up. */
  attempt?: number;
  /** first, retry, fallback, hedge, probe, classifier (harness-sim's own exports). */
  cause?: string;
}

/** Whether the call was a request's first attempt (the arrival), as far as the log can tell. */
export function isFirstAttempt(record: CallRecord): boolean {
  if (record.cause !== undefined) return record.cause === 'first';
  if (record.attempt !== undefined) return record.attempt <= 1;
  return true;
}
