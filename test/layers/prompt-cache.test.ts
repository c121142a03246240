import { describe, expect, it } from 'vitest';
import {
  CACHE_DEFAULTS,
  CACHE_PRESETS,
  PromptCache,
  monthlyPrefixCost,
  type PrefixLayer,
} from '../../src/layers/prompt-cache.js';

const MINUTE_MS = 60_000;
const PRICE_USD_PER_MTOK = 3; // Sonnet 4.5 input price

function fakeClock() {
  return { t: 0, now() { return this.t; } };
}

/** The seed essay's prompt: 7,700 stable tokens, then a 400-token volatile user turn. */
const SEED_PREFIX: PrefixLayer[] = [
  { name: 'system', tokens: 1500, stable: true },
  { name: 'agents-md', tokens: 3200, stable: true },
  { name: 'kb', tokens: 3000, stable: true },
  { name: 'user-turn', tokens: 400, stable: false },
];

describe('PromptCache (anthropic)', () => {
  it('defaults to the Anthropic 5-minute cache: write 1.25x, read 0.1x, minimum 1024 tokens', () => {
    expect(CACHE_DEFAULTS).toEqual({
      preset: 'anthropic', ttlMs: 300_000, writeMultiplier: 1.25, readMultiplier: 0.1,
      minCacheableTokens: 1024, cacheIncrementTokens: 1,
    });
    expect(CACHE_PRESETS.openai).toEqual({
      preset: 'openai', ttlMs: 300_000, writeMultiplier: 1, readMultiplier: 0.5,
      minCacheableTokens: 1024, cacheIncrementTokens: 128,
    });
  });

  it('puts the default breakpoint after the leading stable run', () => {
    const cache = new PromptCache(fakeClock(), SEED_PREFIX);
    expect(cache.prefixTokens).toBe(8100);
    expect(cache.breakpointTokens).toBe(7700);
    expect(cache.cacheableTokens).toBe(7700);
    expect(cache.volatileBeforeBreakpoint).toBe(false);
  });

  it('writes on the first call and bills the write premium', () => {
    const cache = new PromptCache(fakeClock(), SEED_PREFIX);
    const miss = cache.lookup(1, 200);
    expect(miss).toEqual({ hit: false, readTokens: 0, writeTokens: 7700, uncachedTokens: 600 });
    // (600 + 7700 * 1.25) * $3 / 1M
    expect(cache.inputCostUsd(miss, PRICE_USD_PER_MTOK)).toBeCloseTo(0.030675, 12);
    // versus 8300 tokens at full price ($0.0249): the premium of 1925 tokens is lost
    expect(cache.savingsUsd(miss, PRICE_USD_PER_MTOK)).toBeCloseTo(-0.005775, 12);
  });

  it('hits within the TTL and bills the cached prefix at the read price', () => {
    const clock = fakeClock();
    const cache = new PromptCache(clock, SEED_PREFIX);
    cache.lookup(1, 200);
    clock.t = 4 * MINUTE_MS;
    const hit = cache.lookup(1, 200);
    expect(hit).toEqual({ hit: true, readTokens: 7700, writeTokens: 0, uncachedTokens: 600 });
    // (600 + 7700 * 0.1) * $3 / 1M
    expect(cache.inputCostUsd(hit, PRICE_USD_PER_MTOK)).toBeCloseTo(0.00411, 12);
    expect(cache.savingsUsd(hit, PRICE_USD_PER_MTOK)).toBeCloseTo(0.02079, 12);
    expect(cache.hits).toBe(1);
    expect(cache.misses).toBe(1);
    expect(cache.hitRate).toBe(0.5);
  });

  it('misses once the TTL has passed without a hit, the expiry instant included', () => {
    const clock = fakeClock();
    const cache = new PromptCache(clock, SEED_PREFIX);
    cache.lookup(1, 0);
    clock.t = 5 * MINUTE_MS - 1;
    expect(cache.lookup(1, 0).hit).toBe(true);
    clock.t += 5 * MINUTE_MS; // exactly at the refreshed expiry
    const expired = cache.lookup(1, 0);
    expect(expired.hit).toBe(false);
    expect(expired.writeTokens).toBe(7700);
  });

  it('refreshes the TTL on each hit, so a hit at 4 min keeps the entry alive at 8 min', () => {
    const clock = fakeClock();
    const cache = new PromptCache(clock, SEED_PREFIX);
    cache.lookup(1, 0);
    clock.t = 4 * MINUTE_MS;
    expect(cache.lookup(1, 0).hit).toBe(true);
    clock.t = 8 * MINUTE_MS; // past the first write's expiry (5 min), within the refreshed one (9 min)
    expect(cache.lookup(1, 0).hit).toBe(true);
    clock.t = 13 * MINUTE_MS + 1; // 5 min + 1 ms after the last hit
    expect(cache.lookup(1, 0).hit).toBe(false);
    expect([cache.hits, cache.misses]).toEqual([2, 2]);
  });

  it('never hits and pays the write premium on every call when a volatile layer precedes the breakpoint', () => {
    const clock = fakeClock();
    const cache = new PromptCache(clock, SEED_PREFIX, { breakpoint: 'user-turn' });
    expect(cache.volatileBeforeBreakpoint).toBe(true);
    expect(cache.cacheableTokens).toBe(0);
    let costUsd = 0;
    let savingsUsd = 0;
    for (let call = 0; call < 3; call++) {
      clock.t = call * 1000;
      const lookup = cache.lookup(1, 200);
      expect(lookup).toEqual({ hit: false, readTokens: 0, writeTokens: 8100, uncachedTokens: 200 });
      costUsd += cache.inputCostUsd(lookup, PRICE_USD_PER_MTOK);
      savingsUsd += cache.savingsUsd(lookup, PRICE_USD_PER_MTOK);
    }
    // Each call: (200 + 8100 * 1.25) * $3 / 1M = $0.030975, against $0.0249 uncached.
    expect(costUsd).toBeCloseTo(3 * 0.030975, 12);
    expect(savingsUsd).toBeCloseTo(3 * -0.006075, 12);
    expect(cache.hitRate).toBe(0);
  });

  it('treats a volatile layer in the middle the same way when the breakpoint is placed after it', () => {
    const prefix: PrefixLayer[] = [
      { name: 'system', tokens: 1500, stable: true },
      { name: 'timestamp', tokens: 20, stable: false },
      { name: 'kb', tokens: 3000, stable: true },
    ];
    const afterKb = new PromptCache(fakeClock(), prefix, { breakpoint: 'kb' });
    afterKb.lookup(1, 0);
    const second = afterKb.lookup(1, 0);
    expect(second.hit).toBe(false);
    expect(second.writeTokens).toBe(4520);
    // The default breakpoint stops before the volatile layer and caches the system prompt only.
    const byDefault = new PromptCache(fakeClock(), prefix);
    byDefault.lookup(1, 0);
    expect(byDefault.lookup(1, 0)).toEqual({ hit: true, readTokens: 1500, writeTokens: 0, uncachedTokens: 3020 });
  });

  it('silently does not cache a prefix below minCacheableTokens: no premium, no hit', () => {
    const prefix: PrefixLayer[] = [
      { name: 'system', tokens: 1023, stable: true },
      { name: 'user-turn', tokens: 300, stable: false },
    ];
    const cache = new PromptCache(fakeClock(), prefix);
    expect(cache.cacheableTokens).toBe(0);
    for (let call = 0; call < 2; call++) {
      const lookup = cache.lookup(1, 100);
      expect(lookup).toEqual({ hit: false, readTokens: 0, writeTokens: 0, uncachedTokens: 1423 });
      expect(cache.inputCostUsd(lookup, PRICE_USD_PER_MTOK)).toBeCloseTo(0.004269, 12);
      expect(cache.savingsUsd(lookup, PRICE_USD_PER_MTOK)).toBe(0);
    }
  });

  it('applies a larger model minimum, and skips the premium even with a volatile layer before the breakpoint', () => {
    const haiku = new PromptCache(fakeClock(), SEED_PREFIX, { minCacheableTokens: 8192 });
    expect(haiku.cacheableTokens).toBe(0);
    expect(haiku.lookup(1, 0).writeTokens).toBe(0);
    const short: PrefixLayer[] = [
      { name: 'system', tokens: 500, stable: true },
      { name: 'user-turn', tokens: 300, stable: false },
    ];
    const mistake = new PromptCache(fakeClock(), short, { breakpoint: 'user-turn' });
    expect(mistake.lookup(1, 0)).toEqual({ hit: false, readTokens: 0, writeTokens: 0, uncachedTokens: 800 });
  });

  it('keeps keys apart, and invalidate drops only the named key', () => {
    const clock = fakeClock();
    const cache = new PromptCache(clock, SEED_PREFIX);
    expect(cache.lookup(1, 0).hit).toBe(false);
    clock.t = 1000;
    expect(cache.lookup(2, 0).hit).toBe(false);
    clock.t = 2000;
    expect(cache.lookup(1, 0).hit).toBe(true);
    cache.invalidate(1);
    expect(cache.lookup(1, 0).hit).toBe(false);
    expect(cache.lookup(2, 0).hit).toBe(true);
  });

  it('returns the same result object on every call (valid until the next call)', () => {
    const cache = new PromptCache(fakeClock(), SEED_PREFIX);
    const first = cache.lookup(1, 0);
    expect(first.hit).toBe(false);
    const second = cache.lookup(1, 0);
    expect(second).toBe(first);
    expect(first.hit).toBe(true);
  });

  it('reports a hit rate of 0 before any lookup', () => {
    expect(new PromptCache(fakeClock(), SEED_PREFIX).hitRate).toBe(0);
  });
});

