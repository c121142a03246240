import { z } from 'zod';
import { checkConsistency } from './consistency.js';
import { DEFAULTS } from './defaults.js';
import {
  boundedInt,
  count,
  distribution,
  durationMs,
  durationOrZeroMs,
  moneyUsd,
  rate,
  shares,
  tokenCount,
} from './fields.js';
import { sloSchema } from '../slo/expression.js';
import { ERROR_KINDS, layersSchema } from './layers-schema.js';
import { checkSessions, sessionsSchema } from './session-schema.js';

const E = DEFAULTS.episodes;
/**
 * Error episodes (`src/upstream/episodes.ts`): episodes begin on average once every `every`
 * (start to start) and last `lasting` on average, in which calls fail with `rate` and `mix`.
 */
const episodesSchema = z
  .strictObject({
    every: durationMs(),
    lasting: durationMs(),
    dist: z.enum(['exponential', 'lognormal']).prefault(E.dist),
    /** The lognormal's log-space standard deviation (its mean stays `lasting`). */
    sigma: z.number().finite().min(0.01).max(5).optional(),
    rate: rate(),
    /** The error mix inside an episode; the target's own mix when absent. */
    mix: shares(ERROR_KINDS).optional(),
  })
  .superRefine((e, ctx) => {
    if (!(e.every > e.lasting)) {
      ctx.addIssue({ code: 'custom', path: ['every'], message: 'expected every (the mean time from one episode\'s start to the next) to be longer than lasting' });
    }
    if (e.sigma !== undefined && e.dist !== 'lognormal') {
      ctx.addIssue({ code: 'custom', path: ['sigma'], message: `expected no sigma: it shapes lognormal episode lengths only (dist: lognormal; default sigma ${E.sigma})` });
    }
  });

/**
 * Caps on named entities, refused at validation (exit 2): each model, tenant and tool has
 * its own breakdown row, layer state and histogram, so their number bounds a run's memory.
 * (Past 32 of a kind, rows keep compact histograms: see `COMPACT_BREAKDOWN_ABOVE`.)
 */
export const MAX_MODELS = 1000;
export const MAX_TENANTS = 1000;

const errorsSchema = (d: typeof DEFAULTS.model.errors | typeof DEFAULTS.tool.errors) =>
  z
    .strictObject({
      rate: rate().prefault(d.rate),
      mix: shares(ERROR_KINDS).prefault(d.mix),
      timeoutAfter: durationMs().prefault(d.timeoutAfter),
      latency: distribution(durationMs).prefault(d.latency),
      retryAfter: durationOrZeroMs().prefault(d.retryAfter),
      episodes: episodesSchema.optional(),
    })
    .prefault({});

/** A provider's slots, queue and quotas (see `src/upstream/server.ts`). */
const serverCapacitySchema = z.strictObject({
  concurrency: boundedInt(1, 1_000_000),
  queue: boundedInt(0, 10_000_000).prefault(0),
  overflow: z.enum(['429', '503', '529']).prefault('429'),
  rpm: z.number().finite().min(0).prefault(0),
  itpm: tokenCount().prefault(0),
  otpm: tokenCount().prefault(0),
});

/** One upstream target (a model or a tool): latency, errors, price. */
const targetSchema = (d: typeof DEFAULTS.model | typeof DEFAULTS.tool) =>
  z.strictObject({
    latency: distribution(durationMs).prefault(d.latency),
    errors: errorsSchema(d.errors),
    price: z
      .strictObject({ input: moneyUsd().prefault(d.price.input), output: moneyUsd().prefault(d.price.output) })
      .prefault({}),
    /** Finite provider capacity; absent = infinite (calls fail independently of load). */
    capacity: serverCapacitySchema.optional(),
    /** Client timeout for calls to this target, overriding `layers.timeout.after`. */
    timeout: durationMs().optional(),
  });

/** A tool the workload calls but `upstream.tools` does not describe: the tool defaults. */
export const DEFAULT_TOOL_CONFIG = targetSchema(DEFAULTS.tool).parse({});

