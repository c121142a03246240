import fc from 'fast-check';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { ParsedScenario } from '../../src/scenario/schema.js';

/**
 * fast-check generators of small, valid scenarios: 1-3 models with random latency, error
 * rates and mixes, 0-3 tools, 1-3 tenants, a prompt prefix, and random layer toggles and
 * settings. A generated scenario is a plain object, written as JSON (which is YAML) and parsed
 * by the real loader, so every generated scenario passes the same validation a file does.
 */

/** Requests per generated run: small, so 30 runs of a property take a second or two. */
export const PROPERTY_REQUESTS = 2000;

/** What a property may not have, so that its statement holds exactly (see the callers). */
export interface ScenarioLimits {
  /** No breaker, no retry budget, no capacity layer, no server capacity, no quality fallback, no incidents. */
  independentFailures?: boolean;
}

const MODEL_NAMES = ['haiku', 'sonnet', 'opus'] as const;
const TOOL_NAMES = ['search', 'read', 'refund'] as const;
const TENANT_NAMES = ['alpha', 'beta', 'gamma'] as const;
const KINDS = ['429', '503', 'timeout', '400'] as const;

/** Shares from integer weights (at least one positive), summing to 1 within rounding. */
function sharesOf<K extends string>(keys: readonly K[], weights: readonly number[]): Record<K, number> {
  const total = weights.reduce((a, b) => a + b, 0);
  return Object.fromEntries(keys.map((k, i) => [k, weights[i]! / total])) as Record<K, number>;
}

const weights = (n: number) => fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }).filter((w) => w.some((x) => x > 0));

const latency = fc.oneof(
  fc.record({ p50: fc.integer({ min: 20, max: 2000 }), spread: fc.double({ min: 1, max: 5, noNaN: true }) }).map(({ p50, spread }) => ({
    dist: 'lognormal',
    p50: `${p50}ms`,
    p95: `${Math.round(p50 * spread)}ms`,
  })),
  fc.integer({ min: 10, max: 2000 }).map((mean) => ({ dist: 'exponential', mean: `${mean}ms` })),
  fc.integer({ min: 1, max: 2000 }).map((value) => ({ dist: 'constant', value: `${value}ms` })),
  fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 1500 })).map(([min, width]) => ({ dist: 'uniform', min: `${min}ms`, max: `${min + width}ms` })),
);

const errors = fc
  .record({
    ratePercent: fc.integer({ min: 0, max: 50 }),
    mix: weights(4),
    timeoutAfterMs: fc.integer({ min: 200, max: 5000 }),
    retryAfterMs: fc.integer({ min: 0, max: 2000 }),
  })
  .map(({ ratePercent, mix, timeoutAfterMs, retryAfterMs }) => ({
    rate: `${ratePercent}%`,
    mix: sharesOf(KINDS, mix),
    timeoutAfter: `${timeoutAfterMs}ms`,
    retryAfter: retryAfterMs === 0 ? 0 : `${retryAfterMs}ms`,
  }));

const serverCapacity = fc.record({
  concurrency: fc.integer({ min: 1, max: 20 }),
  queue: fc.integer({ min: 0, max: 50 }),
  overflow: fc.constantFrom('429', '503'),
  rpm: fc.constantFrom(0, 120, 600, 3000),
});

const target = (finiteCapacity: boolean) =>
  fc.record(
    {
      latency,
      errors,
      price: fc.record({ input: fc.integer({ min: 0, max: 15 }), output: fc.integer({ min: 0, max: 75 }) }),
      ...(finiteCapacity ? { capacity: serverCapacity, timeout: fc.integer({ min: 200, max: 10_000 }).map((ms) => `${ms}ms`) } : {}),
    },
    { requiredKeys: ['latency', 'errors', 'price'] },
  );

/** Picks a subset of `items` by a bit mask (bit i keeps item i). */
function subset<T>(items: readonly T[], mask: number): T[] {
  return items.filter((_, i) => (mask >> i) & 1);
}

