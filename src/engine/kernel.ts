import type { Clock } from '../layers/types.js';
import { EventQueue } from './event-queue.js';

/**
 * Handles one event. The two integers are the event's arguments; what they mean is fixed
 * by the event kind (for request events: the request's pool slot and generation).
 */
export type EventHandler = (a: number, b: number) => void;

/**
 * Called when the clock is about to reach or pass `edgeMs` (before the event at that time
 * runs); returns the next edge. A sampler that needs state "as of" fixed times (the
 * timeline's buckets) uses this instead of scheduling events, so sampling never shifts
 * the order or the count of the model's events.
 */
export type EdgeWatcher = (nowMs: number) => number;

/** Largest event kind: kinds are stored in a Uint8Array. */
const MAX_KIND = 255;
const INITIAL_URGENT_CAPACITY = 64;

/**
 * The discrete-event kernel: a virtual clock, a future-event list, and a table from event
 * kind to handler. It knows nothing of what events mean; the model (request flow, server
 * calls, ...) registers handlers with `on` and schedules with `schedule`.
 *
 * Ordering: events run by time; two events at the same time run in the order they were
 * scheduled (a sequence number that only goes up), so runs are deterministic.
 * An urgent event (`scheduleUrgent`) runs at the current time before any other event due
 * now, urgent ones among themselves first-in first-out: SimPy's two priorities.
 * The side lane (`scheduleSide`) holds one recurring event outside the heap, in heap order.
 *
 * The kernel is the run's `Clock`: every layer reads virtual time from it.
 */
export class Kernel implements Clock {
  private time = 0;
  private readonly queue = new EventQueue();
  private readonly handlers: (EventHandler | undefined)[] = [];
  // The urgent lane: a FIFO ring of (kind, a, b), all due at the current time.
  private urgentKinds = new Uint8Array(INITIAL_URGENT_CAPACITY);
  private urgentA = new Int32Array(INITIAL_URGENT_CAPACITY);
  private urgentB = new Int32Array(INITIAL_URGENT_CAPACITY);
  private urgentHead = 0;
  private urgentSize = 0;
  private urgentScheduled = 0;
  // The side lane: at most one pending event, outside the heap (see `scheduleSide`).
  private sideTime = Infinity;
  private sideSeq = 0;
  private sideKind = 0;
  private sideA = 0;
  private sideB = 0;
  private watcher: EdgeWatcher | null = null;
  private nextEdgeMs = Infinity;

  /** Virtual time in ms. */
  now(): number {
    return this.time;
  }

  /** Registers the handler of `kind`. A kind has exactly one handler; a second is refused. */
  on(kind: number, handler: EventHandler): void {
    if (!(Number.isInteger(kind) && kind >= 0 && kind <= MAX_KIND)) throw new RangeError(`event kind must be an integer in [0, ${MAX_KIND}], got ${kind}`);
    if (this.handlers[kind] !== undefined) throw new Error(`event kind ${kind} already has a handler`);
    this.handlers[kind] = handler;
  }

  /** Schedules an event of `kind` at absolute time `atMs` (finite, not before now). */
  schedule(atMs: number, kind: number, a: number, b: number): void {
    // Two comparisons and one load per event catch a past, infinite or NaN time and a kind
    // nobody handles where the mistake is made rather than where it surfaces. The messages are
    // built elsewhere (`badTime`, `noHandler`), so this stays small enough to be inlined.
    if (!(atMs >= this.time && atMs < Infinity)) throw badTime(kind, atMs, this.time);
    if (this.handlers[kind] === undefined) throw noHandler(kind);
    this.queue.push(atMs, kind, a, b);
  }

  /**
   * Schedules the side lane's one event: an event that is never more than one pending at a
   * time and always schedules its successor (the next arrival). It is kept beside the heap,
   * with a sequence number from the heap's counter, so it runs exactly where it would have
   * run in the heap while sparing a push and a pop per arrival, half the events of a
   * simple run. A second one while one is pending is refused.
   */
  scheduleSide(atMs: number, kind: number, a: number, b: number): void {
    if (!(atMs >= this.time && atMs < Infinity)) throw badTime(kind, atMs, this.time);
    if (this.handlers[kind] === undefined) throw noHandler(kind);
    if (this.sideTime < Infinity) throw new Error(`the side lane already holds an event of kind ${this.sideKind}`);
    this.sideTime = atMs;
    this.sideSeq = this.queue.takeSeq();
    this.sideKind = kind;
    this.sideA = a;
    this.sideB = b;
  }

