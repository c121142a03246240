/** Keys below this are held in typed arrays (every key the simulator makes: target x tenant ids); others in maps. */
const DENSE_KEYS = 4096;
const INITIAL_DENSE = 16;

/**
 * The prompt cache's entries: per key, when the entry became readable and when it expires.
 * Small non-negative integer keys live in typed arrays (grown as far as the largest key seen),
 * so a lookup is two array reads instead of two hash-map probes, and a write stores a double
 * in place instead of boxing it into a map; any other key goes to a pair of maps.
 * An absent entry expires at -Infinity: every "is it alive" test fails for it, exactly as
 * for a key the maps never held.
 */
export class CacheEntries {
  private expires = new Float64Array(INITIAL_DENSE).fill(-Infinity);
  private readable = new Float64Array(INITIAL_DENSE);
  private readonly expiresByKey = new Map<number, number>();
  private readonly readableByKey = new Map<number, number>();

  /** When the entry of `key` expires; -Infinity when there is none. */
  expiresAtMs(key: number): number {
    if (isDense(key)) return key < this.expires.length ? this.expires[key]! : -Infinity;
    return this.expiresByKey.get(key) ?? -Infinity;
  }

  /** When the entry of `key` became readable (only meaningful while it exists). */
  readableFromMs(key: number): number {
    if (isDense(key)) return key < this.readable.length ? this.readable[key]! : 0;
    return this.readableByKey.get(key) ?? 0;
  }

  /** Writes a new entry of `key`: readable from `readableFromMs`, alive until `expiresAtMs`. */
  write(key: number, readableFromMs: number, expiresAtMs: number): void {
    if (isDense(key)) {
      if (key >= this.expires.length) this.grow(key);
      this.readable[key] = readableFromMs;
      this.expires[key] = expiresAtMs;
      return;
    }
    this.readableByKey.set(key, readableFromMs);
    this.expiresByKey.set(key, expiresAtMs);
  }

  /** Moves the expiry of the existing entry of `key`. */
  extend(key: number, expiresAtMs: number): void {
    if (isDense(key)) this.expires[key] = expiresAtMs;
    else this.expiresByKey.set(key, expiresAtMs);
  }

  /** Drops the entry of `key`. */
  delete(key: number): void {
    if (isDense(key)) {
      if (key < this.expires.length) this.expires[key] = -Infinity;
      return;
    }
    this.expiresByKey.delete(key);
    this.readableByKey.delete(key);
  }

  private grow(key: number): void {
    let size = this.expires.length;
    while (size <= key) size *= 2;
    const expires = new Float64Array(size).fill(-Infinity);
    const readable = new Float64Array(size);
    expires.set(this.expires);
    readable.set(this.readable);
    this.expires = expires;
    this.readable = readable;
  }
}

function isDense(key: number): boolean {
  // Also false for NaN and fractions: (key | 0) === key only for 32-bit integers.
  return (key | 0) === key && key >= 0 && key < DENSE_KEYS;
}