describe('PromptCache (openai)', () => {
  it('caches the leading stable run rounded down to 1024 + k * 128 tokens', () => {
    const cache = new PromptCache(fakeClock(), SEED_PREFIX, { preset: 'openai' });
    // 7700 -> 1024 + floor(6676 / 128) * 128 = 7680
    expect(cache.cacheableTokens).toBe(7680);
    const middle: PrefixLayer[] = [
      { name: 'system', tokens: 1500, stable: true },
      { name: 'user-turn', tokens: 400, stable: false },
      { name: 'kb', tokens: 3000, stable: true },
    ];
    // Only the run before the first volatile layer repeats: 1500 -> 1408.
    expect(new PromptCache(fakeClock(), middle, { preset: 'openai' }).cacheableTokens).toBe(1408);
  });

  it('charges no write premium on a miss and half price on a hit', () => {
    const cache = new PromptCache(fakeClock(), SEED_PREFIX, { preset: 'openai' });
    const miss = cache.lookup(7, 200);
    expect(miss).toEqual({ hit: false, readTokens: 0, writeTokens: 7680, uncachedTokens: 620 });
    expect(cache.inputCostUsd(miss, PRICE_USD_PER_MTOK)).toBeCloseTo(0.0249, 12); // 8300 tokens at full price
    expect(cache.savingsUsd(miss, PRICE_USD_PER_MTOK)).toBe(0);
    const hit = cache.lookup(7, 200);
    expect(hit).toEqual({ hit: true, readTokens: 7680, writeTokens: 0, uncachedTokens: 620 });
    // (620 + 7680 * 0.5) * $3 / 1M
    expect(cache.inputCostUsd(hit, PRICE_USD_PER_MTOK)).toBeCloseTo(0.01338, 12);
    expect(cache.savingsUsd(hit, PRICE_USD_PER_MTOK)).toBeCloseTo(0.01152, 12);
  });

  it('lets an option override a preset value', () => {
    const cache = new PromptCache(fakeClock(), SEED_PREFIX, { preset: 'openai', readMultiplier: 0.25 });
    expect(cache.options.readMultiplier).toBe(0.25);
    expect(cache.options.writeMultiplier).toBe(1);
  });
});

