/**
 * Prompt caching: which part of a request's prompt prefix is read from the provider's cache,
 * which part is written to it, and what that does to the input bill.
 *
 * The prompt is a list of prefix layers (system prompt, AGENTS.md, knowledge base, the user's
 * turn). Caching pays off only for the stable layers before the cache breakpoint; a volatile
 * layer before the breakpoint makes every prefix unique, so nothing ever hits and, with
 * explicit breakpoints, the write premium is paid on every call. This class makes that
 * mistake visible instead of assuming the cache works.
 *
 * Simplifications (stated so the numbers can be judged):
 * - One breakpoint per prompt (Anthropic allows up to 4) and one cache entry per key; the key
 *   stands for (target model, cache scope such as a tenant), chosen by the caller.
 * - An entry lives until `now >= expiresAtMs`; each hit moves the expiry to `sent + ttlMs` at
 *   no cost, as Anthropic documents for the 5-minute cache. No capacity eviction.
 * - An entry can be read only once the response that wrote it has begun (Anthropic: "a cache
 *   entry only becomes available after the first response begins"), so concurrent cold calls
 *   all miss and all pay the write. A call is priced when it answers (`clock.now()`), which
 *   stands for its response beginning (streaming is not modelled); it reads the cache as it
 *   was when it was sent (`sentAtMs`).
 * - The multipliers and the minimum may differ per model (`models`, by the caller's model
 *   index): Anthropic's minimum cacheable prompt is 1024, 2048 or 4096 tokens by model. The
 *   TTL is the same for all. A TTL above 5 minutes is Anthropic's 1-hour cache, whose writes
 *   cost 2x the input price (not 1.25x) unless `writeMultiplier` says otherwise.
 * - `openai` (automatic caching): the cached part is the leading run of stable layers, rounded
 *   down to `minCacheableTokens + k * cacheIncrementTokens` (1024, 1152, 1280, ...). OpenAI's
 *   real cache is best-effort (routing by prefix hash, eviction after 5-10 min of inactivity,
 *   sometimes up to an hour); here it is deterministic with the same TTL-and-refresh rule.
 */

import type { Clock } from './types.js';
import { CacheEntries } from './cache-entries.js';

/** One block of the prompt prefix, in prompt order. */
export interface PrefixLayer {
  name: string;
  tokens: number;
  /** True when the layer's text is identical on every request of the same key. */
  stable: boolean;
}

/** Which provider's caching rules apply: explicit breakpoint (Anthropic) or automatic (OpenAI). */
export type CachePreset = 'anthropic' | 'openai';

/** Options of {@link PromptCache}; every field except `breakpoint` has a default in the preset. */
export interface PromptCacheOptions {
  preset: CachePreset;
  /** Lifetime of a cache entry after its last write or hit. */
  ttlMs: number;
  /** Price of a cache write as a multiple of the input price (Anthropic 1.25 for 5 min, 2 for 1 h). */
  writeMultiplier: number;
  /** Price of a cache read as a multiple of the input price. */
  readMultiplier: number;
  /** Prefixes shorter than this are silently not cached (1024 for Sonnet 4.5, 4096 for Haiku 4.5). */
  minCacheableTokens: number;
  /** Granularity of the cached length above the minimum (OpenAI caches in 128-token steps; 1 = exact). */
  cacheIncrementTokens: number;
  /**
   * Name of the last layer before the explicit breakpoint (`anthropic` only). Default: after the
   * leading run of stable layers; if the first layer is volatile there is no breakpoint.
   */
  breakpoint?: string;
}

/** The caching decision for one call, in tokens; read + write + uncached = whole input. */
export interface CacheLookup {
  hit: boolean;
  /** Tokens billed at `readMultiplier`. */
  readTokens: number;
  /** Tokens billed at `writeMultiplier`. */
  writeTokens: number;
  /** Tokens billed at the plain input price: the prefix beyond the cached part plus the request's own input. */
  uncachedTokens: number;
}

