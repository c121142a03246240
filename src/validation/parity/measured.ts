import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { DIFFICULTY_NAMES } from '../../layers/router.js';
import { RandomStreams } from '../../random/random.js';
import { HttpStatusError } from '../../runtime/classify-error.js';
import { configFromScenario } from '../../runtime/config.js';
import type { HarnessMetrics, LatencySummary } from '../../runtime/counters.js';
import { LatencyRecorder } from '../../runtime/latency.js';
import { createHarness, type AttemptContext } from '../../runtime/harness.js';
import { scaledTimers } from '../../runtime/timers.js';
import type { ParsedScenario } from '../../scenario/schema.js';
import { Workload, type RequestDraw } from '../../workload/workload.js';
import { startUpstreamServer } from './upstream-server.js';

/** Requests of the discarded run that warms a process up before its first measured run. */
const WARM_UP_REQUESTS = 300;

/** What one real run measured. */
export interface MeasuredRun {
  requests: number;
  /** The harness's own counters, in scenario milliseconds (latency as the caller saw it, transport included). */
  metrics: HarnessMetrics;
  /**
   * Request latency less the transport time of its calls (each call's time beyond what the
   * server meant it to take): the latency the layers and the upstream made, which is what the
   * simulator models. All requests, and successful ones only.
   */
  latencyMs: LatencySummary;
  successLatencyMs: LatencySummary;
  /**
   * Time a call took beyond what the server meant it to take (sockets, HTTP parsing, timer
   * lateness), in scenario ms: the timing noise the latency tolerances allow for.
   */
  callOverheadMs: { mean: number; p50: number; p95: number; p99: number };
  /** How late timers fired (measured on the arrival timers), in scenario ms: what a retry wait may overrun. */
  timerLatenessMs: { mean: number; p50: number; p95: number; p99: number };
  /** Real time the run took, in ms. */
  wallMs: number;
}

export interface MeasureOptions {
  /** Requests to send (the first N arrivals at the scenario's rate). */
  requests: number;
  /** Seed of the arrivals, request draws and upstream outcomes. */
  seed: number;
  /** Real ms per scenario ms: 0.02 plays one scenario second in 20 ms. */
  scale: number;
}

/** A request of the parity workload: its index and the attributes the simulator drew for it. */
interface ParityRequest extends RequestDraw {
  index: number;
}

/**
 * Sends the scenario's workload through `createHarness` to a real HTTP upstream that plays
 * the scenario's models (`upstream-server.ts`), on a clock scaled by `scale`: arrivals at the
 * scenario's times (the simulator's own `Workload`, so bursts and tenants are the same
 * process), each request through the scenario's layers with real sockets, timers and
 * `fetch`, the serial of each call to a model sent along so the server draws its outcome.
 */
