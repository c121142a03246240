import { knownKeysAt } from './schema-keys.js';
import { scenarioSchema } from './schema.js';
import { didYouMean } from '../text/suggest.js';

/**
 * Whether a parsed file looks like a scenario at all: at least one of its top-level keys
 * is a scenario key or a near miss of one (`upstrem`). A file with none (`/etc/shadow`
 * named by mistake, parsed as a mapping of its lines) is refused as a whole, with no key
 * of it quoted: its "keys" would be its contents.
 */
export function looksLikeScenario(value: Record<string, unknown>): boolean {
  const known = knownKeysAt(scenarioSchema, []);
  const keys = Object.keys(value);
  return keys.length === 0 || keys.some((key) => known.includes(key) || (key.length <= 40 && didYouMean(key, known) !== undefined));
}

/** The message for a file that is no scenario. */
export const NOT_A_SCENARIO = 'expected a scenario (top-level keys such as workload, upstream, layers), got a mapping with none of them; is this the right file?';
