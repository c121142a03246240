import { type CircuitBreaker, Permit } from '../layers/breaker.js';
import { Difficulty } from '../layers/router.js';
import { RequestOutcome } from '../metrics/collector.js';
import { CallCause } from '../metrics/run-output.js';
import { Outcome } from '../upstream/outcome.js';
import type { CallResult } from '../upstream/upstream.js';
import type { Billing } from './billing.js';
import type { World } from './build.js';
import { EventKind } from './events.js';
import type { Kernel } from './kernel.js';
import type { Pool } from './pool.js';
import { enterPhase, expectEvent, Phase, type RequestState } from './request-state.js';
import { Hedging } from './hedging.js';
import { ServerCalls } from './server-calls.js';

/** Ends a request with its outcome (see `RequestLifecycle.end`). */
export type RequestEnd = (req: RequestState, outcome: RequestOutcome) => void;

/** Keyed-draw serial reserved for the classifier call, apart from the request's own calls. */
export const CLASSIFIER_SERIAL = 1 << 20;

/**
 * A request's way through the harness once it is past capacity: classify (if a classifier
 * is configured) and route; then, per target, breaker -> call -> retry -> fallback; the
 * quality fallback; then the tools in order, each behind the scope check. Handles
 * `CallDone` and `RetryDue`; calls at finite-capacity targets go through `ServerCalls`.
 */
