import { ScenarioError } from '../scenario/errors.js';
import type { Clock } from '../layers/types.js';
import { MetricsCollector } from '../metrics/collector.js';
import type { RunOptions } from '../metrics/run-output.js';
import { Timeline } from '../metrics/timeline.js';
import { makeDistribution, type Distribution } from '../random/distributions.js';
import { RandomStreams, type KeyedUniform, type UniformSource } from '../random/random.js';
import { DEFAULT_TOOL_CONFIG, type ParsedScenario, type TargetConfig } from '../scenario/schema.js';
import { outcomeOf, type Outcome } from '../upstream/outcome.js';
import { CapacityServer } from '../upstream/server.js';
import { attachIncidents, Target, Upstream } from '../upstream/upstream.js';
import { Workload } from '../workload/workload.js';
import { buildHarness, type Harness } from './harness.js';
import { CallPricing } from './pricing.js';
import { scaleForSample } from './sampling.js';
import { buildSessionWorld, type SessionWorld } from './session-world.js';

/**
 * Everything a run's handlers share, built once from the scenario: the workload, the
 * targets with their servers and timeouts, the harness layers, the collector, and the
 * random streams each purpose draws from. Handlers read it; only the layers, servers and
 * collector inside it change during a run.
 */
export interface World {
  readonly seed: number;
  /** The simulated fraction of the traffic (`--sample`). */
  readonly sampleFraction: number;
  /** How a sampled run's figures scale back to the traffic asked for (`RunOutput.sampleScale`). */
  readonly sampleScale: { counts: number; rate: number };
  /** Requests this run simulates. */
  readonly totalRequests: number;
  /** How long the arrivals are expected to take, in simulated ms (the scenario's duration when shaped). */
  readonly expectedSpanMs: number;
  readonly workload: Workload;
  readonly upstream: Upstream;
  /** Models first (ids 0..modelCount-1), then tools. */
  readonly targets: readonly Target[];
  readonly modelCount: number;
  /** Finite-capacity servers by target id; null = infinite capacity (independent failures only). */
  readonly servers: readonly (CapacityServer | null)[];
  /** The outcome a full server queue answers with (429 or 503), by target id. */
  readonly overflowOutcome: readonly Outcome[];
  /** Client timeout per target id in ms; Infinity = none. */
  readonly timeoutMs: Float64Array;
  readonly harness: Harness;
  readonly metrics: MetricsCollector;
  readonly pricing: CallPricing;
  /** Tokens of the shared prompt prefix every model call sends. */
  readonly prefixTokens: number;
  /** The target list without routing: the default model alone. */
  readonly defaultTargets: readonly number[];
  /** Per tool (in tool order): the probability a request calls it. */
  readonly toolProbabilities: Float64Array;
  /** The classifier call's latency when it succeeds; null without a classifier. */
  readonly classifierLatency: Distribution | null;
  readonly draws: WorldDraws;
  /** Agent sessions (`workload.sessions`): `totalRequests` then counts sessions. Null without. */
  readonly sessions: SessionWorld | null;
}

/** The random streams the handlers draw from (the workload and upstream own theirs). */
export interface WorldDraws {
  /** Which tools each request calls, one draw per tool at arrival. */
  readonly tools: UniformSource;
  /** The jitter of each retry delay. */
  readonly retryJitter: UniformSource;
  /** The classifier's verdict (request, 0, 0) and each model's eval check (request, 1, model). */
  readonly routingVerdicts: KeyedUniform;
  /** The classifier call's latency (request, 0, 0). */
  readonly classifierLatency: KeyedUniform;
  /** Which client request or session i goes to under `clientSpread: random`, keyed (i, 0, 0); null when they go in turn. */
  readonly clients: KeyedUniform | null;
  /** The jitter of each SDK retry delay (`layers.retry.sdk`). */
  readonly sdkRetryJitter: UniformSource;
}

/** The target configuration of every target id: models, then tools (a tool without an entry gets the defaults). */
export function targetConfigs(scenario: ParsedScenario): TargetConfig[] {
  return [
    ...Object.keys(scenario.upstream.models).map((name) => scenario.upstream.models[name]!),
    ...Object.keys(scenario.workload.tools).map((name) => scenario.upstream.tools[name] ?? DEFAULT_TOOL_CONFIG),
  ];
}

