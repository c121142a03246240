import { CALL_CAUSE_NAMES } from '../metrics/run-output.js';
import type { RejectedBy } from './errors.js';
import { LatencyRecorder } from './latency.js';

/** Latency summary in milliseconds, as in the simulator's `RunResult.metrics.latencyMs`. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** Calls to one model or tool. */
export interface TargetCounts {
  calls: number;
  failures: number;
  failureRate: number;
}

/**
 * A harness's counters, named and defined as in `harness-sim run --format json` so a
 * deployed harness and its simulation can be read side by side:
 * `visibleFailureRate = (failures + rejected) / requests`, `loadMultiplier = upstreamCalls /
 * requests` (model calls including retries, fallbacks, probes and the classifier).
 * `requests` counts requests that ended (answered, failed or rejected); requests the caller
 * aborted are in `cancelled` only. `refused` counts refused tool calls, and `refusalRate`
 * divides them by `requests` as the simulator does, where a refusal ends its request.
 */
export interface HarnessMetrics {
  requests: number;
  successes: number;
  failures: number;
  rejected: number;
  refused: number;
  cancelled: number;
  visibleFailureRate: number;
  successRate: number;
  rejectedRate: number;
  refusalRate: number;
  latencyMs: LatencySummary;
  successLatencyMs: LatencySummary;
  loadMultiplier: number;
  upstreamCalls: number;
  retries: number;
  retryBudgetDenied: number;
  fallbacks: number;
  qualityFallbacks: number;
  classifierCalls: number;
  breakerTrips: number;
  breakerReopens: number;
  breakerOpenMs: number;
  shortCircuited: number;
  /** Calls still out when their hedged attempt was decided: left to finish (and be billed), no longer awaited. */
  abandonedCalls: number;
  toolCalls: number;
  /** Model calls by cause, as in the simulator's `loadAttribution`; sums to `upstreamCalls`. */
  loadAttribution: Record<(typeof CALL_CAUSE_NAMES)[number], number>;
  rejectedBy: Record<RejectedBy, number>;
  byModel: Record<string, TargetCounts>;
  byTool: Record<string, TargetCounts>;
  /** Requests holding a backpressure slot, and waiting for one, now. */
  inFlight: number;
  waiting: number;
}

/** The running totals behind `HarnessMetrics`. */
export class HarnessCounters {
  successes = 0;
  failures = 0;
  rejected = 0;
  refused = 0;
  cancelled = 0;
  retries = 0;
  fallbacks = 0;
  qualityFallbacks = 0;
  classifierCalls = 0;
  shortCircuited = 0;
  abandonedCalls = 0;
  readonly callsByCause = new Float64Array(CALL_CAUSE_NAMES.length);
  readonly rejectedBy: Record<RejectedBy, number> = { perKey: 0, tokenBudget: 0, backpressure: 0, queueTimeout: 0 };
  readonly latency = new LatencyRecorder();
  readonly successLatency = new LatencyRecorder();
  readonly models = new Map<string, { calls: number; failures: number }>();
  readonly tools = new Map<string, { calls: number; failures: number }>();

  /** A model (or classifier) call left for the upstream, made for `cause` (`CallCause`). */
  upstreamCall(cause: number): void {
    this.callsByCause[cause]! += 1;
  }

  /** A call to a model or tool ended. */
  targetCall(tool: boolean, name: string, failed: boolean): void {
    const map = tool ? this.tools : this.models;
    let counts = map.get(name);
    if (counts === undefined) map.set(name, (counts = { calls: 0, failures: 0 }));
    counts.calls++;
    if (failed) counts.failures++;
  }

  /** A request ended after `latencyMs`: answered, failed or rejected. */
  requestEnded(outcome: 'success' | 'failed' | 'rejected', latencyMs: number): void {
    if (outcome === 'success') {
      this.successes++;
      this.successLatency.record(latencyMs);
    } else if (outcome === 'failed') this.failures++;
    else this.rejected++;
    this.latency.record(latencyMs);
  }

  get requests(): number {
    return this.successes + this.failures + this.rejected;
  }
}

/** Rounds like the simulator's report (6 decimals for rates, 3 for ms). */
function round(x: number, digits = 6): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

function summary(recorder: LatencyRecorder): LatencySummary {
  return {
    p50: round(recorder.percentileMs(50), 3),
    p95: round(recorder.percentileMs(95), 3),
    p99: round(recorder.percentileMs(99), 3),
    mean: round(recorder.meanMs, 3),
  };
}

function targetCounts(map: Map<string, { calls: number; failures: number }>): Record<string, TargetCounts> {
  const out: Record<string, TargetCounts> = {};
  for (const [name, c] of map) out[name] = { calls: c.calls, failures: c.failures, failureRate: round(c.calls > 0 ? c.failures / c.calls : 0) };
  return out;
}

/** The snapshot `harness.metrics()` returns. */
export function snapshot(
  c: HarnessCounters,
  layers: { retryBudgetDenied: number; breakerTrips: number; breakerReopens: number; breakerOpenMs: number },
  gate: { inFlight: number; waiting: number },
): HarnessMetrics {
  const requests = c.requests;
  const n = Math.max(1, requests);
  const upstreamCalls = c.callsByCause.reduce((s, x) => s + x, 0);
  let toolCalls = 0;
  for (const t of c.tools.values()) toolCalls += t.calls;
  return {
    requests,
    successes: c.successes,
    failures: c.failures,
    rejected: c.rejected,
    refused: c.refused,
    cancelled: c.cancelled,
    visibleFailureRate: round((c.failures + c.rejected) / n),
    successRate: round(c.successes / n),
    rejectedRate: round(c.rejected / n),
    refusalRate: round(c.refused / n),
    latencyMs: summary(c.latency),
    successLatencyMs: summary(c.successLatency),
    loadMultiplier: round(upstreamCalls / n),
    upstreamCalls,
    retries: c.retries,
    retryBudgetDenied: layers.retryBudgetDenied,
    fallbacks: c.fallbacks,
    qualityFallbacks: c.qualityFallbacks,
    classifierCalls: c.classifierCalls,
    breakerTrips: layers.breakerTrips,
    breakerReopens: layers.breakerReopens,
    breakerOpenMs: round(layers.breakerOpenMs, 3),
    shortCircuited: c.shortCircuited,
    abandonedCalls: c.abandonedCalls,
    toolCalls,
    loadAttribution: Object.fromEntries(CALL_CAUSE_NAMES.map((name, i) => [name, c.callsByCause[i]!])) as HarnessMetrics['loadAttribution'],
    rejectedBy: { ...c.rejectedBy },
    byModel: targetCounts(c.models),
    byTool: targetCounts(c.tools),
    inFlight: gate.inFlight,
    waiting: gate.waiting,
  };
}
