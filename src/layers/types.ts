/**
 * The two things every layer receives from outside instead of reaching for globals.
 * Production passes `systemClock` and `Math.random`; the simulator passes virtual time
 * and a seeded stream, so the same class runs in both places unchanged.
 */

/** A source of the current time in milliseconds. */
export interface Clock {
  now(): number;
}

/** A uniform random number in [0, 1). */
export type RandomSource = () => number;

/**
 * The monotonic clock (`performance.now()`), for production use of a layer: it never steps
 * back with NTP or DST as `Date.now()` can, so windows and cool-downs measure real intervals.
 * Never used by the simulator.
 */
export const systemClock: Clock = { now: () => performance.now() };
