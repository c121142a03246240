import { Backpressure } from '../layers/backpressure.js';
import { CircuitBreaker } from '../layers/breaker.js';
import { KeyedRateLimiter } from '../layers/keyed-rate-limiter.js';
import { PromptCache } from '../layers/prompt-cache.js';
import { RetryBudget, RetryPolicy } from '../layers/retry.js';
import { ModelRouter } from '../layers/router.js';
import { BoundedScope } from '../layers/scope.js';
import { TokenBucket } from '../layers/token-bucket.js';
import type { Clock } from '../layers/types.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { OUTCOME_COUNT, outcomeOf } from '../upstream/outcome.js';
import type { LayerStats } from '../metrics/run-output.js';
import type { RandomStreams } from '../random/random.js';

/**
 * The stateful layers of one harness instance (a pod): `workload.clients` instances each
 * hold their own, built from the same settings, so N pods deployed with one config each
 * have a breaker that sees 1/N of the calls, and each admits up to its own limits.
 */
export interface ClientLayers {
  retryBudget: RetryBudget | null;
  /** One breaker per target id (models then tools), or one shared breaker for `scope: global`. */
  breakers: CircuitBreaker[] | null;
  perKey: KeyedRateLimiter | null;
  tokenBudget: TokenBucket | null;
  backpressure: Backpressure | null;
}

/** The provider SDK's retry loop inside each harness attempt (`layers.retry.sdk`). */
export interface SdkRetry {
  policy: RetryPolicy;
  /** Outcomes the SDK retries, indexed by `Outcome`. */
  retryOn: boolean[];
}

/** Hedged model calls (`layers.hedge`). */
export interface HedgeSettings {
  afterMs: number;
  maxExtra: number;
  /** Hedge to the next model of the request's list rather than the same one. */
  next: boolean;
}

/**
 * The enabled harness layers of one run, built from the scenario. A disabled layer is
 * `null`, so the request flow reads "if this layer is on, ask it".
 *
 * The order a request meets them is fixed (see AGENTS.md):
 * capacity (per-key limit -> token budget -> backpressure) -> routing (classifier, tier)
 * -> per target: breaker -> call (SDK retries inside; hedges beside) -> retry -> fallback
 * -> quality fallback -> tools: scope -> tool breaker -> call -> retry.
 * The cache prices every model call. Stateful layers live per client (`clients`).
 */
export interface Harness {
  /** Each client's own stateful layers, by client index (one unless `workload.clients`). */
  clients: ClientLayers[];
  retry: RetryPolicy | null;
  /** Retryable outcomes, indexed by `Outcome`. */
  retryOn: boolean[];
  /** Outcomes a breaker counts as failures, indexed by `Outcome`. */
  breakerCounts: boolean[];
  /** Tenant index -> key id in every client's `perKey`. */
  perKeyIds: Int32Array;
  backpressureMaxWaitMs: number;
  sdk: SdkRetry | null;
  hedge: HedgeSettings | null;
  router: ModelRouter | null;
  /** Outcomes that move a call on to the next model, indexed by `Outcome`. */
  fallbackOn: boolean[];
  classifier: { modelId: number; inputTokens: number; outputTokens: number } | null;
  scope: BoundedScope | null;
  cache: PromptCache | null;
  cachePerTenant: boolean;
}

/** Names of the things layers refer to, resolved to ids once. */
export interface HarnessNames {
  models: readonly string[];
  tools: readonly string[];
  tenants: readonly string[];
}

function outcomeFlags(kinds: readonly string[]): boolean[] {
  const flags: boolean[] = new Array<boolean>(OUTCOME_COUNT).fill(false);
  for (const kind of kinds) flags[outcomeOf(kind)] = true;
  return flags;
}

/**
 * What the layers are built from: the `layers:` block and the two facts outside it they
 * read. Narrower than a scenario so the runtime library (`src/runtime/`) builds its layers
 * with this same function.
 */
