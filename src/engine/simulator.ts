import { Admission } from '../layers/backpressure.js';
import { Permit } from '../layers/breaker.js';
import { Difficulty } from '../layers/router.js';
import type { Clock, RandomSource } from '../layers/types.js';
import { MetricsCollector, RequestOutcome } from '../metrics/collector.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { Outcome } from '../upstream/outcome.js';
import { attachIncidents, Target, Upstream, type CallResult } from '../upstream/upstream.js';
import { Workload, type RequestDraw } from '../workload/workload.js';
import { makeDistribution, type Distribution } from './distributions.js';
import { EventQueue } from './event-queue.js';
import { buildHarness, type Harness } from './harness.js';
import { KeyedUniform, RandomStreams } from './random.js';
import { Phase, RequestPool, type RequestState } from './request-state.js';

/** Event kinds. Small integers, dispatched by one switch. */
const EventKind = {
  Arrival: 0,
  CallDone: 1,
  RetryDue: 2,
  QueueDeadline: 3,
  Admit: 4,
} as const;

/** Keyed-draw serial reserved for the classifier call, apart from the request's own calls. */
const CLASSIFIER_SERIAL = 1 << 20;

/** Options for one run that are not part of the scenario. */
export interface RunOptions {
  /** Simulate only the first N requests at the scenario's arrival rate. */
  requests?: number;
  /** Override the scenario's seed. */
  seed?: number;
}

/** Layer counters a run reports besides the collector's. */
export interface LayerStats {
  retryBudgetDenied: number;
  breakerTrips: number;
  breakerReopens: number;
  breakerOpenMs: number;
  cacheHitRate: number;
  cacheHits: number;
  cacheMisses: number;
}

/** What a run produces: the raw collector plus the facts needed to scale it. */
export interface RunOutput {
  metrics: MetricsCollector;
  layers: LayerStats;
  requests: number;
  seed: number;
  /** Simulated span of arrivals, in ms (N / arrival rate). */
  horizonMs: number;
  /** Simulated time when the last event ran. */
  endMs: number;
  events: number;
  /** Peak number of requests in the system at once. */
  peakInSystem: number;
}

/**
 * The discrete-event simulation of one scenario: arrivals feed requests through the
 * harness layers to the upstream, in virtual time. Nothing here reads the wall clock,
 * creates a Promise or allocates per event once the pools are warm.
 */
export class Simulator implements Clock {
  private time = 0;
  private readonly queue = new EventQueue();
  private readonly pool = new RequestPool();
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
  private readonly defaultTargets: readonly number[];
  private readonly modelCount: number;
  private readonly tenantCount: number;
  private readonly prefixTokens: number;
  private readonly totalRequests: number;
  private arrivals = 0;
  readonly seed: number;

  constructor(private readonly scenario: ParsedScenario, options: RunOptions = {}) {
    this.seed = options.seed ?? scenario.seed;
    const streams = new RandomStreams(this.seed);
    this.workload = new Workload(scenario, streams);
    const modelNames = Object.keys(scenario.upstream.models);
    const toolNames = Object.keys(scenario.workload.tools);
    const targets = [
      ...modelNames.map((name) => new Target(name, scenario.upstream.models[name]!)),
      ...toolNames.map((name) => new Target(name, toolConfig(scenario, name))),
    ];
    attachIncidents(targets, scenario.upstream.incidents);
    this.upstream = new Upstream(targets, streams);
    this.modelCount = modelNames.length;
    this.tenantCount = this.workload.tenantNames.length;
    this.metrics = new MetricsCollector(modelNames, this.workload.tenantNames, toolNames);
    this.harness = buildHarness(scenario, this, streams, { models: modelNames, tools: toolNames, tenants: this.workload.tenantNames });
    const defaultModel = scenario.upstream.defaultModel ? modelNames.indexOf(scenario.upstream.defaultModel) : 0;
    this.defaultTargets = Object.freeze([defaultModel]);
    this.totalRequests = options.requests ?? scenario.workload.requests;
    this.prefixTokens = scenario.workload.prompt.prefix.reduce((sum, layer) => sum + layer.tokens, 0);
    this.toolProbabilities = Float64Array.from(Object.values(scenario.workload.tools));
    this.toolRandom = streams.stream('tools');
    this.jitterRandom = streams.stream('retry-jitter');
    const classifier = scenario.layers.routing?.enabled ? scenario.layers.routing.classifier : undefined;
    this.classifierLatency = classifier ? makeDistribution(classifier.latency) : null;
    this.classifierLatencyDraw = streams.keyed('classifier-latency');
  }

  /** Virtual time in ms: the clock every layer is given. */
  now(): number {
    return this.time;
  }

