import type { z } from 'zod';
import { didYouMean } from '../text/suggest.js';
import { dottedKey, ScenarioError, type ScenarioIssue } from './errors.js';
import { describe } from './issues.js';
import { layersSchema, type LayersConfig } from './layers-schema.js';
import { getIn } from './paths.js';
import { knownKeysAt } from './schema-keys.js';
import { MAX_ISSUES } from './yaml-source.js';

/**
 * Validates a `layers:` block given as a value (a plain object in code, not a file) with the
 * scenario's own schema. Every problem becomes an issue named by its dotted key under
 * `layers`, worded as `harness-sim validate` words it; `source` names where the value came from.
 */
export function parseLayers(input: unknown, source = 'layers'): LayersConfig {
  const result = layersSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues: ScenarioIssue[] = [];
  for (const issue of result.error.issues.slice(0, MAX_ISSUES)) issues.push(...toIssues(issue, input, source));
  if (result.error.issues.length > MAX_ISSUES) issues.push({ file: source, key: '', message: `and ${result.error.issues.length - MAX_ISSUES} more problems` });
  throw new ScenarioError(issues);
}

function toIssues(issue: z.core.$ZodIssue, input: unknown, source: string): ScenarioIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(layersSchema, path);
    return issue.keys.map((key) => {
      const suggestion = didYouMean(key, known);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : known.length ? ` (expected one of: ${known.join(', ')})` : '';
      return { file: source, key: dottedKey(['layers', ...path, key]), message: `unknown key${hint}` };
    });
  }
  return [{ file: source, key: dottedKey(['layers', ...path]), message: describe(issue, getIn(input, path)) }];
}
