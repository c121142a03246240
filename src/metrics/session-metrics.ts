import { startAsDoubles } from './double-fields.js';
import { LatencyHistogram } from './latency-histogram.js';

/** Why a turn ended. `Success`: the model answered. The rest are visible turn failures. */
export const TurnEnd = {
  Success: 0,
  /** A model call failed after the harness's retries and fallbacks. */
  ModelFailed: 1,
  /** Capacity refused a model call (per-key quota, token budget, backpressure). */
  Rejected: 2,
  /** `layers.session.maxStepsPerTurn`. */
  Steps: 3,
  /** `layers.session.maxTokensPerSession`: the session ends with it. */
  Tokens: 4,
  /** `layers.session.maxTurnDuration`. */
  Duration: 5,
  /** The loop guard with `onLoop: stop-turn`. */
  LoopGuard: 6,
} as const;
export type TurnEnd = (typeof TurnEnd)[keyof typeof TurnEnd];

/** Names of `TurnEnd`, indexed by it, for the JSON contract. */
export const TURN_END_NAMES = ['success', 'modelFailed', 'rejected', 'steps', 'tokens', 'duration', 'loopGuard'] as const;

/**
 * Streaming counters of agent sessions: running totals and histograms only, so memory stays
 * flat however many sessions run. The per-call counters (`MetricsCollector`) keep counting
 * every model call as a request; these count what the calls added up to.
 */
export class SessionMetrics {
  sessions = 0;
  sessionsSucceeded = 0;
  turns = 0;
  /** Turns by how they ended, indexed by `TurnEnd`. */
  readonly turnEnds = new Float64Array(TURN_END_NAMES.length);
  /** Model calls the loop made (planned and added by failed tools), not counting the harness's retries. */
  modelCalls = 0;
  /** Tool calls the loop made (each once, whatever the harness retried). */
  toolCalls = 0;
  /** Steps added by the model calling a failed tool again. */
  addedSteps = 0;
  /** Error results (failed or refused tool calls) returned to the model. */
  toolErrors = 0;
  /** Tool calls the scope layer refused (escalated, and returned to the model as an error). */
  scopeRefusals = 0;
  /** Tool calls the loop guard refused. */
  loopGuardBlocks = 0;
  compactions = 0;
  /** Model calls that were billed (successes and timeouts, harness retries included). */
  billedCalls = 0;
  promptTokens = 0;
  /** Prompt tokens read from the cache. */
  cachedPromptTokens = 0;
  completionTokens = 0;
  /** Sums over ended sessions. */
  billedTokens = 0;
  costUsd = 0;
  wastedTokens = 0;
  readonly turnLatency = new LatencyHistogram();
  readonly sessionDuration = new LatencyHistogram();
  // Sessions in the system through time: the integral of their number, for Little's law.
  inSystem = 0;
  peakInSystem = 0;
  private areaMs = 0;
  private lastChangeMs = 0;
  firstArrivalMs = -1;
  lastEndMs = 0;

  constructor() {
    // Token totals pass 2^31 in a long run; the others hold fractions (see startAsDoubles).
    startAsDoubles(this, ['promptTokens', 'cachedPromptTokens', 'completionTokens', 'billedTokens', 'costUsd', 'wastedTokens', 'areaMs', 'lastChangeMs', 'lastEndMs']);
  }

  /** A session arrived at `nowMs`. */
  recordArrival(nowMs: number): void {
    if (this.firstArrivalMs < 0) this.firstArrivalMs = nowMs;
    this.advance(nowMs);
    this.inSystem++;
    if (this.inSystem > this.peakInSystem) this.peakInSystem = this.inSystem;
  }

  /** One billed model call of a session: its prompt, the part read from the cache, its completion. */
  recordPrompt(promptTokens: number, cachedTokens: number, completionTokens: number): void {
    this.billedCalls++;
    this.promptTokens += promptTokens;
    this.cachedPromptTokens += cachedTokens;
    this.completionTokens += completionTokens;
  }

  /** A turn ended, `how`, after `latencyMs`. */
  recordTurn(how: TurnEnd, latencyMs: number): void {
    this.turns++;
    this.turnEnds[how]!++;
    this.turnLatency.record(latencyMs);
  }

  /** A session ended at `nowMs`. */
  recordSession(nowMs: number, durationMs: number, succeeded: boolean, billedTokens: number, wastedTokens: number, costUsd: number): void {
    this.sessions++;
    if (succeeded) this.sessionsSucceeded++;
    this.billedTokens += billedTokens;
    this.wastedTokens += wastedTokens;
    this.costUsd += costUsd;
    this.sessionDuration.record(durationMs);
    this.advance(nowMs);
    this.inSystem--;
    this.lastEndMs = nowMs;
  }

  /** Time-average number of sessions in the system from the first arrival to the last end. */
  get meanInSystem(): number {
    const span = this.lastEndMs - Math.max(0, this.firstArrivalMs);
    return span > 0 ? this.areaMs / span : 0;
  }

  private advance(nowMs: number): void {
    this.areaMs += this.inSystem * (nowMs - this.lastChangeMs);
    this.lastChangeMs = nowMs;
  }
}