  /** Runs to completion: every request arrives and ends. */
  run(): RunOutput {
    if (this.totalRequests > 0) this.queue.push(this.workload.nextGapMs(), EventKind.Arrival, 0, 0);
    const queue = this.queue;
    while (queue.pop()) {
      this.time = queue.time;
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
      }
    }
    return {
      metrics: this.metrics,
      layers: this.layerStats(),
      requests: this.totalRequests,
      seed: this.seed,
      horizonMs: this.totalRequests / this.workload.ratePerMs,
      endMs: this.time,
      events: queue.scheduled,
      peakInSystem: this.pool.capacity,
    };
  }

  // --- Arrival and admission ------------------------------------------------------------

  private onArrival(): void {
    const index = this.arrivals++;
    if (this.arrivals < this.totalRequests) {
      this.queue.push(this.time + this.workload.nextGapMs(), EventKind.Arrival, 0, 0);
    }
    const req = this.pool.acquire();
    this.workload.draw(this.draw);
    req.index = index;
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
      this.upstream.call(classifier.modelId, req.index, CLASSIFIER_SERIAL, this.time, this.call);
      req.callOutcome = this.call.outcome;
      req.callLatencyMs =
        this.call.outcome === Outcome.Success
          ? this.classifierLatency!.quantile(this.classifierLatencyDraw.at(req.index, 0, 0))
          : this.call.latencyMs;
      this.queue.push(this.time + req.callLatencyMs, EventKind.CallDone, req.slot, req.generation);
      return;
    }
    this.route(req, this.harness.router?.classify(req.difficulty) ?? req.difficulty);
  }

  private route(req: RequestState, label: number): void {
    req.label = label;
    req.targets = this.harness.router?.targets(label) ?? this.defaultTargets;
    req.targetPosition = 0;
    req.attempt = 0;
    req.previousDelayMs = 0;
    req.phase = Phase.Model;
    req.target = req.targets[0]!;
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
    this.upstream.call(req.target, req.index, req.callSerial++, this.time, this.call);
    req.attempt++;
    req.callOutcome = this.call.outcome;
    req.callLatencyMs = this.call.latencyMs;
    req.callRetryAfterMs = this.call.retryAfterMs;
    this.queue.push(this.time + this.call.latencyMs, EventKind.CallDone, req.slot, req.generation);
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
    if (router !== null && router.qualityFallbackEnabled && router.failsQualityCheck(req.target)) {
      const stronger = router.strongerThan(req.target);
      if (stronger >= 0) {
        // The weaker answer failed its eval: its tokens are wasted, the stronger model retries.
        this.metrics.qualityFallbacks++;
        req.targets = router.chainFrom(stronger);
        req.targetPosition = 0;
        req.target = stronger;
        req.attempt = 0;
        req.previousDelayMs = 0;
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
    let tokens = 0;
    let costUsd = 0;
    if (outcome === Outcome.Success || outcome === Outcome.Timeout) {
      tokens = this.prefixTokens + req.inputTokens + req.outputTokens;
      const cache = this.harness.cache;
      let inputCostUsd: number;
      if (cache !== null) {
        const key = this.harness.cachePerTenant ? req.target * this.tenantCount + req.tenant : req.target;
        const lookup = cache.lookup(key, req.inputTokens);
        inputCostUsd = cache.inputCostUsd(lookup, target.inputPriceUsdPerMTok);
        this.metrics.cacheSavingsUsd += cache.savingsUsd(lookup, target.inputPriceUsdPerMTok);
      } else {
        inputCostUsd = ((this.prefixTokens + req.inputTokens) * target.inputPriceUsdPerMTok) / 1e6;
      }
      costUsd = inputCostUsd + (req.outputTokens * target.outputPriceUsdPerMTok) / 1e6;
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
    this.route(req, outcome === Outcome.Success ? this.harness.router!.classify(req.difficulty) : Difficulty.Standard);
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
    if (outcome === RequestOutcome.Success) req.usefulTokens += req.pendingUsefulTokens;
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

/** A tool's upstream config, or defaults when the scenario gives none. */
function toolConfig(scenario: ParsedScenario, name: string) {
  const config = scenario.upstream.tools[name];
  if (config) return config;
  return {
    latency: { dist: 'lognormal' as const, p50: 150, p95: 600 },
    errors: { rate: 0, mix: { '503': 1 }, timeoutAfter: 10_000, latency: { dist: 'constant' as const, value: 20 }, retryAfter: 0 },
    price: { input: 0, output: 0 },
  };
}

/** Runs one scenario and returns the raw output. */
export function simulate(scenario: ParsedScenario, options: RunOptions = {}): RunOutput {
  return new Simulator(scenario, options).run();
}
