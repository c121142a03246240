import { z } from 'zod';
import { HEADLINE_KEYS, headlineMetric, isSessionMetric, type HeadlineKey } from '../metrics/headline.js';
import type { SweepPoint, SweepResult } from '../report/sweep-types.js';
import { InputFileError, readInputText } from '../scenario/input-file.js';
import { MAX_SWEEP_POINTS, MAX_SWEEP_RUNS } from './grid.js';
import { sweepResult } from './run.js';

/**
 * Joining the parts of a sharded sweep (`sweep --shard i/n`, then `merge`). A part is read
 * as untrusted input: its size is checked before it is parsed, its size fields before
 * anything is allocated for them, and its figures against their ranges. Parts join only
 * when they come from the same command: the same scenario (by the hash of its content
 * after `extends` and `--set`), grid, seeds, volume, variants, SLOs and harness-sim version
 * (`SweepResult.part`, written by every shard).
 */

/** A part that cannot be merged; the message starts `merge:` and names the file. */
export class MergeError extends Error {
  override name = 'MergeError';
}

/** One part as read: the file it came from and its result. */
export interface SweepPart {
  file: string;
  result: SweepResult;
}

/** The largest part file read: a part of the largest sweep, with intervals, is well under this. */
export const MAX_PART_BYTES = 64 * 1024 * 1024;

// JSON has no NaN: a figure that was NaN (a latency with no answers) is written as null, and read back as NaN.
const figure = z.number().nullable().transform((v) => (v === null ? Number.NaN : v));
const intervalSchema = z.object({ mean: figure, low: figure, high: figure, halfWidth: z.number().nullable(), sd: z.number().nullable(), n: z.number().int().min(1) });
// Session figures appear only in parts of a scenario with sessions.
const byMetric = <T extends z.ZodType>(schema: T) =>
  z.object(Object.fromEntries(HEADLINE_KEYS.map((key) => [key, isSessionMetric(key) ? schema.optional() : schema])) as Record<HeadlineKey, T>);
const metricsSchema = byMetric(figure);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in hex');
const partSchema = z.object({
  scenario: z.string(),
  seed: z.number().int().min(0),
  requests: z.number().int().min(1),
  sample: z.number().gt(0).max(1).optional(),
  replications: z.number().int().min(1),
  params: z.array(z.string()),
  variants: z.array(z.string()).min(1),
  totalPoints: z.number().int().min(1).max(MAX_SWEEP_POINTS),
  shard: z.string().optional(),
  part: z.object({ version: z.string(), scenarioSha256: sha256, gridSha256: sha256 }).optional(),
  points: z
    .array(
      z.object({
        index: z.number().int().min(0),
        params: z.record(z.string(), z.union([z.number(), z.string()])),
        variant: z.string(),
        metrics: metricsSchema,
        intervals: byMetric(intervalSchema).optional(),
      }),
    )
    .max(MAX_SWEEP_POINTS),
  slo: z.array(z.object({ metric: z.enum(HEADLINE_KEYS), operator: z.enum(['<', '<=', '>', '>=']), limit: z.number() })).optional(),
});