  /** Schedules an event of `kind` now, ahead of every other event due now (FIFO among urgent events). */
  scheduleUrgent(kind: number, a: number, b: number): void {
    if (this.handlers[kind] === undefined) throw noHandler(kind);
    if (this.urgentSize === this.urgentKinds.length) this.growUrgent();
    const slot = (this.urgentHead + this.urgentSize) & (this.urgentKinds.length - 1);
    this.urgentKinds[slot] = kind;
    this.urgentA[slot] = a;
    this.urgentB[slot] = b;
    this.urgentSize++;
    this.urgentScheduled++;
  }

  /** Installs the one edge watcher, first called when the clock reaches `firstEdgeMs`. */
  watch(firstEdgeMs: number, watcher: EdgeWatcher): void {
    if (this.watcher !== null) throw new Error('the kernel already has an edge watcher');
    this.watcher = watcher;
    this.nextEdgeMs = firstEdgeMs;
  }

  /**
   * Runs events due before `untilMs` (all of them by default), then stops. With a finite
   * horizon the clock ends at `untilMs` and later events stay scheduled, so `run` can be
   * called again to go on; events at exactly `untilMs` belong to the next call.
   */
  run(untilMs = Infinity): void {
    while (this.step(untilMs));
    if (untilMs < Infinity && untilMs > this.time) this.time = untilMs;
  }

  /**
   * Runs at most `maxEvents` events (every lane), then stops between two events; returns
   * whether any are left. Calling it until it returns false runs exactly the events `run()`
   * would, in the same order, so a caller can look up between batches (to draw progress)
   * without changing anything the model sees: the clock stays at the last event's time.
   */
  runFor(maxEvents: number): boolean {
    for (let left = maxEvents; left > 0; left--) if (!this.step(Infinity)) return false;
    return this.urgentSize > 0 || this.sideTime < Infinity || this.queue.peekTime() < Infinity;
  }

  /** Runs the next event due before `untilMs`, urgent work first; false when there is none. */
  private step(untilMs: number): boolean {
    if (this.urgentSize > 0) {
      this.runUrgent();
      return true;
    }
    const queue = this.queue;
    const heapTime = queue.peekTime();
    const sideTime = this.sideTime;
    // The side event goes first when it is earlier, or at the same time when it was scheduled
    // first: the order it would have had in the heap.
    if (sideTime < heapTime || (sideTime === heapTime && sideTime < Infinity && this.sideSeq < queue.peekSeq())) {
      if (!(sideTime < untilMs)) return false;
      this.sideTime = Infinity;
      this.advanceTo(sideTime);
      this.handlers[this.sideKind]!(this.sideA, this.sideB);
      return true;
    }
    if (!(heapTime < untilMs)) return false;
    queue.pop();
    this.advanceTo(queue.time);
    this.handlers[queue.kind]!(queue.a, queue.b);
    return true;
  }

  /** Runs the oldest urgent event. */
  private runUrgent(): void {
    const slot = this.urgentHead;
    this.urgentHead = (slot + 1) & (this.urgentKinds.length - 1);
    this.urgentSize--;
    this.handlers[this.urgentKinds[slot]!]!(this.urgentA[slot]!, this.urgentB[slot]!);
  }

  /** Moves the clock to the next event's time, telling the edge watcher first when it crosses an edge. */
  private advanceTo(time: number): void {
    this.time = time;
    if (time >= this.nextEdgeMs) this.nextEdgeMs = this.watcher!(time);
  }

  /** Events ever scheduled, every lane (a cheap work counter for benchmarks). */
  get scheduled(): number {
    return this.queue.scheduled + this.urgentScheduled;
  }

  /** Events scheduled and not yet run. */
  get pending(): number {
    return this.queue.size + this.urgentSize + (this.sideTime < Infinity ? 1 : 0);
  }

  private growUrgent(): void {
    const capacity = this.urgentKinds.length;
    const kinds = new Uint8Array(capacity * 2);
    const a = new Int32Array(capacity * 2);
    const b = new Int32Array(capacity * 2);
    for (let i = 0; i < this.urgentSize; i++) {
      const from = (this.urgentHead + i) & (capacity - 1);
      kinds[i] = this.urgentKinds[from]!;
      a[i] = this.urgentA[from]!;
      b[i] = this.urgentB[from]!;
    }
    this.urgentKinds = kinds;
    this.urgentA = a;
    this.urgentB = b;
    this.urgentHead = 0;
  }
}

function badTime(kind: number, atMs: number, nowMs: number): RangeError {
  return new RangeError(`cannot schedule kind ${kind} at ${atMs} ms: now is ${nowMs} ms`);
}

function noHandler(kind: number): Error {
  return new Error(`no handler for event kind ${kind}`);
}
