/** Categorical draws by inverse transform over cumulative shares (tenants, difficulty, error kinds). */

/** Running sums of shares, with the last forced to 1 so rounding never drops a draw off the end. */
export function cumulative(shares: readonly number[]): Float64Array {
  const out = new Float64Array(shares.length);
  let sum = 0;
  for (let i = 0; i < shares.length; i++) out[i] = sum += shares[i]!;
  if (shares.length > 0) out[shares.length - 1] = 1;
  return out;
}

/** Index of the first cumulative share above `u`: a categorical draw. */
export function pick(cumulativeShares: Float64Array, u: number): number {
  let i = 0;
  while (i < cumulativeShares.length - 1 && u >= cumulativeShares[i]!) i++;
  return i;
}
