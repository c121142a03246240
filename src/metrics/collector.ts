import { CompactLatencyHistogram } from './compact-histogram.js';
import { fastSlotOf, LatencyHistogram } from './latency-histogram.js';
import { Timeline } from './timeline.js';
import { startAsDoubles } from './double-fields.js';

/** How a user request ended. Exactly one per request. */
export const RequestOutcome = {
  Success: 0,
  /** The user saw an error: every attempt and fallback failed. */
  Failed: 1,
  /** Refused by admission control (rate limit, backpressure, token budget): fast, costs nothing upstream. */
  Rejected: 2,
  /** A tool call outside the agent's scope was refused and escalated. */
  Refused: 3,
} as const;
export type RequestOutcome = (typeof RequestOutcome)[keyof typeof RequestOutcome];

/** What a breakdown row needs of a latency histogram. */
export interface LatencyRecorder {
  record(latencyMs: number): void;
  /** Records `latencyMs` given its `fastSlotOf` slot, worked out once for several recorders. */
  recordAt(slot: number, latencyMs: number): void;
  percentileMs(percentile: number): number;
  readonly count: number;
  readonly meanMs: number;
  /** Bytes of its counts, for tests of the memory bound. */
  readonly bytes: number;
}

/**
 * Above this many entities of one kind (models, tenants, tools), their breakdown rows keep
 * latency in a `CompactLatencyHistogram` (2 significant digits, a few KB once used) instead
 * of the 3-digit HDR one (~95 KB once used): a thousand tenants then cost megabytes, not
 * hundreds. At or below it nothing changes, so every bundled scenario reports as before.
 */
export const COMPACT_BREAKDOWN_ABOVE = 32;

/** Calls, failures, cost and call latency for one upstream target or one group of requests. */
export class GroupStats {
  calls = 0;
  failures = 0;
  costUsd = 0;
  tokens = 0;
  /** Answers that failed their eval and went to a stronger model (tiers only). */
  qualityFallbacks = 0;
  readonly latency: LatencyRecorder;
  constructor(
    readonly name: string,
    compact = false,
  ) {
    this.latency = compact ? new CompactLatencyHistogram() : new LatencyHistogram();
    // Token totals pass 2^31 mid-run; costs are fractions (src/metrics/double-fields.ts).
    startAsDoubles(this, ['costUsd', 'tokens']);
  }
}

/** One row per name, compact when there are many. */
function groups(names: readonly string[]): GroupStats[] {
  const compact = names.length > COMPACT_BREAKDOWN_ABOVE;
  return names.map((name) => new GroupStats(name, compact));
}

/**
 * Streaming counters for one run. Everything is a running total or a histogram, so
 * memory does not grow with the number of requests.
 */
export class MetricsCollector {
  requests = 0;
  successes = 0;
  failures = 0;
  rejected = 0;
  refused = 0;
  /** Calls that reached a model (first attempts, retries, fallbacks, classifier calls). */
  modelCalls = 0;
  toolCalls = 0;
  retries = 0;
  fallbacks = 0;
  qualityFallbacks = 0;
  classifierCalls = 0;
  /** Calls an open breaker refused before they reached the upstream. */
  shortCircuited = 0;
  cacheSavingsUsd = 0;
  /** Model calls by cause: first attempt, retry, fallback, quality fallback, half-open probe, classifier, SDK retry, hedge. */
  readonly callsByCause = new Float64Array(8);
  /** Calls the client abandoned (timed out) that the server still served and billed. */
  abandonedCalls = 0;
  billedTokens = 0;
  wastedTokens = 0;
  costUsd = 0;
  readonly latency = new LatencyHistogram();
  /** End-to-end latency of successful requests only: what a user who got an answer waited. */
  readonly successLatency = new LatencyHistogram();
  readonly byModel: GroupStats[];
  readonly byTenant: GroupStats[];
  /** Requests by routed difficulty label (trivial, standard, complex): cost and quality per tier. */
  readonly byTier: GroupStats[];
  readonly byTool: GroupStats[];

  /**
   * `timeline` receives the per-bucket counts (offered, upstream calls, goodput, failures,
   * server queue depth); the engine advances its buckets, the collector only counts.
   */
  constructor(
    modelNames: readonly string[],
    tenantNames: readonly string[],
    toolNames: readonly string[] = [],
    readonly timeline: Timeline = new Timeline(0),
  ) {
    this.byModel = groups(modelNames);
    this.byTenant = groups(tenantNames);
    this.byTier = groups(['trivial', 'standard', 'complex']);
    this.byTool = groups(toolNames);
    // Token totals pass 2^31 mid-run (a session scenario's after ~30K calls) and money is
    // fractional: settled as doubles now, not when the handlers are optimized (double-fields.ts).
    startAsDoubles(this, ['billedTokens', 'wastedTokens', 'costUsd', 'cacheSavingsUsd']);
  }

