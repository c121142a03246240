/**
 * How one upstream call ended, as a small integer so call results travel through the
 * event queue and counters without allocation. `Open` is the client's own fast failure
 * when a breaker refuses the call; it never reaches the upstream.
 *
 * The providers' error taxonomy (Anthropic and OpenAI docs): 429 is a rate limit that clears
 * when its bucket refills (retry, honouring retry-after); 529 is Anthropic's
 * `overloaded_error` and 500 its `api_error` (retry); `quota` is a 429 that will not succeed
 * on retry (OpenAI's `insufficient_quota`, a reached spend limit); 400 is the caller's fault.
 * Codes 0-5 are the original ones; new kinds take new numbers so old scenarios keep theirs.
 */
export const Outcome = {
  Success: 0,
  RateLimited: 1, // 429
  Unavailable: 2, // 503
  Timeout: 3,
  BadRequest: 4, // 400
  Open: 5,
  Overloaded: 6, // 529
  ApiError: 7, // 500
  Quota: 8, // 429 insufficient_quota / spend limit
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Names used in scenarios and reports, indexed by `Outcome`. */
export const OUTCOME_NAMES = ['success', '429', '503', 'timeout', '400', 'open', '529', '500', 'quota'] as const;

/** Number of outcome codes: the length of every per-outcome flag table. */
export const OUTCOME_COUNT = OUTCOME_NAMES.length;

/**
 * The error kinds a scenario's `mix` names, in the order their shares are stored, and the
 * outcome each one is. The first four are the original mix, so its cumulative shares (and
 * every draw from them) are unchanged for scenarios that use only those.
 */
export const MIX_KINDS = ['429', '503', 'timeout', '400', '529', '500', 'quota'] as const;
export const MIX_OUTCOMES: readonly Outcome[] = [
  Outcome.RateLimited,
  Outcome.Unavailable,
  Outcome.Timeout,
  Outcome.BadRequest,
  Outcome.Overloaded,
  Outcome.ApiError,
  Outcome.Quota,
];

/**
 * Shares of a mix in `MIX_KINDS` order, cut after the last kind with a share but never
 * shorter than the original four, so an old mix gives the same cumulative table (and the
 * same draws) as before and a draw can never land on a trailing kind with no share.
 */
export function mixShares(mix: Partial<Record<(typeof MIX_KINDS)[number], number | undefined>>): number[] {
  const shares = MIX_KINDS.map((kind) => mix[kind] ?? 0);
  let length = shares.length;
  while (length > 4 && shares[length - 1] === 0) length--;
  return shares.slice(0, length);
}

/** Maps a scenario error kind (`'429'`, `'timeout'` ...) to its outcome code. */
export function outcomeOf(kind: string): Outcome {
  const index = OUTCOME_NAMES.indexOf(kind as (typeof OUTCOME_NAMES)[number]);
  if (index < 0) throw new RangeError(`unknown outcome "${kind}"`);
  return index as Outcome;
}
