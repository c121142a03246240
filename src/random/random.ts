import seedrandom from 'seedrandom';

/** A uniform number in [0, 1) per call; the same shape as `layers/types.ts`'s `RandomSource`. */
export type UniformSource = () => number;

/**
 * Seeded random streams, one per purpose.
 *
 * Two kinds, chosen for common random numbers (the same draws for every variant of a
 * comparison, so a difference is the configuration's and not noise):
 * - sequential streams (`stream(name)`) for things drawn once per request in arrival
 *   order (inter-arrival gaps, tenant, tokens, difficulty). Each is its own seedrandom
 *   generator seeded with `${seed}/${name}`, so drawing more from one never shifts another.
 * - keyed draws (`keyed(name)`) for things that depend on how far a request got
 *   (the k-th call of request i to target m fails or not). A counter-based hash of
 *   (request, target, attempt) gives the same answer whatever the layers did before,
 *   so turning on retries does not reshuffle which first attempts fail.
 */
export class RandomStreams {
  constructor(readonly seed: number) {}

  /** A sequential generator for one purpose, independent of every other name. */
  stream(name: string): UniformSource {
    // The generator is itself a () => number; returned as is, without a wrapping closure.
    return seedrandom.alea(`${this.seed}/${name}`);
  }

  /** A keyed draw function for one purpose; see `KeyedUniform`. */
  keyed(name: string): KeyedUniform {
    const rng = seedrandom.alea(`${this.seed}/keyed/${name}`);
    return new KeyedUniform((rng.int32() ^ 0x5bd1e995) >>> 0);
  }
}

/**
 * A counter-based uniform generator: `at(i, j, k)` is a fixed function of the salt and
 * three integers, so a draw can be addressed instead of consumed in order.
 */
export class KeyedUniform {
  constructor(private readonly salt: number) {}

  /** A uniform number in [0, 1) for the key (i, j, k); 53 bits from two mixed words. */
  at(i: number, j: number, k: number): number {
    let h = mix32(this.salt ^ Math.imul(i, 0x9e3779b1));
    h = mix32(h ^ Math.imul(j + 0x7f4a7c15, 0x85ebca77));
    h = mix32(h ^ Math.imul(k + 0x165667b1, 0xc2b2ae3d));
    const low = mix32(h ^ 0x27d4eb2f);
    // 32 high bits + 21 low bits = a full double mantissa.
    return ((h >>> 0) * 2097152 + (low >>> 11)) / 9007199254740992;
  }
}

/** Murmur3's 32-bit finaliser: a cheap, well-mixing bijection. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}

/**
 * The standard normal quantile function (Acklam's rational approximation, relative error
 * below 1.2e-9). One uniform in, one normal out: no cached spare as in Box-Muller, so
 * a keyed draw maps to exactly one variate.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
      ((((D1 * q + D2) * q + D3) * q + D4) * q + 1)
    );
  }
  if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) /
      (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1)
    );
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(
    (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) /
    ((((D1 * q + D2) * q + D3) * q + D4) * q + 1)
  );
}

const A1 = -3.969683028665376e1, A2 = 2.209460984245205e2, A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2, A5 = -3.066479806614716e1, A6 = 2.506628277459239;
const B1 = -5.447609879822406e1, B2 = 1.615858368580409e2, B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1, B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3, C2 = -3.223964580411365e-1, C3 = -2.400758277161838;
const C4 = -2.549732539343734, C5 = 4.374664141464968, C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3, D2 = 3.224671290700398e-1, D3 = 2.445134137142996;
const D4 = 3.754408661907416;
