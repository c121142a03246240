import { Admission } from '../layers/backpressure.js';
import { RequestOutcome } from '../metrics/collector.js';
import type { RequestDraw } from '../workload/workload.js';
import type { World } from './build.js';
import { EventKind } from './events.js';
import type { Kernel } from './kernel.js';
import type { Pool } from './pool.js';
import { CallRole, enterPhase, expectEvent, Phase, type RequestState } from './request-state.js';
import type { SessionState } from './session-state.js';

/** Takes a request that passed capacity on through the harness (see `RequestFlow.admit`). */
export type AdmitRequest = (req: RequestState) => void;

/** How a session's call ended, handed to its session after the request's state is released. */
export interface CallEnd {
  session: SessionState | null;
  role: CallRole;
  outcome: RequestOutcome;
  billedTokens: number;
  usefulTokens: number;
  costUsd: number;
  batchSlot: number;
}

/** Continues a session's loop when one of its calls ended (see `SessionDriver`). */
export type CallEndHook = (end: Readonly<CallEnd>) => void;

/**
 * A request's entry and exit. Entry: it arrives (tenant, tokens, difficulty and tools
 * drawn), then meets capacity in order (per-key quota -> token budget -> backpressure),
 * where it is rejected, queued for a slot, or admitted. Exit: `end` records it and hands
 * its backpressure slot to the oldest waiter. Handles `Arrival`, `QueueDeadline`, `Admit`.
 */
export class RequestLifecycle {
  private readonly draw: RequestDraw = { tenant: 0, difficulty: 0, inputTokens: 0, outputTokens: 0 };
  /** Requests that have arrived so far (all of them once the run is over). */
  arrivals = 0;
  /** Owned and reused: the hook must read it before it starts another call. */
  private readonly callEnd: CallEnd = { session: null, role: CallRole.Request, outcome: RequestOutcome.Success, billedTokens: 0, usefulTokens: 0, costUsd: 0, batchSlot: 0 };
  /** Told when a session's call ends; set by the session driver. */
  onCallEnd: CallEndHook | null = null;
  /** When the last request arrived. */
  lastArrivalMs = 0;
  /** When the last request ended. */
  lastEndMs = 0;

  constructor(
    private readonly world: World,
    private readonly kernel: Kernel,
    private readonly requests: Pool<RequestState>,
    private readonly admit: AdmitRequest,
  ) {
    kernel.on(EventKind.Arrival, () => this.onArrival());
    kernel.on(EventKind.QueueDeadline, (slot, generation) => this.onQueueDeadline(slot, generation));
    kernel.on(EventKind.Admit, (slot, generation) => {
      const req = this.requests.current(slot, generation);
      if (req === null) return;
      expectEvent(req, EventKind.Admit);
      this.admit(req);
    });
  }

  /** Schedules the first arrival (with sessions, the session driver makes the arrivals). */
  start(): void {
    if (this.world.sessions !== null) return;
    if (this.world.totalRequests > 0) this.scheduleArrival(this.world.workload.nextArrivalMs(0));
  }

  /** A replayed trace ends before the request count does: it answers Infinity, and arrivals stop. */
  private scheduleArrival(atMs: number): void {
    if (atMs !== Number.POSITIVE_INFINITY) this.kernel.scheduleSide(atMs, EventKind.Arrival, 0, 0);
  }

  private onArrival(): void {
    const { workload, metrics } = this.world;
    const now = this.kernel.now();
    const index = this.arrivals++;
    this.lastArrivalMs = now;
    if (this.arrivals < this.world.totalRequests) this.scheduleArrival(workload.nextArrivalMs(now));
    metrics.recordArrival();
    const req = this.requests.acquire();
    workload.draw(this.draw, now);
    req.request = index;
    req.arrivalMs = now;
    req.tenant = this.draw.tenant;
    req.difficulty = this.draw.difficulty;
    req.label = this.draw.difficulty;
    req.inputTokens = this.draw.inputTokens;
    req.outputTokens = this.draw.outputTokens;
    req.toolMask = this.drawTools();
    req.client = this.clientOf(index);
    this.enter(req);
  }

  /**
   * The client (harness instance) that serves request or session `index`: in turn, or one
   * drawn by key (index) from the `clients` stream, so a session's calls all go to one client.
   */
  clientOf(index: number): number {
    const n = this.world.harness.clients.length;
    if (n === 1) return 0;
    const draw = this.world.draws.clients;
    return draw === null ? index % n : Math.min(n - 1, Math.floor(draw.at(index, 0, 0) * n));
  }

