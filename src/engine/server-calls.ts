import { Outcome } from '../upstream/outcome.js';
import { ServerAdmission } from '../upstream/server.js';
import type { CallResult } from '../upstream/upstream.js';
import type { Billing } from './billing.js';
import type { World } from './build.js';
import { CallState } from './call-state.js';
import { EventKind } from './events.js';
import type { Kernel } from './kernel.js';
import { Pool } from './pool.js';
import { Phase, type RequestState } from './request-state.js';

/** Receives the answer of a call: `req.callOutcome` and `req.callLatencyMs` are set. */
export type CallAnswer = (req: RequestState) => void;

/**
 * Calls at finite-capacity targets (the `capacity:` block): a call takes a slot or waits
 * in the server's queue, and its client may time out and move on while the server keeps
 * the call in line, serves it and bills it. Handles `ServiceDone` and `ClientTimeout`.
 *
 * A call is its own pooled `CallState`, apart from the request, because it can outlive
 * the request's interest in it; its events carry (call id, call generation).
 */
export class ServerCalls {
  private readonly calls = new Pool((index) => new CallState(index));
  /** Calls waiting in any server's queue now, for the timeline. */
  queued = 0;
  /** When a server last finished work. */
  lastServiceMs = 0;

  constructor(
    private readonly world: World,
    private readonly kernel: Kernel,
    private readonly billing: Billing,
    private readonly requests: Pool<RequestState>,
    private readonly answer: CallAnswer,
  ) {
    kernel.on(EventKind.ServiceDone, (id, generation) => this.onServiceDone(id, generation));
    kernel.on(EventKind.ClientTimeout, (id, generation) => this.onClientTimeout(id, generation));
  }

  /**
   * Offers the call of `req` to its target's server. Returns true when the server took it
   * (started or queued: the answer comes by event); false when it answered at once with an
   * overflow or quota error, written into `out`.
   */
  offer(req: RequestState, serviceMs: number, timeoutMs: number, out: CallResult): boolean {
    const server = this.world.servers[req.target]!;
    const call = this.calls.acquire();
    const isModel = req.phase === Phase.Model;
    const admission = server.admit(call.index, isModel ? this.world.prefixTokens + req.inputTokens : 0, isModel ? req.outputTokens : 0);
    if (admission === ServerAdmission.Overflow || admission === ServerAdmission.OverQuota) {
      this.calls.release(call);
      const target = this.world.targets[req.target]!;
      const overQuota = admission === ServerAdmission.OverQuota;
      out.outcome = overQuota ? Outcome.RateLimited : this.world.overflowOutcome[req.target]!;
      out.latencyMs = target.errorLatency.quantile(0.5);
      // A quota answer says when the emptiest bucket refills; a full queue answers with the target's own retry-after.
      out.retryAfterMs = overQuota ? server.retryAfterMs : target.retryAfterMs;
      return false;
    }
    call.requestSlot = req.slot;
    call.requestGeneration = req.generation;
    call.target = req.target;
    call.serviceMs = serviceMs;
    call.startMs = this.kernel.now();
    if (admission === ServerAdmission.Started) {
      this.kernel.schedule(call.startMs + serviceMs, EventKind.ServiceDone, call.index, call.generation);
    } else {
      this.queued++;
      this.world.metrics.recordServerQueue(this.queued);
    }
    if (timeoutMs < Infinity) this.kernel.schedule(call.startMs + timeoutMs, EventKind.ClientTimeout, call.index, call.generation);
    return true;
  }

  /** A server finished a call: start the next in its queue, then answer the client or bill the abandoned work. */
  private onServiceDone(id: number, generation: number): void {
    const call = this.calls.current(id, generation);
    if (call === null) return;
    const now = this.kernel.now();
    this.lastServiceMs = now;
    const next = this.world.servers[call.target]!.finish();
    if (next >= 0) {
      this.queued--;
      const nextCall = this.calls.get(next);
      this.kernel.schedule(now + nextCall.serviceMs, EventKind.ServiceDone, nextCall.index, nextCall.generation);
    }
    if (call.abandoned) {
      this.billing.abandonedCallServed(call);
      this.calls.release(call);
      return;
    }
    const req = this.caller(call);
    req.callOutcome = Outcome.Success;
    req.callLatencyMs = now - call.startMs;
    req.callRetryAfterMs = 0;
    // Released first: the answer may start this request's next call, which may reuse the slot.
    this.calls.release(call);
    this.answer(req);
  }

  /** The client stopped waiting for a call still queued or in service at its server. */
  private onClientTimeout(id: number, generation: number): void {
    const call = this.calls.current(id, generation);
    if (call === null) return;
    call.abandoned = true;
    const req = this.caller(call);
    this.billing.priceAbandoned(call, req);
    req.callOutcome = Outcome.Timeout;
    req.callLatencyMs = this.kernel.now() - call.startMs;
    req.callRetryAfterMs = 0;
    this.answer(req);
  }

  /** The request waiting for `call`: a request waits only for its call in flight, so it is still current. */
  private caller(call: CallState): RequestState {
    const req = this.requests.current(call.requestSlot, call.requestGeneration);
    if (req === null) throw new Error(`internal: the request of call ${call.index} ended while the call was in flight`);
    return req;
  }
}
