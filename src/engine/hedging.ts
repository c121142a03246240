import { Permit } from '../layers/breaker.js';
import { CallCause } from '../metrics/run-output.js';
import { Outcome } from '../upstream/outcome.js';
import type { CallResult } from '../upstream/upstream.js';
import type { Billing } from './billing.js';
import type { World } from './build.js';
import { EventKind } from './events.js';
import type { Kernel } from './kernel.js';
import { Pool, type Pooled } from './pool.js';
import { expectEvent, type RequestState } from './request-state.js';

/** Where a hedged attempt goes on once it is decided (`RequestFlow`'s continuations). */
export interface HedgeOutcome {
  /** A call of the attempt succeeded (`req.target` is the winner's), having billed `tokens`. */
  succeed(req: RequestState, tokens: number): void;
  /** Every call of the attempt failed; `outcome` is the last one's (`req.target` is the first call's). */
  fail(req: RequestState, outcome: number): void;
}

/**
 * One extra call in flight: a hedge, or a first call abandoned because a hedge answered
 * first. Kept apart from the request because an abandoned call outlives the request's
 * interest in it: the provider still runs it and bills it when it finishes.
 */
class Flight implements Pooled {
  generation = 0;
  requestSlot = 0;
  requestGeneration = 0;
  client = 0;
  target = 0;
  permit = 0;
  outcome = 0;
  latencyMs = 0;
  retryAfterMs = 0;
  /** When the call was sent (for the prompt cache it reads). */
  startMs = 0;
  abandoned = false;
  tokens = 0;
  costUsd = 0;
  tenant = 0;
  tier = 0;
  // Who the call served, for the call log (`Billing.priceHedgeAbandoned` fills them).
  request = 0;
  sessionKey = -1;
  inputTokens = 0;
  outputTokens = 0;
  constructor(readonly index: number) {}
  reset(): void {
    // A released flight must never look like one of a live attempt's hedges.
    this.requestGeneration = -1;
    this.abandoned = false;
    this.tokens = 0;
    this.costUsd = 0;
  }
}

const INITIAL_SLOTS = 64;

/**
 * Hedged model calls (`layers.hedge`, Polly's hedging strategy): when a model call has not
 * answered `after` it started, send another (to the same model, or the next of the request's
 * list), up to `maxExtra`, each `after` the one before. The first success wins: the request
 * goes on with it and every other call of the attempt is abandoned, though the provider still
 * runs and bills it (counted as abandoned work, and as wasted tokens). A failure waits for the
 * calls still out; when all have failed, the attempt has failed and retry or fallback decide.
 *
 * Each hedge asks its client's breaker for its target (a refusal skips that hedge) and
 * reports its result to it, abandoned or not, so a probe is never left hanging. Hedges draw
 * their outcomes like any call: keyed by (request, target, k-th call to that target).
 * Handles `HedgeDue` (request slot, generation) and `HedgeDone` (flight id, generation).
 */
