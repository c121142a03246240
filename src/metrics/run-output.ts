import type { MetricsCollector } from './collector.js';
import type { SessionMetrics } from './session-metrics.js';
import type { Timeline } from './timeline.js';

/** Why a model call was made, for load-multiplier attribution. */
export const CallCause = { First: 0, Retry: 1, Fallback: 2, QualityFallback: 3, Probe: 4, Classifier: 5, SdkRetry: 6, Hedge: 7 } as const;
export const CALL_CAUSE_NAMES = ['firstAttempt', 'retry', 'fallback', 'qualityFallback', 'halfOpenProbe', 'classifier', 'sdkRetry', 'hedge'] as const;
/** Causes every result shows; the later ones appear only in runs whose scenario can make them (`RunOutput.extraCauses`). */
export const BASE_CALL_CAUSES = 6;

/** Options for one run that are not part of the scenario. */
export interface RunOptions {
  /** Simulate only the first N requests at the scenario's arrival rate. */
  requests?: number;
  /** Override the scenario's seed. */
  seed?: number;
  /** Simulate this fraction of the traffic, with capacities scaled alike (see `sampling.ts`). */
  sample?: number;
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
  /** The harness layers switched on, in the order a request meets them. */
  layersOn: string[];
  requests: number;
  seed: number;
  /** Simulated span of arrivals, in ms (N / arrival rate). */
  horizonMs: number;
  /** What a run shortened by `--requests` left out (incidents, bursts, schedules), one line each; absent when nothing. */
  warnings?: string[];
  /** Simulated time when the last event ran. */
  endMs: number;
  events: number;
  /** Peak number of requests in the system at once. */
  peakInSystem: number;
  timeline: Timeline;
  /** The simulated fraction of the traffic (1 = all of it); reports scale counts by its inverse. */
  sampleFraction: number;
  /**
   * Under `--sample`, what the figures scale back by: `counts` (totals: requests, calls, cost)
   * by the requests asked for over those simulated, `rate` (per-time: monthly figures) by the
   * scenario's request rate over the sampled one. Both 1 without sampling; near 1/fraction with.
   */
  sampleScale: { counts: number; rate: number };
  /** Windows of disturbed load or upstream health, for recovery analysis. */
  disturbances: { startMs: number; endMs: number }[];
  /** Per finite-capacity target: peak queue, overflows, over-quota answers. */
  servers: { name: string; peakQueue: number; overflows: number; overQuota: number }[];
  /** Causes beyond the base six this run can make (`sdkRetry`, `hedge`), shown in its load attribution. */
  extraCauses?: readonly (typeof CALL_CAUSE_NAMES)[number][];
  /** With more than one client: how the stateful layers fared per client. */
  fleet?: { clients: number; spread: string; breakerTripsPerClient: number; retryBudgetDeniedPerClient: number };
  /** Agent sessions' counters; absent for a scenario without `workload.sessions`. */
  sessions?: SessionMetrics;
  /** Per target id (models, then tools): its error episodes over the run, or null without any. */
  episodes?: (EpisodeReport | null)[];
}

/** A target's error episodes over one run, beside their closed forms. */
export interface EpisodeReport {
  /** Episodes that began during the run. */
  count: number;
  /** The share of the run's time spent in episodes. */
  timeFraction: number;
  /** The long-run share: lasting / (every + lasting). */
  expectedTimeFraction: number;
  /** The long-run error rate of a call at a random time: base (1 - f) + episode rate f. */
  impliedErrorRate: number;
}
