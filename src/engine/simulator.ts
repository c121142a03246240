import type { RunOptions, RunOutput } from '../metrics/run-output.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { impliedErrorRate } from '../upstream/episodes.js';
import { Billing } from './billing.js';
import { buildWorld, type World } from './build.js';
import { CallLog, type CallLogOptions } from './call-log.js';
import { layerStats, openBreakers } from './harness.js';
import { Kernel } from './kernel.js';
import { RequestLifecycle } from './lifecycle.js';
import { Pool } from './pool.js';
import { RequestFlow } from './request-flow.js';
import { RequestState } from './request-state.js';
import { SessionDriver } from './sessions.js';
import { shortenedRunWarnings } from './shortened.js';

export type { CallLogOptions, CallSink } from './call-log.js';
export { CALL_CAUSE_NAMES, CallCause, type LayerStats, type RunOptions, type RunOutput } from '../metrics/run-output.js';

/**
 * Told between batches of events how far a run has got (0..1). The caller may read the wall
 * clock in it (to draw a progress line); the simulation never does, and batches stop between
 * two events, so the results are the same with or without it.
 */
export type RunProgress = (fractionDone: number) => void;

/** Events per batch when progress is watched: ~20-50 ms of work, so a check costs nothing. */
const PROGRESS_BATCH = 200_000;

/** The harness layers, in the order a request meets them, as reports list the ones on. */
export const LAYER_NAMES = ['capacity', 'routing', 'breaker', 'timeout', 'retry', 'hedge', 'scope', 'cache', 'session'] as const;

/**
 * The discrete-event simulation of one scenario: the kernel, the world built from the
 * scenario, and the model handlers wired together. Arrivals feed requests through the
 * harness layers to the upstream, in virtual time. Nothing here reads the wall clock,
 * creates a Promise or allocates per event once the pools are warm.
 *
 * Who handles what: `RequestLifecycle` (arrival, capacity, backpressure wait, end),
 * `RequestFlow` (classify, route, call, retry, fallback, tools), `ServerCalls` (calls at
 * finite-capacity targets), `Billing` (what each call costs).
 */
export class Simulator {
  private readonly kernel = new Kernel();
  private readonly world: World;
  private readonly requests: Pool<RequestState>;
  private readonly lifecycle: RequestLifecycle;
  private readonly flow: RequestFlow;
  /** The agent loop, for a scenario with `workload.sessions`. */
  private readonly sessions: SessionDriver | null;
  readonly seed: number;
  /** The layers this run has switched on, in `LAYER_NAMES` order. */
  private readonly layersOn: string[];
  /** What a run shortened by `--requests` leaves out, given the span its arrivals took. */
  private readonly cutOff: (horizonMs: number) => string[];

  /** `calls`: where each finished upstream call goes (`run --calls-out`); it never changes the results. */
  constructor(scenario: ParsedScenario, options: RunOptions = {}, calls?: CallLogOptions) {
    const world = buildWorld(scenario, options, this.kernel);
    this.world = world;
    this.seed = world.seed;
    this.layersOn = LAYER_NAMES.filter((name) => scenario.layers[name]?.enabled === true);
    this.cutOff = (horizonMs) => shortenedRunWarnings(scenario, options, horizonMs);
    const requests = new Pool((index) => new RequestState(index, world.targets.length));
    this.requests = requests;
    this.flow = new RequestFlow(world, this.kernel, new Billing(world, calls ? new CallLog(world, this.kernel, calls) : null), requests, (req, outcome) => this.lifecycle.end(req, outcome));
    this.lifecycle = new RequestLifecycle(world, this.kernel, requests, (req) => this.flow.admit(req));
    this.sessions = world.sessions ? new SessionDriver(world, this.kernel, requests, this.lifecycle, this.flow) : null;
    // The timeline samples server queues and open breakers at each bucket edge, before the
    // first event at or past it: the state as the previous bucket left it.
    const timeline = world.metrics.timeline;
    this.kernel.watch(timeline.nextEdgeMs, (nowMs) => {
      timeline.advance(nowMs, this.flow.servers.queued, openBreakers(world.harness));
      return timeline.nextEdgeMs;
    });
  }