describe('PromptCache options', () => {
  it('rejects out-of-range options with a RangeError naming the option and value', () => {
    const clock = fakeClock();
    expect(() => new PromptCache(clock, SEED_PREFIX, { ttlMs: 0 })).toThrow(
      new RangeError('ttlMs must be a finite number > 0, got 0'),
    );
    expect(() => new PromptCache(clock, SEED_PREFIX, { writeMultiplier: 125 })).toThrow(
      new RangeError('writeMultiplier must be in [1, 10], got 125'),
    );
    expect(() => new PromptCache(clock, SEED_PREFIX, { readMultiplier: 10 })).toThrow(
      new RangeError('readMultiplier must be in [0, 1], got 10'),
    );
    expect(() => new PromptCache(clock, SEED_PREFIX, { minCacheableTokens: -1 })).toThrow(
      new RangeError('minCacheableTokens must be an integer >= 0, got -1'),
    );
    expect(() => new PromptCache(clock, SEED_PREFIX, { cacheIncrementTokens: 0 })).toThrow(
      new RangeError('cacheIncrementTokens must be an integer >= 1, got 0'),
    );
    expect(() => new PromptCache(clock, SEED_PREFIX, { breakpoint: 'tools' })).toThrow(
      new RangeError('breakpoint must name a prefix layer, got tools'),
    );
    expect(() => new PromptCache(clock, SEED_PREFIX, { preset: 'openai', breakpoint: 'kb' })).toThrow(RangeError);
    expect(() => new PromptCache(clock, [{ name: 'a', tokens: -5, stable: true }])).toThrow(
      new RangeError('prefix[0].tokens must be an integer >= 0, got -5'),
    );
    expect(
      () => new PromptCache(clock, [{ name: 'a', tokens: 1, stable: true }, { name: 'a', tokens: 1, stable: true }]),
    ).toThrow(new RangeError('prefix[1].name must be unique, got a'));
  });

  it('falls back to the preset for options passed as undefined', () => {
    const cache = new PromptCache(fakeClock(), SEED_PREFIX, { ttlMs: undefined });
    expect(cache.options.ttlMs).toBe(300_000);
  });
});