const incidentSchema = z.strictObject({
  target: z.string(),
  at: durationOrZeroMs(),
  for: durationMs(),
  errorRate: rate(),
  mix: shares(ERROR_KINDS).optional(),
});

const workloadSchema = z
  .strictObject({
    requests: count()
      .refine((n) => n >= 1, { message: 'expected at least 1 request' })
      .prefault(DEFAULTS.workload.requests),
    /**
     * Harness instances (pods) the requests are spread over, each with its own breakers,
     * retry budget, rate limits and backpressure; the provider's quotas and capacity stay shared.
     */
    clients: boundedInt(1, 10_000).prefault(DEFAULTS.workload.clients),
    /** How requests are spread over the clients: in turn, or each to a client drawn at random. */
    clientSpread: z.enum(['round-robin', 'random']).prefault(DEFAULTS.workload.clientSpread),
    arrival: z
      .union([
        z.literal('poisson'),
        z.strictObject({
          process: z.literal('poisson').prefault('poisson'),
          /** A 24-hour cycle: the rate peaks at `peakAt` (time of day) at `peakToTrough` times its trough. */
          diurnal: z.strictObject({ peakToTrough: z.number().finite().min(1).max(1000), peakAt: durationOrZeroMs().prefault('14h') }).optional(),
          /** Windows during which the whole arrival rate is multiplied. */
          bursts: z.array(z.strictObject({ at: durationOrZeroMs(), for: durationMs(), multiplier: z.number().finite().min(0).max(10_000) })).prefault([]),
          /**
           * Replay the arrivals of a log (any format `fit` reads, plain JSONL or CSV), relative to
           * the scenario file: its times, and its tenants and token counts where it has them.
           */
          trace: z.string().min(1).optional(),
        }).superRefine((a, ctx) => {
          if (a.trace !== undefined && (a.diurnal !== undefined || a.bursts.length > 0)) {
            ctx.addIssue({ code: 'custom', path: ['trace'], message: 'a replayed trace brings its own arrival times: drop diurnal and bursts, or drop trace' });
          }
        }),
      ])
      .prefault(DEFAULTS.workload.arrival),
    /** Per-tenant windows (the 02:00 batch job): that tenant's traffic is multiplied inside them. */
    schedules: z
      .array(z.strictObject({ tenant: z.string(), at: durationOrZeroMs(), for: durationMs(), multiplier: z.number().finite().min(0).max(10_000) }))
      .prefault([]),
    tenants: shares()
      .refine((t) => Object.keys(t).length <= MAX_TENANTS, { error: (issue) => `expected at most ${MAX_TENANTS} tenants, got ${Object.keys(issue.input as object).length}` })
      .prefault(DEFAULTS.workload.tenants),
    tokens: z
      .strictObject({
        input: distribution(tokenCount).prefault(DEFAULTS.workload.tokens.input),
        output: distribution(tokenCount).prefault(DEFAULTS.workload.tokens.output),
      })
      .prefault({}),
    difficulty: shares(['trivial', 'standard', 'complex'] as const).prefault(DEFAULTS.workload.difficulty),
    /** Probability that a request makes each tool call, in the order the calls happen (with sessions: each tool's share of batch calls). */
    tools: z.record(z.string(), rate()).prefault({}).refine((t) => Object.keys(t).length <= 30, { message: 'expected at most 30 tools' }),
    /** The prompt's prefix layers (system prompt, AGENTS.md, KB ...), sent before every request's own input. */
    prompt: z
      .strictObject({
        prefix: z.array(z.strictObject({ name: z.string().min(1), tokens: tokenCount(), stable: z.boolean().prefault(true) })).prefault([]),
      })
      .prefault({}),
    /** Agent sessions instead of single requests: `requests` then counts sessions (see `session-schema.ts`). */
    sessions: sessionsSchema.optional(),
  })
  .prefault({});

