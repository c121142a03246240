import { z } from 'zod';
import { empiricalTableProblem } from '../random/distributions.js';
import { parseCount, parseDurationMs, parseMoneyUsd, parseRate, parseTokenCount, UnitError } from '../text/units.js';

/**
 * zod field types for values written with units. Each accepts what YAML gives (a number
 * or a string), parses it with the one unit module, and reports a unit error as a zod
 * issue so it gets the file, line and key like any other error.
 */
/** The unit a field is written in; `explain` reads it back to write values in human form. */
export type UnitKind = 'duration' | 'rate' | 'money' | 'tokens' | 'count';

function unitField(parse: (value: unknown) => number, unit: UnitKind, description: string) {
  return z
    .unknown()
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (error) {
        if (!(error instanceof UnitError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    })
    .meta({ anyOf: [{ type: 'number' }, { type: 'string' }], description, unit });
}

/**
 * The one instance a field type makes, built on first use. zod schemas are immutable (every
 * `.optional()` or `.prefault()` wraps rather than changes them), so a field type used at a
 * hundred keys can be one schema: building the scenario schema was the largest part of a
 * small run's start-up, and most of it was these same few field types built again and again.
 */
function shared<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** A duration in milliseconds: `250ms`, `4s`, `2m`, `1h`, `30d`. */
export const durationMs = shared(() => unitField((v) => parseDurationMs(v), 'duration', 'a duration: 250ms, 4s, 2m, 1h, 30d'));
/** A duration that may be zero. */
export const durationOrZeroMs = shared(() =>
  unitField((v) => parseDurationMs(v, { allowZero: true }), 'duration', 'a duration (0 allowed): 0, 250ms, 4s'),
);
/** A fraction in [0, 1]: `0.04` or `4%`. */
export const rate = shared(() => unitField(parseRate, 'rate', 'a rate: 0.04 or 4%'));
/** Dollars: `$3`, `3`, `$40,000`. */
export const moneyUsd = shared(() => unitField(parseMoneyUsd, 'money', 'dollars: $3, 3.75, $40K'));
/** A token count: `1500`, `8K`, `1.2M`. */
export const tokenCount = shared(() => unitField(parseTokenCount, 'tokens', 'a token count: 1500, 8K, 1.2M'));
/** A volume: `10M`, `250K`, `1e6`. */
export const count = shared(() => unitField(parseCount, 'count', 'a count: 10M, 250K, 1e6'));

/** A positive number that is not NaN or Infinity. */
export const positiveNumber = () => z.number().finite().positive();

/**
 * An integer in [min, max]: bounds keep hostile values like `maxAttempts: 1e9` out. A
 * quoted number (`"3"`) is refused rather than coerced, so a typed YAML value means one
 * thing; every failure says the same expected range.
 */
export const boundedInt = (min: number, max: number) => {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const distributions = new Map<() => z.ZodType<number, unknown>, ReturnType<typeof makeDistribution>>();

/** A distribution of durations or of token counts, by `dist` kind, with its parameters checked together (one instance per field type, as above). */
export function distribution(value: () => z.ZodType<number, unknown>): ReturnType<typeof makeDistribution> {
  let made = distributions.get(value);
  if (made === undefined) distributions.set(value, (made = makeDistribution(value)));
  return made;
}

function makeDistribution(value: () => z.ZodType<number, unknown>) {
  return z
    .discriminatedUnion('dist', [
      z.strictObject({ dist: z.literal('lognormal'), p50: value(), p95: value() }),
      z.strictObject({ dist: z.literal('constant'), value: value() }),
      z.strictObject({ dist: z.literal('exponential'), mean: value() }),
      z.strictObject({ dist: z.literal('uniform'), min: value(), max: value() }),
      /** A measured quantile table: `{ 0: 90ms, 0.5: 800ms, 0.99: 6s, 1: 20s }`, interpolated linearly. */
      z.strictObject({ dist: z.literal('empirical'), quantiles: z.record(z.string(), value()) }),
    ])
    .superRefine((d, ctx) => {
      if (d.dist === 'lognormal') {
        if (!(d.p50 > 0)) ctx.addIssue({ code: 'custom', path: ['p50'], message: `expected a median above zero, got ${d.p50}` });
        else if (!(d.p95 >= d.p50)) ctx.addIssue({ code: 'custom', path: ['p95'], message: `expected p95 >= p50 (${d.p50}), got ${d.p95}` });
      } else if (d.dist === 'exponential' && !(d.mean > 0)) {
        ctx.addIssue({ code: 'custom', path: ['mean'], message: `expected a mean above zero, got ${d.mean}` });
      } else if (d.dist === 'uniform' && !(d.max >= d.min)) {
        ctx.addIssue({ code: 'custom', path: ['max'], message: `expected max >= min (${d.min}), got ${d.max}` });
      } else if (d.dist === 'empirical') {
        const keys = Object.keys(d.quantiles);
        const bad = keys.find((k) => !/^(0(\.\d+)?|1(\.0+)?)$/.test(k));
        if (bad !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['quantiles', bad], message: `expected a cumulative probability between 0 and 1 as the key, got ${JSON.stringify(bad.slice(0, 20))}` });
          return;
        }
        if (keys.length > 1000) {
          ctx.addIssue({ code: 'custom', path: ['quantiles'], message: `expected at most 1000 quantiles, got ${keys.length}` });
          return;
        }
        const problem = empiricalTableProblem(Object.entries(d.quantiles).map(([p, v]) => [Number(p), v] as const).sort((a, b) => a[0] - b[0]));
        if (problem) ctx.addIssue({ code: 'custom', path: ['quantiles'], message: `the quantile table ${problem}` });
      }
    });
}

/** Shares over named parts that must sum to 1 (tenants, difficulty mix, error mix). */
export function shares<K extends string>(keys?: readonly K[]) {
  const base = keys
    ? z.strictObject(Object.fromEntries(keys.map((k) => [k, rate().optional()])) as unknown as Record<K, ReturnType<typeof rate>>)
    : z.record(z.string(), rate());
  return base.superRefine((value, ctx) => {
    const total = Object.values(value as Record<string, number | undefined>).reduce<number>((s, v) => s + (v ?? 0), 0);
    if (Math.abs(total - 1) > 1e-6) {
      ctx.addIssue({ code: 'custom', message: `expected shares that sum to 1, got ${+total.toFixed(6)}` });
    }
  });
}