  /** A request arrived (before any capacity check). */
  recordArrival(): void {
    this.timeline.offered[this.timeline.current]!++;
  }

  /** A model call (or the classifier's) left for the upstream, made for `cause` (`CallCause`). */
  recordUpstreamCall(cause: number): void {
    this.callsByCause[cause]!++;
    this.timeline.upstreamCalls[this.timeline.current]!++;
  }

  /** An open breaker refused a call before it reached the upstream. */
  recordShortCircuit(): void {
    this.shortCircuited++;
  }

  /** A failed call will be retried. */
  recordRetry(): void {
    this.retries++;
  }

  /** A failed model moved the request on to the next model of its list. */
  recordFallback(): void {
    this.fallbacks++;
  }

  /** An answer of tier `tier` failed its eval and moves to a stronger model. */
  recordQualityFallback(tier: number): void {
    this.qualityFallbacks++;
    this.byTier[tier]!.qualityFallbacks++;
  }

  /** What the prompt cache saved on one call, in dollars. */
  recordCacheSavings(usd: number): void {
    this.cacheSavingsUsd += usd;
  }

  /** Calls waiting at finite-capacity servers now: raises the current bucket's peak. */
  recordServerQueue(depth: number): void {
    this.timeline.noteQueue(depth);
  }

  /** The classifier call finished (counted as a model call of its model too). */
  recordClassifierCall(model: number, failed: boolean, latencyMs: number, tokens: number, costUsd: number): void {
    this.classifierCalls++;
    this.recordModelCall(model, failed, latencyMs, tokens, costUsd);
  }

  /** A call the client abandoned finished at its server: billed, and wasted. */
  recordAbandonedWork(model: number, tenant: number, tier: number, tokens: number, costUsd: number): void {
    this.abandonedCalls++;
    this.billedTokens += tokens;
    this.wastedTokens += tokens;
    this.costUsd += costUsd;
    for (const stats of [this.byModel[model]!, this.byTenant[tenant]!, this.byTier[tier]!]) {
      stats.tokens += tokens;
      stats.costUsd += costUsd;
    }
  }

  /** One tool call finished. */
  recordToolCall(tool: number, failed: boolean, latencyMs: number): void {
    this.toolCalls++;
    const stats = this.byTool[tool]!;
    stats.calls++;
    if (failed) stats.failures++;
    stats.latency.record(latencyMs);
  }

  /** One upstream model call finished. */
  recordModelCall(model: number, failed: boolean, latencyMs: number, tokens: number, costUsd: number): void {
    this.modelCalls++;
    const stats = this.byModel[model]!;
    stats.calls++;
    if (failed) stats.failures++;
    stats.tokens += tokens;
    stats.costUsd += costUsd;
    stats.latency.record(latencyMs);
  }

  /** One user request ended. `usefulTokens` are those billed on the calls that produced the answer. */
  recordRequest(
    tenant: number,
    label: number,
    outcome: RequestOutcome,
    latencyMs: number,
    billedTokens: number,
    usefulTokens: number,
    costUsd: number,
  ): void {
    this.requests++;
    if (outcome === RequestOutcome.Success) {
      this.successes++;
      this.timeline.goodput[this.timeline.current]!++;
    } else {
      this.countUnsuccessful(outcome);
    }
    this.billedTokens += billedTokens;
    this.wastedTokens += billedTokens - usefulTokens;
    this.costUsd += costUsd;
    // One latency, four histograms: its slot is worked out once.
    const slot = fastSlotOf(latencyMs);
    this.latency.recordAt(slot, latencyMs);
    if (outcome === RequestOutcome.Success) this.successLatency.recordAt(slot, latencyMs);
    const failed = outcome === RequestOutcome.Failed || outcome === RequestOutcome.Rejected;
    recordGroup(this.byTenant[tenant]!, failed, slot, latencyMs, billedTokens, costUsd);
    recordGroup(this.byTier[label]!, failed, slot, latencyMs, billedTokens, costUsd);
  }

  /** A request that did not succeed, by how it ended (apart from `recordRequest`, which stays small for the common case). */
  private countUnsuccessful(outcome: RequestOutcome): void {
    if (outcome !== RequestOutcome.Refused) this.timeline.failures[this.timeline.current]!++;
    if (outcome === RequestOutcome.Failed) this.failures++;
    else if (outcome === RequestOutcome.Rejected) this.rejected++;
    else if (outcome === RequestOutcome.Refused) this.refused++;
  }
}

function recordGroup(group: GroupStats, failed: boolean, slot: number, latencyMs: number, tokens: number, costUsd: number): void {
  group.calls++;
  if (failed) group.failures++;
  group.costUsd += costUsd;
  group.tokens += tokens;
  group.latency.recordAt(slot, latencyMs);
}