/** The whole scenario file. */
export const scenarioSchema = z.strictObject({
  /**
   * A base scenario this one builds on, relative to this file. The loader reads and
   * merges it (maps merge, lists and scalars replace) and removes the key; the engine never sees it.
   */
  extends: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  seed: boundedInt(0, 2 ** 32 - 1).prefault(DEFAULTS.seed),
  duration: durationMs().prefault(DEFAULTS.duration),
  workload: workloadSchema,
  upstream: z
    .strictObject({
      models: z
        .record(z.string(), targetSchema(DEFAULTS.model))
        .refine((m) => Object.keys(m).length > 0, { message: 'expected at least one model' })
        .refine((m) => Object.keys(m).length <= MAX_MODELS, { error: (issue) => `expected at most ${MAX_MODELS} models, got ${Object.keys(issue.input as object).length}` }),
      tools: z.record(z.string(), targetSchema(DEFAULTS.tool)).prefault({}),
      defaultModel: z.string().optional(),
      incidents: z.array(incidentSchema).prefault([]),
    })
    .superRefine((upstream, ctx) => {
      const models = Object.keys(upstream.models);
      if (upstream.defaultModel !== undefined && !models.includes(upstream.defaultModel)) {
        ctx.addIssue({ code: 'custom', path: ['defaultModel'], message: `expected one of the models (${models.join(', ')}), got "${upstream.defaultModel}"` });
      }
    }),
  layers: layersSchema,
  /** Service-level objectives: metric name to bound, e.g. `visibleFailureRate: "< 0.1%"`; a breach exits 1. */
  slo: sloSchema.optional(),
}).superRefine((scenario, ctx) => {
  checkReferences(scenario, ctx);
  checkHedging(scenario, ctx);
  checkSessions(scenario, ctx);
  checkConsistency(scenario, ctx);
});

/**
 * Hedging is modelled for calls that answer at a drawn time: not at a finite-capacity server
 * (where a hedge would queue), and not around the SDK's own retry loop. Both are refused
 * rather than silently simplified.
 */
function checkHedging(
  scenario: { upstream: { models: Record<string, { capacity?: unknown }> }; layers: { hedge?: { enabled: boolean }; retry?: { sdk?: { maxRetries: number } } } },
  ctx: z.RefinementCtx,
): void {
  if (!scenario.layers.hedge?.enabled) return;
  for (const [model, config] of Object.entries(scenario.upstream.models)) {
    if (config.capacity !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['layers', 'hedge'], message: `expected no model with a capacity block when hedging (model ${JSON.stringify(model)} has one): hedged calls at a finite-capacity server are not modelled` });
      return;
    }
  }
  if ((scenario.layers.retry?.sdk?.maxRetries ?? 0) > 0) {
    ctx.addIssue({ code: 'custom', path: ['layers', 'hedge'], message: 'expected layers.retry.sdk.maxRetries: 0 when hedging: hedges around the SDK\'s own retry loop are not modelled' });
  }
}

/** A scenario as written in the file (before defaults and unit parsing). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A parsed scenario: every default applied, every unit converted (ms, fractions, USD, tokens). */
export type ParsedScenario = z.output<typeof scenarioSchema>;
export type TargetConfig = ParsedScenario['upstream']['models'][string];
export type { BreakerConfig, CacheConfig, CapacityConfig, ErrorKind, LayersConfig, RetryConfig, RoutingConfig, ScopeConfig } from './layers-schema.js';

