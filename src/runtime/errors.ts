/** How a request ended without an answer, in the simulator's words. */
export type HarnessErrorReason = 'failed' | 'rejected' | 'refused';

/** Which capacity check turned a request away. */
export type RejectedBy = 'perKey' | 'tokenBudget' | 'backpressure' | 'queueTimeout';

/**
 * What `harness.call` and a wrapped tool throw when the harness gives up:
 * - `failed`: every attempt and fallback failed (`kind` is the last error kind, `open` when
 *   a breaker refused the call; `cause` is the last error thrown by the attempt, if any);
 * - `rejected`: capacity turned the request away before any call (`rejectedBy`);
 * - `refused`: the bounded scope does not allow the tool (`tool`, `escalation`).
 * A caller's own abort is not a `HarnessError`: the signal's reason is thrown as is.
 */
export class HarnessError extends Error {
  readonly reason: HarnessErrorReason;
  /** For `failed`: the error kind of the last attempt (`429`, `503`, `timeout`, `open` ...). */
  readonly kind: string | undefined;
  /** For `failed`: the model or tool the last attempt went to. */
  readonly target: string | undefined;
  readonly rejectedBy: RejectedBy | undefined;
  readonly tool: string | undefined;
  readonly escalation: string | undefined;

  constructor(
    reason: HarnessErrorReason,
    message: string,
    details: { kind?: string; target?: string; rejectedBy?: RejectedBy; tool?: string; escalation?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HarnessError';
    this.reason = reason;
    this.kind = details.kind;
    this.target = details.target;
    this.rejectedBy = details.rejectedBy;
    this.tool = details.tool;
    this.escalation = details.escalation;
  }
}
