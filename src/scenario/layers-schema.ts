import { z } from 'zod';
import { JITTERS } from '../layers/retry.js';
import { DEFAULTS } from './defaults.js';
import { boundedInt, distribution, durationMs, durationOrZeroMs, rate, shares, tokenCount } from './fields.js';

/**
 * The `layers:` block of a scenario, apart from the rest of the language so the runtime
 * library (`src/runtime/`) validates a harness with exactly the schema the simulator reads,
 * without loading the SLO, workload or upstream parts. `schema.ts` embeds it unchanged.
 */

/** The error kinds of a mix, in `MIX_KINDS` order (`src/upstream/outcome.ts`): 529 overloaded, 500 api error, quota = a 429 that never clears. */
export const ERROR_KINDS = ['429', '503', 'timeout', '400', '529', '500', 'quota'] as const;
const STATUS_CODES = [429, 503, 400, 529, 500] as const;
export type ErrorKindName = (typeof ERROR_KINDS)[number];
/**
 * An error kind; a bare status code (`retryOn: [429, 503]`, as YAML reads an unquoted
 * number) is read as its name, since quoting "429" is easy to forget.
 */
const errorKind = z.union([z.enum(ERROR_KINDS), z.literal(STATUS_CODES).transform((code) => String(code) as ErrorKindName)]);
const fallbackKind = z.union([
  z.enum([...ERROR_KINDS, 'open']),
  z.literal(STATUS_CODES).transform((code) => String(code) as ErrorKindName),
]);

const S = DEFAULTS.layers.sdkRetry;
/**
 * The provider SDK's own retry loop inside each harness attempt (the Anthropic and OpenAI
 * SDKs retry twice by default). It belongs to the client library, not the harness: it stays
 * on when the retry layer is switched off; `maxRetries: 0` turns it off.
 */
const sdkRetrySchema = z.strictObject({
  maxRetries: boundedInt(0, 20).prefault(S.maxRetries),
  baseDelay: durationOrZeroMs().prefault(S.baseDelay),
  multiplier: z.number().finite().min(1).max(100).prefault(S.multiplier),
  maxDelay: durationOrZeroMs().prefault(S.maxDelay),
  jitter: z.enum(JITTERS).prefault(S.jitter),
  retryOn: z.array(errorKind).prefault([...S.retryOn]),
  honorRetryAfter: z.boolean().prefault(S.honorRetryAfter),
});

const R = DEFAULTS.layers.retry;
const retrySchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  maxAttempts: boundedInt(1, 100).prefault(R.maxAttempts),
  baseDelay: durationOrZeroMs().prefault(R.baseDelay),
  multiplier: z.number().finite().min(1).max(100).prefault(R.multiplier),
  maxDelay: durationOrZeroMs().prefault(R.maxDelay),
  jitter: z.enum(JITTERS).prefault(R.jitter),
  retryOn: z.array(errorKind).prefault([...R.retryOn]),
  honorRetryAfter: z.boolean().prefault(R.honorRetryAfter),
  budget: z
    .strictObject({
      ratio: rate().prefault(DEFAULTS.layers.retryBudget.ratio),
      minRetriesPerSec: z.number().finite().min(0).prefault(DEFAULTS.layers.retryBudget.minRetriesPerSec),
      window: durationMs().prefault(DEFAULTS.layers.retryBudget.window),
    })
    .optional(),
  sdk: sdkRetrySchema.optional(),
});

const B = DEFAULTS.layers.breaker;
const breakerSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  window: durationMs().prefault(B.window),
  minimumCalls: boundedInt(1, 1_000_000).prefault(B.minimumCalls),
  failureRateThreshold: rate()
    .refine((r) => r > 0 && r < 1, { message: 'expected a rate above 0 and below 1' })
    .prefault(B.failureRateThreshold),
  cooldown: durationOrZeroMs().prefault(B.cooldown),
  halfOpenProbes: boundedInt(1, 1000).prefault(B.halfOpenProbes),
  scope: z.enum(['per-target', 'global']).prefault(B.scope),
  countAsFailure: z.array(errorKind).prefault([...B.countAsFailure]),
  /** resilience4j's slow-call rule: also open when more than `rate` of the window's calls took longer than `after`. */
  slowCall: z
    .strictObject({
      after: durationMs(),
      rate: rate().refine((r) => r > 0 && r < 1, { message: 'expected a rate above 0 and below 1' }),
    })
    .optional(),
});

const capacitySchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  perKey: z
    .strictObject({
      quotaRpm: z.number().finite().positive(),
      shares: shares(),
      // Left out means deny; kept undefined so validation can tell an explicit deny (tenants
      // rejected on purpose) from a share map that forgot a tenant.
      unlisted: z.enum(['deny', 'share', 'allow']).optional(),
    })
    .optional(),
  backpressure: z
    .strictObject({
      maxInFlight: boundedInt(1, 1_000_000),
      maxDepth: boundedInt(0, 10_000_000),
      maxWait: durationMs(),
    })
    .optional(),
  tokenBudget: z.strictObject({ tokensPerMinute: tokenCount().refine((n) => n > 0, { message: 'expected at least 1 token per minute (a budget of 0 admits nothing; turn the layer off instead)' }) }).optional(),
});

const scopeSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  allow: z.array(z.string()),
  escalation: z.string().min(1).prefault(DEFAULTS.layers.scope.escalation),
});

const routingSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  classifier: z
    .strictObject({
      model: z.string(),
      accuracy: rate(),
      latency: distribution(durationMs).prefault(DEFAULTS.layers.routing.classifierLatency),
      tokens: z
        .strictObject({
          input: tokenCount().prefault(DEFAULTS.layers.routing.classifierTokens.input),
          output: tokenCount().prefault(DEFAULTS.layers.routing.classifierTokens.output),
        })
        .prefault({}),
    })
    .optional(),
  tiers: z.strictObject({ trivial: z.string(), standard: z.string(), complex: z.string() }).optional(),
  fallback: z.array(z.string()).prefault([]),
  fallbackOn: z.array(fallbackKind).prefault([...DEFAULTS.layers.routing.fallbackOn]),
  fallbackDownward: z.boolean().prefault(true),
  qualityFallback: z.strictObject({ failRate: z.record(z.string(), rate()) }).optional(),
});

const cacheSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  preset: z.enum(['anthropic', 'openai']).prefault('anthropic'),
  breakpoint: z.string().optional(),
  ttl: durationMs().optional(),
  writeMultiplier: z.number().finite().min(1).max(10).optional(),
  readMultiplier: rate().optional(),
  minCacheableTokens: tokenCount().optional(),
  /** Whose prompts share a cache entry: every request on a model, or each tenant apart. */
  key: z.enum(['shared', 'per-tenant']).prefault('shared'),
  /**
   * Per-model prices and minimums, as the provider bills them (Anthropic's minimum cacheable
   * prompt is 1024, 2048 or 4096 tokens by model): each call is priced by its own model's.
   */
  models: z
    .record(
      z.string(),
      z.strictObject({
        writeMultiplier: z.number().finite().min(1).max(10).optional(),
        readMultiplier: rate().optional(),
        minCacheableTokens: tokenCount().optional(),
      }),
    )
    .optional(),
});

/**
 * Hedging (Polly's hedging strategy): when a model call has not answered after `after`,
 * send up to `maxExtra` more, to the same model or the next one in the request's list;
 * the first success wins and the others are abandoned (and billed when they finish).
 */
const hedgeSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  after: durationMs(),
  maxExtra: boundedInt(1, 4).prefault(DEFAULTS.layers.hedge.maxExtra),
  target: z.enum(['same', 'next']).prefault(DEFAULTS.layers.hedge.target),
});

const timeoutSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  after: durationMs(),
});

/** `layers.session`: the harness's limits per turn and per session. A turn stopped by one fails visibly. */
export const sessionLayerSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  /** Most model calls in one turn. */
  maxStepsPerTurn: boundedInt(1, 100_000).optional(),
  /** Most tokens billed in one session; a call whose prompt would pass it is not made, and the session ends. */
  maxTokensPerSession: tokenCount().optional(),
  /** Longest a turn may run; checked before each model call. */
  maxTurnDuration: durationMs().optional(),
  /** The loop guard: a tool that failed this many times in a row in the turn is not called again in it. */
  sameToolFailures: boundedInt(1, 1000).optional(),
  /** What the loop guard does: refuse the tool so the model routes around it, or stop the turn. */
  onLoop: z.enum(['route-around', 'stop-turn']).prefault(DEFAULTS.layers.session.onLoop),
});

export type SessionLayerConfig = z.output<typeof sessionLayerSchema>;

export const layersSchema = z
  .strictObject({
    timeout: timeoutSchema.optional(),
    retry: retrySchema.optional(),
    breaker: breakerSchema.optional(),
    capacity: capacitySchema.optional(),
    scope: scopeSchema.optional(),
    routing: routingSchema.optional(),
    cache: cacheSchema.optional(),
    hedge: hedgeSchema.optional(),
    /** Limits on agent sessions (simulation only: `workload.sessions`). */
    session: sessionLayerSchema.optional(),
  })
  .prefault({});

/** A parsed `layers:` block: defaults applied, durations in ms, rates as fractions. */
export type LayersConfig = z.output<typeof layersSchema>;
/** A `layers:` block as written (YAML or a plain object): units as strings or numbers. */
export type LayersInput = z.input<typeof layersSchema>;
export type RetryConfig = z.output<typeof retrySchema>;
export type BreakerConfig = z.output<typeof breakerSchema>;
export type CapacityConfig = z.output<typeof capacitySchema>;
export type RoutingConfig = z.output<typeof routingSchema>;
export type CacheConfig = z.output<typeof cacheSchema>;
export type ScopeConfig = z.output<typeof scopeSchema>;
export type ErrorKind = z.output<typeof errorKind>;
