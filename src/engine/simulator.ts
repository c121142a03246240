import type { RunOptions, RunOutput } from '../metrics/run-output.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { impliedErrorRate } from '../upstream/episodes.js';
import { Billing } from './billing.js';
import { buildWorld, type World } from './build.js';
import { layerStats, openBreakers } from './harness.js';
import { Kernel } from './kernel.js';
import { RequestLifecycle } from './lifecycle.js';
import { Pool } from './pool.js';
import { RequestFlow } from './request-flow.js';
import { RequestState } from './request-state.js';

export { CALL_CAUSE_NAMES, CallCause, type LayerStats, type RunOptions, type RunOutput } from '../metrics/run-output.js';

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
  readonly seed: number;

  constructor(scenario: ParsedScenario, options: RunOptions = {}) {
    const world = buildWorld(scenario, options, this.kernel);
    this.world = world;
    this.seed = world.seed;
    const requests = new Pool((index) => new RequestState(index, world.targets.length));
    this.requests = requests;
    this.flow = new RequestFlow(world, this.kernel, new Billing(world), requests, (req, outcome) => this.lifecycle.end(req, outcome));
    this.lifecycle = new RequestLifecycle(world, this.kernel, requests, (req) => this.flow.admit(req));
    // The timeline samples server queues and open breakers at each bucket edge, before the
    // first event at or past it: the state as the previous bucket left it.
    const timeline = world.metrics.timeline;
    this.kernel.watch(timeline.nextEdgeMs, (nowMs) => {
      timeline.advance(nowMs, this.flow.servers.queued, openBreakers(world.harness));
      return timeline.nextEdgeMs;
    });
  }

  /** Runs to completion: every request arrives and ends (and every server call finishes). */
  run(): RunOutput {
    const { world, lifecycle } = this;
    lifecycle.start();
    this.kernel.run();
    world.workload.close();
    const servers = this.flow.servers;
    return {
      metrics: world.metrics,
      layers: layerStats(world.harness),
      requests: lifecycle.arrivals,
      seed: world.seed,
      // A shaped load's month is scaled from the span its arrivals actually took.
      horizonMs: world.workload.shaped ? lifecycle.lastArrivalMs : world.totalRequests / world.workload.ratePerMs,
      // The run's real end: the last request's end or the last server call's, whichever is later
      // (stale timers may fire after both and do not count).
      endMs: Math.max(lifecycle.lastEndMs, servers.lastServiceMs),
      events: this.kernel.scheduled,
      peakInSystem: this.requests.capacity,
      timeline: world.metrics.timeline,
      sampleFraction: world.sampleFraction,
      disturbances: [
        ...world.workload.disturbances(),
        ...world.targets.flatMap((t) => t.incidents.map((w) => ({ startMs: w.startMs, endMs: w.endMs }))),
      ],
      servers: world.servers.flatMap((server, id) =>
        server ? [{ name: world.targets[id]!.name, peakQueue: server.peakQueue, overflows: server.overflows, overQuota: server.overQuota }] : [],
      ),
      ...episodeReports(world, Math.max(lifecycle.lastEndMs, servers.lastServiceMs)),
      ...extraCauses(world),
      ...fleetReport(world),
    };
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

/** Runs one scenario and returns the raw output. */
export function simulate(scenario: ParsedScenario, options: RunOptions = {}): RunOutput {
  return new Simulator(scenario, options).run();
}
