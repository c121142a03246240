import { CallCause } from '../metrics/run-output.js';
import { RandomStreams, type KeyedUniform } from '../random/random.js';
import type { CallOutCause, SimulatedCall } from '../telemetry/calls-out-format.js';
import type { TelemetryErrorKind } from '../telemetry/call-record.js';
import { Outcome } from '../upstream/outcome.js';
import type { World } from './build.js';
import { Permit } from '../layers/breaker.js';
import type { RequestState } from './request-state.js';

/** Receives each finished upstream call of a run (`run --calls-out`); the record is reused: copy what you keep. */
export type CallSink = (call: Readonly<SimulatedCall>) => void;

/** What to log: every call to `sink`, or those of a seeded `sample` fraction of requests (or sessions). */
export interface CallLogOptions {
  sink: CallSink;
  /** Keep the calls of this fraction of requests (whole sessions with `workload.sessions`); 1 keeps all. */
  sample?: number;
}

/** Error kind by `Outcome` code; `open` never reaches the upstream, so it is never logged. */
const ERROR_KIND: readonly (TelemetryErrorKind | null)[] = [null, '429', '503', 'timeout', '400', null, '529', '500', 'quota'];

/** `CallCause` code (metrics/run-output.ts) to the cause `--calls-out` writes. */
const CAUSE: readonly CallOutCause[] = ['first', 'retry', 'fallback', 'quality-fallback', 'probe', 'classifier', 'sdk-retry', 'hedge'];

/**
 * Turns the engine's finished calls into `SimulatedCall` records for a sink. Called by
 * `Billing` when a call is billed (every model, classifier, hedge and tool call ends there),
 * so a call is logged once, when it ends, with what it billed. Reads only the clock and the
 * request; draws nothing from the run's streams (sampling has its own keyed stream), so the
 * run's results are the same with or without a log.
 */
export class CallLog {
  private readonly record: SimulatedCall = {
    kind: 'model', target: '', startMs: 0, durationMs: 0, error: null, billed: false, inputTokens: 0, outputTokens: 0,
    cacheReadTokens: 0, cacheWriteTokens: 0, retryAfterMs: 0, tenant: '', client: 0, requestId: -1, sessionId: -1, turn: 0, attempt: 1, cause: 'first',
  };
  private readonly sample: number;
  private readonly sampling: KeyedUniform;

  constructor(
    private readonly world: World,
    private readonly clock: { now(): number },
    private readonly options: CallLogOptions,
  ) {
    this.sample = options.sample ?? 1;
    this.sampling = new RandomStreams(world.seed).keyed('calls-sample');
  }

  /** Whether the calls of request (or session) `key` are kept. */
  private keeps(key: number): boolean {
    return this.sample >= 1 || this.sampling.at(key, 0, 0) < this.sample;
  }

  /** A model call of `req` just answered (`req.callOutcome`, `req.callLatencyMs`); `billed` tokens were charged. */
  modelCall(req: RequestState, outcome: number, billed: boolean, cacheRead: number, cacheWrite: number): void {
    const cause = req.sdkRetries > 0 ? CallCause.SdkRetry : req.permit === Permit.Probe && this.world.harness.clients[req.client]!.breakers !== null ? CallCause.Probe : req.callCause;
    this.emit(req, req.target, outcome, req.callLatencyMs, req.callRetryAfterMs, billed, cacheRead, cacheWrite, CAUSE[cause]!, req.attempt);
  }

  classifierCall(req: RequestState, outcome: number, inputTokens: number, outputTokens: number): void {
    const r = this.fill(req, this.world.harness.classifier!.modelId, outcome, req.callLatencyMs, req.callRetryAfterMs, 'classifier', 1);
    if (r === null) return;
    r.billed = outcome === Outcome.Success || outcome === Outcome.Timeout;
    r.inputTokens = inputTokens;
    r.outputTokens = outputTokens;
    this.options.sink(r);
  }

