import type { Pooled } from './pool.js';

/** Where a request is in the harness; events for other phases are stale. */
export const Phase = {
  Queued: 0,
  Classifying: 1,
  Model: 2,
  Tool: 3,
} as const;

/**
 * The mutable state of one user request while it is in the system. Objects are pooled
 * and reused by slot, so a 10M-request run allocates only as many as are ever in flight
 * at once. `generation` goes up whenever pending events for the slot become stale.
 */
export class RequestState implements Pooled {
  generation = 0;
  /** Global request number (0-based), the key for keyed random draws. */
  request = 0;
  arrivalMs = 0;
  tenant = 0;
  difficulty = 0;
  /** The classifier's label (the true difficulty without one). */
  label = 0;
  inputTokens = 0;
  outputTokens = 0;
  /** Bit i set: the request calls tool i (in tool order). */
  toolMask = 0;
  /** Next tool to call. */
  toolCursor = 0;
  phase = 0;
  /** Holds a backpressure slot that must be handed back when it ends. */
  holdsSlot = false;
  /** Ordered model ids to try: the routed model first, then fallbacks. */
  targets: readonly number[] = [];
  targetPosition = 0;
  /** The target of the call in flight (a model id, or models + tool index). */
  target = 0;
  /** Attempts made on the current target. */
  attempt = 0;
  /**
   * Calls made so far to each target (by target id). The k-th call of request i to
   * target t draws its outcome from key (i, t, k), so one target's draws never depend on
   * how many calls went to another: a retry on the model does not reshuffle its tools.
   */
  readonly callsPerTarget: Uint16Array;
  previousDelayMs = 0;
  /** Why the next call is made (`CallCause`), for load attribution. */
  callCause = 0;
  /** The call in flight was abandoned at a finite-capacity server: it is billed when the server finishes. */
  billedLater = false;
  /** Breaker permit of the call in flight. */
  permit = 0;
  /** Outcome of the call in flight, decided when it started. */
  callOutcome = 0;
  callLatencyMs = 0;
  callRetryAfterMs = 0;
  billedTokens = 0;
  usefulTokens = 0;
  /** Tokens of the model answer currently held (useful only if the request succeeds). */
  pendingUsefulTokens = 0;
  costUsd = 0;

  constructor(readonly index: number, targetCount: number) {
    this.callsPerTarget = new Uint16Array(targetCount);
  }

  /** This state's place in the pool: the slot events address. */
  get slot(): number {
    return this.index;
  }

  /** Clears per-request fields for reuse (generation is kept and bumped by the pool). */
  reset(): void {
    this.targets = [];
    this.targetPosition = 0;
    this.attempt = 0;
    // A plain loop: cheaper than TypedArray.fill for the handful of targets a scenario has.
    const calls = this.callsPerTarget;
    for (let i = 0; i < calls.length; i++) calls[i] = 0;
    this.previousDelayMs = 0;
    this.billedTokens = 0;
    this.usefulTokens = 0;
    this.pendingUsefulTokens = 0;
    this.costUsd = 0;
    this.toolMask = 0;
    this.toolCursor = 0;
    this.holdsSlot = false;
  }
}
