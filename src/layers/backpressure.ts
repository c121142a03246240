import type { Clock } from './types.js';

/** Options of a `Backpressure` gate. */
export interface BackpressureOptions {
  /** Requests allowed upstream at once. */
  maxInFlight: number;
  /** Requests allowed to wait for a slot; one more is rejected at once. 0 means no queue. */
  maxDepth: number;
  /** How long a waiter may wait for a slot before it is the caller's to reject. */
  maxWaitMs: number;
}

/**
 * Defaults: 64 in flight, 128 waiting, 2 s maximum wait.
 * 64 in flight at ~1-3 s per LLM call carries ~20-60 req/s (Little's law), the range of the
 * middle Anthropic tiers (1,000-4,000 RPM). The queue is sized to drain within the wait
 * limit: 64 slots freeing about once a second each serve 128 waiters in 2 s, so a deeper queue
 * would only hold requests that expire anyway. 2 s keeps the added wait small next to the call
 * itself and fails fast enough for a retry or fallback to still help.
 */
export const BACKPRESSURE_DEFAULTS = {
  maxInFlight: 64,
  maxDepth: 128,
  maxWaitMs: 2000,
} as const satisfies BackpressureOptions;

/** The answer of `Backpressure.tryEnter`, as small integers so the hot path compares numbers. */
export const Admission = { Admitted: 0, Queued: 1, Rejected: 2 } as const;
/** One of the `Admission` values. */
export type Admission = (typeof Admission)[keyof typeof Admission];

/** Largest id `tryEnter` can queue: ids are stored in Int32Arrays. */
export const BACKPRESSURE_MAX_ID = 0x7fffffff;

/** State of a waiter that `release` dropped for waiting too long, until its `cancel` arrives. */
const DROPPED_EXPIRED = -1;
const INITIAL_RING_CAPACITY = 16;

/**
 * A bounded FIFO wait queue in front of a max-in-flight limit: admit while there is a free
 * slot, queue while there is room, and reject at once when the queue is full, instead of
 * queueing without bound and turning an overload into unbounded latency.
 * Requests are integer ids chosen by the caller; the caller schedules `cancel(id)` at
 * enqueue + `maxWaitMs` for every queued id (a waiter that `release` dropped as too old is
 * remembered until then), and calls `release()` when an admitted request ends.
 */
export class Backpressure {
  readonly maxInFlight: number;
  readonly maxDepth: number;
  readonly maxWaitMs: number;

  private inFlightCount = 0;
  private waitingCount = 0;
  private admittedCount = 0;
  private queuedCount = 0;
  private rejectedFullCount = 0;
  private expiredCount = 0;

  // Ring buffer of waiters, in enqueue order. Cancelled waiters are not removed (that would be
  // an O(n) splice); they stay as dead entries and are skipped when they reach the head.
  // An entry is live iff `stateById.get(id) === seq` for its slot: the sequence number tells a
  // live entry from a dead one left behind by an earlier wait of the same id.
  private ringIds: Int32Array;
  private ringSeqs: Int32Array;
  private ringEnqueuedMs: Float64Array;
  private ringHead = 0;
  /** Entries in the ring, live and dead. */
  private ringSize = 0;
  private nextSeq = 0;
  /** id -> seq of its live ring entry, or DROPPED_EXPIRED. ABSENT: not waiting. */
  private readonly stateById = new IdTable();