export class RequestFlow {
  /** The upstream's answer to the call being started; owned here so no call allocates. */
  private readonly call: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };
  readonly servers: ServerCalls;
  /** Hedged model calls (`layers.hedge`), or null. */
  private readonly hedging: Hedging | null;

  constructor(
    private readonly world: World,
    private readonly kernel: Kernel,
    private readonly billing: Billing,
    private readonly requests: Pool<RequestState>,
    private readonly end: RequestEnd,
  ) {
    this.servers = new ServerCalls(world, kernel, billing, requests, (req) => this.onAnswer(req));
    this.hedging =
      world.harness.hedge === null
        ? null
        : new Hedging(world, kernel, billing, requests, {
            succeed: (req, tokens) => this.onModelAnswer(req, tokens),
            fail: (req, outcome) => this.onCallFailed(req, outcome),
          });
    kernel.on(EventKind.CallDone, (slot, generation) => {
      const req = this.requests.current(slot, generation);
      if (req !== null) this.onAnswer(req);
    });
    kernel.on(EventKind.SdkRetryDue, (slot, generation) => {
      const req = this.requests.current(slot, generation);
      if (req === null) return;
      expectEvent(req, EventKind.SdkRetryDue);
      this.world.metrics.recordUpstreamCall(CallCause.SdkRetry);
      this.send(req);
    });
    kernel.on(EventKind.RetryDue, (slot, generation) => {
      const req = this.requests.current(slot, generation);
      if (req === null) return;
      expectEvent(req, EventKind.RetryDue);
      this.startCall(req);
    });
  }

  /** Past admission: classify (if a classifier is configured) and route. */
  admit(req: RequestState): void {
    const { harness, draws } = this.world;
    const classifier = harness.classifier;
    if (classifier !== null) return this.classify(req, classifier.modelId);
    this.route(req, harness.router?.classify(req.difficulty, draws.routingVerdicts.at(req.request, 0, 0)) ?? req.difficulty);
  }

  /** Sends the request to the classifier model; `onClassified` routes it when it answers. */
  private classify(req: RequestState, modelId: number): void {
    enterPhase(req, Phase.Classifying);
    req.target = modelId;
    this.world.metrics.recordUpstreamCall(CallCause.Classifier);
    const now = this.kernel.now();
    const call = this.call;
    this.world.upstream.call(modelId, req.request, CLASSIFIER_SERIAL, now, call);
    req.callOutcome = call.outcome;
    req.callLatencyMs =
      call.outcome === Outcome.Success ? this.world.classifierLatency!.quantile(this.world.draws.classifierLatency.at(req.request, 0, 0)) : call.latencyMs;
    this.kernel.schedule(now + req.callLatencyMs, EventKind.CallDone, req.slot, req.generation);
  }

  /** A session's tool call: straight to `tool` (index in tool order), behind the scope check; no capacity, no routing. */
  startTool(req: RequestState, tool: number): void {
    enterPhase(req, Phase.Tool);
    req.toolMask = 1 << tool;
    req.toolCursor = -1;
    this.nextTool(req);
  }

  /** Sets the request's tier and target list, and makes the first call. */
  private route(req: RequestState, label: number): void {
    req.label = label;
    req.targets = this.world.harness.router?.targets(label) ?? this.world.defaultTargets;
    req.targetPosition = 0;
    enterPhase(req, Phase.Model);
    this.moveTo(req, req.targets[0]!, CallCause.First);
  }

  /** Points the request at a new target with a fresh attempt count and makes the call. */
  private moveTo(req: RequestState, target: number, cause: number): void {
    req.target = target;
    req.attempt = 0;
    req.previousDelayMs = 0;
    req.callCause = cause;
    this.startCall(req);
  }

  /** Starts a harness attempt: the request's next call to `req.target`, unless its client's breaker is open. */
  private startCall(req: RequestState): void {
    const { harness: h, metrics } = this.world;
    const c = h.clients[req.client]!;
    if (c.breakers !== null && this.breakerRefuses(req, c.breakers)) return;
    if (req.attempt === 0) c.retryBudget?.onFirstAttempt();
    if (req.phase === Phase.Model) metrics.recordUpstreamCall(req.permit === Permit.Probe && c.breakers !== null ? CallCause.Probe : req.callCause);
    req.attempt++;
    req.attemptStartMs = this.kernel.now();
    req.sdkRetries = 0;
    req.sdkPreviousDelayMs = 0;
    this.send(req);
    if (this.hedging !== null && req.phase === Phase.Model) this.hedging.arm(req);
  }

  /** Asks the target's breaker for a permit (kept on the request); when refused, the call fails fast as "open". */
  private breakerRefuses(req: RequestState, breakers: readonly CircuitBreaker[]): boolean {
    req.permit = breakers[req.target]!.tryAcquire();
    if (req.permit !== Permit.Denied) return false;
    this.world.metrics.recordShortCircuit();
    this.onCallFailed(req, Outcome.Open);
    return true;
  }

  /** Sends one call of the current attempt to the upstream (the attempt's first, or an SDK retry). */
  private send(req: RequestState): void {
    const call = this.call;
    const now = this.kernel.now();
    this.world.upstream.call(req.target, req.request, req.callsPerTarget[req.target]!++, now, call);
    req.billedLater = false;
    req.callSentMs = now;
    const timeoutMs = this.world.timeoutMs[req.target]!;
    // A drawn failure answers without taking a server slot; a success queues for one.
    if (this.world.servers[req.target] !== null && call.outcome === Outcome.Success && this.servers.offer(req, call.latencyMs, timeoutMs, call)) return;
    if (call.latencyMs > timeoutMs) timedOut(call, timeoutMs);
    req.callOutcome = call.outcome;
    req.callLatencyMs = call.latencyMs;
    req.callRetryAfterMs = call.retryAfterMs;
    this.kernel.schedule(now + call.latencyMs, EventKind.CallDone, req.slot, req.generation);
  }

  /** The call in flight answered (`req.callOutcome`): learn from it, then go on, retry, fall back or end. */
  private onAnswer(req: RequestState): void {
    expectEvent(req, EventKind.CallDone);
    const outcome = req.callOutcome;
    const h = this.world.harness;
    if (req.phase === Phase.Classifying) return this.onClassified(req, outcome);
    // Inside the attempt, the SDK may retry on its own: the harness (and its breaker) sees only the loop's last answer.
    if (h.sdk !== null && outcome !== Outcome.Success && req.phase === Phase.Model && this.sdkRetry(req, outcome)) return;
    const breakers = h.clients[req.client]!.breakers;
    if (breakers !== null) this.tellBreaker(req, breakers[req.target]!, outcome);
    if (req.phase === Phase.Tool) return this.onToolAnswer(req, outcome);
    const tokens = this.billing.modelCall(req, outcome);
    // With hedges still out, a failed first call waits for them; a successful one abandons them.
    if (this.hedging !== null && this.hedging.onPrimaryAnswer(req, outcome)) return;
    if (outcome !== Outcome.Success) return this.onCallFailed(req, outcome);
    this.onModelAnswer(req, tokens);
  }

  /** Reports the attempt's outcome to its breaker, with its duration for the slow-call rule: the call's latency, or the whole SDK loop's. */
  private tellBreaker(req: RequestState, breaker: CircuitBreaker, outcome: number): void {
    const durationMs = req.sdkRetries === 0 ? req.callLatencyMs : this.kernel.now() - req.attemptStartMs;
    breaker.onResult(req.permit as Permit, !this.world.harness.breakerCounts[outcome], durationMs);
  }

  /** A tool answered: billed (counted), then the next tool, or retry / give up. */
  private onToolAnswer(req: RequestState, outcome: number): void {
    this.billing.toolCall(req, outcome);
    if (outcome === Outcome.Success) return this.nextTool(req);
    this.onCallFailed(req, outcome);
  }

  /**
   * The SDK's own retry loop: bills the failed call and schedules the next one when the SDK
   * would retry it (its retryOn, its retries left). Returns false when the loop is over.
   */
  private sdkRetry(req: RequestState, outcome: number): boolean {
    const sdk = this.world.harness.sdk!;
    if (!sdk.retryOn[outcome] || !sdk.policy.canRetry(req.sdkRetries + 1)) return false;
    this.billing.modelCall(req, outcome);
    const delay = sdk.policy.delayMs(req.sdkRetries, req.sdkPreviousDelayMs, req.callRetryAfterMs, this.world.draws.sdkRetryJitter);
    req.sdkPreviousDelayMs = delay;
    req.sdkRetries++;
    this.kernel.schedule(this.kernel.now() + delay, EventKind.SdkRetryDue, req.slot, req.generation);
    return true;
  }

  /** A model answered successfully (billed `tokens`): the quality check, then the tools or the end. */
  private onModelAnswer(req: RequestState, tokens: number): void {
    const h = this.world.harness;
    const router = h.router;
    if (router !== null && router.qualityFallbackEnabled && router.failsQualityCheck(req.target, this.world.draws.routingVerdicts.at(req.request, 1, req.target))) {
      const stronger = router.strongerThan(req.target);
      if (stronger >= 0) {
        // The weaker answer failed its eval: its tokens are wasted, the stronger model retries.
        this.world.metrics.recordQualityFallback(req.label);
        req.targets = router.chainFrom(stronger);
        req.targetPosition = 0;
        return this.moveTo(req, stronger, CallCause.QualityFallback);
      }
    }
    req.pendingUsefulTokens += tokens;
    if (req.toolMask !== 0) {
      enterPhase(req, Phase.Tool);
      req.toolCursor = -1;
      return this.nextTool(req);
    }
    this.end(req, RequestOutcome.Success);
  }

  private onClassified(req: RequestState, outcome: number): void {
    this.billing.classifierCall(req, outcome);
    // A failed classification routes as standard: the middle tier is the safe guess.
    this.route(
      req,
      outcome === Outcome.Success ? this.world.harness.router!.classify(req.difficulty, this.world.draws.routingVerdicts.at(req.request, 0, 0)) : Difficulty.Standard,
    );
  }

  /** A call failed (or its breaker refused it): retry, fall back, or give up. */
  private onCallFailed(req: RequestState, outcome: number): void {
    const h = this.world.harness;
    if (
      outcome !== Outcome.Open &&
      h.retry !== null &&
      h.retryOn[outcome] &&
      h.retry.canRetry(req.attempt) &&
      (h.clients[req.client]!.retryBudget === null || h.clients[req.client]!.retryBudget!.tryRetry())
    ) {
      const delay = h.retry.delayMs(req.attempt - 1, req.previousDelayMs, req.callRetryAfterMs, this.world.draws.retryJitter);
      req.previousDelayMs = delay;
      req.callCause = CallCause.Retry;
      this.world.metrics.recordRetry();
      this.kernel.schedule(this.kernel.now() + delay, EventKind.RetryDue, req.slot, req.generation);
      return;
    }
    if (req.phase === Phase.Model && h.router !== null && h.fallbackOn[outcome] && req.targetPosition + 1 < req.targets.length) {
      this.world.metrics.recordFallback();
      req.targetPosition++;
      return this.moveTo(req, req.targets[req.targetPosition]!, CallCause.Fallback);
    }
    this.end(req, RequestOutcome.Failed);
  }

  /** Moves to the request's next tool call, checking scope before any side effect. */
  private nextTool(req: RequestState): void {
    let cursor = req.toolCursor + 1;
    while (cursor < 31 && (req.toolMask & (1 << cursor)) === 0) cursor++;
    if (cursor >= 31 || (req.toolMask >>> cursor) === 0) return this.end(req, RequestOutcome.Success);
    req.toolCursor = cursor;
    const scope = this.world.harness.scope;
    if (scope !== null && !scope.check(cursor)) return this.end(req, RequestOutcome.Refused);
    req.target = this.world.modelCount + cursor;
    req.attempt = 0;
    req.previousDelayMs = 0;
    this.startCall(req);
  }
}

/** The client gives up at `timeoutMs` before the call answers (the server finishes the work anyway and bills it). */
function timedOut(call: CallResult, timeoutMs: number): void {
  call.outcome = Outcome.Timeout;
  call.latencyMs = timeoutMs;
  call.retryAfterMs = 0;
}
