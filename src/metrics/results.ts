import { BASE_CALL_CAUSES, CALL_CAUSE_NAMES, type EpisodeReport, type RunOutput } from './run-output.js';
import type { GroupStats } from './collector.js';
import { analyseRecovery, type RecoveryReport } from './recovery.js';
import { buildSessionsResult, type SessionsResult } from './session-results.js';

/** Thirty days in ms: the "month" every monthly figure is scaled to. */
export const MONTH_MS = 30 * 24 * 3600 * 1000;

/** Latency summary in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** Per-target or per-group breakdown row. */
export interface Breakdown {
  calls: number;
  failures: number;
  failureRate: number;
  costUsd: number;
  monthlyCostUsd: number;
  p95Ms: number;
  /** A target with error episodes: how many, the time share in them, and the long-run error rate they imply. */
  episodes?: EpisodeReport;
}

/** A tier's breakdown adds its quality: how often its first answer failed the eval check. */
export interface TierBreakdown extends Breakdown {
  qualityFallbacks: number;
  /** Quality fallbacks per request of this tier: 1 minus the first-answer pass rate. */
  qualityFallbackRate: number;
}

/** The JSON contract of `harness-sim run --format json`. Names are stable; fields may be added. */
export interface RunResult {
  scenario: string;
  seed: number;
  /** Requests the run stands for (the simulated ones, scaled up under `--sample`). */
  requests: number;
  /** Present under `--sample`: the simulated fraction and the sampling error it adds. */
  sampling?: { fraction: number; simulatedRequests: number; visibleFailureRateStdErr: number; visibleFailureRateCi95: number[] };
  simulatedMs: number;
  /** The harness layers switched on, in the order a request meets them (`capacity`, `routing`, `breaker`, `timeout`, `retry`, `scope`, `cache`). */
  layersOn: string[];
  /**
   * Present when the arrivals spanned less than 30 days: every monthly figure is the
   * simulated span's, multiplied by `factor` (30 days / `simulatedSeconds`).
   */
  monthlyExtrapolation?: { simulatedSeconds: number; factor: number };
  /** What `--requests` cut off (incidents, bursts, schedules the shortened run never reached, or reached only in part); absent when nothing. */
  warnings?: string[];
  metrics: {
    visibleFailureRate: number;
    latencyMs: LatencySummary;
    /** The same over successful requests only (rejections and refusals end in ~0 ms and pull `latencyMs` down). */
    successLatencyMs: LatencySummary;
    loadMultiplier: number;
    upstreamCalls: number;
    monthlyCostUsd: number;
    wastedTokens: number;
    successRate: number;
    rejectedRate: number;
    refusalRate: number;
    retries: number;
    retryBudgetDenied: number;
    fallbacks: number;
    qualityFallbacks: number;
    classifierCalls: number;
    breakerTrips: number;
    breakerReopens: number;
    breakerOpenMs: number;
    shortCircuited: number;
    cacheHitRate: number;
    cacheSavingsUsd: number;
    monthlyCacheSavingsUsd: number;
    toolCalls: number;
    abandonedCalls: number;
    costUsd: number;
    billedTokens: number;
    wastedTokenRate: number;
  };
  byModel: Record<string, Breakdown>;
  byTenant: Record<string, Breakdown>;
  byTier: Record<string, TierBreakdown>;
  byTool: Record<string, Breakdown>;
  /**
   * Model calls by cause: which layer multiplies load. Sums to `upstreamCalls`. `sdkRetry`
   * and `hedge` appear only when the scenario has SDK retries or hedging.
   */
  loadAttribution: Record<(typeof CALL_CAUSE_NAMES)[number] extends infer N ? Exclude<N, 'sdkRetry' | 'hedge'> & string : never, number> &
    Partial<Record<'sdkRetry' | 'hedge', number>>;
  /** With `workload.clients` above 1: the clients, how requests were spread, and the stateful layers per client. */
  fleet?: { clients: number; spread: string; breakerTripsPerClient: number; retryBudgetDeniedPerClient: number };
  /** Agent sessions (`workload.sessions`): turns, sessions, tokens and cost per session. Absent without sessions. */
  sessions?: SessionsResult;
  /** Finite-capacity targets: peak server queue, overflow and over-quota answers. */
  servers: { name: string; peakQueue: number; overflows: number; overQuota: number }[];
  /** Return to pre-disturbance health after bursts, schedules and incidents; null when there were none. */
  recovery: RecoveryReport | null;
  timeline: {
    bucketMs: number;
    offered: number[];
    upstreamCalls: number[];
    goodput: number[];
    failures: number[];
    queueDepth: number[];
    breakersOpen: number[];
  };
  /**
   * Request latency in log-spaced buckets (10 per decade): `[upperMs, count]` for the
   * latencies in (previous upperMs, upperMs]. Optional: results read from older JSON lack it.
   */
  latencyHistogram?: Array<[upperMs: number, count: number]>;
}