  hedgeCall(req: RequestState, targetId: number, outcome: number, latencyMs: number, billed: boolean, cacheRead: number, cacheWrite: number): void {
    this.emit(req, targetId, outcome, latencyMs, 0, billed, cacheRead, cacheWrite, 'hedge', req.attempt);
  }

  /** A call abandoned to a hedge's answer finished at the provider; nobody waits for it. */
  abandonedCall(call: { target: number; outcome: number; latencyMs: number; tokens: number; tenant: number; request: number; sessionKey: number }, inputTokens: number, outputTokens: number): void {
    if (!this.keeps(call.sessionKey >= 0 ? call.sessionKey : call.request)) return;
    const r = this.record;
    this.base(r, call.target, call.outcome, call.latencyMs, 0);
    r.billed = call.tokens > 0;
    r.inputTokens = inputTokens;
    r.outputTokens = outputTokens;
    r.cacheReadTokens = 0;
    r.cacheWriteTokens = 0;
    r.tenant = this.world.workload.tenantNames[call.tenant] ?? '';
    r.client = 0;
    r.requestId = call.request;
    r.sessionId = call.sessionKey;
    r.turn = 0;
    r.attempt = 1;
    r.cause = 'abandoned';
    this.options.sink(r);
  }

  /** A tool call of `req` just answered. */
  toolCall(req: RequestState, outcome: number): void {
    const r = this.fill(req, req.target, outcome, req.callLatencyMs, req.callRetryAfterMs, req.attempt > 1 ? 'retry' : 'first', req.attempt);
    if (r === null) return;
    r.billed = false;
    this.options.sink(r);
  }

  private emit(req: RequestState, target: number, outcome: number, latencyMs: number, retryAfterMs: number, billed: boolean, cacheRead: number, cacheWrite: number, cause: CallOutCause, attempt: number): void {
    const r = this.fill(req, target, outcome, latencyMs, retryAfterMs, cause, attempt);
    if (r === null) return;
    r.billed = billed;
    // OpenTelemetry counts the whole prompt as input: prefix (or conversation) and request, cached or not.
    r.inputTokens = this.world.prefixTokens + req.inputTokens;
    r.outputTokens = req.outputTokens;
    r.cacheReadTokens = cacheRead;
    r.cacheWriteTokens = cacheWrite;
    this.options.sink(r);
  }

  /** The record filled with the request's facts, or null when sampling drops its request. */
  private fill(req: RequestState, target: number, outcome: number, latencyMs: number, retryAfterMs: number, cause: CallOutCause, attempt: number): SimulatedCall | null {
    const session = req.session;
    if (!this.keeps(session !== null ? session.session : req.request)) return null;
    const r = this.record;
    this.base(r, target, outcome, latencyMs, retryAfterMs);
    r.tenant = this.world.workload.tenantNames[req.tenant] ?? '';
    r.client = req.client;
    r.requestId = req.request;
    r.sessionId = session !== null ? session.session : -1;
    r.turn = session !== null ? session.turn : 0;
    r.attempt = Math.max(1, attempt);
    r.cause = cause;
    r.inputTokens = 0;
    r.outputTokens = 0;
    r.cacheReadTokens = 0;
    r.cacheWriteTokens = 0;
    return r;
  }

  /** Target, times and error: the call started `latencyMs` before now. */
  private base(r: SimulatedCall, target: number, outcome: number, latencyMs: number, retryAfterMs: number): void {
    const now = this.clock.now();
    const modelCount = this.world.modelCount;
    r.kind = target < modelCount ? 'model' : 'tool';
    r.target = this.world.targets[target]!.name;
    r.startMs = now - latencyMs;
    r.durationMs = latencyMs;
    r.error = ERROR_KIND[outcome] ?? null;
    r.retryAfterMs = r.error === null ? 0 : retryAfterMs;
  }
}

