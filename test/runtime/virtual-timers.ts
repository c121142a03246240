import type { Timers } from '../../src/runtime/timers.js';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** Lets every pending promise continuation run (setImmediate fires after the microtask queue drains). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Virtual time for runtime tests: timers fire only when the test advances the clock, in
 * time order (ties in the order they were set), with every promise continuation settled
 * between two timers. No wall clock is read.
 */
export class VirtualTimers implements Timers {
  private time = 0;
  private seq = 0;
  private pending: Pending[] = [];

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): Pending {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, callback, cancelled: false };
    this.pending.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    if (handle) (handle as Pending).cancelled = true;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      this.pending = this.pending.filter((t) => !t.cancelled);
      const next = this.pending.reduce<Pending | null>((best, t) => (best === null || t.at < best.at || (t.at === best.at && t.seq < best.seq) ? t : best), null);
      if (next === null || next.at > end) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.time = next.at;
      next.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }

  /** Timers still due to fire. */
  get active(): number {
    return this.pending.filter((t) => !t.cancelled).length;
  }
}