describe('PromptCache as the providers bill it', () => {
  it('bills 1-hour cache writes at 2x (Anthropic) unless writeMultiplier is given; the 5-minute cache and openai keep theirs', () => {
    const clock = fakeClock();
    expect(new PromptCache(clock, SEED_PREFIX, { ttlMs: 60 * MINUTE_MS }).options.writeMultiplier).toBe(2);
    expect(new PromptCache(clock, SEED_PREFIX, { ttlMs: 60 * MINUTE_MS, writeMultiplier: 1.5 }).options.writeMultiplier).toBe(1.5);
    expect(new PromptCache(clock, SEED_PREFIX, { ttlMs: 5 * MINUTE_MS }).options.writeMultiplier).toBe(1.25);
    expect(new PromptCache(clock, SEED_PREFIX, { preset: 'openai', ttlMs: 60 * MINUTE_MS }).options.writeMultiplier).toBe(1);
    const cache = new PromptCache(clock, SEED_PREFIX, { ttlMs: 60 * MINUTE_MS });
    // (600 + 7700 x 2) x $3 / 1M
    expect(cache.inputCostUsd(cache.lookup(1, 200), PRICE_USD_PER_MTOK)).toBeCloseTo(0.048, 12);
  });

  it('prices each model by its own minimum and multipliers; a model without overrides keeps the base', () => {
    const clock = fakeClock();
    // Model 0: the base (1024 minimum); model 1: Haiku-like 8192 minimum; model 2: write 2x, read 0.2x.
    const cache = new PromptCache(clock, SEED_PREFIX, {}, [undefined, { minCacheableTokens: 8192 }, { writeMultiplier: 2, readMultiplier: 0.2 }]);
    expect(cache.modelOptions(0)).toBe(cache.options);
    expect(cache.modelOptions(1).minCacheableTokens).toBe(8192);
    expect(cache.modelOptions(1).writeMultiplier).toBe(1.25);
    expect(cache.lookup(10, 200, 0).writeTokens).toBe(7700);
    expect(cache.lookup(11, 200, 1)).toEqual({ hit: false, readTokens: 0, writeTokens: 0, uncachedTokens: 8300 });
    expect(cache.lookup(11, 200, 1).hit).toBe(false);
    const write = cache.lookup(12, 200, 2);
    expect(cache.inputCostUsd(write, PRICE_USD_PER_MTOK, 2)).toBeCloseTo(((600 + 7700 * 2) * 3) / 1e6, 12);
    clock.t = 1000;
    const read = cache.lookup(12, 200, 2);
    expect(read.hit).toBe(true);
    expect(cache.inputCostUsd(read, PRICE_USD_PER_MTOK, 2)).toBeCloseTo(((600 + 7700 * 0.2) * 3) / 1e6, 12);
    expect(cache.savingsUsd(read, PRICE_USD_PER_MTOK, 2)).toBeCloseTo((7700 * 0.8 * 3) / 1e6, 12);
  });

  it('names the model of a bad per-model option', () => {
    expect(() => new PromptCache(fakeClock(), SEED_PREFIX, {}, [undefined, { readMultiplier: 2 }])).toThrow(
      new RangeError('models[1].readMultiplier must be in [0, 1], got 2'),
    );
  });

  it('lets a call read an entry only once the response that wrote it has begun', () => {
    const clock = fakeClock();
    const cache = new PromptCache(clock, SEED_PREFIX);
    // A: sent at 0, answers at 2 s (writes; readable from 2 s). B: sent at 1 s, answers at 3 s.
    clock.t = 2000;
    expect(cache.lookup(1, 200, -1, 0).hit).toBe(false);
    clock.t = 3000;
    expect(cache.lookup(1, 200, -1, 1000).hit).toBe(false);
    // C: sent at 2.5 s, after A's response began: a hit.
    clock.t = 4000;
    expect(cache.lookup(1, 200, -1, 2500).hit).toBe(true);
    // D: sent at 1.5 s but answering only now, at 10 s: it was sent before any response began.
    clock.t = 10_000;
    expect(cache.lookup(1, 200, -1, 1500).hit).toBe(false);
    expect([cache.hits, cache.misses]).toEqual([1, 3]);
    // The entry lives 5 minutes from the last read (C, sent at 2.5 s) or write (D, answered at 10 s).
    clock.t = 310_500;
    expect(cache.lookup(1, 200, -1, 309_999).hit).toBe(true);
  });

  it('reads as before when no send time is given: the call is sent and answered at once', () => {
    const clock = fakeClock();
    const cache = new PromptCache(clock, SEED_PREFIX);
    cache.lookup(1, 200);
    clock.t = 1;
    expect(cache.lookup(1, 200).hit).toBe(true);
  });
});

