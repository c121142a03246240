import type { LayersConfig, LayersInput } from '../scenario/layers-schema.js';
import type { ParsedScenario } from '../scenario/schema.js';

/** Marks a configuration that has been validated, so `createHarness` does not parse it again. */
const VALIDATED: unique symbol = Symbol('harness-sim.validated');

/**
 * A validated harness configuration: the `layers:` block (defaults applied, durations in ms)
 * and the names it refers to. `loadHarnessConfig` reads one from a scenario file;
 * `createHarness` also accepts a plain `layers:` object and validates it itself.
 */
export interface HarnessConfig {
  readonly [VALIDATED]: true;
  /** Where it came from: the scenario file, or `createHarness` for an object. */
  readonly source: string;
  readonly layers: LayersConfig;
  /** The scenario's models in file order (`upstream.models`); empty for an object. */
  readonly models: readonly string[];
  readonly defaultModel: string | undefined;
  /** The tools the workload calls (`workload.tools`), in order. */
  readonly tools: readonly string[];
  /** Client timeouts set on a model or tool itself (`upstream.models.<name>.timeout`), in ms. */
  readonly timeouts: Readonly<Record<string, number>>;
  /** The prompt prefix (only the simulated prompt cache reads it). */
  readonly promptPrefix: LayersSource['workload']['prompt']['prefix'];
}

/** The part of a scenario the layers are built from (as `engine/harness.ts` reads it). */
interface LayersSource {
  workload: { prompt: { prefix: { name: string; tokens: number; stable: boolean }[] } };
}

export function isHarnessConfig(value: unknown): value is HarnessConfig {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VALIDATED] === true;
}

/**
 * Reads the harness of a scenario file: the whole file is validated by the scenario schema
 * (its `extends` chain included), so a bad value fails here as it fails `harness-sim validate`:
 * a `ScenarioError` whose lines read `file:line:col key: message`; so is a block only the simulator
 * runs (`layers.session`, see `simulated-only.ts`). The YAML and schema modules
 * load on first use, so importing the runtime stays cheap.
 */
export async function loadHarnessConfig(path: string): Promise<HarnessConfig> {
  const [{ loadScenarioFile }, { refuseSimulatedOnly }] = await Promise.all([import('../scenario/load.js'), import('./simulated-only.js')]);
  const config = configFromScenario(loadScenarioFile(path).scenario, path);
  refuseSimulatedOnly(config.layers, path, path);
  return config;
}

/** The harness of an already parsed scenario (as the simulator runs it). */
export function configFromScenario(scenario: ParsedScenario, source: string): HarnessConfig {
  const timeouts: Record<string, number> = {};
  for (const [name, target] of [...Object.entries(scenario.upstream.models), ...Object.entries(scenario.upstream.tools)]) {
    if (target.timeout !== undefined) timeouts[name] = target.timeout;
  }
  return {
    [VALIDATED]: true,
    source,
    layers: scenario.layers,
    models: Object.keys(scenario.upstream.models),
    defaultModel: scenario.upstream.defaultModel,
    tools: Object.keys(scenario.workload.tools),
    timeouts,
    promptPrefix: scenario.workload.prompt.prefix,
  };
}

/** Validates a `layers:` object (as a scenario would write it) into a `HarnessConfig`. */
export async function configFromLayers(layers: LayersInput | undefined): Promise<HarnessConfig> {
  const [{ parseLayers }, { refuseSimulatedOnly }] = await Promise.all([import('../scenario/layers-input.js'), import('./simulated-only.js')]);
  const parsed = parseLayers(layers, 'createHarness');
  refuseSimulatedOnly(parsed, 'createHarness');
  return {
    [VALIDATED]: true,
    source: 'createHarness',
    layers: parsed,
    models: [],
    defaultModel: undefined,
    tools: [],
    timeouts: {},
    promptPrefix: [],
  };
}
