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

/** The wall clock, for production use of a layer. Never used by the simulator. */
export const systemClock: Clock = { now: () => Date.now() };
