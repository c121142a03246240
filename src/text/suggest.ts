/**
 * "Did you mean" suggestions for misspelt scenario keys and names, so an unknown-key error
 * can point at the field the author almost certainly meant.
 */

/**
 * The candidate closest to `input` by edit distance (insert, delete, substitute, or swap two
 * adjacent letters; case ignored), or undefined when even the closest is more than
 * max(1, floor(input.length / 3)) edits away. Ties go to the earlier candidate.
 * The threshold grows with length because long keys (`failureRateThreshold`) collect more
 * typos than short ones, while a 3-letter word one edit from anything is a guess.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  const maxDistance = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    // Length difference is a lower bound on the distance, so far-off lengths skip the table.
    if (Math.abs(candidate.length - needle.length) >= bestDistance) continue;
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Damerau-Levenshtein distance in its optimal-string-alignment form (a swapped pair counts
 * as one edit, and no substring is edited twice), which is what typing mistakes look like.
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows: two rows back is needed for the transposition step.
  let twoBack = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let cost = Math.min(
        previous[j] + 1, // delete from a
        current[j - 1] + 1, // insert into a
        previous[j - 1] + substitution,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        cost = Math.min(cost, twoBack[j - 2] + 1);
      }
      current[j] = cost;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length];
}