/** The options that may differ per model: its own multipliers and minimum cacheable prompt. */
export type CacheModelOptions = Pick<PromptCacheOptions, 'writeMultiplier' | 'readMultiplier' | 'minCacheableTokens'>;

/** Anthropic's 5-minute cache; a longer TTL is its 1-hour cache. */
export const ANTHROPIC_SHORT_TTL_MS = 5 * 60_000;
/** Anthropic bills 1-hour cache writes at 2x the input price (5-minute writes at 1.25x). */
export const ANTHROPIC_LONG_TTL_WRITE_MULTIPLIER = 2;

/** Provider presets, from the Anthropic prompt-caching docs and OpenAI's automatic caching. */
export const CACHE_PRESETS = {
  anthropic: {
    preset: 'anthropic',
    ttlMs: 5 * 60_000,
    writeMultiplier: 1.25,
    readMultiplier: 0.1,
    minCacheableTokens: 1024,
    cacheIncrementTokens: 1,
  },
  // No write premium: a miss is billed as ordinary input. A hit is billed at half price.
  openai: {
    preset: 'openai',
    ttlMs: 5 * 60_000,
    writeMultiplier: 1.0,
    readMultiplier: 0.5,
    minCacheableTokens: 1024,
    cacheIncrementTokens: 128,
  },
} as const satisfies Record<CachePreset, Omit<PromptCacheOptions, 'breakpoint'>>;

/** Default options: the Anthropic 5-minute cache. For the 1-hour cache pass `ttlMs: 3_600_000` (writes then cost 2x). */
export const CACHE_DEFAULTS = CACHE_PRESETS.anthropic;

const TOKENS_PER_MTOK = 1_000_000;

/**
 * Decides per call whether the stable prompt prefix is a cache hit or a write, and prices it.
 * The breakpoint and the cacheable length are worked out once in the constructor, so `lookup`
 * is a map read, a map write on a miss, and a few assignments.
 */
export class PromptCache {
  /** The merged, validated options. */
  readonly options: Readonly<PromptCacheOptions>;
  /** Total tokens of all prefix layers. */
  readonly prefixTokens: number;
  /**
   * Tokens before the breakpoint that can be read from the cache on a hit: 0 when a volatile
   * layer precedes the breakpoint, when the prefix is below `minCacheableTokens`, or when there
   * is no breakpoint.
   */
  readonly cacheableTokens: number;
  /** Tokens up to the breakpoint (Anthropic) or of the leading stable run (OpenAI), before the minimum applies. */
  readonly breakpointTokens: number;
  /** True when a volatile layer sits before the breakpoint, so every prefix is unique and never hits. */
  readonly volatileBeforeBreakpoint: boolean;
  /** Lookups answered from the cache. */
  hits = 0;
  /** Lookups that were not (including those where caching is impossible). */
  misses = 0;

  /** The base pricing, then each model's (the base where a model has no overrides). */
  private readonly base: Pricing;
  private readonly byModel: readonly Pricing[];
  /** Each key's entry: when it expires, and when it became readable (when the response that wrote it began). */
  private readonly entries = new CacheEntries();
  // Reused for every lookup so the hot path allocates nothing.
  private readonly result: CacheLookup = { hit: false, readTokens: 0, writeTokens: 0, uncachedTokens: 0 };

