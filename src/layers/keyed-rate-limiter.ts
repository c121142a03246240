import { perMinuteLimit, TokenBucket, type TokenBucketOptions } from './token-bucket.js';
import type { Clock } from './types.js';

/** What happens to a key that has no limit of its own. */
export type UnlistedKeyPolicy = 'deny' | 'share' | 'allow';

/** Options of a `KeyedRateLimiter`. */
export interface KeyedRateLimiterOptions {
  /** One bucket per listed key (tenant, feature, cron job), e.g. from `KeyedRateLimiter.splitQuota`. */
  limits: Record<string, TokenBucketOptions>;
  /** `deny`: unlisted keys are rejected; `share`: they share one bucket (`sharedLimit`); `allow`: unlimited. */
  unlisted: UnlistedKeyPolicy;
  /** The single bucket all unlisted keys share; required when `unlisted` is `share`, ignored otherwise. */
  sharedLimit?: TokenBucketOptions;
}

/**
 * Defaults: no listed keys and unlisted keys denied.
 * Deny is the safe default: a key nobody budgeted for should not quietly eat the provider quota.
 */
export const KEYED_RATE_LIMITER_DEFAULTS = {
  limits: {},
  unlisted: 'deny',
} as const satisfies KeyedRateLimiterOptions;

const UNLISTED_POLICIES: readonly UnlistedKeyPolicy[] = ['deny', 'share', 'allow'];

/**
 * Per-key token buckets that split one provider quota among keys, so a noisy key exhausts only
 * its own share and cannot starve the rest.
 * Names are resolved once to small integer ids (`keyId`), so the per-request path is an array
 * index and a bucket take: no string hashing, no allocation.
 */
export class KeyedRateLimiter {
  /** The unlisted-key policy in force. */
  readonly unlisted: UnlistedKeyPolicy;
  /**
   * Bucket per key id. Unlisted keys under `share` point at the one shared bucket; under
   * `allow` / `deny` they hold null and the answer comes from `allowUnlisted`.
   */
  private readonly buckets: (TokenBucket | null)[] = [];
  private readonly names: string[] = [];
  private readonly idByName = new Map<string, number>();
  private readonly sharedBucket: TokenBucket | null;
  private readonly allowUnlisted: boolean;

  /**
   * Splits a per-minute quota among keys in proportion to `shares` (which must sum to 1 within
   * 1e-9); each key gets the per-minute bucket shape of its slice (see `perMinuteLimit`).
   */
  static splitQuota(
    totalPerMinute: number,
    shares: Record<string, number>,
  ): Record<string, TokenBucketOptions> {
    if (!(totalPerMinute > 0 && Number.isFinite(totalPerMinute))) {
      throw new RangeError(`totalPerMinute must be a finite number > 0, got ${totalPerMinute}`);
    }
    let sum = 0;
    for (const [key, share] of Object.entries(shares)) {
      if (!(share > 0 && share <= 1)) {
        throw new RangeError(`shares.${key} must be in (0, 1], got ${share}`);
      }
      sum += share;
    }
    if (!(Math.abs(sum - 1) <= 1e-9)) {
      throw new RangeError(`shares must sum to 1 within 1e-9, got ${sum}`);
    }
    const limits: Record<string, TokenBucketOptions> = {};
    for (const [key, share] of Object.entries(shares)) {
      limits[key] = perMinuteLimit(totalPerMinute * share);
    }
    return limits;
  }

  constructor(clock: Clock, options: Partial<KeyedRateLimiterOptions> = {}) {
    const merged: KeyedRateLimiterOptions = { ...KEYED_RATE_LIMITER_DEFAULTS, ...options };
    if (!UNLISTED_POLICIES.includes(merged.unlisted)) {
      throw new RangeError(`unlisted must be 'deny', 'share' or 'allow', got ${String(merged.unlisted)}`);
    }
    this.unlisted = merged.unlisted;
    this.allowUnlisted = merged.unlisted === 'allow';
    if (merged.unlisted === 'share') {
      if (merged.sharedLimit === undefined) {
        throw new RangeError(`sharedLimit is required when unlisted is 'share', got undefined`);
      }
      this.sharedBucket = makeBucket(clock, merged.sharedLimit, 'sharedLimit');
    } else {
      this.sharedBucket = null;
    }
    // Listed keys get ids 0..n-1 in the order they appear in `limits`.
    for (const [name, limit] of Object.entries(merged.limits)) {
      this.register(name, makeBucket(clock, limit, `limits.${name}`));
    }
  }

  /**
   * The id of a key, assigning one on first sight; call at setup, not per request.
   * Every distinct name gets its own id (so reports can name it) even when it shares a bucket.
   */
  keyId(name: string): number {
    const known = this.idByName.get(name);
    if (known !== undefined) return known;
    return this.register(name, this.sharedBucket);
  }

  /** The name a key id was created for, for reports. */
  keyName(keyId: number): string {
    this.check(keyId);
    return this.names[keyId]!;
  }

  /** Whether the key has a limit of its own (is listed in `limits`). */
  isListed(keyId: number): boolean {
    this.check(keyId);
    const bucket = this.buckets[keyId]!;
    return bucket !== null && bucket !== this.sharedBucket;
  }

  /** Takes `amount` from the key's bucket if available; unlisted keys follow the `unlisted` policy. */
  tryTake(keyId: number, amount = 1): boolean {
    const bucket = this.buckets[keyId];
    if (bucket === undefined) this.check(keyId);
    if (bucket == null) return this.allowUnlisted;
    return bucket.tryTake(amount);
  }

  /** Milliseconds until the key could take `amount`: 0 now, `Infinity` if never (too large, or denied). */
  waitMs(keyId: number, amount = 1): number {
    const bucket = this.buckets[keyId];
    if (bucket === undefined) this.check(keyId);
    if (bucket == null) return this.allowUnlisted ? 0 : Infinity;
    return bucket.waitMs(amount);
  }

  private register(name: string, bucket: TokenBucket | null): number {
    const id = this.buckets.length;
    this.buckets.push(bucket);
    this.names.push(name);
    this.idByName.set(name, id);
    return id;
  }

  /** Throws for an id that `keyId` never returned; only reached off the normal path. */
  private check(keyId: number): void {
    if (!(Number.isInteger(keyId) && keyId >= 0 && keyId < this.buckets.length)) {
      throw new RangeError(`keyId must be an id returned by keyId(), got ${keyId}`);
    }
  }
}

/** Builds a bucket, prefixing a validation error with the option path (e.g. `limits.tenantA.burst`). */
function makeBucket(clock: Clock, limit: TokenBucketOptions, path: string): TokenBucket {
  try {
    return new TokenBucket(clock, limit);
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`${path}.${error.message}`);
    throw error;
  }
}
