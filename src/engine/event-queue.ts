/**
 * The simulator's future event list: a binary min-heap ordered by (time, sequence).
 *
 * Events are stored in parallel typed arrays rather than one object per event, so
 * scheduling allocates nothing once the arrays have grown to the peak number of
 * pending events. The sequence number only goes up, so two events at the same time
 * run in the order they were scheduled (SimPy's rule) and runs are deterministic.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Uint8Array;
  private argA: Int32Array;
  private argB: Int32Array;
  private count = 0;
  private nextSeq = 0;

  /** Fields of the event most recently removed by `pop()`; valid until the next pop. */
  time = 0;
  kind = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.kinds = new Uint8Array(initialCapacity);
    this.argA = new Int32Array(initialCapacity);
    this.argB = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  /** Total events ever scheduled (a cheap work counter for benchmarks). */
  get scheduled(): number {
    return this.nextSeq;
  }

  /**
   * Hands out the next sequence number without storing an event: for an event the kernel
   * keeps outside the heap (its side lane), so it still orders against the heap's events
   * exactly as if it had been pushed.
   */
  takeSeq(): number {
    return this.nextSeq++;
  }

  /** Schedules an event of `kind` with two integer arguments at absolute time `time`. */
  push(time: number, kind: number, a: number, b: number): void {
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    // Sift up with a hole instead of swaps (inlined for performance).
    let i = this.count++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      this.move(parent, i);
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.argA[i] = a;
    this.argB[i] = b;
  }

  /** Removes the earliest event into `time`, `kind`, `a`, `b`. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    this.time = this.times[0]!;
    this.kind = this.kinds[0]!;
    this.a = this.argA[0]!;
    this.b = this.argB[0]!;
    const last = --this.count;
    if (last === 0) return true;
    const time = this.times[last]!;
    const seq = this.seqs[last]!;
    const kind = this.kinds[last]!;
    const a = this.argA[last]!;
    const b = this.argB[last]!;
    const times = this.times;
    const seqs = this.seqs;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      const right = child + 1;
      if (
        right < last &&
        (times[right]! < times[child]! || (times[right] === times[child] && seqs[right]! < seqs[child]!))
      ) {
        child = right;
      }
      const ct = times[child]!;
      if (time < ct || (time === ct && seq < seqs[child]!)) break;
      this.move(child, i);
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.argA[i] = a;
    this.argB[i] = b;
    return true;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  /** Sequence number of the earliest pending event (only meaningful when not empty). */
  peekSeq(): number {
    return this.seqs[0]!;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.argA[to] = this.argA[from]!;
    this.argB[to] = this.argB[from]!;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const kinds = new Uint8Array(capacity);
    const argA = new Int32Array(capacity);
    const argB = new Int32Array(capacity);
    times.set(this.times);
    seqs.set(this.seqs);
    kinds.set(this.kinds);
    argA.set(this.argA);
    argB.set(this.argB);
    this.times = times;
    this.seqs = seqs;
    this.kinds = kinds;
    this.argA = argA;
    this.argB = argB;
  }
}