  constructor(
    private readonly clock: Clock,
    options: Partial<BackpressureOptions> = {},
  ) {
    const { maxInFlight, maxDepth, maxWaitMs } = { ...BACKPRESSURE_DEFAULTS, ...options };
    if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) {
      throw new RangeError(`maxInFlight must be an integer >= 1, got ${maxInFlight}`);
    }
    if (!(Number.isInteger(maxDepth) && maxDepth >= 0)) {
      throw new RangeError(`maxDepth must be an integer >= 0, got ${maxDepth}`);
    }
    if (!(maxWaitMs > 0)) {
      throw new RangeError(`maxWaitMs must be > 0, got ${maxWaitMs}`);
    }
    this.maxInFlight = maxInFlight;
    this.maxDepth = maxDepth;
    this.maxWaitMs = maxWaitMs;
    this.ringIds = new Int32Array(INITIAL_RING_CAPACITY);
    this.ringSeqs = new Int32Array(INITIAL_RING_CAPACITY);
    this.ringEnqueuedMs = new Float64Array(INITIAL_RING_CAPACITY);
  }

  /** Requests admitted and not yet released. */
  get inFlight(): number {
    return this.inFlightCount;
  }
  /** Requests in the queue that can still be admitted. */
  get waiting(): number {
    return this.waitingCount;
  }
  /** Admissions, directly at entry or by `release` handing over a slot. */
  get admitted(): number {
    return this.admittedCount;
  }
  /** Entries that had to queue. */
  get queued(): number {
    return this.queuedCount;
  }
  /** Entries rejected at once because the queue was full. */
  get rejectedFull(): number {
    return this.rejectedFullCount;
  }
  /** Waiters whose `cancel` arrived before they were admitted. */
  get expired(): number {
    return this.expiredCount;
  }

  /**
   * Admits `id` if a slot is free, else queues it if the queue has room, else rejects it at once.
   * `id` must be an integer in [0, BACKPRESSURE_MAX_ID] not currently waiting (-1 is
   * `release`'s "nobody").
   */
  tryEnter(id: number): Admission {
    if (this.inFlightCount < this.maxInFlight) {
      // A free slot implies an empty queue: `release` only frees a slot when nobody can take it.
      this.inFlightCount++;
      this.admittedCount++;
      return Admission.Admitted;
    }
    if (this.waitingCount >= this.maxDepth) {
      this.rejectedFullCount++;
      return Admission.Rejected;
    }
    if (
      !(Number.isInteger(id) && id >= 0 && id <= BACKPRESSURE_MAX_ID) ||
      this.stateById.get(id) !== ABSENT
    ) {
      throw new RangeError(`id must be an integer in [0, 2^31 - 1] not already waiting, got ${id}`);
    }
    this.push(id);
    this.waitingCount++;
    this.queuedCount++;
    return Admission.Queued;
  }

  /**
   * Ends one in-flight request and hands its slot to the oldest waiter still in time, returning
   * that waiter's id (in-flight count unchanged), or returns -1 and frees the slot.
   * Waiters found to have waited longer than `maxWaitMs` are dropped on the way; their pending
   * `cancel` still returns true so the caller rejects them exactly once.
   */
  release(): number {
    if (this.inFlightCount === 0) {
      throw new Error('release() called with no request in flight');
    }
    const nowMs = this.clock.now();
    const mask = this.ringIds.length - 1;
    while (this.ringSize > 0) {
      const slot = this.ringHead;
      this.ringHead = (slot + 1) & mask;
      this.ringSize--;
      const id = this.ringIds[slot]!;
      if (this.stateById.get(id) !== this.ringSeqs[slot]) continue; // dead: cancelled earlier
      this.waitingCount--;
      if (nowMs - this.ringEnqueuedMs[slot]! > this.maxWaitMs) {
        this.stateById.set(id, DROPPED_EXPIRED);
        continue;
      }
      this.stateById.delete(id);
      this.admittedCount++;
      return id;
    }
    this.inFlightCount--;
    return -1;
  }

  /**
   * The wait deadline of `id` fired: returns true if it was still waiting (it will never be
   * admitted; the caller rejects it), false if it was already admitted or never queued.
   */
  cancel(id: number): boolean {
    const state = this.stateById.get(id);
    if (state === ABSENT) return false;
    this.stateById.delete(id);
    // A live ring entry becomes dead in place; `release` or a compaction skips it later.
    if (state !== DROPPED_EXPIRED) this.waitingCount--;
    this.expiredCount++;
    return true;
  }

  private push(id: number): void {
    let capacity = this.ringIds.length;
    if (this.ringSize === capacity) {
      // Full ring: if at least half is dead entries, squeeze them out in place; otherwise
      // double (dropping dead entries too). Either way the O(capacity) work frees at least
      // capacity/2 slots, so pushes stay amortised O(1); and as doubling needs more than
      // capacity/2 live entries, of which there are at most maxDepth, capacity stays < 4 * maxDepth.
      if (this.ringSize - this.waitingCount >= capacity >>> 1) this.compact();
      else this.grow();
      capacity = this.ringIds.length;
    }
    const slot = (this.ringHead + this.ringSize) & (capacity - 1);
    const seq = this.nextSeq;
    // Wraps within the non-negative int32 range so it never equals DROPPED_EXPIRED. A dead entry
    // leaves the ring at the next compaction or growth, i.e. within one ring capacity
    // (< 4 * maxDepth) of pushes, far fewer than 2^31, so a wrapped seq never meets a stale one.
    this.nextSeq = (seq + 1) & BACKPRESSURE_MAX_ID;
    this.ringIds[slot] = id;
    this.ringSeqs[slot] = seq;
    this.ringEnqueuedMs[slot] = this.clock.now();
    this.ringSize++;
    this.stateById.set(id, seq);
  }

  /** Drops dead entries, keeping live ones in order, within the same arrays. */
  private compact(): void {
    const mask = this.ringIds.length - 1;
    let write = this.ringHead;
    for (let i = 0; i < this.ringSize; i++) {
      const read = (this.ringHead + i) & mask;
      const id = this.ringIds[read]!;
      if (this.stateById.get(id) !== this.ringSeqs[read]) continue;
      this.ringIds[write] = id;
      this.ringSeqs[write] = this.ringSeqs[read]!;
      this.ringEnqueuedMs[write] = this.ringEnqueuedMs[read]!;
      write = (write + 1) & mask;
    }
    this.ringSize = this.waitingCount;
  }

  /**
   * Doubles the ring (capacity stays a power of two for masking), copying only live entries,
   * in order, to start at 0.
   */
  private grow(): void {
    const oldIds = this.ringIds;
    const oldSeqs = this.ringSeqs;
    const oldEnqueuedMs = this.ringEnqueuedMs;
    const mask = oldIds.length - 1;
    this.ringIds = new Int32Array(oldIds.length * 2);
    this.ringSeqs = new Int32Array(oldIds.length * 2);
    this.ringEnqueuedMs = new Float64Array(oldIds.length * 2);
    let write = 0;
    for (let i = 0; i < this.ringSize; i++) {
      const read = (this.ringHead + i) & mask;
      const id = oldIds[read]!;
      if (this.stateById.get(id) !== oldSeqs[read]) continue;
      this.ringIds[write] = id;
      this.ringSeqs[write] = oldSeqs[read]!;
      this.ringEnqueuedMs[write] = oldEnqueuedMs[read]!;
      write++;
    }
    this.ringHead = 0;
    this.ringSize = write;
  }
}

