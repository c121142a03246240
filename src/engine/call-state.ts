/**
 * One call waiting for or in service at a finite-capacity target. Kept apart from the
 * request because the server keeps working on a call after its client gave up (timed
 * out): the request moves on, the call stays in line and still costs capacity and tokens.
 */
export class CallState {
  generation = 0;
  requestSlot = 0;
  requestGeneration = 0;
  target = 0;
  serviceMs = 0;
  startMs = 0;
  /** The client timed out; the result goes nowhere but the bill. */
  abandoned = false;
  tokens = 0;
  costUsd = 0;
  /** Tenant and routed tier of the request, kept for billing after the request has ended. */
  tenant = 0;
  tier = 0;

  constructor(readonly id: number) {}
}

/** A free-list pool of call states addressed by id. */
export class CallPool {
  private readonly calls: CallState[] = [];
  private readonly free: number[] = [];

  acquire(): CallState {
    const id = this.free.pop();
    if (id !== undefined) return this.calls[id]!;
    const call = new CallState(this.calls.length);
    this.calls.push(call);
    return call;
  }

  release(call: CallState): void {
    call.generation++;
    call.abandoned = false;
    call.tokens = 0;
    call.costUsd = 0;
    this.free.push(call.id);
  }

  get(id: number): CallState {
    return this.calls[id]!;
  }
}