/** Turns a run's counters into the reported figures, scaling money to a 30-day month. */
export function buildResult(name: string, run: RunOutput): RunResult {
  const m = run.metrics;
  const n = Math.max(1, m.requests);
  // Under --sample, counts and money stand for the whole traffic: totals scale by the requests
  // asked for over those simulated, monthly figures by the full rate over the sampled one.
  const k = run.sampleScale.counts;
  const count = (x: number) => Math.round(x * k);
  const monthly = run.horizonMs > 0 ? (MONTH_MS / run.horizonMs) * run.sampleScale.rate : 0;
  return {
    scenario: name,
    seed: run.seed,
    requests: count(m.requests),
    ...(run.sampleFraction < 1 ? { sampling: samplingError(run.sampleFraction, m.requests, (m.failures + m.rejected) / n) } : {}),
    simulatedMs: round(run.endMs, 3),
    layersOn: run.layersOn,
    ...(run.horizonMs > 0 && run.horizonMs < MONTH_MS
      ? { monthlyExtrapolation: { simulatedSeconds: round(run.horizonMs / 1000, 3), factor: round(MONTH_MS / run.horizonMs, 4) } }
      : {}),
    ...(run.warnings !== undefined ? { warnings: [...run.warnings] } : {}),
    metrics: {
      visibleFailureRate: round((m.failures + m.rejected) / n),
      latencyMs: latencySummary(m.latency),
      successLatencyMs: latencySummary(m.successLatency),
      loadMultiplier: round(m.modelCalls / n),
      upstreamCalls: count(m.modelCalls),
      monthlyCostUsd: round(m.costUsd * monthly, 2),
      wastedTokens: count(m.wastedTokens),
      successRate: round(m.successes / n),
      rejectedRate: round(m.rejected / n),
      refusalRate: round(m.refused / n),
      retries: count(m.retries),
      retryBudgetDenied: count(run.layers.retryBudgetDenied),
      fallbacks: count(m.fallbacks),
      qualityFallbacks: count(m.qualityFallbacks),
      classifierCalls: count(m.classifierCalls),
      breakerTrips: run.layers.breakerTrips,
      breakerReopens: run.layers.breakerReopens,
      breakerOpenMs: round(run.layers.breakerOpenMs, 3),
      shortCircuited: count(m.shortCircuited),
      cacheHitRate: round(run.layers.cacheHitRate),
      cacheSavingsUsd: round(m.cacheSavingsUsd * k, 4),
      monthlyCacheSavingsUsd: round(m.cacheSavingsUsd * monthly, 2),
      toolCalls: count(m.toolCalls),
      abandonedCalls: count(m.abandonedCalls),
      costUsd: round(m.costUsd * k, 4),
      billedTokens: count(m.billedTokens),
      wastedTokenRate: round(m.billedTokens > 0 ? m.wastedTokens / m.billedTokens : 0),
    },
    byModel: withEpisodes(breakdowns(m.byModel, monthly, k), m.byModel, run.episodes, 0),
    byTenant: breakdowns(m.byTenant, monthly, k),
    byTier: tierBreakdowns(m.byTier.filter((t) => t.calls > 0), monthly, k),
    byTool: withEpisodes(breakdowns(m.byTool, monthly, k), m.byTool, run.episodes, m.byModel.length),
    loadAttribution: Object.fromEntries(
      CALL_CAUSE_NAMES.flatMap((name, i) => (i < BASE_CALL_CAUSES || run.extraCauses?.includes(name) ? [[name, count(m.callsByCause[i]!)]] : [])),
    ) as RunResult['loadAttribution'],
    ...(run.fleet ? { fleet: { ...run.fleet, breakerTripsPerClient: round(run.fleet.breakerTripsPerClient), retryBudgetDeniedPerClient: round(run.fleet.retryBudgetDeniedPerClient) } } : {}),
    ...(run.sessions ? { sessions: buildSessionsResult(run.sessions, k) } : {}),
    servers: run.servers,
    recovery: analyseRecovery(run.timeline, run.disturbances),
    timeline: {
      bucketMs: run.timeline.bucketMs,
      offered: run.timeline.offered,
      upstreamCalls: run.timeline.upstreamCalls,
      goodput: run.timeline.goodput,
      failures: run.timeline.failures,
      queueDepth: run.timeline.queueDepth,
      breakersOpen: run.timeline.breakersOpen,
    },
    latencyHistogram: m.latency.buckets(),
  };
}