/** A finite-capacity server for a target with a `capacity` block, else null. */
function serverFor(clock: Clock, config: TargetConfig): CapacityServer | null {
  const c = config.capacity;
  return c ? new CapacityServer(clock, { concurrency: c.concurrency, queue: c.queue, rpm: c.rpm, itpm: c.itpm, otpm: c.otpm }) : null;
}

/** Builds the world of one run of `scenarioAsWritten` on `clock` (scaled first for `--sample`). */
export function buildWorld(scenarioAsWritten: ParsedScenario, options: RunOptions, clock: Clock): World {
  const sampleFraction = options.sample ?? 1;
  const asked = options.requests ?? scenarioAsWritten.workload.requests;
  if (sampleFraction < 1 && asked * sampleFraction < 1) {
    throw new ScenarioError([{ file: '--sample', key: '', message: `expected a fraction that leaves at least one request to simulate, got ${sampleFraction} of ${asked} requests (${asked * sampleFraction})` }]);
  }
  const scenario = scaleForSample(scenarioAsWritten, sampleFraction);
  const seed = options.seed ?? scenario.seed;
  const streams = new RandomStreams(seed);
  const workload = new Workload(scenario, streams);
  const modelNames = Object.keys(scenario.upstream.models);
  const toolNames = Object.keys(scenario.workload.tools);
  const configs = targetConfigs(scenario);
  const targets = configs.map((config, id) => new Target(id < modelNames.length ? modelNames[id]! : toolNames[id - modelNames.length]!, config));
  attachIncidents(targets, scenario.upstream.incidents);
  const upstream = new Upstream(targets, streams);
  // A replayed trace runs to its end (within `duration`) unless `--requests` caps it.
  const replaying = typeof scenario.workload.arrival === 'object' && scenario.workload.arrival.trace !== undefined;
  const totalRequests =
    options.requests !== undefined ? Math.max(1, Math.round(options.requests * sampleFraction)) : replaying ? Number.MAX_SAFE_INTEGER : scenario.workload.requests;
  const expectedSpanMs = workload.shaped ? scenario.duration : totalRequests / workload.ratePerMs;
  const timeline = new Timeline(expectedSpanMs);
  const metrics = new MetricsCollector(modelNames, workload.tenantNames, toolNames, timeline);
  const harness = buildHarness(scenario, clock, streams, { models: modelNames, tools: toolNames, tenants: workload.tenantNames });
  const prefixTokens = scenario.workload.prompt.prefix.reduce((sum, layer) => sum + layer.tokens, 0);
  const defaultModel = scenario.upstream.defaultModel ? modelNames.indexOf(scenario.upstream.defaultModel) : 0;
  const timeout = scenario.layers.timeout?.enabled ? scenario.layers.timeout.after : Infinity;
  const classifier = scenario.layers.routing?.enabled ? scenario.layers.routing.classifier : undefined;
  const sessions = buildSessionWorld(scenario, streams, clock, prefixTokens, harness.cache, metrics);
  return {
    seed,
    sampleFraction,
    // Counts scale by the requests asked for over those simulated, per-time figures by the
    // scenario's rate over the sampled one: exact whatever the rounding of either to whole requests.
    sampleScale: sampleFraction < 1 ? { counts: asked / totalRequests, rate: scenarioAsWritten.workload.requests / scenario.workload.requests } : { counts: 1, rate: 1 },
    totalRequests,
    expectedSpanMs,
    workload,
    upstream,
    targets,
    modelCount: modelNames.length,
    servers: configs.map((config) => serverFor(clock, config)),
    overflowOutcome: configs.map((config) => outcomeOf(config.capacity?.overflow ?? '429')),
    timeoutMs: Float64Array.from(configs.map((config) => config.timeout ?? timeout)),
    harness,
    metrics,
    pricing: new CallPricing(prefixTokens, harness.cache, harness.cachePerTenant, workload.tenantNames.length, metrics, sessions?.pricing ?? null),
    prefixTokens,
    defaultTargets: Object.freeze([defaultModel]),
    toolProbabilities: Float64Array.from(Object.values(scenario.workload.tools)),
    classifierLatency: classifier ? makeDistribution(classifier.latency) : null,
    draws: {
      tools: streams.stream('tools'),
      retryJitter: streams.stream('retry-jitter'),
      routingVerdicts: streams.keyed('routing-verdicts'),
      classifierLatency: streams.keyed('classifier-latency'),
      clients: scenario.workload.clients > 1 && scenario.workload.clientSpread === 'random' ? streams.keyed('clients') : null,
      sdkRetryJitter: streams.stream('sdk-retry-jitter'),
    },
    sessions,
  };
}