describe('monthlyPrefixCost', () => {
  const seed = { callsPerDay: 1_000_000, prefixTokens: 8000, priceUsdPerMTok: 3, readMultiplier: 0.1, writeMultiplier: 1.25 };

  it('reproduces the seed essay: $720K/month uncached, $72K with cache reads', () => {
    expect(monthlyPrefixCost({ ...seed, writesPerDay: 0 })).toEqual({ uncachedUsd: 720_000, cachedUsd: 72_000 });
  });

  it('adds the premium of one write per 5 minutes on top of the $72K', () => {
    // 288 writes/day replace reads: (999_712 * 0.1 + 288 * 1.25) * 8000 * $3 / 1M * 30 days
    const { uncachedUsd, cachedUsd } = monthlyPrefixCost({ ...seed, writesPerDay: 288 });
    expect(uncachedUsd).toBeCloseTo(720_000, 6);
    expect(cachedUsd).toBeCloseTo(72_238.464, 6);
  });

  it('amortises the write premium: the effective prefix price tends to readMultiplier as calls per TTL grow', () => {
    // n calls per 5-minute window, one of them a write: (1.25 + (n - 1) * 0.1) / n of the full price.
    const effective = (callsPerTtl: number) => {
      const { uncachedUsd, cachedUsd } = monthlyPrefixCost({ ...seed, callsPerDay: 288 * callsPerTtl, writesPerDay: 288 });
      return cachedUsd / uncachedUsd;
    };
    expect(effective(1)).toBeCloseTo(1.25, 12); // every call a write: worse than no cache
    expect(effective(10)).toBeCloseTo(0.215, 12);
    expect(effective(100)).toBeCloseTo(0.1115, 12);
    expect(effective(1000)).toBeCloseTo(0.10115, 12);
  });

  it('agrees with PromptCache driven by bursts of n calls, one burst per expired TTL', () => {
    const prefix: PrefixLayer[] = [{ name: 'stable', tokens: 8000, stable: true }];
    for (const callsPerTtl of [1, 10, 100]) {
      const clock = fakeClock();
      const cache = new PromptCache(clock, prefix);
      const bursts = 12;
      let costUsd = 0;
      for (let burst = 0; burst < bursts; burst++) {
        // Each burst starts after the previous one's entry has expired, so its first call writes.
        const startMs = burst * (5 * MINUTE_MS + callsPerTtl);
        for (let call = 0; call < callsPerTtl; call++) {
          clock.t = startMs + call;
          costUsd += cache.inputCostUsd(cache.lookup(1, 0), 3);
        }
      }
      expect(cache.misses).toBe(bursts);
      const expected = monthlyPrefixCost({
        ...seed, callsPerDay: bursts * callsPerTtl, writesPerDay: bursts, days: 1,
      }).cachedUsd;
      expect(costUsd).toBeCloseTo(expected, 10);
    }
  });

  it('rejects more writes than calls and negative inputs', () => {
    expect(() => monthlyPrefixCost({ ...seed, writesPerDay: 2_000_000 })).toThrow(
      new RangeError('writesPerDay must be <= callsPerDay (1000000), got 2000000'),
    );
    expect(() => monthlyPrefixCost({ ...seed, prefixTokens: -1, writesPerDay: 0 })).toThrow(
      new RangeError('prefixTokens must be a finite number >= 0, got -1'),
    );
  });
});