export async function measure(scenario: ParsedScenario, options: MeasureOptions): Promise<MeasuredRun> {
  if (Object.keys(scenario.workload.tools).length > 0) throw new RangeError('parity: scenarios with tools are not measured (model calls only)');
  if (!warmedUp) {
    // Once per process, a discarded run of the same pipeline first. Cold, Node's HTTP client
    // and server code (and the harness's own) are slow enough to skew the first run: on a busy
    // 2-core machine a fresh process's first localhost round trips took 100-170 ms at the
    // median against 1-4 ms once warm, which at 1 scenario second = 20 ms is several scenario
    // seconds of transport per call.
    warmedUp = true;
    await measure(scenario, { ...options, requests: Math.min(WARM_UP_REQUESTS, options.requests) });
  }
  const started = performance.now();
  const timers = scaledTimers(options.scale);
  const server = await startUpstreamServer(scenario, options.seed, timers);
  const routing = scenario.layers.routing?.enabled ? scenario.layers.routing : undefined;
  const streams = new RandomStreams(options.seed);
  const workload = new Workload(scenario, streams);
  const prefixTokens = scenario.workload.prompt.prefix.reduce((sum, layer) => sum + layer.tokens, 0);
  const harness = await createHarness<ParityRequest>(configFromScenario(scenario, scenario.name ?? 'scenario'), {
    timers,
    random: streams.stream('retry-jitter'),
    key: (r) => workload.tenantNames[r.tenant]!,
    tokens: (r) => prefixTokens + r.inputTokens + r.outputTokens,
    // The simulator's router without a classifier is an oracle: the request's true tier.
    ...(routing?.tiers ? { classify: (r: ParityRequest) => DIFFICULTY_NAMES[r.difficulty]! } : {}),
  });
  const overheads: number[] = [];
  // Keep-alive sockets, as an SDK's HTTP client keeps them.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const lateness: number[] = [];

  const latency = new LatencyRecorder();
  const successLatency = new LatencyRecorder();

  const send = async (request: ParityRequest): Promise<void> => {
    const serials = new Map<string, number>();
    let transportMs = 0;
    const attempt = async (ctx: AttemptContext): Promise<string> => {
      const serial = serials.get(ctx.model) ?? 0;
      serials.set(ctx.model, serial + 1);
      const sentMs = timers.now();
      const headers = {
        'x-target': ctx.model,
        'x-request': String(request.index),
        'x-serial': String(serial),
        'x-input-tokens': String(prefixTokens + request.inputTokens),
        'x-output-tokens': String(request.outputTokens),
        'x-sent-at': String(sentMs),
      };
      const response = await post(server.url, headers, agent, ctx.signal);
      const overhead = timers.now() - sentMs - Number(response.headers['x-sim-latency-ms']);
      overheads.push(overhead);
      transportMs += overhead;
      if (response.status !== 200) throw new HttpStatusError(response.status, new Headers(response.headers as Record<string, string>), safeJson(response.body));
      return response.body;
    };
    const startMs = timers.now();
    const ok = await harness.call(request, attempt).then(
      () => true,
      () => false,
    );
    const ms = Math.max(0, timers.now() - startMs - transportMs);
    latency.record(ms);
    if (ok) successLatency.record(ms);
  };

  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    let index = 0;
    let nextMs = workload.nextArrivalMs(0);
    // One timer at a time: at each firing, send every arrival now due, then wait for the next.
    const fire = () => {
      const now = timers.now();
      while (index < options.requests && nextMs <= now) {
        lateness.push(now - nextMs);
        const draw: RequestDraw = { tenant: 0, difficulty: 0, inputTokens: 0, outputTokens: 0 };
        workload.draw(draw, nextMs);
        inFlight.push(send({ ...draw, index: index++ }));
        if (index < options.requests) nextMs = workload.nextArrivalMs(nextMs);
      }
      if (index >= options.requests) resolve();
      else timers.setTimer(fire, nextMs - now);
    };
    timers.setTimer(fire, nextMs);
  });
  await Promise.all(inFlight);
  agent.destroy();
  await server.close();
  const sorted = overheads.sort((a, b) => a - b);
  const late = lateness.sort((a, b) => a - b);
  const at = (xs: number[], p: number) => (xs.length === 0 ? 0 : xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!);
  return {
    requests: options.requests,
    metrics: harness.metrics(),
    latencyMs: summary(latency),
    successLatencyMs: summary(successLatency),
    callOverheadMs: { mean: meanOf(sorted), p50: at(sorted, 0.5), p95: at(sorted, 0.95), p99: at(sorted, 0.99) },
    timerLatenessMs: { mean: meanOf(late), p50: at(late, 0.5), p95: at(late, 0.95), p99: at(late, 0.99) },
    wallMs: performance.now() - started,
  };
}

let warmedUp = false;

/** One POST over `node:http` (lighter than `fetch`, so the client's own CPU adds less timing noise). */
function post(url: string, headers: Record<string, string>, agent: Agent, signal: AbortSignal): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers, agent, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function summary(recorder: LatencyRecorder): LatencySummary {
  return { p50: recorder.percentileMs(50), p95: recorder.percentileMs(95), p99: recorder.percentileMs(99), mean: recorder.meanMs };
}

function meanOf(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