  constructor(
    private readonly clock: Clock,
    prefix: readonly PrefixLayer[],
    options: Partial<PromptCacheOptions> = {},
    /** Per-model overrides, by the model index the caller passes to `lookup`; absent = the base options. */
    models: readonly (Partial<CacheModelOptions> | undefined)[] = [],
  ) {
    this.options = mergeOptions(options);
    const { preset, breakpoint } = this.options;
    this.prefixTokens = validatePrefix(prefix);

    // Automatic caching (openai): the longest prefix that repeats is the leading stable run.
    const end = preset === 'openai' || breakpoint === undefined ? leadingStableEnd(prefix) : breakpointEnd(prefix, breakpoint);
    this.breakpointTokens = sumTokens(prefix, end);
    this.volatileBeforeBreakpoint = preset !== 'openai' && prefix.slice(0, end).some((layer) => !layer.stable);
    this.base = this.pricing(this.options);
    this.cacheableTokens = this.base.cacheableTokens;
    this.byModel = models.map((overrides, i) => {
      if (overrides === undefined) return this.base;
      try {
        return this.pricing(mergeOptions({ ...options, ...withoutUndefined(overrides) }));
      } catch (error) {
        throw error instanceof RangeError ? new RangeError(`models[${i}].${error.message}`) : error;
      }
    });
  }

  /** The merged options a call to model `model` is priced by (the base options for -1 or a model without overrides). */
  modelOptions(model: number): Readonly<PromptCacheOptions> {
    return this.pricingOf(model).options;
  }

  private pricingOf(model: number): Pricing {
    return model >= 0 && model < this.byModel.length ? this.byModel[model]! : this.base;
  }

  private pricing(options: PromptCacheOptions): Pricing {
    const written = roundDownToIncrement(this.breakpointTokens, options.minCacheableTokens, options.cacheIncrementTokens);
    // A volatile layer before the breakpoint still makes the provider write the whole prefix,
    // at the premium, on every call; it just can never be read back.
    return { options, writeTokensOnMiss: written, cacheableTokens: this.volatileBeforeBreakpoint ? 0 : written };
  }

  /**
   * Decides caching for one call of `key` to model `model` (-1: the base options), sent at
   * `sentAtMs` and answering now (`clock.now()`, when its response begins), and records the
   * write or refreshes the entry. The call reads the cache as it was when sent: an entry
   * written by a call whose response had not begun by then does not count, so concurrent
   * cold calls all miss. Returns an object owned by this cache: valid until the next call.
   */
  lookup(key: number, requestInputTokens: number, model = -1, sentAtMs?: number): Readonly<CacheLookup> {
    const result = this.result;
    const pricing = this.pricingOf(model);
    const cacheable = pricing.cacheableTokens;
    if (cacheable > 0) {
      const nowMs = this.clock.now();
      const sentMs = sentAtMs === undefined || sentAtMs > nowMs ? nowMs : sentAtMs;
      const ttlMs = this.options.ttlMs;
      const entries = this.entries;
      // -Infinity when there is no entry: then neither a hit nor "still alive".
      const expiresAtMs = entries.expiresAtMs(key);
      if (sentMs < expiresAtMs && entries.readableFromMs(key) <= sentMs) {
        // A hit refreshes the entry from when the provider read it.
        if (sentMs + ttlMs > expiresAtMs) entries.extend(key, sentMs + ttlMs);
        this.hits++;
        result.hit = true;
        result.readTokens = cacheable;
        result.writeTokens = 0;
        result.uncachedTokens = this.prefixTokens - cacheable + requestInputTokens;
        return result;
      }
      // A miss writes: readable from now (its response has begun) unless an entry still alive
      // was already readable (written by a call that answered after this one was sent).
      if (nowMs >= expiresAtMs) {
        entries.write(key, nowMs, nowMs + ttlMs);
      } else if (nowMs + ttlMs > expiresAtMs) {
        entries.extend(key, nowMs + ttlMs);
      }
    }
    this.misses++;
    result.hit = false;
    result.readTokens = 0;
    result.writeTokens = pricing.writeTokensOnMiss;
    result.uncachedTokens = this.prefixTokens - pricing.writeTokensOnMiss + requestInputTokens;
    return result;
  }

