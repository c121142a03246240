import { latencySummary, round } from './results.js';
import type { SessionMetrics } from './session-metrics.js';
import { TurnEnd } from './session-metrics.js';

/**
 * The `sessions` block of the JSON contract: what a run's model and tool calls added up to
 * per turn and per session. Present only for a scenario with `workload.sessions`, so every
 * other result keeps its shape. Per-call figures (`metrics.*`) still count every model call
 * as a request; these are the agent's view.
 */
export interface SessionsResult {
  /** Sessions that ran to their end (scaled under `--sample` like every count). */
  count: number;
  turns: number;
  /** Turns that ended with the model's answer, of all turns played. */
  turnSuccessRate: number;
  /** Sessions whose every planned turn was played and answered. */
  sessionSuccessRate: number;
  turnsPerSession: number;
  /** Model calls the loop made per turn (planned plus those a failed tool added; the harness's retries apart). */
  callsPerTurn: number;
  /** Tool calls the loop made per turn (each once, whatever the harness retried). */
  toolCallsPerTurn: number;
  /** Over every billed model call (harness retries included): prompt and completion tokens. */
  promptTokensPerCall: number;
  completionTokensPerCall: number;
  /** Prompt tokens read from the cache, of all prompt tokens. */
  cachedPromptShare: number;
  costPerSessionUsd: number;
  wastedTokensPerSession: number;
  billedTokensPerSession: number;
  turnLatencyMs: { p50: number; p95: number; p99: number; mean: number };
  sessionDurationMs: { p50: number; p95: number; mean: number };
  /** Turns by why they failed: a limit of `layers.session`, or a model call that failed or was rejected. */
  stoppedBy: { steps: number; tokens: number; duration: number; loopGuard: number; modelFailed: number; rejected: number };
  /** Error results (failed or refused tool calls) returned to the model, per turn. */
  toolErrorsPerTurn: number;
  /** Model calls added by the model calling a failed tool again, per turn. */
  addedStepsPerTurn: number;
  loopGuardBlocks: number;
  /** Tool calls out of scope: refused, escalated, and returned to the model as an error result. */
  scopeRefusals: number;
  compactions: number;
  /** Sessions in the system: the time average and the peak (Little's law: mean = arrival rate x mean duration). */
  concurrentSessions: { mean: number; peak: number };
}

/** The `sessions` block from a run's session counters; `k` scales counts under `--sample`. */
export function buildSessionsResult(s: SessionMetrics, k: number): SessionsResult {
  const sessions = Math.max(1, s.sessions);
  const turns = Math.max(1, s.turns);
  const calls = Math.max(1, s.billedCalls);
  const ends = s.turnEnds;
  return {
    count: Math.round(s.sessions * k),
    turns: Math.round(s.turns * k),
    turnSuccessRate: round(ends[TurnEnd.Success]! / turns),
    sessionSuccessRate: round(s.sessionsSucceeded / sessions),
    turnsPerSession: round(s.turns / sessions, 4),
    callsPerTurn: round(s.modelCalls / turns, 4),
    toolCallsPerTurn: round(s.toolCalls / turns, 4),
    promptTokensPerCall: round(s.promptTokens / calls, 1),
    completionTokensPerCall: round(s.completionTokens / calls, 1),
    cachedPromptShare: round(s.promptTokens > 0 ? s.cachedPromptTokens / s.promptTokens : 0),
    costPerSessionUsd: round(s.costUsd / sessions, 6),
    wastedTokensPerSession: round(s.wastedTokens / sessions, 1),
    billedTokensPerSession: round(s.billedTokens / sessions, 1),
    turnLatencyMs: latencySummary(s.turnLatency),
    sessionDurationMs: {
      p50: round(s.sessionDuration.percentileMs(50), 3),
      p95: round(s.sessionDuration.percentileMs(95), 3),
      mean: round(s.sessionDuration.meanMs, 3),
    },
    stoppedBy: {
      steps: Math.round(ends[TurnEnd.Steps]! * k),
      tokens: Math.round(ends[TurnEnd.Tokens]! * k),
      duration: Math.round(ends[TurnEnd.Duration]! * k),
      loopGuard: Math.round(ends[TurnEnd.LoopGuard]! * k),
      modelFailed: Math.round(ends[TurnEnd.ModelFailed]! * k),
      rejected: Math.round(ends[TurnEnd.Rejected]! * k),
    },
    toolErrorsPerTurn: round(s.toolErrors / turns, 4),
    addedStepsPerTurn: round(s.addedSteps / turns, 4),
    loopGuardBlocks: Math.round(s.loopGuardBlocks * k),
    scopeRefusals: Math.round(s.scopeRefusals * k),
    compactions: Math.round(s.compactions * k),
    concurrentSessions: { mean: round(s.meanInSystem * k, 3), peak: Math.round(s.peakInSystem * k) },
  };
}
