import { systemClock, type Clock } from '../layers/types.js';

export { systemClock };

/** An opaque handle returned by `Timers.setTimer`. */
export type TimerHandle = unknown;

/**
 * Time for the runtime: the clock the layers read plus the timers it waits with (retry
 * delays, client timeouts, backpressure waits). Injected, so tests can drive a harness on
 * virtual time and the parity check can run a scenario scaled down (`scaledTimers`).
 */
export interface Timers extends Clock {
  /** Calls `callback` once after `ms` milliseconds of this clock. */
  setTimer(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** `performance.now()` and the real `setTimeout`: what a deployed harness uses. */
export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Timers that run `1 / scale` times faster than `base`: with `scale = 0.02` one second of
 * this clock passes in 20 ms of real time, and every duration the harness reads or waits
 * (backoff, cool-down, timeout, retry-after) shrinks alike. For rehearsing a configuration
 * against a scaled upstream, as the parity check does; a deployed harness uses `systemTimers`.
 */
export function scaledTimers(scale: number, base: Timers = systemTimers): Timers {
  if (!(scale > 0 && Number.isFinite(scale))) throw new RangeError(`scale must be a finite number > 0, got ${scale}`);
  const origin = base.now();
  return {
    now: () => (base.now() - origin) / scale,
    setTimer: (callback, ms) => base.setTimer(callback, ms * scale),
    clearTimer: (handle) => base.clearTimer(handle),
  };
}

/** Waits `ms` on `timers`; rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0 && signal === undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timers.clearTimer(handle);
      reject(signal!.reason);
    };
    const handle = timers.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