  /** Input cost in USD of one lookup's tokens at `priceUsdPerMTok` (the model's base input price), at model `model`'s multipliers. */
  inputCostUsd(lookup: Readonly<CacheLookup>, priceUsdPerMTok: number, model = -1): number {
    const { writeMultiplier, readMultiplier } = this.pricingOf(model).options;
    const weightedTokens =
      lookup.uncachedTokens + lookup.writeTokens * writeMultiplier + lookup.readTokens * readMultiplier;
    return (weightedTokens * priceUsdPerMTok) / TOKENS_PER_MTOK;
  }

  /**
   * USD saved by this lookup versus sending the same tokens with no caching at all; negative
   * when a write premium was paid (and is only recovered by later hits).
   */
  savingsUsd(lookup: Readonly<CacheLookup>, priceUsdPerMTok: number, model = -1): number {
    const { writeMultiplier, readMultiplier } = this.pricingOf(model).options;
    const savedTokens = lookup.writeTokens * (1 - writeMultiplier) + lookup.readTokens * (1 - readMultiplier);
    return (savedTokens * priceUsdPerMTok) / TOKENS_PER_MTOK;
  }

  /** Drops the entry of `key`, so its next lookup is a write (e.g. after the system prompt changed). */
  invalidate(key: number): void {
    this.entries.delete(key);
  }

  /** Share of lookups that hit, 0 before the first lookup. */
  get hitRate(): number {
    const total = this.hits + this.misses;
    return total === 0 ? 0 : this.hits / total;
  }
}

/**
 * Closed-form monthly cost of the prefix alone, without and with caching, for validation and
 * docs. Each write replaces a read, so `cachedUsd` bills `writesPerDay` calls at the write
 * multiplier and the remaining calls at the read multiplier. The seed essay's example
 * (1M calls/day, 8K prefix, $3/MTok, 30 days) gives $720,000 uncached and $72,000 plus the
 * premium of the writes.
 */
export function monthlyPrefixCost(opts: {
  callsPerDay: number;
  prefixTokens: number;
  priceUsdPerMTok: number;
  readMultiplier: number;
  writeMultiplier: number;
  writesPerDay: number;
  /** Days in the month; default 30. */
  days?: number;
}): { uncachedUsd: number; cachedUsd: number } {
  const { callsPerDay, prefixTokens, priceUsdPerMTok, readMultiplier, writeMultiplier, writesPerDay } = opts;
  const days = opts.days ?? 30;
  for (const [name, value] of Object.entries({ ...opts, days })) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
    }
  }
  if (writesPerDay > callsPerDay) {
    throw new RangeError(`writesPerDay must be <= callsPerDay (${callsPerDay}), got ${writesPerDay}`);
  }
  const usdPerCallAtFullPrice = (prefixTokens * priceUsdPerMTok) / TOKENS_PER_MTOK;
  const weightedCallsPerDay = writesPerDay * writeMultiplier + (callsPerDay - writesPerDay) * readMultiplier;
  return {
    uncachedUsd: days * callsPerDay * usdPerCallAtFullPrice,
    cachedUsd: days * weightedCallsPerDay * usdPerCallAtFullPrice,
  };
}

/**
 * The options a cache with `options` prices model calls by, with one model's `overrides` on
 * top (preset defaults filled in, the 1-hour write price applied); throws like the constructor.
 */
export function resolveCacheOptions(options: Partial<PromptCacheOptions>, overrides: Partial<CacheModelOptions> = {}): PromptCacheOptions {
  return mergeOptions({ ...options, ...withoutUndefined(overrides) });
}

