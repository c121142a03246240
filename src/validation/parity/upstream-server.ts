import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { targetConfigs } from '../../engine/build.js';
import { RandomStreams } from '../../random/random.js';
import type { Timers } from '../../runtime/timers.js';
import type { ParsedScenario } from '../../scenario/schema.js';
import { Outcome } from '../../upstream/outcome.js';
import { CapacityServer, ServerAdmission } from '../../upstream/server.js';
import { attachIncidents, Target, Upstream, type CallResult } from '../../upstream/upstream.js';

/** The HTTP status each error outcome answers with (a timeout answers 504 after `timeoutAfter`). */
const STATUS: Record<number, number> = {
  [Outcome.RateLimited]: 429,
  [Outcome.Unavailable]: 503,
  [Outcome.Timeout]: 504,
  [Outcome.BadRequest]: 400,
  [Outcome.Overloaded]: 529,
  [Outcome.ApiError]: 500,
  [Outcome.Quota]: 429,
};

/** A scenario's upstream served over real HTTP on localhost. */
export interface UpstreamServer {
  /** `http://127.0.0.1:<port>/`: POST with `x-target`, `x-request` and `x-serial` headers. */
  readonly url: string;
  /** Calls answered so far. */
  readonly calls: number;
  close(): Promise<void>;
}

/**
 * A real `node:http` server that plays the scenario's models as the simulator's upstream
 * model describes them: each call's outcome, error kind and latency come from the same
 * `Upstream` (error rate and mix, incidents, error episodes, latency distributions), keyed
 * by (request, target, serial) from the request headers; a model with `capacity` queues
 * calls at a `CapacityServer` (tokens from `x-input-tokens` / `x-output-tokens`). A call is
 * timed from `x-sent-at`, the client's send time on the shared clock, when it is given. Time is the `timers`' clock (scaled in the parity check), and
 * every duration in a response (`retry-after-ms`, `x-sim-latency-ms`) is in that clock's ms.
 *
 * Errors answer as a provider would: 429 with `retry-after-ms` and `retry-after`, 529, 500,
 * 503, 400, a quota 429 with `insufficient_quota` in the body, and a timeout as a 504 after
 * the target's `timeoutAfter` (unless the client gave up first).
 */
export async function startUpstreamServer(scenario: ParsedScenario, seed: number, timers: Timers): Promise<UpstreamServer> {
  const modelNames = Object.keys(scenario.upstream.models);
  const configs = targetConfigs(scenario).slice(0, modelNames.length);
  const targets = configs.map((config, id) => new Target(modelNames[id]!, config));
  attachIncidents(targets, scenario.upstream.incidents);
  const upstream = new Upstream(targets, new RandomStreams(seed));
  const servers = configs.map((c) => (c.capacity ? new CapacityServer(timers, { concurrency: c.capacity.concurrency, queue: c.capacity.queue, rpm: c.capacity.rpm, itpm: c.capacity.itpm, otpm: c.capacity.otpm }) : null));
  // Calls waiting at a capacity server, by call id: started when `finish` hands them a slot.
  const queued = new Map<number, () => void>();
  let nextCallId = 0;
  let calls = 0;

  const answer = (res: ServerResponse, result: CallResult, target: number) => {
    if (res.destroyed || res.writableEnded) return;
    calls++;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-sim-latency-ms': String(result.latencyMs) };
    if (result.outcome === Outcome.Success) {
      res.writeHead(200, headers).end('{"content":"ok"}');
      return;
    }
    if (result.retryAfterMs > 0) {
      headers['retry-after-ms'] = String(result.retryAfterMs);
      headers['retry-after'] = String(Math.ceil(result.retryAfterMs / 1000));
    }
    const type = result.outcome === Outcome.Quota ? 'insufficient_quota' : result.outcome === Outcome.Overloaded ? 'overloaded_error' : 'error';
    res.writeHead(STATUS[result.outcome] ?? 500, headers).end(JSON.stringify({ error: { type, code: type, target: targets[target]!.name } }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const target = modelNames.indexOf(String(req.headers['x-target'] ?? ''));
    const request = Number(req.headers['x-request']);
    const serial = Number(req.headers['x-serial']);
    if (target < 0 || !Number.isInteger(request) || !Number.isInteger(serial)) {
      res.writeHead(400).end('{"error":{"type":"invalid_request_error"}}');
      return;
    }
    const result: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };
    // Client and server share one clock here, so the call is timed from when the client sent
    // it (`x-sent-at`): the request's way over the socket is absorbed into the call's latency.
    const sentAt = Number(req.headers['x-sent-at']);
    const startMs = Number.isFinite(sentAt) ? Math.min(sentAt, timers.now()) : timers.now();
    const after = (ms: number) => Math.max(0, startMs + ms - timers.now());
    upstream.call(target, request, serial, startMs, result);
    const server = servers[target];
    // As in the simulator, a drawn failure answers without taking a server slot; a success queues for one.
    if (server === null || result.outcome !== Outcome.Success) {
      timers.setTimer(() => answer(res, result, target), after(result.latencyMs));
      return;
    }
    const id = nextCallId++;
    const serviceMs = result.latencyMs;
    const serve = (ms: number) =>
      timers.setTimer(() => {
        const next = server.finish();
        if (next >= 0) queued.get(next)!();
        queued.delete(next);
        answer(res, { outcome: Outcome.Success, latencyMs: timers.now() - startMs, retryAfterMs: 0 }, target);
      }, ms);
    const admission = server.admit(id, Number(req.headers['x-input-tokens'] ?? 0), Number(req.headers['x-output-tokens'] ?? 0));
    if (admission === ServerAdmission.Started) serve(after(serviceMs));
    else if (admission === ServerAdmission.Queued) queued.set(id, () => serve(serviceMs));
    else {
      const overQuota = admission === ServerAdmission.OverQuota;
      const overflow = configs[target]!.capacity!.overflow === '503' ? Outcome.Unavailable : Outcome.RateLimited;
      const refusal: CallResult = {
        outcome: overQuota ? Outcome.RateLimited : overflow,
        latencyMs: targets[target]!.errorLatency.quantile(0.5),
        retryAfterMs: overQuota ? server.retryAfterMs : targets[target]!.retryAfterMs,
      };
      timers.setTimer(() => answer(res, refusal, target), after(refusal.latencyMs));
    }
  };

  const http = createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, handle);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
