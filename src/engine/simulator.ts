import { RetryBudget, RetryPolicy } from '../layers/retry.js';
import type { Clock, RandomSource } from '../layers/types.js';
import { MetricsCollector, RequestOutcome } from '../metrics/collector.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { Outcome, outcomeOf } from '../upstream/outcome.js';
import { attachIncidents, Target, Upstream, type CallResult } from '../upstream/upstream.js';
import { Workload, type RequestDraw } from '../workload/workload.js';
import { EventQueue } from './event-queue.js';
import { RandomStreams } from './random.js';
import { RequestPool, type RequestState } from './request-state.js';

/** Event kinds. Small integers, dispatched by one switch. */
const EventKind = {
  Arrival: 0,
  CallDone: 1,
  RetryDue: 2,
} as const;

/** Options for one run that are not part of the scenario. */
export interface RunOptions {
  /** Simulate only the first N requests at the scenario's arrival rate. */
  requests?: number;
  /** Override the scenario's seed. */
  seed?: number;
}

/** What a run produces: the raw collector plus the facts needed to scale it. */
export interface RunOutput {
  metrics: MetricsCollector;
  requests: number;
  seed: number;
  /** Simulated span of arrivals, in ms (N / arrival rate). */
  horizonMs: number;
  /** Simulated time when the last event ran. */
  endMs: number;
  events: number;
  modelNames: string[];
  retryBudgetDenied: number;
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
  private readonly draw: RequestDraw = { tenant: 0, difficulty: 0, inputTokens: 0, outputTokens: 0 };
  private readonly call: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };
  private readonly retry: RetryPolicy | null;
  private readonly retryOn: boolean[];
  private readonly retryBudget: RetryBudget | null;
  private readonly jitterRandom: RandomSource;
  private readonly defaultModel: number;
  private readonly modelNames: string[];
  private readonly defaultTargets: readonly number[];
  private readonly totalRequests: number;
  private arrivals = 0;
  readonly seed: number;

  constructor(private readonly scenario: ParsedScenario, options: RunOptions = {}) {
    this.seed = options.seed ?? scenario.seed;
    const streams = new RandomStreams(this.seed);
    this.workload = new Workload(scenario, streams);
    this.modelNames = Object.keys(scenario.upstream.models);
    const targets = this.modelNames.map((name) => new Target(name, scenario.upstream.models[name]!));
    attachIncidents(targets, scenario.upstream.incidents);
    this.upstream = new Upstream(targets, streams);
    this.metrics = new MetricsCollector(this.modelNames, this.workload.tenantNames);
    this.defaultModel = scenario.upstream.defaultModel ? this.modelNames.indexOf(scenario.upstream.defaultModel) : 0;
    this.defaultTargets = Object.freeze([this.defaultModel]);
    this.totalRequests = options.requests ?? scenario.workload.requests;

    const r = scenario.layers.retry;
    this.retry =
      r && r.enabled
        ? new RetryPolicy({
            maxAttempts: r.maxAttempts,
            baseDelayMs: r.baseDelay,
            multiplier: r.multiplier,
            maxDelayMs: Math.max(r.maxDelay, r.baseDelay),
            jitter: r.jitter,
            honorRetryAfter: r.honorRetryAfter,
          })
        : null;
    this.retryOn = [false, false, false, false, false, false];
    if (r) for (const kind of r.retryOn) this.retryOn[outcomeOf(kind)] = true;
    this.retryBudget =
      r && r.enabled && r.budget
        ? new RetryBudget(this, { ratio: r.budget.ratio, minRetriesPerSec: r.budget.minRetriesPerSec, windowMs: r.budget.window })
        : null;
    this.jitterRandom = streams.stream('retry-jitter');
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
      }
    }
    return {
      metrics: this.metrics,
      requests: this.totalRequests,
      seed: this.seed,
      horizonMs: this.totalRequests / this.workload.ratePerMs,
      endMs: this.time,
      events: queue.scheduled,
      modelNames: this.modelNames,
      retryBudgetDenied: this.retryBudget?.denied ?? 0,
    };
  }

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
    req.inputTokens = this.draw.inputTokens;
    req.outputTokens = this.draw.outputTokens;
    req.targets = this.defaultTargets;
    req.targetPosition = 0;
    req.attempt = 0;
    this.startAttempt(req);
  }

  /** Sends the request's next call to its current target. */
  private startAttempt(req: RequestState): void {
    const target = req.targets[req.targetPosition]!;
    if (req.attempt === 0 && req.targetPosition === 0) this.retryBudget?.onFirstAttempt();
    this.upstream.call(target, req.index, req.attempt + req.targetPosition * 1000, this.time, this.call);
    req.attempt++;
    req.callOutcome = this.call.outcome;
    req.callLatencyMs = this.call.latencyMs;
    req.callRetryAfterMs = this.call.retryAfterMs;
    this.queue.push(this.time + this.call.latencyMs, EventKind.CallDone, req.slot, req.generation);
  }

  private onCallDone(slot: number, generation: number): void {
    const req = this.pool.get(slot);
    if (req.generation !== generation) return;
    const model = req.targets[req.targetPosition]!;
    const outcome = req.callOutcome;
    const target = this.upstream.targets[model]!;
    // Billing: a success bills input and output; a timeout bills them too (the server
    // kept generating after the client gave up); 429, 503 and 400 bill nothing.
    let tokens = 0;
    let costUsd = 0;
    if (outcome === Outcome.Success || outcome === Outcome.Timeout) {
      tokens = req.inputTokens + req.outputTokens;
      costUsd = (req.inputTokens * target.inputPriceUsdPerMTok + req.outputTokens * target.outputPriceUsdPerMTok) / 1e6;
    }
    req.billedTokens += tokens;
    req.costUsd += costUsd;
    this.metrics.recordModelCall(model, outcome !== Outcome.Success, req.callLatencyMs, tokens, costUsd);

    if (outcome === Outcome.Success) {
      req.usefulTokens += tokens;
      this.finish(req, RequestOutcome.Success);
      return;
    }
    if (this.retry !== null && this.retryOn[outcome] && this.retry.canRetry(req.attempt) && (this.retryBudget?.tryRetry() ?? true)) {
      const delay = this.retry.delayMs(req.attempt - 1, req.previousDelayMs, req.callRetryAfterMs, this.jitterRandom);
      req.previousDelayMs = delay;
      this.metrics.retries++;
      this.queue.push(this.time + delay, EventKind.RetryDue, req.slot, req.generation);
      return;
    }
    this.finish(req, RequestOutcome.Failed);
  }

  private onRetryDue(slot: number, generation: number): void {
    const req = this.pool.get(slot);
    if (req.generation !== generation) return;
    this.startAttempt(req);
  }

  private finish(req: RequestState, outcome: RequestOutcome): void {
    this.metrics.recordRequest(req.tenant, outcome, this.time - req.arrivalMs, req.billedTokens, req.usefulTokens, req.costUsd);
    this.pool.release(req);
  }
}

/** Runs one scenario and returns the raw output. */
export function simulate(scenario: ParsedScenario, options: RunOptions = {}): RunOutput {
  return new Simulator(scenario, options).run();
}
