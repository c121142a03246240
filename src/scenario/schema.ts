import { z } from 'zod';
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

const ERROR_KINDS = ['429', '503', 'timeout', '400'] as const;
const errorKind = z.enum(ERROR_KINDS);

const errorsSchema = (d: typeof DEFAULTS.model.errors | typeof DEFAULTS.tool.errors) =>
  z
    .strictObject({
      rate: rate().prefault(d.rate),
      mix: shares(ERROR_KINDS).prefault(d.mix),
      timeoutAfter: durationMs().prefault(d.timeoutAfter),
      latency: distribution(durationMs).prefault(d.latency),
      retryAfter: durationOrZeroMs().prefault(d.retryAfter),
    })
    .prefault({});

/** One upstream target (a model or a tool): latency, errors, price. */
const targetSchema = (d: typeof DEFAULTS.model | typeof DEFAULTS.tool) =>
  z.strictObject({
    latency: distribution(durationMs).prefault(d.latency),
    errors: errorsSchema(d.errors),
    price: z
      .strictObject({ input: moneyUsd().prefault(d.price.input), output: moneyUsd().prefault(d.price.output) })
      .prefault({}),
  });

const incidentSchema = z.strictObject({
  target: z.string(),
  at: durationOrZeroMs(),
  for: durationMs(),
  errorRate: rate(),
  mix: shares(ERROR_KINDS).optional(),
});

const workloadSchema = z
  .strictObject({
    requests: count().prefault(DEFAULTS.workload.requests),
    arrival: z.literal('poisson').prefault(DEFAULTS.workload.arrival),
    tenants: shares().prefault(DEFAULTS.workload.tenants),
    tokens: z
      .strictObject({
        input: distribution(tokenCount).prefault(DEFAULTS.workload.tokens.input),
        output: distribution(tokenCount).prefault(DEFAULTS.workload.tokens.output),
      })
      .prefault({}),
    difficulty: shares(['trivial', 'standard', 'complex'] as const).prefault(DEFAULTS.workload.difficulty),
  })
  .prefault({});

const R = DEFAULTS.layers.retry;
const retrySchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  maxAttempts: boundedInt(1, 100).prefault(R.maxAttempts),
  baseDelay: durationOrZeroMs().prefault(R.baseDelay),
  multiplier: z.number().finite().min(1).max(100).prefault(R.multiplier),
  maxDelay: durationOrZeroMs().prefault(R.maxDelay),
  jitter: z.enum(['none', 'full', 'equal', 'decorrelated']).prefault(R.jitter),
  retryOn: z.array(errorKind).prefault([...R.retryOn]),
  honorRetryAfter: z.boolean().prefault(R.honorRetryAfter),
  budget: z
    .strictObject({
      ratio: rate().prefault(DEFAULTS.layers.retryBudget.ratio),
      minRetriesPerSec: z.number().finite().min(0).prefault(DEFAULTS.layers.retryBudget.minRetriesPerSec),
      window: durationMs().prefault(DEFAULTS.layers.retryBudget.window),
    })
    .optional(),
});

const layersSchema = z
  .strictObject({
    retry: retrySchema.optional(),
  })
  .prefault({});

/** The whole scenario file. */
export const scenarioSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  seed: boundedInt(0, 2 ** 32 - 1).prefault(DEFAULTS.seed),
  duration: durationMs().prefault(DEFAULTS.duration),
  workload: workloadSchema,
  upstream: z
    .strictObject({
      models: z.record(z.string(), targetSchema(DEFAULTS.model)).refine((m) => Object.keys(m).length > 0, {
        message: 'expected at least one model',
      }),
      defaultModel: z.string().optional(),
      incidents: z.array(incidentSchema).prefault([]),
    })
    .superRefine((upstream, ctx) => {
      const models = Object.keys(upstream.models);
      if (upstream.defaultModel !== undefined && !models.includes(upstream.defaultModel)) {
        ctx.addIssue({ code: 'custom', path: ['defaultModel'], message: `expected one of the models (${models.join(', ')}), got "${upstream.defaultModel}"` });
      }
      upstream.incidents.forEach((incident, i) => {
        if (!models.includes(incident.target)) {
          ctx.addIssue({ code: 'custom', path: ['incidents', i, 'target'], message: `expected one of the models (${models.join(', ')}), got "${incident.target}"` });
        }
      });
    }),
  layers: layersSchema,
});

/** A scenario as written in the file (before defaults and unit parsing). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A parsed scenario: every default applied, every unit converted (ms, fractions, USD, tokens). */
export type ParsedScenario = z.output<typeof scenarioSchema>;
export type TargetConfig = ParsedScenario['upstream']['models'][string];
export type RetryConfig = z.output<typeof retrySchema>;
export type ErrorKind = z.output<typeof errorKind>;
