import type { RandomSource } from '../layers/types.js';

/** `Math.random`: fast, and good enough for jitter, which only has to decorrelate clients. */
export const mathRandom: RandomSource = () => Math.random();

const WORDS = 256;

/**
 * A `RandomSource` backed by the platform's CSPRNG (`crypto.getRandomValues`), for teams whose
 * policy forbids `Math.random`. Draws 53-bit uniforms from a buffer refilled 128 draws at a time,
 * so the cost per draw stays close to `Math.random`'s.
 */
export function cryptoRandom(): RandomSource {
  const words = new Uint32Array(WORDS);
  let next = WORDS;
  return () => {
    if (next >= WORDS) {
      globalThis.crypto.getRandomValues(words);
      next = 0;
    }
    const high = words[next++]! >>> 5; // 27 bits
    const low = words[next++]! >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  };
}