  /** A session's model call, its attributes set, arrives at capacity like a request. */
  enterCall(req: RequestState): void {
    this.world.metrics.recordArrival();
    this.enter(req);
  }

  /** Capacity in order: per-key quota -> token budget -> backpressure; rejected, queued, or admitted. */
  private enter(req: RequestState): void {
    const h = this.world.harness;
    const c = h.clients[req.client]!;
    if (c.perKey !== null && !c.perKey.tryTake(h.perKeyIds[req.tenant]!)) return this.end(req, RequestOutcome.Rejected);
    if (c.tokenBudget !== null && !c.tokenBudget.tryTake(this.world.prefixTokens + req.inputTokens + req.outputTokens)) {
      return this.end(req, RequestOutcome.Rejected);
    }
    if (c.backpressure !== null) {
      const admission = c.backpressure.tryEnter(req.slot);
      if (admission === Admission.Rejected) return this.end(req, RequestOutcome.Rejected);
      if (admission === Admission.Queued) {
        enterPhase(req, Phase.Queued);
        this.kernel.schedule(this.kernel.now() + h.backpressureMaxWaitMs, EventKind.QueueDeadline, req.slot, req.generation);
        return;
      }
      req.holdsSlot = true;
    }
    this.admit(req);
  }

  /** One draw per configured tool: bit i set = the request calls tool i. */
  private drawTools(): number {
    const p = this.world.toolProbabilities;
    const random = this.world.draws.tools;
    let mask = 0;
    for (let i = 0; i < p.length; i++) if (random() < p[i]!) mask |= 1 << i;
    return mask;
  }

  /** A waiter waited `maxWait` without being handed a slot (a handed-over waiter's deadline is stale). */
  private onQueueDeadline(slot: number, generation: number): void {
    const req = this.requests.current(slot, generation);
    if (req === null) return;
    expectEvent(req, EventKind.QueueDeadline);
    if (!this.world.harness.clients[req.client]!.backpressure!.cancel(req.slot)) throw new Error(`internal: request ${req.request} is queued but not waiting at backpressure`);
    this.end(req, RequestOutcome.Rejected);
  }

  /** Records how the request ended, frees its state, and hands its backpressure slot on. */
  end(req: RequestState, outcome: RequestOutcome): void {
    const now = this.kernel.now();
    this.lastEndMs = now;
    if (outcome === RequestOutcome.Success) req.usefulTokens += req.pendingUsefulTokens;
    const role = req.role;
    // A session's tool call is not a request: the tool's own counters have it.
    if (role !== CallRole.SessionTool) this.world.metrics.recordRequest(req.tenant, req.label, outcome, now - req.arrivalMs, req.billedTokens, req.usefulTokens, req.costUsd);
    if (role !== CallRole.Request) this.keepCallEnd(req, outcome);
    const holdsSlot = req.holdsSlot;
    const client = req.client;
    this.requests.release(req);
    if (holdsSlot) this.handSlotOn(now, client);
    if (role !== CallRole.Request) this.onCallEnd!(this.callEnd);
  }

  /** Copies what a session's call ended with into `callEnd`, before the request's state is released. */
  private keepCallEnd(req: RequestState, outcome: RequestOutcome): void {
    const e = this.callEnd;
    e.session = req.session;
    e.role = req.role;
    e.outcome = outcome;
    e.billedTokens = req.billedTokens;
    e.usefulTokens = req.usefulTokens;
    e.costUsd = req.costUsd;
    e.batchSlot = req.batchSlot;
  }

  /** Hands a freed backpressure slot of `client` to its oldest waiter (a request of the same client), if any. */
  private handSlotOn(now: number, client: number): void {
    const next = this.world.harness.clients[client]!.backpressure!.release();
    if (next < 0) return;
    // The waiter's deadline goes stale with its generation. It starts through an event, so a
    // chain of fast failures cannot recurse without bound; on the normal lane, after every
    // other event due now, the order the single-lane engine always had.
    const waiter = this.requests.get(next);
    this.requests.renew(waiter);
    waiter.holdsSlot = true;
    this.kernel.schedule(now, EventKind.Admit, waiter.slot, waiter.generation);
  }
}
