import type { z } from 'zod';

/**
 * The keys an object schema accepts at `path`, for "did you mean" hints. Walks through
 * wrappers (optional, prefault, pipe, refinements), records and arrays.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  return keysOf(schemaAt(schema, path));
}

/**
 * True when the schema at `path` is a record: a mapping of names the author chooses
 * (`upstream.models`, `workload.tenants`), where an unknown name is new, not a typo.
 */
export function isRecordAt(schema: z.ZodType, path: readonly (string | number)[]): boolean {
  return defOf(unwrap(schemaAt(schema, path)))?.type === 'record';
}

function schemaAt(schema: z.ZodType, path: readonly (string | number)[]): unknown {
  let node: unknown = schema;
  for (const part of path) {
    node = unwrap(node);
    const def = defOf(node);
    if (!def) return undefined;
    if (def.type === 'object') node = (def.shape as Record<string, unknown>)[String(part)];
    else if (def.type === 'record') node = def.valueType;
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'union') node = (def.options as unknown[]).find((o) => keysOf(o).includes(String(part)));
    else return undefined;
  }
  return node;
}

function keysOf(schema: unknown): string[] {
  const node = unwrap(schema);
  const def = defOf(node);
  if (!def) return [];
  if (def.type === 'object') return Object.keys(def.shape as object);
  if (def.type === 'union') return [...new Set((def.options as unknown[]).flatMap(keysOf))];
  return [];
}

function unwrap(schema: unknown): unknown {
  let node = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(node);
    if (!def) return node;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault' || def.type === 'nullable') node = def.innerType;
    else if (def.type === 'pipe') node = def.in;
    else return node;
  }
  return node;
}

function defOf(schema: unknown): Record<string, unknown> & { type: string } | undefined {
  return (schema as { _zod?: { def?: Record<string, unknown> & { type: string } } } | undefined)?._zod?.def;
}
