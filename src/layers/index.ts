/**
 * The layer classes, for use on their own: `import { CircuitBreaker, RetryPolicy } from
 * 'harness-sim/layers'`. Each takes a `Clock` (and a `RandomSource` where it draws); pass
 * `systemClock` and `Math.random` in production. `createHarness` (the package's main entry)
 * wires them in the simulator's order.
 */
export { Admission, Backpressure, BACKPRESSURE_DEFAULTS, BACKPRESSURE_MAX_ID, type BackpressureOptions } from './backpressure.js';
export { BREAKER_DEFAULTS, CircuitBreaker, Permit, type BreakerOptions, type BreakerStateName } from './breaker.js';
export { KEYED_RATE_LIMITER_DEFAULTS, KeyedRateLimiter, type KeyedRateLimiterOptions, type UnlistedKeyPolicy } from './keyed-rate-limiter.js';
export { CACHE_DEFAULTS, CACHE_PRESETS, monthlyPrefixCost, PromptCache, type CacheLookup, type CachePreset, type PrefixLayer, type PromptCacheOptions } from './prompt-cache.js';
export { RETRY_BUDGET_DEFAULTS, RETRY_DEFAULTS, RetryBudget, RetryPolicy, type Jitter, type RetryBudgetOptions, type RetryOptions } from './retry.js';
export { Difficulty, DIFFICULTY_COUNT, DIFFICULTY_NAMES, ModelRouter, ROUTER_DEFAULTS, type ClassifierOptions, type QualityFallbackOptions, type RouterOptions } from './router.js';
export { BoundedScope, SCOPE_DEFAULTS, type ScopeOptions } from './scope.js';
export { TimeSlidingWindow } from './sliding-window.js';
export { perMinuteLimit, TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export { systemClock, type Clock, type RandomSource } from './types.js';
