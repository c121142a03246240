import type { Command } from 'commander';
import { z } from 'zod';
import { HEADLINE_KEYS, isSessionMetric } from '../../metrics/headline.js';
import type { SweepPoint, SweepResult } from '../../report/sweep-types.js';
import { InputFileError, readInputText } from '../../scenario/input-file.js';
import { SWEEP_FORMATS } from '../../sweep/render.js';
import { sweepResult } from '../../sweep/run.js';
import { UsageError } from '../errors.js';
import { addGateOptions } from '../gates.js';
import { formatOption } from '../options.js';
import { addReportOptions } from '../sweep-reports.js';
import { printSweep, type SweepOutputFlags } from './sweep.js';

/** One part as read: the file it came from and its result. */
export interface SweepPart {
  file: string;
  result: SweepResult;
}

/** The largest part file read: a million points of JSON, about 60 MiB, is the most a part holds. */
export const MAX_PART_BYTES = 64 * 1024 * 1024;

/** The most points a part may list before it is refused as not one of ours. */
const MAX_PART_POINTS = 1_000_000;

// JSON has no NaN: a figure that was NaN is written as null, and read back as NaN below.
const figure = z.number().nullable().transform((v) => (v === null ? Number.NaN : v));
const intervalSchema = z.object({ mean: figure, low: figure, high: figure, halfWidth: z.number().nullable(), sd: z.number().nullable(), n: z.number().int() });
// Session figures appear only in parts of a scenario with sessions.
const byMetric = <T extends z.ZodType>(schema: T) =>
  z.object(Object.fromEntries(HEADLINE_KEYS.map((key) => [key, isSessionMetric(key) ? schema.optional() : schema])) as Record<(typeof HEADLINE_KEYS)[number], T>);
const metricsSchema = byMetric(figure);
const partSchema = z.object({
  scenario: z.string(),
  seed: z.number().int(),
  requests: z.number(),
  replications: z.number().int().min(1),
  params: z.array(z.string()),
  variants: z.array(z.string()).min(1),
  totalPoints: z.number().int().min(1),
  shard: z.string().optional(),
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
    .max(MAX_PART_POINTS),
  slo: z.array(z.object({ metric: z.enum(HEADLINE_KEYS), operator: z.enum(['<', '<=', '>', '>=']), limit: z.number() })).optional(),
});

/** Reads and checks one part file; a usage error (exit 2) says what is wrong with it. */
export function readPart(file: string): SweepPart {
  let text: string;
  try {
    text = readInputText(file, MAX_PART_BYTES, 'a sweep part');
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(`merge: ${file}: ${error.message}`);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`merge: ${file} is not JSON (${(error as Error).message}); write parts with sweep --shard i/n --format json`);
  }
  const parsed = partSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`merge: ${file} is not a sweep result: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return { file, result: parsed.data as SweepResult };
}

/** The header fields every part of one sweep must share. */
const SAME = ['scenario', 'seed', 'requests', 'replications', 'params', 'variants', 'totalPoints', 'slo'] as const;

/**
 * Joins the parts of one sweep into the result an unsharded run gives. Refuses parts of
 * different sweeps (scenario, seed, requests, replications, params, variants, size, SLOs),
 * a point given twice, and points no part has; each refusal is a usage error naming files.
 */
export function mergeParts(parts: readonly SweepPart[]): SweepResult {
  if (parts.length === 0) throw new UsageError('merge needs at least one part file (e.g. merge parts/*.json)');
  const first = parts[0]!;
  for (const part of parts.slice(1)) {
    for (const field of SAME) {
      const a = JSON.stringify(first.result[field] ?? null);
      const b = JSON.stringify(part.result[field] ?? null);
      if (a !== b) throw new UsageError(`merge: ${part.file} is not part of the same sweep as ${first.file}: ${field} ${b} vs ${a}`);
    }
  }
  const total = first.result.totalPoints;
  const owner = new Map<number, string>();
  const points: SweepPoint[] = [];
  for (const { file, result } of parts) {
    for (const point of result.points) {
      if (point.index >= total) throw new UsageError(`merge: ${file} has point ${point.index}, past the sweep's ${total} points`);
      if (!result.variants.includes(point.variant)) throw new UsageError(`merge: ${file} point ${point.index} has variant "${point.variant}", not one of ${result.variants.join(', ')}`);
      const missingParam = result.params.find((key) => !Object.hasOwn(point.params, key));
      if (missingParam !== undefined) throw new UsageError(`merge: ${file} point ${point.index} has no value for ${missingParam}`);
      const earlier = owner.get(point.index);
      if (earlier !== undefined) throw new UsageError(`merge: point ${point.index} is in both ${earlier} and ${file}; is a part given twice?`);
      owner.set(point.index, file);
      points.push(point);
    }
  }
  if (points.length < total) throw new UsageError(`merge: ${missingMessage(parts, owner, total)}`);
  const { shard: _shard, points: _points, ...header } = first.result;
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

/**
 * `harness-sim merge PART...`: joins the JSON parts of a sharded sweep and prints what the
 * unsharded sweep prints, gated the same way.
 */
export function registerMerge(program: Command): void {
  const command = program
    .command('merge')
    .description('join the parts of a sharded sweep (sweep --shard i/n) and print it as one sweep')
    .argument('<parts...>', 'part files written by sweep --shard i/n --format json')
    .option('--format <format>', 'table, json, csv or md (default: from --out\'s extension, else table)', formatOption(SWEEP_FORMATS))
    .option('--out <file>', 'write the report to a file (atomically) instead of stdout');
  addReportOptions(addGateOptions(command)).action((files: string[], flags: SweepOutputFlags) => {
    const merged = mergeParts(files.map(readPart));
    const extra = flags.assert.map((c) => ({ metric: c.metric, operator: c.op, limit: c.limit }));
    const slo = [...(merged.slo ?? []), ...extra];
    const { points, ...header } = merged;
    printSweep(sweepResult({ ...header, ...(slo.length > 0 ? { slo } : {}) }, points), { ...flags, assert: [] });
  });
}
