import { Admission } from '../layers/backpressure.js';
import { Permit } from '../layers/breaker.js';
import { Difficulty } from '../layers/router.js';
import type { Clock, RandomSource } from '../layers/types.js';
import { MetricsCollector, RequestOutcome } from '../metrics/collector.js';
import { DEFAULT_TOOL_CONFIG, type ParsedScenario } from '../scenario/schema.js';
import { Outcome } from '../upstream/outcome.js';
import { attachIncidents, Target, Upstream, type CallResult } from '../upstream/upstream.js';
import { Workload, type RequestDraw } from '../workload/workload.js';
import { makeDistribution, type Distribution } from '../random/distributions.js';
import { EventQueue } from './event-queue.js';
import { buildHarness, type Harness } from './harness.js';
import { KeyedUniform, RandomStreams } from '../random/random.js';
import { Phase, RequestState } from './request-state.js';
import { CallState } from './call-state.js';
import { Pool } from './pool.js';
import { CallPricing } from './pricing.js';
import { CapacityServer, ServerAdmission } from '../upstream/server.js';
import { Timeline } from '../metrics/timeline.js';
import { scaleForSample } from './sampling.js';
import { CallCause, type LayerStats, type RunOptions, type RunOutput } from '../metrics/run-output.js';

export { CALL_CAUSE_NAMES, CallCause, type LayerStats, type RunOptions, type RunOutput } from '../metrics/run-output.js';

/** Event kinds. Small integers, dispatched by one switch. */
const EventKind = {
  Arrival: 0,
  CallDone: 1,
  RetryDue: 2,
  QueueDeadline: 3,
  Admit: 4,
  /** A finite-capacity server finished a call (a = call id, b = call generation). */
  ServiceDone: 5,
  /** The client's timeout for a call at a finite-capacity server fired (a = call id, b = call generation). */
  ClientTimeout: 6,
} as const;

/** Keyed-draw serial reserved for the classifier call, apart from the request's own calls. */
const CLASSIFIER_SERIAL = 1 << 20;

/**
 * The discrete-event simulation of one scenario: arrivals feed requests through the
 * harness layers to the upstream, in virtual time. Nothing here reads the wall clock,
 * creates a Promise or allocates per event once the pools are warm.
 */