/** Reads and checks one part file; a `MergeError` says what is wrong with it. */
export function readPart(file: string): SweepPart {
  let text: string;
  try {
    text = readInputText(file, MAX_PART_BYTES, 'a sweep part');
  } catch (error) {
    if (error instanceof InputFileError) throw new MergeError(`merge: ${file}: ${error.message}`);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MergeError(`merge: ${file} is not JSON (${(error as Error).message}); write parts with sweep --shard i/n --format json`);
  }
  const parsed = partSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MergeError(`merge: ${file} is not a sweep result: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const result = parsed.data as SweepResult;
  const runs = result.totalPoints * result.replications;
  if (runs > MAX_SWEEP_RUNS) throw new MergeError(`merge: ${file} is part of a sweep of ${runs} simulations, more than the ${MAX_SWEEP_RUNS} a sweep may run`);
  for (const point of result.points) checkFigures(file, point);
  return { file, result };
}

/**
 * Refuses a figure no run can produce: a negative value, a rate above 1, an interval whose
 * bounds are the wrong way round. NaN (written as null) is allowed where a run makes it: a
 * latency percentile with no answers, and the bounds of an interval over such runs.
 */
function checkFigures(file: string, point: SweepPoint): void {
  const refuse = (key: string, what: string, value: number): never => {
    throw new MergeError(`merge: ${file} point ${point.index} ${key} is ${Number.isNaN(value) ? 'null' : value}, ${what}; was the part edited?`);
  };
  for (const key of HEADLINE_KEYS) {
    const value = point.metrics[key];
    // A session figure is absent from the parts of a scenario without sessions.
    if (value === undefined && isSessionMetric(key)) continue;
    if (Number.isNaN(value)) {
      if (headlineMetric(key).unit !== 'duration') refuse(`metrics.${key}`, 'but only a latency may be missing', value);
      continue;
    }
    if (value < 0) refuse(`metrics.${key}`, 'but no figure is negative', value);
    if (headlineMetric(key).unit === 'rate' && value > 1) refuse(`metrics.${key}`, 'but a rate is at most 1', value);
    const interval = point.intervals?.[key];
    if (interval && interval.low > interval.high) refuse(`intervals.${key}.low`, `above its high bound ${interval.high}`, interval.low);
  }
}

/** The header fields every part of one sweep must share. */
const SAME = ['scenario', 'seed', 'requests', 'sample', 'replications', 'params', 'variants', 'totalPoints', 'slo'] as const;

/** What each field of `part` means, for the refusal. */
const PART_FIELDS = { version: 'harness-sim version', scenarioSha256: 'scenario content (after extends and --set)', gridSha256: 'grid of --param values' } as const;

/**
 * Joins the parts of one sweep into the result an unsharded run gives. Refuses a part
 * without its record of the command that wrote it (`part`), parts of different sweeps
 * (scenario content, grid, version, seed, requests, replications, params, variants, size,
 * SLOs), a point given twice or outside the grid, and points no part has.
 */
export function mergeParts(parts: readonly SweepPart[]): SweepResult {
  if (parts.length === 0) throw new MergeError('merge needs at least one part file (e.g. merge parts/*.json)');
  for (const { file, result } of parts) {
    if (result.part === undefined || result.shard === undefined) {
      throw new MergeError(`merge: ${file} is not a shard of a sweep (no shard and part record); write parts with sweep --shard i/n --format json`);
    }
  }
  const first = parts[0]!;
  for (const part of parts.slice(1)) {
    for (const field of Object.keys(PART_FIELDS) as (keyof typeof PART_FIELDS)[]) {
      const a = first.result.part![field];
      const b = part.result.part![field];
      if (a !== b) throw new MergeError(`merge: ${part.file} is not part of the same sweep as ${first.file}: the ${PART_FIELDS[field]} differs (${field} ${b.slice(0, 12)} vs ${a.slice(0, 12)})`);
    }
    for (const field of SAME) {
      const a = JSON.stringify(first.result[field] ?? null);
      const b = JSON.stringify(part.result[field] ?? null);
      if (a !== b) throw new MergeError(`merge: ${part.file} is not part of the same sweep as ${first.file}: ${field} ${b} vs ${a}`);
    }
  }
  const total = first.result.totalPoints;
  const owner = new Map<number, string>();
  const points: SweepPoint[] = [];
  for (const { file, result } of parts) {
    for (const point of result.points) {
      if (point.index >= total) throw new MergeError(`merge: ${file} has point ${point.index}, past the sweep's ${total} points`);
      if (!result.variants.includes(point.variant)) throw new MergeError(`merge: ${file} point ${point.index} has variant "${point.variant}", not one of ${result.variants.join(', ')}`);
      const missingParam = result.params.find((key) => !Object.hasOwn(point.params, key));
      if (missingParam !== undefined) throw new MergeError(`merge: ${file} point ${point.index} has no value for ${missingParam}`);
      const earlier = owner.get(point.index);
      if (earlier !== undefined) throw new MergeError(`merge: point ${point.index} is in both ${earlier} and ${file}; is a part given twice?`);
      owner.set(point.index, file);
      points.push(point);
    }
  }
  if (points.length < total) throw new MergeError(`merge: ${missingMessage(parts, owner, total)}`);
  const { shard: _shard, part: _part, points: _points, ...header } = first.result;
  return sweepResult(header, points);
}

/** Which points are missing, and, when the parts are shards of one split, which shards. */
function missingMessage(parts: readonly SweepPart[], owner: ReadonlyMap<number, string>, total: number): string {
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!owner.has(i)) missing.push(i);
  const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', ...' : '');
  const message = `${missing.length} of ${total} points are in no part (${shown})`;
  const counts = new Set(parts.map((p) => p.result.shard?.split('/')[1]));
  const count = Number([...counts][0]);
  if (counts.size !== 1 || !Number.isSafeInteger(count) || count < 1) return message;
  const absent = [...new Set(missing.map((i) => (i % count) + 1))].sort((a, b) => a - b);
  return `${message}; missing the part of shard ${absent.map((n) => `${n}/${count}`).join(', ')}`;
}