function mergeOptions(options: Partial<PromptCacheOptions>): PromptCacheOptions {
  const preset = options.preset ?? CACHE_DEFAULTS.preset;
  if (preset !== 'anthropic' && preset !== 'openai') {
    throw new RangeError(`preset must be 'anthropic' or 'openai', got ${String(preset)}`);
  }
  const merged: PromptCacheOptions = { ...CACHE_PRESETS[preset] };
  // Skip undefined fields so an optional config value falls back to the preset.
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[name] = value;
  }
  // Anthropic's 1-hour cache bills its writes at 2x, not the 5-minute cache's 1.25x.
  if (options.writeMultiplier === undefined && preset === 'anthropic' && merged.ttlMs > ANTHROPIC_SHORT_TTL_MS) {
    merged.writeMultiplier = ANTHROPIC_LONG_TTL_WRITE_MULTIPLIER;
  }
  const { ttlMs, writeMultiplier, readMultiplier, minCacheableTokens, cacheIncrementTokens, breakpoint } = merged;
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a finite number > 0, got ${ttlMs}`);
  }
  // Bounded above to catch a percentage typed as a multiplier (125 for 1.25); docs top out at 2.
  if (!(writeMultiplier >= 1 && writeMultiplier <= 10)) {
    throw new RangeError(`writeMultiplier must be in [1, 10], got ${writeMultiplier}`);
  }
  if (!(readMultiplier >= 0 && readMultiplier <= 1)) {
    throw new RangeError(`readMultiplier must be in [0, 1], got ${readMultiplier}`);
  }
  if (!(Number.isInteger(minCacheableTokens) && minCacheableTokens >= 0)) {
    throw new RangeError(`minCacheableTokens must be an integer >= 0, got ${minCacheableTokens}`);
  }
  if (!(Number.isInteger(cacheIncrementTokens) && cacheIncrementTokens >= 1)) {
    throw new RangeError(`cacheIncrementTokens must be an integer >= 1, got ${cacheIncrementTokens}`);
  }
  if (breakpoint !== undefined && preset === 'openai') {
    throw new RangeError(`breakpoint is not used by the openai preset (automatic caching), got ${breakpoint}`);
  }
  return merged;
}

/** One model's pricing: its options and the tokens read on a hit and written on a miss. */
interface Pricing {
  readonly options: Readonly<PromptCacheOptions>;
  readonly cacheableTokens: number;
  /** Differs from cacheableTokens only when a volatile layer precedes the breakpoint. */
  readonly writeTokensOnMiss: number;
}

/** The fields of `options` that are set, so an unset per-model value keeps the base one. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Validates the layers and returns their total tokens. */
function validatePrefix(prefix: readonly PrefixLayer[]): number {
  const seen = new Set<string>();
  let total = 0;
  prefix.forEach((layer, i) => {
    if (!(Number.isInteger(layer.tokens) && layer.tokens >= 0)) {
      throw new RangeError(`prefix[${i}].tokens must be an integer >= 0, got ${layer.tokens}`);
    }
    if (seen.has(layer.name)) {
      throw new RangeError(`prefix[${i}].name must be unique, got ${layer.name}`);
    }
    seen.add(layer.name);
    total += layer.tokens;
  });
  return total;
}

/** Number of layers in the leading stable run. */
function leadingStableEnd(prefix: readonly PrefixLayer[]): number {
  const firstVolatile = prefix.findIndex((layer) => !layer.stable);
  return firstVolatile === -1 ? prefix.length : firstVolatile;
}

/** Number of layers up to and including the one named `breakpoint`. */
function breakpointEnd(prefix: readonly PrefixLayer[], breakpoint: string): number {
  const index = prefix.findIndex((layer) => layer.name === breakpoint);
  if (index === -1) {
    throw new RangeError(`breakpoint must name a prefix layer, got ${breakpoint}`);
  }
  return index + 1;
}

function sumTokens(prefix: readonly PrefixLayer[], end: number): number {
  let total = 0;
  for (let i = 0; i < end; i++) total += prefix[i]!.tokens;
  return total;
}

/** Cached length: 0 below the minimum, else the minimum plus whole increments. */
function roundDownToIncrement(tokens: number, minTokens: number, incrementTokens: number): number {
  if (tokens < minTokens || tokens === 0) return 0;
  return minTokens + Math.floor((tokens - minTokens) / incrementTokens) * incrementTokens;
}