/** Generates a valid scenario as a plain object (before parsing). */
export function scenarioObject(limits: ScenarioLimits = {}) {
  const free = !limits.independentFailures;
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      ratePerSec: fc.integer({ min: 2, max: 60 }),
      modelCount: fc.integer({ min: 1, max: 3 }),
      models: fc.array(target(free), { minLength: 3, maxLength: 3 }),
      toolMask: fc.integer({ min: 0, max: 7 }),
      toolProbabilities: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
      toolErrorPercent: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 3 }),
      tenantCount: fc.integer({ min: 1, max: 3 }),
      tenantWeights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
      difficulty: weights(3),
      prefix: fc.array(fc.record({ tokens: fc.integer({ min: 0, max: 5000 }), stable: fc.boolean() }), { maxLength: 3 }),
      incident: free ? fc.option(fc.record({ atSec: fc.integer({ min: 0, max: 60 }), forSec: fc.integer({ min: 1, max: 60 }), ratePercent: fc.integer({ min: 0, max: 100 }) })) : fc.constant(null),
      retry: fc.option(
        fc.record({
          enabled: fc.boolean(),
          maxAttempts: fc.integer({ min: 1, max: 5 }),
          baseDelayMs: fc.integer({ min: 0, max: 500 }),
          multiplier: fc.integer({ min: 1, max: 4 }),
          jitter: fc.constantFrom('none', 'full', 'equal', 'decorrelated'),
          retryOnMask: fc.integer({ min: 1, max: 7 }),
          honorRetryAfter: fc.boolean(),
          budget: free ? fc.option(fc.record({ ratio: fc.double({ min: 0, max: 1, noNaN: true }), minRetriesPerSec: fc.integer({ min: 0, max: 5 }) })) : fc.constant(null),
        }),
      ),
      breaker: free
        ? fc.option(
            fc.record({
              minimumCalls: fc.integer({ min: 1, max: 50 }),
              thresholdPercent: fc.integer({ min: 5, max: 95 }),
              cooldownMs: fc.integer({ min: 0, max: 30_000 }),
              windowSec: fc.integer({ min: 1, max: 60 }),
              halfOpenProbes: fc.integer({ min: 1, max: 3 }),
              scope: fc.constantFrom('per-target', 'global'),
            }),
            { freq: 2 },
          )
        : fc.constant(null),
      capacity: free
        ? fc.option(
            fc.record(
              {
                perKey: fc.record({ quotaRpm: fc.integer({ min: 60, max: 6000 }), tenantMask: fc.integer({ min: 1, max: 7 }), unlisted: fc.constantFrom('deny', 'share', 'allow') }),
                tokenBudget: fc.integer({ min: 10_000, max: 10_000_000 }),
                backpressure: fc.record({ maxInFlight: fc.integer({ min: 1, max: 100 }), maxDepth: fc.integer({ min: 0, max: 200 }), maxWaitMs: fc.integer({ min: 1, max: 5000 }) }),
              },
              { requiredKeys: [] },
            ),
            { freq: 2 },
          )
        : fc.constant(null),
      scopeMask: fc.option(fc.integer({ min: 0, max: 7 })),
      // Under independent failures routing stays, without quality fallback: its eval draws come
      // from a sequential stream in completion order, which one more attempt reshuffles.
      routing: fc.option(
        fc.record({
          classifier: fc.option(fc.record({ model: fc.integer({ min: 0, max: 2 }), accuracyPercent: fc.integer({ min: 0, max: 100 }) })),
          tiers: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
          fallbackMask: fc.integer({ min: 0, max: 7 }),
          fallbackDownward: fc.boolean(),
          quality: free ? fc.option(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 3 })) : fc.constant(null),
        }),
        { freq: 2 },
      ),
      cache: fc.option(fc.record({ preset: fc.constantFrom('anthropic', 'openai'), perTenant: fc.boolean(), breakpoint: fc.option(fc.integer({ min: 0, max: 2 })) })),
      timeoutMs: fc.option(fc.integer({ min: 500, max: 30_000 }), { freq: 2 }),
    })
    .map((g) => {
      const models = MODEL_NAMES.slice(0, g.modelCount);
      const tools = subset(TOOL_NAMES, g.toolMask);
      const tenants = TENANT_NAMES.slice(0, g.tenantCount);
      const prefix = g.prefix.map((layer, i) => ({ name: `layer${i}`, tokens: layer.tokens, stable: layer.stable }));
      const layers: Record<string, unknown> = {};
      if (g.retry) {
        const retryOn = subset(KINDS.slice(0, 3), g.retry.retryOnMask);
        layers.retry = {
          enabled: g.retry.enabled,
          maxAttempts: g.retry.maxAttempts,
          baseDelay: g.retry.baseDelayMs === 0 ? 0 : `${g.retry.baseDelayMs}ms`,
          multiplier: g.retry.multiplier,
          maxDelay: '2s',
          jitter: g.retry.jitter,
          retryOn,
          honorRetryAfter: g.retry.honorRetryAfter,
          ...(g.retry.budget ? { budget: { ratio: g.retry.budget.ratio, minRetriesPerSec: g.retry.budget.minRetriesPerSec } } : {}),
        };
      }
      if (g.breaker) {
        layers.breaker = {
          minimumCalls: g.breaker.minimumCalls,
          failureRateThreshold: `${g.breaker.thresholdPercent}%`,
          cooldown: g.breaker.cooldownMs === 0 ? 0 : `${g.breaker.cooldownMs}ms`,
          window: `${g.breaker.windowSec}s`,
          halfOpenProbes: g.breaker.halfOpenProbes,
          scope: g.breaker.scope,
        };
      }
      if (g.capacity) {
        const c: Record<string, unknown> = {};
        if (g.capacity.perKey) {
          const keyed = subset(tenants, g.capacity.perKey.tenantMask);
          if (keyed.length > 0) {
            c.perKey = { quotaRpm: g.capacity.perKey.quotaRpm, shares: sharesOf(keyed, keyed.map(() => 1)), unlisted: g.capacity.perKey.unlisted };
          }
        }
        if (g.capacity.tokenBudget !== undefined) c.tokenBudget = { tokensPerMinute: g.capacity.tokenBudget };
        if (g.capacity.backpressure) {
          const b = g.capacity.backpressure;
          c.backpressure = { maxInFlight: b.maxInFlight, maxDepth: b.maxDepth, maxWait: `${b.maxWaitMs}ms` };
        }
        layers.capacity = c;
      }
      if (g.scopeMask !== null && tools.length > 0) layers.scope = { allow: subset(tools, g.scopeMask), escalation: 'human' };
      if (g.routing) {
        const r = g.routing;
        const pickModel = (i: number) => models[i % models.length]!;
        layers.routing = {
          ...(r.classifier ? { classifier: { model: pickModel(r.classifier.model), accuracy: `${r.classifier.accuracyPercent}%` } } : {}),
          tiers: { trivial: pickModel(r.tiers[0]!), standard: pickModel(r.tiers[1]!), complex: pickModel(r.tiers[2]!) },
          // A chain (when there is one) holds every tier model: a model outside it never falls back, which validation refuses.
          fallback: r.fallbackMask === 0 ? [] : models.filter((m, i) => (r.fallbackMask & (1 << i)) !== 0 || r.tiers.some((t) => pickModel(t) === m)),
          fallbackDownward: r.fallbackDownward,
          ...(r.quality ? { qualityFallback: { failRate: Object.fromEntries(models.map((m, i) => [m, `${r.quality![i]!}%`])) } } : {}),
        };
      }
      if (g.cache) {
        const breakpoint = g.cache.preset === 'anthropic' && g.cache.breakpoint !== null && prefix.length > 0 ? prefix[g.cache.breakpoint % prefix.length]!.name : undefined;
        layers.cache = { preset: g.cache.preset, key: g.cache.perTenant ? 'per-tenant' : 'shared', ...(breakpoint ? { breakpoint } : {}) };
      }
      if (g.timeoutMs !== null) layers.timeout = { after: `${g.timeoutMs}ms` };
      return {
        name: 'generated',
        seed: g.seed,
        duration: '1h',
        workload: {
          requests: g.ratePerSec * 3600,
          tenants: sharesOf(tenants, g.tenantWeights.slice(0, tenants.length)),
          difficulty: sharesOf(['trivial', 'standard', 'complex'], g.difficulty),
          tools: Object.fromEntries(tools.map((t) => [t, g.toolProbabilities[TOOL_NAMES.indexOf(t)]!])),
          prompt: { prefix },
        },
        upstream: {
          models: Object.fromEntries(models.map((m, i) => [m, g.models[i]!])),
          tools: Object.fromEntries(tools.map((t) => [t, { errors: { rate: `${g.toolErrorPercent[TOOL_NAMES.indexOf(t)]!}%` } }])),
          ...(g.incident ? { incidents: [{ target: models[0]!, at: `${g.incident.atSec}s`, for: `${g.incident.forSec}s`, errorRate: `${g.incident.ratePercent}%` }] } : {}),
        },
        layers,
      };
    });
}

/** A generated scenario, parsed by the real loader (JSON is YAML). */
export function parsedScenario(limits: ScenarioLimits = {}): fc.Arbitrary<ParsedScenario & { name: string }> {
  return scenarioObject(limits).map((object) => parseScenarioText(JSON.stringify(object), 'generated.yaml'));
}

/** fast-check settings for every property: a fixed seed (reproducible) and 30 runs (fast). */
export const PROPERTY_RUNS = { seed: 20260101, numRuns: 30 } as const;
