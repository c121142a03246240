import { EventKind } from './events.js';
import type { Pooled } from './pool.js';
import type { SessionState } from './session-state.js';

/**
 * What a request stands for: a user request on its own (the default), or one call of an
 * agent session's loop, which `sessions.ts` continues when the call ends.
 */
export const CallRole = {
  /** A user request: capacity, routing, the model, then its tools. */
  Request: 0,
  /** A session's model call: capacity, routing, the model; no tools of its own. */
  SessionModel: 1,
  /** One call of a session's tool batch: scope, tool breaker, call, retry. */
  SessionTool: 2,
} as const;
export type CallRole = (typeof CallRole)[keyof typeof CallRole];

/**
 * Where a request is in the harness. The two tables below are the request's state machine,
 * in one place: which events each phase accepts, and which phase may follow which.
 * An event for an earlier use of a pooled slot is stale and dropped by its generation
 * (the only stale-event mechanism); a current event a phase does not accept is a wiring
 * bug and throws.
 */
export const Phase = {
  /** Just arrived: tenant and tokens drawn, not yet through capacity. */
  Arrived: 0,
  /** Waiting for a backpressure slot. */
  Queued: 1,
  /** The classifier call is in flight. */
  Classifying: 2,
  /** Calling models: first attempt, retries, fallbacks, quality fallbacks. */
  Model: 3,
  /** Calling tools, in tool order. */
  Tool: 4,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** Phase names for messages, indexed by `Phase`. */
export const PHASE_NAMES = ['arrived', 'queued', 'classifying', 'model', 'tool'] as const;

const event = (kind: EventKind) => 1 << kind;
const phase = (p: Phase) => 1 << p;

/** Request events each phase accepts (a bit per `EventKind`), indexed by `Phase`. */
const ACCEPTS: readonly number[] = [
  /* Arrived */ 0,
  /* Queued */ event(EventKind.QueueDeadline) | event(EventKind.Admit),
  /* Classifying */ event(EventKind.CallDone),
  /* Model */ event(EventKind.CallDone) | event(EventKind.RetryDue) | event(EventKind.SdkRetryDue) | event(EventKind.HedgeDue),
  // A hedge timer armed in the model phase may still be pending; its handler drops it.
  /* Tool */ event(EventKind.CallDone) | event(EventKind.RetryDue) | event(EventKind.HedgeDue),
];

/** Phases each phase may move to (a bit per `Phase`). Ending is allowed from every phase. */
const NEXT: readonly number[] = [
  /* Arrived (a session's tool call goes straight to its tool) */ phase(Phase.Queued) | phase(Phase.Classifying) | phase(Phase.Model) | phase(Phase.Tool),
  /* Queued */ phase(Phase.Classifying) | phase(Phase.Model),
  /* Classifying */ phase(Phase.Model),
  /* Model */ phase(Phase.Tool),
  /* Tool */ 0,
];

/** Throws unless `req`'s phase accepts an event of `kind`: a current event in the wrong phase is a bug. */
export function expectEvent(req: RequestState, kind: EventKind): void {
  if ((ACCEPTS[req.phase]! & (1 << kind)) === 0) throw wrongPhase(req, kind);
}

// The messages are built here, out of the two checks every event makes, so those stay small enough to be inlined.
function wrongPhase(req: RequestState, kind: EventKind): Error {
  return new Error(`internal: event kind ${kind} reached request ${req.request} in phase "${PHASE_NAMES[req.phase]}"`);
}

function badTransition(req: RequestState, next: Phase): Error {
  return new Error(`internal: request ${req.request} cannot move from "${PHASE_NAMES[req.phase]}" to "${PHASE_NAMES[next]}"`);
}

/** Moves `req` to `next`, throwing if the state machine has no such transition. */
export function enterPhase(req: RequestState, next: Phase): void {
  if ((NEXT[req.phase]! & (1 << next)) === 0) throw badTransition(req, next);
  req.phase = next;
}

/** Whether `from` may move to `to`; for tests and documentation. */
export function canEnter(from: Phase, to: Phase): boolean {
  return (NEXT[from]! & (1 << to)) !== 0;
}

/** Whether a request in `p` accepts an event of `kind`; for tests and documentation. */
export function accepts(p: Phase, kind: EventKind): boolean {
  return (ACCEPTS[p]! & (1 << kind)) !== 0;
}

/** A request's target list before routing: one shared empty list, so releasing a request allocates nothing. */
const NO_TARGETS: readonly number[] = Object.freeze([]);

/**
 * The mutable state of one user request while it is in the system. Objects are pooled
 * and reused by slot, so a 10M-request run allocates only as many as are ever in flight
 * at once. `generation` goes up whenever pending events for the slot become stale: when
 * the request ends, and when a waiter is handed a backpressure slot (its deadline is void).
 */
export class RequestState implements Pooled {
  generation = 0;
  /** Global request number (0-based), the key for keyed random draws. */
  request = 0;
  arrivalMs = 0;
  /** The harness instance (client, pod) that serves the request (`workload.clients`). */
  client = 0;
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
  phase: Phase = Phase.Arrived;
  /** Holds a backpressure slot that must be handed back when it ends. */
  holdsSlot = false;
  /** Ordered model ids to try: the routed model first, then fallbacks. */
  targets: readonly number[] = NO_TARGETS;
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
  /** When the current harness attempt began (its SDK retries and all), for the slow-call rule. */
  attemptStartMs = 0;
  /** SDK retries made inside the current harness attempt (`layers.retry.sdk`). */
  sdkRetries = 0;
  sdkPreviousDelayMs = 0;
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
  /** When the call in flight was sent: the prompt cache as it was then is what it reads. */
  callSentMs = 0;
  billedTokens = 0;
  usefulTokens = 0;
  /** Tokens of the model answer currently held (useful only if the request succeeds). */
  pendingUsefulTokens = 0;
  costUsd = 0;
  /** What this request stands for (`CallRole`); with a session role, `session` is its session. */
  role: CallRole = CallRole.Request;
  session: SessionState | null = null;
  /** A session tool call's place in its batch. */
  batchSlot = 0;

  constructor(readonly index: number, targetCount: number) {
    this.callsPerTarget = new Uint16Array(targetCount);
  }

  /** This state's place in the pool: the slot events address. */
  get slot(): number {
    return this.index;
  }

  /** Clears per-request fields for reuse (generation is kept and bumped by the pool). */
  reset(): void {
    this.phase = Phase.Arrived;
    this.targets = NO_TARGETS;
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
    this.role = CallRole.Request;
    this.session = null;
  }
}
