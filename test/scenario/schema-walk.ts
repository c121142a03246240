import { z } from 'zod';

/**
 * The options of the scenario language, read off the zod schema itself, so a test can check
 * something for every option (and fail when a new one arrives without it).
 *
 * An option is a dotted path (`layers.retry.jitter`); `*` stands for a name the author
 * chooses (`upstream.models.*.latency`), `[]` for each element of a list. A distribution
 * (`{ dist: ..., ... }`) and a set of shares over fixed names (`errors.mix`, `difficulty`) are
 * one option each, not one per field.
 */
export interface SchemaOption {
  path: string;
  /**
   * The closed set of values, for an enum (a list option gives its elements' set); for a
   * distribution the `dist` kinds; for fixed-name shares the names.
   */
  values?: string[];
  kind: 'value' | 'enum' | 'distribution' | 'shares';
}

type Def = Record<string, unknown> & { type: string };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** Every option of `schema`, in schema order. */
export function schemaOptions(schema: z.ZodType): SchemaOption[] {
  const out = new Map<string, SchemaOption>();
  walk(schema, '', out);
  return [...out.values()];
}

function walk(schema: unknown, path: string, out: Map<string, SchemaOption>): void {
  const def = defOf(schema);
  if (!def) return;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
      return walk(def.innerType, path, out);
    case 'pipe':
      // A unit field (`z.unknown().transform(...)`) or a transformed literal: its input side.
      return walk(def.in, path, out);
    case 'array':
      return walk(def.element, `${path}[]`, out);
    case 'record':
      return walk(def.valueType, `${path}.*`, out);
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      if (isShares(shape)) return add(out, { path, kind: 'shares', values: Object.keys(shape) });
      for (const [key, child] of Object.entries(shape)) walk(child, path ? `${path}.${key}` : key, out);
      return;
    }
    case 'union': {
      if (def.discriminator === 'dist') {
        const kinds = (def.options as unknown[]).flatMap((o) => literalValues((defOf(o)!.shape as Record<string, unknown>).dist));
        return add(out, { path, kind: 'distribution', values: kinds });
      }
      for (const option of def.options as unknown[]) walk(option, path, out);
      if (!out.has(path)) add(out, { path, kind: 'value' });
      return;
    }
    case 'enum':
    case 'literal':
      return add(out, { path, kind: 'enum', values: literalValues(schema) });
    default:
      if (!out.has(path)) add(out, { path, kind: 'value' });
  }
}

/** Adds `option`, merging the values of an enum met twice at one path (`429` as name and as number). */
function add(out: Map<string, SchemaOption>, option: SchemaOption): void {
  const was = out.get(option.path);
  if (was?.values && option.values) was.values = [...new Set([...was.values, ...option.values])];
  else if (!was || was.kind === 'value') out.set(option.path, option);
}

function literalValues(schema: unknown): string[] {
  const def = defOf(schema)!;
  if (def.type === 'enum') return Object.values(def.entries as Record<string, string>).map(String);
  if (def.type === 'literal') return (def.values as unknown[]).map(String);
  return [];
}

/** Fixed names, each an optional rate: the `shares(keys)` field (error mix, difficulty mix). */
function isShares(shape: Record<string, unknown>): boolean {
  const fields = Object.values(shape);
  return (
    fields.length > 1 &&
    fields.every((field) => {
      const def = defOf(field);
      return def?.type === 'optional' && z.globalRegistry.get(def.innerType as z.ZodType)?.unit === 'rate';
    })
  );
}

/**
 * The values an option takes in a parsed scenario: the leaves at `path` (expanding `*` and
 * `[]`), or for a distribution its `dist`, for shares the names given a share above 0.
 */
export function valuesAt(scenario: unknown, option: SchemaOption): string[] {
  const leaves = leavesAt(scenario, option.path.replace(/\[\]/g, '.[]').split('.').filter(Boolean));
  if (option.kind === 'distribution') return leaves.map((d) => String((d as { dist: string }).dist));
  if (option.kind === 'shares') return leaves.flatMap((s) => Object.entries(s as Record<string, number>).filter(([, v]) => v > 0).map(([k]) => k));
  return leaves.flatMap((v) => (v !== null && typeof v === 'object' ? [] : [String(v)]));
}

function leavesAt(node: unknown, parts: string[]): unknown[] {
  if (node === undefined) return [];
  if (parts.length === 0) return [node];
  const [part, ...rest] = parts;
  if (node === null || typeof node !== 'object') return [];
  if (part === '*') return Object.values(node).flatMap((child) => leavesAt(child, rest));
  if (part === '[]') return Array.isArray(node) ? node.flatMap((child) => leavesAt(child, rest)) : [];
  return leavesAt((node as Record<string, unknown>)[part!], rest);
}
