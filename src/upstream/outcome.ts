/**
 * How one upstream call ended, as a small integer so call results travel through the
 * event queue and counters without allocation. `Open` is the client's own fast failure
 * when a breaker refuses the call; it never reaches the upstream.
 */
export const Outcome = {
  Success: 0,
  RateLimited: 1, // 429
  Unavailable: 2, // 503
  Timeout: 3,
  BadRequest: 4, // 400
  Open: 5,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Names used in scenarios and reports, indexed by `Outcome`. */
export const OUTCOME_NAMES = ['success', '429', '503', 'timeout', '400', 'open'] as const;

/** Maps a scenario error kind (`'429'`, `'timeout'` ...) to its outcome code. */
export function outcomeOf(kind: string): Outcome {
  const index = OUTCOME_NAMES.indexOf(kind as (typeof OUTCOME_NAMES)[number]);
  if (index < 0) throw new RangeError(`unknown outcome "${kind}"`);
  return index as Outcome;
}
