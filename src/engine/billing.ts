import { Outcome } from '../upstream/outcome.js';
import type { World } from './build.js';
import type { CallLog } from './call-log.js';
import type { CallState } from './call-state.js';
import type { RequestState } from './request-state.js';

/**
 * What each finished call costs and where the bill is recorded: on the request (its billed
 * and useful tokens, its cost) and in the collector (per model, per tenant, per tier).
 *
 * Billing rule: a success bills input and output, and so does a timeout (the server kept
 * generating after the client gave up); 429, 503 and 400 bill nothing. A call abandoned at
 * a finite-capacity server is billed when the server finishes it, priced when the client
 * gave up (while the request's tokens are still at hand).
 */
export class Billing {
  constructor(
    private readonly world: World,
    /** Hears every finished call (`run --calls-out`), or null. */
    private readonly log: CallLog | null = null,
  ) {}

  /** Bills a finished model call of `req` to its current target and returns the tokens billed. */
  modelCall(req: RequestState, outcome: number): number {
    const pricing = this.world.pricing;
    let tokens = 0;
    let costUsd = 0;
    if ((outcome === Outcome.Success || outcome === Outcome.Timeout) && !req.billedLater) {
      tokens = pricing.tokens(req);
      // Every argument given: a call that leaves defaults to fill is slower when not inlined.
      costUsd = pricing.costUsd(req, this.world.targets[req.target]!, req.target, req.callSentMs);
    }
    req.billedTokens += tokens;
    req.costUsd += costUsd;
    this.world.metrics.recordModelCall(req.target, outcome !== Outcome.Success, req.callLatencyMs, tokens, costUsd);
    if (this.log !== null) {
      const billed = tokens > 0;
      this.log.modelCall(req, outcome, billed, billed ? pricing.lastCacheReadTokens : 0, billed ? pricing.lastCacheWriteTokens : 0);
    }
    return tokens;
  }

  /** A tool call of `req` answered (tools are not billed): counted, and logged. */
  toolCall(req: RequestState, outcome: number): void {
    this.world.metrics.recordToolCall(req.target - this.world.modelCount, outcome !== Outcome.Success, req.callLatencyMs);
    this.log?.toolCall(req, outcome);
  }

  /** Bills the classifier call of `req`; its tokens are useful if the request succeeds. */
  classifierCall(req: RequestState, outcome: number): void {
    const classifier = this.world.harness.classifier!;
    let tokens = 0;
    let costUsd = 0;
    if (outcome === Outcome.Success || outcome === Outcome.Timeout) {
      tokens = classifier.inputTokens + classifier.outputTokens;
      costUsd = this.world.pricing.classifierCostUsd(this.world.targets[classifier.modelId]!, classifier.inputTokens, classifier.outputTokens);
    }
    req.billedTokens += tokens;
    req.pendingUsefulTokens += tokens;
    req.costUsd += costUsd;
    this.world.metrics.recordClassifierCall(classifier.modelId, outcome !== Outcome.Success, req.callLatencyMs, tokens, costUsd);
    this.log?.classifierCall(req, outcome, classifier.inputTokens, classifier.outputTokens);
  }

  /**
   * The client gave up on `call` of `req` while it was at its server: price it now (tools
   * are not billed) and keep the bill on the call until the server finishes it.
   */
  priceAbandoned(call: CallState, req: RequestState): void {
    req.billedLater = true;
    if (req.target >= this.world.modelCount) return;
    call.tokens = this.world.pricing.tokens(req);
    call.costUsd = this.world.pricing.costUsd(req, this.world.targets[req.target]!);
    call.tenant = req.tenant;
    call.tier = req.label;
  }

  /** The server finished a call nobody waits for: the provider still bills the tokens it generated. */
  abandonedCallServed(call: CallState): void {
    if (call.target < this.world.modelCount) this.world.metrics.recordAbandonedWork(call.target, call.tenant, call.tier, call.tokens, call.costUsd);
  }

  /**
   * Bills a finished hedge of `req` on `targetId`, sent at `sentAtMs` (same rule as any model
   * call), and returns the tokens billed.
   */
  hedgeCall(req: RequestState, targetId: number, outcome: number, latencyMs: number, sentAtMs: number): number {
    let tokens = 0;
    let costUsd = 0;
    if (outcome === Outcome.Success || outcome === Outcome.Timeout) {
      tokens = this.world.pricing.tokens(req);
      costUsd = this.world.pricing.costUsd(req, this.world.targets[targetId]!, targetId, sentAtMs);
    }
    req.billedTokens += tokens;
    req.costUsd += costUsd;
    this.world.metrics.recordModelCall(targetId, outcome !== Outcome.Success, latencyMs, tokens, costUsd);
    if (this.log !== null) {
      const billed = tokens > 0;
      const pricing = this.world.pricing;
      this.log.hedgeCall(req, targetId, outcome, latencyMs, billed, billed ? pricing.lastCacheReadTokens : 0, billed ? pricing.lastCacheWriteTokens : 0);
    }
    return tokens;
  }

  /**
   * A call abandoned to a hedge's answer still runs at the provider: price it now, while the
   * request's tokens are at hand (nothing when its drawn outcome bills nothing), and keep the
   * bill on `call` until it finishes (`hedgeAbandonedDone`).
   */
  priceHedgeAbandoned(call: AbandonedCall, req: RequestState): void {
    call.tenant = req.tenant;
    call.tier = req.label;
    call.request = req.request;
    call.sessionKey = req.session !== null ? req.session.session : -1;
    call.inputTokens = this.world.prefixTokens + req.inputTokens;
    call.outputTokens = req.outputTokens;
    if (call.outcome !== Outcome.Success && call.outcome !== Outcome.Timeout) return;
    call.tokens = this.world.pricing.tokens(req);
    call.costUsd = this.world.pricing.costUsd(req, this.world.targets[call.target]!, call.target, call.startMs);
  }

  /** An abandoned call finished: it counts as a model call, and what it billed is wasted. */
  hedgeAbandonedDone(call: AbandonedCall): void {
    this.world.metrics.recordModelCall(call.target, call.outcome !== Outcome.Success, call.latencyMs, 0, 0);
    if (call.tokens > 0 || call.costUsd > 0) this.world.metrics.recordAbandonedWork(call.target, call.tenant, call.tier, call.tokens, call.costUsd);
    this.log?.abandonedCall(call, call.inputTokens, call.outputTokens);
  }
}

/** A call abandoned to a hedge's answer, as billing prices it and the call log reports it. */
export interface AbandonedCall {
  target: number;
  outcome: number;
  latencyMs: number;
  tokens: number;
  /** When the call was sent (the cache entry it may read must have begun by then). */
  startMs: number;
  costUsd: number;
  tenant: number;
  tier: number;
  request: number;
  /** The session number, or -1 outside sessions. */
  sessionKey: number;
  inputTokens: number;
  outputTokens: number;
}