export class Hedging {
  private readonly flights = new Pool((index) => new Flight(index));
  private readonly call: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };
  private readonly afterMs: number;
  private readonly maxExtra: number;
  private readonly next: boolean;
  // The attempt in progress, per request slot.
  /** When the armed hedge timer fires; -1 when the attempt is decided (no timer counts). */
  private dueMs = new Float64Array(INITIAL_SLOTS).fill(-1);
  private firstInFlight = new Uint8Array(INITIAL_SLOTS);
  private firstStartMs = new Float64Array(INITIAL_SLOTS);
  private firstTarget = new Int32Array(INITIAL_SLOTS);
  private launched = new Uint8Array(INITIAL_SLOTS);
  private hedgesInFlight = new Uint8Array(INITIAL_SLOTS);
  /** Flight ids of the attempt's hedges, `maxExtra` per slot. */
  private flightIds: Int32Array;

  constructor(
    private readonly world: World,
    private readonly kernel: Kernel,
    private readonly billing: Billing,
    private readonly requests: Pool<RequestState>,
    private readonly then: HedgeOutcome,
  ) {
    const settings = world.harness.hedge!;
    this.afterMs = settings.afterMs;
    this.maxExtra = settings.maxExtra;
    this.next = settings.next;
    this.flightIds = new Int32Array(INITIAL_SLOTS * this.maxExtra);
    kernel.on(EventKind.HedgeDue, (slot, generation) => this.onDue(slot, generation));
    kernel.on(EventKind.HedgeDone, (id, generation) => this.onDone(id, generation));
  }

  /** A harness attempt's first call to a model just went out: start its hedge timer. */
  arm(req: RequestState): void {
    const slot = req.slot;
    if (slot >= this.dueMs.length) this.grow(slot);
    const now = this.kernel.now();
    this.firstInFlight[slot] = 1;
    this.firstStartMs[slot] = now;
    this.firstTarget[slot] = req.target;
    this.launched[slot] = 0;
    this.hedgesInFlight[slot] = 0;
    this.dueMs[slot] = now + this.afterMs;
    this.kernel.schedule(this.dueMs[slot]!, EventKind.HedgeDue, slot, req.generation);
  }

  /**
   * The attempt's first call answered (already billed and reported to its breaker). A
   * success wins and abandons the hedges; a failure waits while hedges are out (returns
   * true); otherwise the attempt is decided here and the flow goes on (returns false).
   */
  onPrimaryAnswer(req: RequestState, outcome: number): boolean {
    const slot = req.slot;
    this.firstInFlight[slot] = 0;
    if (outcome === Outcome.Success) {
      this.abandonHedges(req);
      this.dueMs[slot] = -1;
      return false;
    }
    if (this.hedgesInFlight[slot]! > 0) return true;
    this.dueMs[slot] = -1;
    return false;
  }

  private onDue(slot: number, generation: number): void {
    const req = this.requests.current(slot, generation);
    if (req === null) return;
    expectEvent(req, EventKind.HedgeDue);
    const now = this.kernel.now();
    // Only the attempt's armed timer counts: one from an earlier attempt fires at another time.
    if (this.dueMs[slot] !== now) return;
    this.launch(req);
    if (this.launched[slot]! < this.maxExtra) {
      this.dueMs[slot] = now + this.afterMs;
      this.kernel.schedule(this.dueMs[slot]!, EventKind.HedgeDue, slot, req.generation);
    } else {
      this.dueMs[slot] = -2; // every hedge sent; the attempt is still undecided
    }
  }

  /** Sends one hedge of `req`'s attempt, unless its target's breaker refuses it. */
  private launch(req: RequestState): void {
    const slot = req.slot;
    const position = this.launched[slot]!;
    this.launched[slot] = position + 1;
    const target = this.hedgeTarget(req);
    const client = this.world.harness.clients[req.client]!;
    let permit: number = Permit.Normal;
    if (client.breakers !== null) {
      permit = client.breakers[target]!.tryAcquire();
      if (permit === Permit.Denied) return;
    }
    const now = this.kernel.now();
    const call = this.call;
    this.world.upstream.call(target, req.request, req.callsPerTarget[target]!++, now, call);
    const timeoutMs = this.world.timeoutMs[target]!;
    if (call.latencyMs > timeoutMs) {
      call.outcome = Outcome.Timeout;
      call.latencyMs = timeoutMs;
      call.retryAfterMs = 0;
    }
    this.world.metrics.recordUpstreamCall(CallCause.Hedge);
    const flight = this.flights.acquire();
    flight.requestSlot = slot;
    flight.requestGeneration = req.generation;
    flight.client = req.client;
    flight.target = target;
    flight.permit = permit;
    flight.outcome = call.outcome;
    flight.latencyMs = call.latencyMs;
    flight.retryAfterMs = call.retryAfterMs;
    flight.startMs = now;
    this.flightIds[slot * this.maxExtra + position] = flight.index;
    this.hedgesInFlight[slot]!++;
    this.kernel.schedule(now + call.latencyMs, EventKind.HedgeDone, flight.index, flight.generation);
  }

  /** The same model, or with `target: next` the one after the current in the request's list (the same at its end). */
  private hedgeTarget(req: RequestState): number {
    const first = this.firstTarget[req.slot]!;
    if (!this.next) return first;
    const position = req.targets.indexOf(first);
    return position >= 0 && position + 1 < req.targets.length ? req.targets[position + 1]! : first;
  }

  private onDone(id: number, generation: number): void {
    const flight = this.flights.current(id, generation);
    if (flight === null) return;
    const h = this.world.harness;
    const breakers = h.clients[flight.client]!.breakers;
    if (breakers !== null) breakers[flight.target]!.onResult(flight.permit as Permit, !h.breakerCounts[flight.outcome], flight.latencyMs);
    if (flight.abandoned) {
      this.billing.hedgeAbandonedDone(flight);
      this.flights.release(flight);
      return;
    }
    const req = this.requests.current(flight.requestSlot, flight.requestGeneration);
    if (req === null) throw new Error(`internal: the request of hedge ${flight.index} ended while its hedge was out`);
    const slot = req.slot;
    this.hedgesInFlight[slot]!--;
    const { target, outcome, latencyMs, retryAfterMs } = flight;
    const tokens = this.billing.hedgeCall(req, target, outcome, latencyMs, flight.startMs);
    this.flights.release(flight);
    if (outcome === Outcome.Success) {
      this.dueMs[slot] = -1;
      this.abandonHedges(req);
      if (this.firstInFlight[slot]) this.abandonFirst(req);
      req.target = target;
      req.callOutcome = Outcome.Success;
      req.callLatencyMs = latencyMs;
      req.callRetryAfterMs = 0;
      this.then.succeed(req, tokens);
      return;
    }
    if (this.firstInFlight[slot] || this.hedgesInFlight[slot]! > 0) return;
    // Every call of the attempt failed: retry and fallback start from the first call's target.
    this.dueMs[slot] = -1;
    req.target = this.firstTarget[slot]!;
    req.callOutcome = outcome;
    req.callLatencyMs = latencyMs;
    req.callRetryAfterMs = retryAfterMs;
    this.then.fail(req, outcome);
  }

  /** Marks the attempt's hedges still out as abandoned, priced now and billed when they finish. */
  private abandonHedges(req: RequestState): void {
    const slot = req.slot;
    if (this.hedgesInFlight[slot] === 0) return;
    for (let i = 0; i < this.launched[slot]!; i++) {
      const flight = this.flights.get(this.flightIds[slot * this.maxExtra + i]!);
      // A hedge the breaker refused left no flight; a finished one was released (its generation moved on).
      if (flight.abandoned || flight.requestSlot !== slot || flight.requestGeneration !== req.generation) continue;
      flight.abandoned = true;
      this.billing.priceHedgeAbandoned(flight, req);
    }
    this.hedgesInFlight[slot] = 0;
  }

  /**
   * A hedge won while the first call is still out: the first call becomes an abandoned
   * flight that finishes when it was going to, and the request's own pending answer goes
   * stale (its generation moves on).
   */
  private abandonFirst(req: RequestState): void {
    const slot = req.slot;
    const flight = this.flights.acquire();
    flight.requestSlot = slot;
    flight.requestGeneration = -1;
    flight.client = req.client;
    flight.target = this.firstTarget[slot]!;
    flight.permit = req.permit;
    flight.outcome = req.callOutcome;
    flight.latencyMs = req.callLatencyMs;
    flight.retryAfterMs = 0;
    flight.startMs = this.firstStartMs[slot]!;
    flight.abandoned = true;
    this.billing.priceHedgeAbandoned(flight, req);
    this.firstInFlight[slot] = 0;
    this.kernel.schedule(this.firstStartMs[slot]! + req.callLatencyMs, EventKind.HedgeDone, flight.index, flight.generation);
    this.requests.renew(req);
  }

  private grow(slot: number): void {
    let size = this.dueMs.length;
    while (size <= slot) size *= 2;
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(size * per);
      next.set(old);
      return next;
    };
    const due = grow(this.dueMs, (n) => new Float64Array(n).fill(-1));
    this.dueMs = due;
    this.firstInFlight = grow(this.firstInFlight, (n) => new Uint8Array(n));
    this.firstStartMs = grow(this.firstStartMs, (n) => new Float64Array(n));
    this.firstTarget = grow(this.firstTarget, (n) => new Int32Array(n));
    this.launched = grow(this.launched, (n) => new Uint8Array(n));
    this.hedgesInFlight = grow(this.hedgesInFlight, (n) => new Uint8Array(n));
    this.flightIds = grow(this.flightIds, (n) => new Int32Array(n), this.maxExtra);
  }
}