/**
 * The sampling error `--sample` adds: the visible failure rate is a binomial proportion
 * over the simulated requests, so its standard error is sqrt(p(1-p)/n) for those n, not
 * for the traffic they stand for.
 */
function samplingError(fraction: number, simulatedRequests: number, visibleFailureRate: number) {
  const n = Math.max(1, simulatedRequests);
  const standardError = Math.sqrt((visibleFailureRate * (1 - visibleFailureRate)) / n);
  return {
    fraction,
    simulatedRequests,
    visibleFailureRateStdErr: round(standardError, 10),
    // With no failure seen the normal interval collapses to [0, 0]; the rule of three gives the 95% upper bound.
    visibleFailureRateCi95:
      visibleFailureRate === 0
        ? [0, round(3 / n, 10)]
        : [round(Math.max(0, visibleFailureRate - 1.959964 * standardError), 10), round(Math.min(1, visibleFailureRate + 1.959964 * standardError), 10)],
  };
}

/** Adds each target's episode report to its breakdown (`groups[i]` is target `first + i`). */
function withEpisodes(rows: Record<string, Breakdown>, groups: readonly GroupStats[], episodes: RunOutput['episodes'], first: number): Record<string, Breakdown> {
  if (!episodes) return rows;
  groups.forEach((group, i) => {
    const e = episodes[first + i];
    if (e) {
      rows[group.name]!.episodes = {
        count: e.count,
        timeFraction: round(e.timeFraction),
        expectedTimeFraction: round(e.expectedTimeFraction),
        impliedErrorRate: round(e.impliedErrorRate),
      };
    }
  });
  return rows;
}

function tierBreakdowns(groups: readonly GroupStats[], monthly: number, k: number): Record<string, TierBreakdown> {
  const base = breakdowns(groups, monthly, k);
  const out: Record<string, TierBreakdown> = {};
  for (const g of groups) {
    out[g.name] = { ...base[g.name]!, qualityFallbacks: Math.round(g.qualityFallbacks * k), qualityFallbackRate: round(g.calls > 0 ? g.qualityFallbacks / g.calls : 0) };
  }
  return out;
}

function breakdowns(groups: readonly GroupStats[], monthly: number, k: number): Record<string, Breakdown> {
  const out: Record<string, Breakdown> = {};
  for (const g of groups) {
    out[g.name] = {
      calls: Math.round(g.calls * k),
      failures: Math.round(g.failures * k),
      failureRate: round(g.calls > 0 ? g.failures / g.calls : 0),
      costUsd: round(g.costUsd * k, 4),
      monthlyCostUsd: round(g.costUsd * monthly, 2),
      p95Ms: round(g.latency.percentileMs(95), 3),
    };
  }
  return out;
}

/** Rounds to `digits` decimals so JSON is stable and readable (8 by default); a nonzero value too small for them keeps six significant digits. */
/** p50, p95, p99 and mean of a latency histogram, in ms to the microsecond, as every result reports them. */
export function latencySummary(h: { percentileMs(percentile: number): number; readonly meanMs: number }): { p50: number; p95: number; p99: number; mean: number } {
  return { p50: round(h.percentileMs(50), 3), p95: round(h.percentileMs(95), 3), p99: round(h.percentileMs(99), 3), mean: round(h.meanMs, 3) };
}

export function round(value: number, digits = 8): number {
  if (!Number.isFinite(value)) return value;
  const f = Math.pow(10, digits);
  const rounded = Math.round(value * f) / f;
  // A tiny rate (1 failure in 10^9) must not read as none: keep its significant digits instead.
  return rounded === 0 && value !== 0 ? Number(value.toPrecision(6)) : rounded;
}
