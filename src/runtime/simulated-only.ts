import { ScenarioError, type ScenarioIssue } from '../scenario/errors.js';
import { positionIn } from '../scenario/issues.js';
import type { LayersConfig } from '../scenario/layers-schema.js';
import { parseYamlSource, readScenarioText } from '../scenario/yaml-source.js';

/**
 * Layer blocks only the simulator runs. A harness built without them would not be the
 * harness that was simulated, so the runtime refuses a config that turns one on rather than
 * run without it silently. (`retry.sdk` is not here: it describes the client library's own
 * retry loop, which in production is the SDK that `attempt` calls; `cache` only prices calls.)
 *
 * Loaded on demand by `config.ts` (it reaches the YAML reader), never by `import 'harness-sim'`.
 */
const SIMULATED_ONLY: readonly { block: 'session'; what: string }[] = [
  { block: 'session', what: 'per-turn and per-session limits are simulated only (workload.sessions): the runtime has no turns' },
];

/** Throws a `ScenarioError`, one line per block, when `layers` turns on a block the runtime does not run. */
export function refuseSimulatedOnly(layers: LayersConfig, source: string, file?: string): void {
  const on = SIMULATED_ONLY.filter(({ block }) => layers[block]?.enabled === true);
  if (on.length === 0) return;
  // In a file, point at the block where the file itself writes it (a base under `extends` is not searched).
  const doc = file === undefined ? undefined : parseYamlSource(readScenarioText(file), file);
  const issues: ScenarioIssue[] = on.map(({ block, what }) => {
    const path = ['layers', block];
    const position = doc !== undefined && doc.doc.hasIn(path) ? positionIn(doc, path, true) : {};
    return { file: source, ...position, key: `layers.${block}`, message: `${what}; set layers.${block}.enabled: false to run the other layers` };
  });
  throw new ScenarioError(issues);
}