/** `IdTable.get` answer for an id with no entry. */
const ABSENT = -2;
const EMPTY_KEY = -1;
const INITIAL_TABLE_CAPACITY = 32;

/**
 * A hash map from non-negative int32 ids to int32 values, in two typed arrays.
 * Why not a `Map`: a `Map` under constant set/delete churn rehashes into fresh tables, roughly
 * one allocation per hundred operations (measured: ~230 young-generation GCs per 10M
 * operations); this table allocates only when it grows, so a steady state makes no garbage.
 * Open addressing with linear probing, multiplicative (Fibonacci) hashing, and backward-shift
 * deletion (Knuth's Algorithm R), so deletes leave no tombstones to sweep.
 */
class IdTable {
  private keys = new Int32Array(INITIAL_TABLE_CAPACITY).fill(EMPTY_KEY);
  private values = new Int32Array(INITIAL_TABLE_CAPACITY);
  private size = 0;
  /** 32 - log2(capacity): the hash keeps the top bits of the product, the well-mixed ones. */
  private shift = 32 - Math.log2(INITIAL_TABLE_CAPACITY);

  /** The value stored for `id`, or ABSENT. */
  get(id: number): number {
    const slot = this.find(id);
    return slot < 0 ? ABSENT : this.values[slot]!;
  }

  set(id: number, value: number): void {
    const mask = this.keys.length - 1;
    let slot = this.home(id);
    while (this.keys[slot] !== EMPTY_KEY) {
      if (this.keys[slot] === id) {
        this.values[slot] = value;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = id;
    this.values[slot] = value;
    this.size++;
    // Load factor at most 1/2 keeps probe runs short.
    if (this.size * 2 > this.keys.length) this.grow();
  }

  delete(id: number): void {
    let hole = this.find(id);
    if (hole < 0) return;
    const mask = this.keys.length - 1;
    this.keys[hole] = EMPTY_KEY;
    this.size--;
    // Pull later entries of the probe run back into the hole unless that would put them before
    // their home slot; the run stays gap-free, so lookups can stop at the first empty slot.
    for (let slot = (hole + 1) & mask; this.keys[slot] !== EMPTY_KEY; slot = (slot + 1) & mask) {
      const home = this.home(this.keys[slot]!);
      const homeInHoleToSlot = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (homeInHoleToSlot) continue;
      this.keys[hole] = this.keys[slot]!;
      this.values[hole] = this.values[slot]!;
      this.keys[slot] = EMPTY_KEY;
      hole = slot;
    }
  }

  private find(id: number): number {
    const mask = this.keys.length - 1;
    for (let slot = this.home(id); this.keys[slot] !== EMPTY_KEY; slot = (slot + 1) & mask) {
      if (this.keys[slot] === id) return slot;
    }
    return -1;
  }

  private home(id: number): number {
    return Math.imul(id, 0x9e3779b1) >>> this.shift;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2).fill(EMPTY_KEY);
    this.values = new Int32Array(oldKeys.length * 2);
    this.shift--;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] !== EMPTY_KEY) this.set(oldKeys[i]!, oldValues[i]!);
    }
  }
}