export class Simulator implements Clock {
  private time = 0;
  private readonly queue = new EventQueue();
  private readonly pool: Pool<RequestState>;
  private readonly workload: Workload;
  private readonly upstream: Upstream;
  private readonly metrics: MetricsCollector;
  private readonly harness: Harness;
  private readonly draw: RequestDraw = { tenant: 0, difficulty: 0, inputTokens: 0, outputTokens: 0 };
  private readonly call: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };
  private readonly jitterRandom: RandomSource;
  private readonly toolRandom: RandomSource;
  private readonly toolProbabilities: Float64Array;
  private readonly classifierLatency: Distribution | null;
  private readonly classifierLatencyDraw: KeyedUniform;
  /** Keyed draws for the classifier's verdict (request, 0, 0) and each model's eval check (request, 1, model). */
  private readonly routingDraw: KeyedUniform;
  private readonly defaultTargets: readonly number[];
  private readonly modelCount: number;
  private readonly tenantCount: number;
  private readonly prefixTokens: number;
  private readonly pricing: CallPricing;
  private readonly totalRequests: number;
  private arrivals = 0;
  private lastArrivalMs = 0;
  /** When the last request ended or a server last finished work: the run's real end (stale timers may fire later). */
  private lastWorkMs = 0;
  /** Finite-capacity servers by target id; null = infinite capacity (independent failures only). */
  private readonly servers: (CapacityServer | null)[];
  private readonly overflowOutcome: number[];
  /** Client timeout per target id in ms; Infinity = none. */
  private readonly timeoutMs: Float64Array;
  private readonly calls = new Pool((index) => new CallState(index));
  private readonly timeline: Timeline;
  private queuedAtServers = 0;
  readonly seed: number;

  private readonly sampleFraction: number;

  constructor(scenarioAsWritten: ParsedScenario, options: RunOptions = {}) {
    this.sampleFraction = options.sample ?? 1;
    const scenario = scaleForSample(scenarioAsWritten, this.sampleFraction);
    this.seed = options.seed ?? scenario.seed;
    const streams = new RandomStreams(this.seed);
    this.workload = new Workload(scenario, streams);
    const modelNames = Object.keys(scenario.upstream.models);
    const toolNames = Object.keys(scenario.workload.tools);
    const targets = [
      ...modelNames.map((name) => new Target(name, scenario.upstream.models[name]!)),
      ...toolNames.map((name) => new Target(name, scenario.upstream.tools[name] ?? DEFAULT_TOOL_CONFIG)),
    ];
    attachIncidents(targets, scenario.upstream.incidents);
    this.upstream = new Upstream(targets, streams);
    this.pool = new Pool((index) => new RequestState(index, targets.length));
    this.modelCount = modelNames.length;
    this.tenantCount = this.workload.tenantNames.length;
    this.metrics = new MetricsCollector(modelNames, this.workload.tenantNames, toolNames);
    this.harness = buildHarness(scenario, this, streams, { models: modelNames, tools: toolNames, tenants: this.workload.tenantNames });
    const defaultModel = scenario.upstream.defaultModel ? modelNames.indexOf(scenario.upstream.defaultModel) : 0;
    this.defaultTargets = Object.freeze([defaultModel]);
    this.totalRequests =
      options.requests !== undefined ? Math.max(1, Math.round(options.requests * this.sampleFraction)) : scenario.workload.requests;
    this.prefixTokens = scenario.workload.prompt.prefix.reduce((sum, layer) => sum + layer.tokens, 0);
    this.pricing = new CallPricing(this.prefixTokens, this.harness.cache, this.harness.cachePerTenant, this.tenantCount, this.metrics);
    this.toolProbabilities = Float64Array.from(Object.values(scenario.workload.tools));
    this.toolRandom = streams.stream('tools');
    this.jitterRandom = streams.stream('retry-jitter');
    const classifier = scenario.layers.routing?.enabled ? scenario.layers.routing.classifier : undefined;
    this.classifierLatency = classifier ? makeDistribution(classifier.latency) : null;
    this.classifierLatencyDraw = streams.keyed('classifier-latency');
    this.routingDraw = streams.keyed('routing-verdicts');

    const targetConfigs = [...modelNames.map((n) => scenario.upstream.models[n]!), ...toolNames.map((n) => scenario.upstream.tools[n] ?? DEFAULT_TOOL_CONFIG)];
    this.servers = targetConfigs.map((config) =>
      config.capacity ? new CapacityServer(this, { concurrency: config.capacity.concurrency, queue: config.capacity.queue, rpm: config.capacity.rpm, itpm: config.capacity.itpm, otpm: config.capacity.otpm }) : null,
    );
    this.overflowOutcome = targetConfigs.map((config) => (config.capacity?.overflow === '503' ? Outcome.Unavailable : Outcome.RateLimited));
    const timeout = scenario.layers.timeout?.enabled ? scenario.layers.timeout.after : Infinity;
    this.timeoutMs = Float64Array.from(targetConfigs.map((config) => config.timeout ?? timeout));
    this.timeline = new Timeline(this.workload.shaped ? scenario.duration : this.totalRequests / this.workload.ratePerMs);
  }

  /** Virtual time in ms: the clock every layer is given. */
  now(): number {
    return this.time;
  }

  /** Runs to completion: every request arrives and ends. */
  run(): RunOutput {
    if (this.totalRequests > 0) this.queue.push(this.workload.nextArrivalMs(0), EventKind.Arrival, 0, 0);
    const queue = this.queue;
    const timeline = this.timeline;
    while (queue.pop()) {
      this.time = queue.time;
      if (this.time >= timeline.nextEdgeMs) timeline.advance(this.time, this.queuedAtServers, this.openBreakers());
      switch (queue.kind) {
        case EventKind.Arrival:
          this.onArrival();
          break;
        case EventKind.CallDone:
          this.onCallDone(queue.a, queue.b);
          break;
        case EventKind.RetryDue:
          this.onRetryDue(queue.a, queue.b);
          break;
        case EventKind.QueueDeadline:
          this.onQueueDeadline(queue.a, queue.b);
          break;
        case EventKind.Admit:
          this.onAdmit(queue.a, queue.b);
          break;
        case EventKind.ServiceDone:
          this.onServiceDone(queue.a, queue.b);
          break;
        case EventKind.ClientTimeout:
          this.onClientTimeout(queue.a, queue.b);
          break;
      }
    }
    return {
      metrics: this.metrics,
      layers: this.layerStats(),
      requests: this.totalRequests,
      seed: this.seed,
      // A shaped load's month is scaled from the span its arrivals actually took.
      horizonMs: this.workload.shaped ? this.lastArrivalMs : this.totalRequests / this.workload.ratePerMs,
      endMs: this.lastWorkMs,
      events: queue.scheduled,
      peakInSystem: this.pool.capacity,
      timeline: this.timeline,
      sampleFraction: this.sampleFraction,
      disturbances: [
        ...this.workload.disturbances(),
        ...this.upstream.targets.flatMap((t) => t.incidents.map((w) => ({ startMs: w.startMs, endMs: w.endMs }))),
      ],
      servers: this.servers.flatMap((server, id) =>
        server ? [{ name: this.upstream.targets[id]!.name, peakQueue: server.peakQueue, overflows: server.overflows, overQuota: server.overQuota }] : [],
      ),
    };
  }

  private openBreakers(): number {
    const breakers = this.harness.breakers;
    if (breakers === null) return 0;
    let open = 0;
    for (let i = 0; i < breakers.length; i++) if (breakers[i]!.state !== 'closed') open++;
    return open;
  }

  // --- Arrival and admission ------------------------------------------------------------

  private onArrival(): void {
    const index = this.arrivals++;
    this.lastArrivalMs = this.time;
    if (this.arrivals < this.totalRequests) {
      this.queue.push(this.workload.nextArrivalMs(this.time), EventKind.Arrival, 0, 0);
    }
    this.timeline.offered[this.timeline.current]!++;
    const req = this.pool.acquire();
    this.workload.draw(this.draw, this.time);
    req.request = index;
    req.arrivalMs = this.time;
    req.tenant = this.draw.tenant;
    req.difficulty = this.draw.difficulty;
    req.label = this.draw.difficulty;
    req.inputTokens = this.draw.inputTokens;
    req.outputTokens = this.draw.outputTokens;
    req.toolMask = this.drawTools();

    // Capacity: per-key quota, then token budget, then the bounded queue.
    const h = this.harness;
    if (h.perKey !== null && !h.perKey.tryTake(h.perKeyIds[req.tenant]!)) return this.finish(req, RequestOutcome.Rejected);
    if (h.tokenBudget !== null && !h.tokenBudget.tryTake(this.prefixTokens + req.inputTokens + req.outputTokens)) {
      return this.finish(req, RequestOutcome.Rejected);
    }
    if (h.backpressure !== null) {
      const admission = h.backpressure.tryEnter(req.slot);
      if (admission === Admission.Rejected) return this.finish(req, RequestOutcome.Rejected);
      if (admission === Admission.Queued) {
        req.phase = Phase.Queued;
        this.queue.push(this.time + h.backpressureMaxWaitMs, EventKind.QueueDeadline, req.slot, req.generation);
        return;
      }
      req.holdsSlot = true;
    }
    this.admit(req);
  }

  private drawTools(): number {
    const p = this.toolProbabilities;
    let mask = 0;
    for (let i = 0; i < p.length; i++) if (this.toolRandom() < p[i]!) mask |= 1 << i;
    return mask;
  }

  private onQueueDeadline(slot: number, generation: number): void {
    const req = this.pool.get(slot);
    if (req.generation !== generation || req.phase !== Phase.Queued) return;
    if (this.harness.backpressure!.cancel(req.slot)) this.finish(req, RequestOutcome.Rejected);
  }

  private onAdmit(slot: number, generation: number): void {
    const req = this.pool.get(slot);
    if (req.generation !== generation) return;
    this.admit(req);
  }

  /** Past admission: classify (if a classifier is configured) and route. */
  private admit(req: RequestState): void {
    const classifier = this.harness.classifier;
    if (classifier !== null) {
      req.phase = Phase.Classifying;
      req.target = classifier.modelId;
      this.metrics.callsByCause[CallCause.Classifier]!++;
      this.timeline.upstreamCalls[this.timeline.current]!++;
      this.upstream.call(classifier.modelId, req.request, CLASSIFIER_SERIAL, this.time, this.call);
      req.callOutcome = this.call.outcome;
      req.callLatencyMs =
        this.call.outcome === Outcome.Success
          ? this.classifierLatency!.quantile(this.classifierLatencyDraw.at(req.request, 0, 0))
          : this.call.latencyMs;
      this.queue.push(this.time + req.callLatencyMs, EventKind.CallDone, req.slot, req.generation);
      return;
    }
    this.route(req, this.harness.router?.classify(req.difficulty, this.routingDraw.at(req.request, 0, 0)) ?? req.difficulty);
  }

  private route(req: RequestState, label: number): void {
    req.label = label;
    req.targets = this.harness.router?.targets(label) ?? this.defaultTargets;
    req.targetPosition = 0;
    req.attempt = 0;
    req.previousDelayMs = 0;
    req.phase = Phase.Model;
    req.target = req.targets[0]!;
    req.callCause = CallCause.First;
    this.startCall(req);
  }

  // --- Calls ----------------------------------------------------------------------------

  /** Sends the request's next call to `req.target`, unless its breaker is open. */
  private startCall(req: RequestState): void {
    const h = this.harness;
    if (h.breakers !== null) {
      req.permit = h.breakers[req.target]!.tryAcquire();
      if (req.permit === Permit.Denied) {
        this.metrics.shortCircuited++;
        this.onCallFailed(req, Outcome.Open);
        return;
      }
    }
    if (req.attempt === 0) h.retryBudget?.onFirstAttempt();
    if (req.phase === Phase.Model) {
      this.metrics.callsByCause[req.permit === Permit.Probe && h.breakers !== null ? CallCause.Probe : req.callCause]!++;
      this.timeline.upstreamCalls[this.timeline.current]!++;
    }
    const call = this.call;
    this.upstream.call(req.target, req.request, req.callsPerTarget[req.target]!++, this.time, call);
    req.attempt++;
    req.billedLater = false;
    const timeoutMs = this.timeoutMs[req.target]!;
    const server = this.servers[req.target]!;
    if (server !== null && call.outcome === Outcome.Success && this.enterServer(req, server, call.latencyMs, timeoutMs)) return;
    if (call.latencyMs > timeoutMs) {
      // The client gives up first; the server finishes the work anyway and bills it.
      call.outcome = Outcome.Timeout;
      call.latencyMs = timeoutMs;
      call.retryAfterMs = 0;
    }
    req.callOutcome = call.outcome;
    req.callLatencyMs = call.latencyMs;
    req.callRetryAfterMs = call.retryAfterMs;
    this.queue.push(this.time + call.latencyMs, EventKind.CallDone, req.slot, req.generation);
  }

  /**
   * Offers a call to a finite-capacity server. Returns true when the server took it
   * (started or queued: the answer comes by event); false when it answered at once with
   * an overflow or quota error, written into `this.call`.
   */
  private enterServer(req: RequestState, server: CapacityServer, serviceMs: number, timeoutMs: number): boolean {
    const callState = this.calls.acquire();
    const admission = server.admit(callState.index, req.phase === Phase.Model ? this.prefixTokens + req.inputTokens : 0, req.phase === Phase.Model ? req.outputTokens : 0);
    if (admission === ServerAdmission.Overflow || admission === ServerAdmission.OverQuota) {
      this.calls.release(callState);
      const target = this.upstream.targets[req.target]!;
      this.call.outcome = (admission === ServerAdmission.OverQuota ? Outcome.RateLimited : this.overflowOutcome[req.target]!) as Outcome;
      this.call.latencyMs = target.errorLatency.quantile(0.5);
      this.call.retryAfterMs = admission === ServerAdmission.OverQuota ? server.retryAfterMs : target.retryAfterMs;
      return false;
    }
    callState.requestSlot = req.slot;
    callState.requestGeneration = req.generation;
    callState.target = req.target;
    callState.serviceMs = serviceMs;
    callState.startMs = this.time;
    if (admission === ServerAdmission.Started) {
      this.queue.push(this.time + serviceMs, EventKind.ServiceDone, callState.index, callState.generation);
    } else {
      this.queuedAtServers++;
      this.timeline.noteQueue(this.queuedAtServers);
    }
    if (timeoutMs < Infinity) this.queue.push(this.time + timeoutMs, EventKind.ClientTimeout, callState.index, callState.generation);
    return true;
  }

  /** A server finished a call: start the next in its queue, then deliver or bill the result. */
  private onServiceDone(callId: number, callGeneration: number): void {
    const callState = this.calls.get(callId);
    if (callState.generation !== callGeneration) return;
    this.lastWorkMs = this.time;
    const server = this.servers[callState.target]!;
    const next = server.finish();
    if (next >= 0) {
      this.queuedAtServers--;
      const nextCall = this.calls.get(next);
      this.queue.push(this.time + nextCall.serviceMs, EventKind.ServiceDone, nextCall.index, nextCall.generation);
    }
    if (callState.abandoned) {
      // Nobody waits for this answer, but the provider still bills the tokens it generated.
      if (callState.target < this.modelCount) this.metrics.recordAbandonedWork(callState.target, callState.tenant, callState.tier, callState.tokens, callState.costUsd);
      this.calls.release(callState);
      return;
    }
    const req = this.pool.get(callState.requestSlot);
    req.callOutcome = Outcome.Success;
    req.callLatencyMs = this.time - callState.startMs;
    req.callRetryAfterMs = 0;
    this.calls.release(callState);
    this.onCallDone(req.slot, req.generation);
  }

  /** The client stopped waiting for a call still queued or in service at its server. */
  private onClientTimeout(callId: number, callGeneration: number): void {
    const callState = this.calls.get(callId);
    if (callState.generation !== callGeneration) return;
    callState.abandoned = true;
    const req = this.pool.get(callState.requestSlot);
    if (req.phase === Phase.Model) {
      // Price the abandoned work now, while the request's tokens are still at hand.
      callState.tokens = this.pricing.tokens(req);
      callState.costUsd = this.pricing.costUsd(req, this.upstream.targets[req.target]!);
      callState.tenant = req.tenant;
      callState.tier = req.label;
    }
    req.callOutcome = Outcome.Timeout;
    req.callLatencyMs = this.time - callState.startMs;
    req.callRetryAfterMs = 0;
    req.billedLater = true;
    this.onCallDone(req.slot, req.generation);
  }

  private onCallDone(slot: number, generation: number): void {
    const req = this.pool.get(slot);
    if (req.generation !== generation) return;
    const outcome = req.callOutcome;
    const h = this.harness;
    if (req.phase === Phase.Classifying) return this.onClassified(req, outcome);
    if (h.breakers !== null) h.breakers[req.target]!.onResult(req.permit as Permit, !h.breakerCounts[outcome]);
    if (req.phase === Phase.Tool) {
      this.metrics.recordToolCall(req.target - this.modelCount, outcome !== Outcome.Success, req.callLatencyMs);
      if (outcome === Outcome.Success) return this.nextTool(req);
      return this.onCallFailed(req, outcome);
    }
    const tokens = this.billModelCall(req, outcome);
    if (outcome !== Outcome.Success) return this.onCallFailed(req, outcome);

    const router = h.router;
    if (router !== null && router.qualityFallbackEnabled && router.failsQualityCheck(req.target, this.routingDraw.at(req.request, 1, req.target))) {
      const stronger = router.strongerThan(req.target);
      if (stronger >= 0) {
        // The weaker answer failed its eval: its tokens are wasted, the stronger model retries.
        this.metrics.qualityFallbacks++;
        this.metrics.byTier[req.label]!.qualityFallbacks++;
        req.targets = router.chainFrom(stronger);
        req.targetPosition = 0;
        req.target = stronger;
        req.attempt = 0;
        req.previousDelayMs = 0;
        req.callCause = CallCause.QualityFallback;
        return this.startCall(req);
      }
    }
    req.pendingUsefulTokens += tokens;
    if (req.toolMask !== 0) {
      req.phase = Phase.Tool;
      req.toolCursor = -1;
      return this.nextTool(req);
    }
    this.finish(req, RequestOutcome.Success);
  }

  /** Bills a finished model call and returns the tokens billed. */
  private billModelCall(req: RequestState, outcome: number): number {
    const target = this.upstream.targets[req.target]!;
    // A success bills input and output; so does a timeout (the server kept generating
    // after the client gave up); 429, 503 and 400 bill nothing.
    // A call abandoned at a finite-capacity server is billed when the server finishes it.
    let tokens = 0;
    let costUsd = 0;
    if ((outcome === Outcome.Success || outcome === Outcome.Timeout) && !req.billedLater) {
      tokens = this.pricing.tokens(req);
      costUsd = this.pricing.costUsd(req, target);
    }
    req.billedTokens += tokens;
    req.costUsd += costUsd;
    this.metrics.recordModelCall(req.target, req.label, outcome !== Outcome.Success, req.callLatencyMs, tokens, costUsd);
    return tokens;
  }

  private onClassified(req: RequestState, outcome: number): void {
    const classifier = this.harness.classifier!;
    const target = this.upstream.targets[classifier.modelId]!;
    let tokens = 0;
    let costUsd = 0;
    if (outcome === Outcome.Success || outcome === Outcome.Timeout) {
      tokens = classifier.inputTokens + classifier.outputTokens;
      costUsd = (classifier.inputTokens * target.inputPriceUsdPerMTok + classifier.outputTokens * target.outputPriceUsdPerMTok) / 1e6;
    }
    req.billedTokens += tokens;
    req.pendingUsefulTokens += tokens;
    req.costUsd += costUsd;
    this.metrics.classifierCalls++;
    this.metrics.recordModelCall(classifier.modelId, -1, outcome !== Outcome.Success, req.callLatencyMs, tokens, costUsd);
    // A failed classification routes as standard: the middle tier is the safe guess.
    this.route(req, outcome === Outcome.Success ? this.harness.router!.classify(req.difficulty, this.routingDraw.at(req.request, 0, 0)) : Difficulty.Standard);
  }

  /** A call failed (or its breaker refused it): retry, fall back, or give up. */
  private onCallFailed(req: RequestState, outcome: number): void {
    const h = this.harness;
    if (
      outcome !== Outcome.Open &&
      h.retry !== null &&
      h.retryOn[outcome] &&
      h.retry.canRetry(req.attempt) &&
      (h.retryBudget === null || h.retryBudget.tryRetry())
    ) {
      const delay = h.retry.delayMs(req.attempt - 1, req.previousDelayMs, req.callRetryAfterMs, this.jitterRandom);
      req.previousDelayMs = delay;
      req.callCause = CallCause.Retry;
      this.metrics.retries++;
      this.queue.push(this.time + delay, EventKind.RetryDue, req.slot, req.generation);
      return;
    }
    if (req.phase === Phase.Model && h.router !== null && h.fallbackOn[outcome] && req.targetPosition + 1 < req.targets.length) {
      this.metrics.fallbacks++;
      req.targetPosition++;
      req.target = req.targets[req.targetPosition]!;
      req.attempt = 0;
      req.previousDelayMs = 0;
      req.callCause = CallCause.Fallback;
      return this.startCall(req);
    }
    this.finish(req, RequestOutcome.Failed);
  }

  private onRetryDue(slot: number, generation: number): void {
    const req = this.pool.get(slot);
    if (req.generation !== generation) return;
    this.startCall(req);
  }

  /** Moves to the request's next tool call, checking scope before any side effect. */
  private nextTool(req: RequestState): void {
    let cursor = req.toolCursor + 1;
    while (cursor < 31 && (req.toolMask & (1 << cursor)) === 0) cursor++;
    if (cursor >= 31 || (req.toolMask >>> cursor) === 0) return this.finish(req, RequestOutcome.Success);
    req.toolCursor = cursor;
    const scope = this.harness.scope;
    if (scope !== null && !scope.check(cursor)) return this.finish(req, RequestOutcome.Refused);
    req.target = this.modelCount + cursor;
    req.attempt = 0;
    req.previousDelayMs = 0;
    this.startCall(req);
  }

  // --- End of a request -----------------------------------------------------------------

  private finish(req: RequestState, outcome: RequestOutcome): void {
    this.lastWorkMs = this.time;
    if (outcome === RequestOutcome.Success) req.usefulTokens += req.pendingUsefulTokens;
    const timeline = this.timeline;
    if (outcome === RequestOutcome.Success) timeline.goodput[timeline.current]!++;
    else if (outcome !== RequestOutcome.Refused) timeline.failures[timeline.current]!++;
    this.metrics.recordRequest(req.tenant, req.label, outcome, this.time - req.arrivalMs, req.billedTokens, req.usefulTokens, req.costUsd);
    const holdsSlot = req.holdsSlot;
    this.pool.release(req);
    if (holdsSlot) {
      // Hand the slot to the oldest waiter, through an event so a chain of fast failures
      // cannot recurse without bound.
      const next = this.harness.backpressure!.release();
      if (next >= 0) {
        const waiter = this.pool.get(next);
        waiter.generation++;
        waiter.holdsSlot = true;
        this.queue.push(this.time, EventKind.Admit, waiter.slot, waiter.generation);
      }
    }
  }

  private layerStats(): LayerStats {
    const h = this.harness;
    const breakers = h.breakers ? [...new Set(h.breakers)] : [];
    return {
      retryBudgetDenied: h.retryBudget?.denied ?? 0,
      breakerTrips: breakers.reduce((s, b) => s + b.trips, 0),
      breakerReopens: breakers.reduce((s, b) => s + b.reopens, 0),
      breakerOpenMs: breakers.reduce((s, b) => s + b.openMs(), 0),
      cacheHitRate: h.cache?.hitRate ?? 0,
      cacheHits: h.cache?.hits ?? 0,
      cacheMisses: h.cache?.misses ?? 0,
    };
  }
}

/** Runs one scenario and returns the raw output. */
export function simulate(scenario: ParsedScenario, options: RunOptions = {}): RunOutput {
  return new Simulator(scenario, options).run();
}