/** Cross-references: every model, tool and tenant a layer names must exist. */
function checkReferences(
  scenario: {
    workload: { tenants: Record<string, number>; tools: Record<string, number>; schedules: { tenant: string }[]; prompt: { prefix: { name: string }[] } };
    upstream: { models: Record<string, unknown>; tools: Record<string, { price: { input: number; output: number } }>; incidents: { target: string }[] };
    layers: {
      routing?: { classifier?: { model: string }; tiers?: Record<string, string>; fallback: string[]; qualityFallback?: { failRate: Record<string, number> } };
      scope?: { allow: string[] };
      capacity?: { perKey?: { shares: Record<string, number> } };
      cache?: { breakpoint?: string; models?: Record<string, unknown> };
    };
  },
  ctx: z.RefinementCtx,
): void {
  const models = Object.keys(scenario.upstream.models);
  const expectModel = (name: string, path: (string | number)[]) => {
    if (!models.includes(name)) ctx.addIssue({ code: 'custom', path, message: `expected one of the models (${models.join(', ')}), got "${name}"` });
  };
  const routing = scenario.layers.routing;
  if (routing) {
    if (routing.classifier) expectModel(routing.classifier.model, ['layers', 'routing', 'classifier', 'model']);
    for (const [label, model] of Object.entries(routing.tiers ?? {})) expectModel(model, ['layers', 'routing', 'tiers', label]);
    routing.fallback.forEach((model, i) => expectModel(model, ['layers', 'routing', 'fallback', i]));
    for (const model of Object.keys(routing.qualityFallback?.failRate ?? {})) expectModel(model, ['layers', 'routing', 'qualityFallback', 'failRate', model]);
  }
  for (const model of Object.keys(scenario.layers.cache?.models ?? {})) expectModel(model, ['layers', 'cache', 'models', model]);
  // Tool calls carry no tokens in this model, so a tool price would be silently ignored: refuse it.
  for (const [tool, config] of Object.entries(scenario.upstream.tools)) {
    if (config.price.input > 0 || config.price.output > 0) {
      ctx.addIssue({ code: 'custom', path: ['upstream', 'tools', tool, 'price'], message: 'expected no price: tool calls carry no tokens and are not billed (prices apply to models)' });
    }
  }
  const tools = Object.keys(scenario.workload.tools);
  // An incident takes down a model or a tool (a tool the workload calls).
  scenario.upstream.incidents.forEach((incident, i) => {
    if (!models.includes(incident.target) && !tools.includes(incident.target)) {
      const tooled = tools.length > 0 ? ` or workload.tools (${tools.join(', ')})` : '';
      ctx.addIssue({ code: 'custom', path: ['upstream', 'incidents', i, 'target'], message: `expected one of the models (${models.join(', ')})${tooled}, got "${incident.target}"` });
    }
  });
  for (const tool of Object.keys(scenario.upstream.tools)) {
    if (!tools.includes(tool)) ctx.addIssue({ code: 'custom', path: ['upstream', 'tools', tool], message: `expected a tool the workload calls (workload.tools: ${tools.join(', ') || 'none'}); this one would never be called` });
  }
  scenario.layers.scope?.allow.forEach((tool, i) => {
    if (!tools.includes(tool)) ctx.addIssue({ code: 'custom', path: ['layers', 'scope', 'allow', i], message: `expected one of workload.tools (${tools.join(', ') || 'none defined'}), got "${tool}"` });
  });
  const tenants = Object.keys(scenario.workload.tenants);
  scenario.workload.schedules.forEach((schedule, i) => {
    if (!tenants.includes(schedule.tenant)) ctx.addIssue({ code: 'custom', path: ['workload', 'schedules', i, 'tenant'], message: `expected one of workload.tenants (${tenants.join(', ')}), got "${schedule.tenant}"` });
  });
  for (const key of Object.keys(scenario.layers.capacity?.perKey?.shares ?? {})) {
    if (!tenants.includes(key)) ctx.addIssue({ code: 'custom', path: ['layers', 'capacity', 'perKey', 'shares', key], message: `expected one of workload.tenants (${tenants.join(', ')}), got "${key}"` });
  }
  const breakpoint = scenario.layers.cache?.breakpoint;
  const layers = scenario.workload.prompt.prefix.map((l) => l.name);
  if (breakpoint !== undefined && !layers.includes(breakpoint)) {
    ctx.addIssue({ code: 'custom', path: ['layers', 'cache', 'breakpoint'], message: `expected one of workload.prompt.prefix names (${layers.join(', ') || 'none defined'}), got "${breakpoint}"` });
  }
}

/** The error kinds an error `mix` may name (for tools that write scenarios, such as `fit`). */
export const SCENARIO_ERROR_KINDS: readonly string[] = ERROR_KINDS;