export interface HarnessSource {
  layers: ParsedScenario['layers'];
  upstream: { defaultModel?: string | undefined };
  workload: { prompt: { prefix: ParsedScenario['workload']['prompt']['prefix'] }; clients?: number };
}

/**
 * Builds the enabled layers on `clock`; the router draws from `streams.stream('routing')`
 * (the simulator's seeded streams; the runtime passes its own random source).
 */
export function buildHarness(scenario: HarnessSource, clock: Clock, streams: Pick<RandomStreams, 'stream'>, names: HarnessNames): Harness {
  const { layers } = scenario;
  const r = layers.retry?.enabled ? layers.retry : null;
  const b = layers.breaker?.enabled ? layers.breaker : null;
  const c = layers.capacity?.enabled ? layers.capacity : null;
  const routing = layers.routing?.enabled ? layers.routing : null;
  const s = layers.scope?.enabled ? layers.scope : null;
  const cache = layers.cache?.enabled ? layers.cache : null;
  const targetCount = names.models.length + names.tools.length;

  const makeBreakers = (): CircuitBreaker[] | null => {
    if (!b) return null;
    const make = () =>
      new CircuitBreaker(clock, {
        windowMs: b.window,
        minimumCalls: b.minimumCalls,
        failureRateThreshold: b.failureRateThreshold,
        cooldownMs: b.cooldown,
        halfOpenProbes: b.halfOpenProbes,
        ...(b.slowCall ? { slowCallMs: b.slowCall.after, slowCallRateThreshold: b.slowCall.rate } : {}),
      });
    if (b.scope === 'global') {
      const shared = make();
      return Array.from({ length: targetCount }, () => shared);
    }
    return Array.from({ length: targetCount }, make);
  };

  const perKeyIds = new Int32Array(names.tenants.length);
  const makePerKey = (): KeyedRateLimiter | null => {
    if (!c?.perKey) return null;
    const limits = KeyedRateLimiter.splitQuota(c.perKey.quotaRpm, c.perKey.shares);
    const unlisted = c.perKey.unlisted ?? 'deny';
    const listedShare = Object.values(c.perKey.shares).reduce((x, y) => x + y, 0);
    const perKey = new KeyedRateLimiter(clock, {
      limits,
      unlisted,
      sharedLimit: unlisted === 'share' ? { ratePerSec: (c.perKey.quotaRpm * Math.max(0.01, 1 - listedShare)) / 60, burst: Math.max(1, c.perKey.quotaRpm * Math.max(0.01, 1 - listedShare)) } : undefined,
    });
    // Every client's limiter is built alike, so key ids agree across clients.
    names.tenants.forEach((tenant, i) => (perKeyIds[i] = perKey.keyId(tenant)));
    return perKey;
  };

  const clients: ClientLayers[] = Array.from({ length: scenario.workload.clients ?? 1 }, () => ({
    retryBudget: r?.budget ? new RetryBudget(clock, { ratio: r.budget.ratio, minRetriesPerSec: r.budget.minRetriesPerSec, windowMs: r.budget.window }) : null,
    breakers: makeBreakers(),
    perKey: makePerKey(),
    tokenBudget: c?.tokenBudget ? TokenBucket.perMinute(clock, c.tokenBudget.tokensPerMinute) : null,
    backpressure: c?.backpressure
      ? new Backpressure(clock, { maxInFlight: c.backpressure.maxInFlight, maxDepth: c.backpressure.maxDepth, maxWaitMs: c.backpressure.maxWait })
      : null,
  }));
  // The SDK's loop is the client library's, so it runs whether or not the harness retry layer is on.
  const sdk = layers.retry?.sdk && layers.retry.sdk.maxRetries > 0 ? layers.retry.sdk : null;
  const hedge = layers.hedge?.enabled ? layers.hedge : null;

  let router: ModelRouter | null = null;
  let classifier: Harness['classifier'] = null;
  if (routing) {
    const defaultModel = scenario.upstream.defaultModel ?? names.models[0]!;
    router = new ModelRouter(streams.stream('routing'), names.models, {
      classifier: routing.classifier ? { accuracy: routing.classifier.accuracy, model: routing.classifier.model } : null,
      tiers: routing.tiers ?? { trivial: defaultModel, standard: defaultModel, complex: defaultModel },
      fallback: routing.fallback,
      fallbackDownward: routing.fallbackDownward,
      qualityFallback: routing.qualityFallback ?? null,
    });
    if (routing.classifier) {
      classifier = {
        modelId: names.models.indexOf(routing.classifier.model),
        inputTokens: routing.classifier.tokens.input,
        outputTokens: routing.classifier.tokens.output,
      };
    }
  }

  return {
    clients,
    retry: r
      ? new RetryPolicy({
          maxAttempts: r.maxAttempts,
          baseDelayMs: r.baseDelay,
          multiplier: r.multiplier,
          maxDelayMs: Math.max(r.maxDelay, r.baseDelay),
          jitter: r.jitter,
          honorRetryAfter: r.honorRetryAfter,
        })
      : null,
    retryOn: outcomeFlags(r?.retryOn ?? []),
    breakerCounts: outcomeFlags(b?.countAsFailure ?? []),
    perKeyIds,
    sdk: sdk
      ? {
          policy: new RetryPolicy({
            maxAttempts: sdk.maxRetries + 1,
            baseDelayMs: sdk.baseDelay,
            multiplier: sdk.multiplier,
            maxDelayMs: Math.max(sdk.maxDelay, sdk.baseDelay),
            jitter: sdk.jitter,
            honorRetryAfter: sdk.honorRetryAfter,
          }),
          retryOn: outcomeFlags(sdk.retryOn),
        }
      : null,
    hedge: hedge ? { afterMs: hedge.after, maxExtra: hedge.maxExtra, next: hedge.target === 'next' } : null,
    backpressureMaxWaitMs: c?.backpressure?.maxWait ?? 0,
    router,
    fallbackOn: outcomeFlags(routing?.fallbackOn ?? []),
    classifier,
    scope: s ? new BoundedScope({ allow: s.allow, escalation: s.escalation, tools: names.tools }) : null,
    cache: cache
      ? new PromptCache(clock, scenario.workload.prompt.prefix, {
          preset: cache.preset,
          breakpoint: cache.breakpoint,
          ttlMs: cache.ttl,
          writeMultiplier: cache.writeMultiplier,
          readMultiplier: cache.readMultiplier,
          minCacheableTokens: cache.minCacheableTokens,
        }, names.models.map((model) => cache.models?.[model]))
      : null,
    cachePerTenant: cache?.key === 'per-tenant',
  };
}

/** Breakers not closed now, over every client (a shared breaker counts once per target it guards), for the timeline. */
export function openBreakers(harness: Harness): number {
  let open = 0;
  for (const client of harness.clients) {
    const breakers = client.breakers;
    if (breakers === null) return 0;
    for (let i = 0; i < breakers.length; i++) if (breakers[i]!.state !== 'closed') open++;
  }
  return open;
}

/** The layers' own counters at the end of a run, summed over the clients. */
export function layerStats(harness: Harness): LayerStats {
  const breakers = harness.clients.flatMap((client) => (client.breakers ? [...new Set(client.breakers)] : []));
  return {
    retryBudgetDenied: harness.clients.reduce((sum, client) => sum + (client.retryBudget?.denied ?? 0), 0),
    breakerTrips: breakers.reduce((s, b) => s + b.trips, 0),
    breakerReopens: breakers.reduce((s, b) => s + b.reopens, 0),
    breakerOpenMs: breakers.reduce((s, b) => s + b.openMs(), 0),
    cacheHitRate: harness.cache?.hitRate ?? 0,
    cacheHits: harness.cache?.hits ?? 0,
    cacheMisses: harness.cache?.misses ?? 0,
  };
}