  /** Runs to completion: every request arrives and ends (and every server call finishes). */
  run(progress?: RunProgress): RunOutput {
    const { world, lifecycle, sessions } = this;
    lifecycle.start();
    sessions?.start();
    if (progress) {
      while (this.kernel.runFor(PROGRESS_BATCH)) progress(this.fractionDone());
    } else {
      this.kernel.run();
    }
    const lastArrivalMs = sessions ? sessions.lastArrivalMs : lifecycle.lastArrivalMs;
    world.workload.close();
    const servers = this.flow.servers;
    // A shaped load's month is scaled from the span its arrivals actually took.
    const horizonMs = world.workload.shaped ? lastArrivalMs : world.totalRequests / world.workload.ratePerMs;
    const warnings = this.cutOff(horizonMs);
    return {
      metrics: world.metrics,
      layers: layerStats(world.harness),
      layersOn: this.layersOn,
      requests: sessions ? sessions.arrivals : lifecycle.arrivals,
      seed: world.seed,
      horizonMs,
      ...(warnings.length > 0 ? { warnings } : {}),
      // The run's real end: the last request's end or the last server call's, whichever is later
      // (stale timers may fire after both and do not count).
      endMs: Math.max(lifecycle.lastEndMs, servers.lastServiceMs),
      events: this.kernel.scheduled,
      peakInSystem: this.requests.capacity,
      timeline: world.metrics.timeline,
      sampleFraction: world.sampleFraction,
      sampleScale: world.sampleScale,
      disturbances: [
        ...world.workload.disturbances(),
        ...world.targets.flatMap((t) => t.incidents.map((w) => ({ startMs: w.startMs, endMs: w.endMs }))),
      ],
      servers: world.servers.flatMap((server, id) =>
        server ? [{ name: world.targets[id]!.name, peakQueue: server.peakQueue, overflows: server.overflows, overQuota: server.overQuota }] : [],
      ),
      ...(world.sessions ? { sessions: world.sessions.metrics } : {}),
      ...episodeReports(world, Math.max(lifecycle.lastEndMs, servers.lastServiceMs)),
      ...extraCauses(world),
      ...fleetReport(world),
    };
  }

  /** How far the run has got: requests arrived of those it will simulate, or simulated time of the expected span for a replayed trace. */
  private fractionDone(): number {
    const { world, lifecycle, sessions } = this;
    const arrivals = sessions ? sessions.arrivals : lifecycle.arrivals;
    const done = world.totalRequests < Number.MAX_SAFE_INTEGER ? arrivals / world.totalRequests : this.kernel.now() / world.expectedSpanMs;
    return Math.min(1, Math.max(0, done));
  }
}

/** Each target's episodes over [0, endMs), when any target has them (else nothing, so outputs stay as they were). */
function episodeReports(world: World, endMs: number): Pick<RunOutput, 'episodes'> {
  const processes = world.upstream.episodes;
  if (processes.every((p) => p === null)) return {};
  return {
    episodes: processes.map((process, id) => {
      if (process === null) return null;
      const { count, timeMs } = process.summary(endMs);
      return {
        count,
        timeFraction: endMs > 0 ? timeMs / endMs : 0,
        expectedTimeFraction: process.timeFraction,
        impliedErrorRate: impliedErrorRate(world.targets[id]!.errorRate, process.spec),
      };
    }),
  };
}

/** Load-attribution causes beyond the base six this run can make; nothing when none (outputs stay as they were). */
function extraCauses(world: World): Pick<RunOutput, 'extraCauses'> {
  const causes = [...(world.harness.sdk ? (['sdkRetry'] as const) : []), ...(world.harness.hedge ? (['hedge'] as const) : [])];
  return causes.length > 0 ? { extraCauses: causes } : {};
}

/** With more than one client, the stateful layers per client. */
function fleetReport(world: World): Pick<RunOutput, 'fleet'> {
  const clients = world.harness.clients.length;
  if (clients === 1) return {};
  const stats = layerStats(world.harness);
  return { fleet: { clients, spread: world.draws.clients === null ? 'round-robin' : 'random', breakerTripsPerClient: stats.breakerTrips / clients, retryBudgetDeniedPerClient: stats.retryBudgetDenied / clients } };
}

/** Runs one scenario and returns the raw output; `progress` hears how far it has got between batches of events. */
export function simulate(scenario: ParsedScenario, options: RunOptions = {}, progress?: RunProgress, calls?: CallLogOptions): RunOutput {
  return new Simulator(scenario, options, calls).run(progress);
}
