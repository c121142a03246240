/**
 * Every event kind of the model, in one list so two handlers can never claim the same
 * number (the kernel also refuses a second handler for a kind). A new capability adds
 * its kinds here and registers their handlers in its own file.
 *
 * Arguments: request events carry (request slot, request generation); server-call events
 * carry (call id, call generation); an arrival carries nothing.
 */
export const EventKind = {
  /** The next request arrives (`lifecycle.ts`). */
  Arrival: 0,
  /** The call in flight answered, at its latency (`request-flow.ts`). */
  CallDone: 1,
  /** A retry's backoff ended (`request-flow.ts`). */
  RetryDue: 2,
  /** A request waiting for a backpressure slot waited `maxWait` (`lifecycle.ts`). */
  QueueDeadline: 3,
  /** A finished request handed its backpressure slot to this waiter (`lifecycle.ts`). */
  Admit: 4,
  /** A finite-capacity server finished a call (`server-calls.ts`). */
  ServiceDone: 5,
  /** The client's timeout for a call at a finite-capacity server fired (`server-calls.ts`). */
  ClientTimeout: 6,
  /** The next agent session arrives (`sessions.ts`). */
  SessionArrival: 7,
  /** A session's user sends the next turn, after the think time; carries (session slot, generation) (`sessions.ts`). */
  TurnStart: 8,
  /** The SDK's own retry delay ended: the attempt's next call goes out (`request-flow.ts`). */
  SdkRetryDue: 9,
  /** A model call has not answered after the hedge delay: send a hedge (`hedging.ts`). */
  HedgeDue: 10,
  /** A hedge, or a call abandoned to a hedge, answered (`hedging.ts`; carries flight id and generation). */
  HedgeDone: 11,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];
