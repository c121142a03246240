import type { PromptCache } from '../layers/prompt-cache.js';
import type { Clock } from '../layers/types.js';
import type { MetricsCollector } from '../metrics/collector.js';
import { SessionMetrics } from '../metrics/session-metrics.js';
import type { RandomStreams } from '../random/random.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { SessionPlan } from '../workload/session-plan.js';
import { SessionPricing } from './session-pricing.js';

/**
 * Model calls a turn may make when `layers.session.maxStepsPerTurn` is not set: a backstop,
 * so a model that always calls a tool that always fails (`retrySame: 100%`) cannot loop
 * forever; a turn that reaches it is stopped by `steps` like any step limit.
 */
export const STEP_BACKSTOP = 100_000;

/** The harness's limits on a session (`layers.session`); Infinity or 0 where a limit is off. */
export interface SessionLimits {
  maxStepsPerTurn: number;
  maxTokensPerSession: number;
  maxTurnMs: number;
  /** Failures in a row after which the loop guard acts; 0 = no loop guard. */
  sameToolFailures: number;
  /** The loop guard stops the turn (instead of refusing the tool so the model routes around it). */
  stopTurnOnLoop: boolean;
}

/** What a run with `workload.sessions` adds to the world: the plan, the limits, compaction, pricing, counters. */
export interface SessionWorld {
  readonly plan: SessionPlan;
  readonly limits: SessionLimits;
  /** Compaction: above this many history tokens keep `keep` of them; null = never. */
  readonly compaction: { aboveTokens: number; keep: number } | null;
  readonly pricing: SessionPricing;
  readonly metrics: SessionMetrics;
}

/** The session part of a run's world, or null for a scenario without `workload.sessions`. */
export function buildSessionWorld(
  scenario: ParsedScenario,
  streams: RandomStreams,
  clock: Clock,
  prefixTokens: number,
  cache: PromptCache | null,
  metrics: MetricsCollector,
): SessionWorld | null {
  const sessions = scenario.workload.sessions;
  if (!sessions) return null;
  const layer = scenario.layers.session?.enabled ? scenario.layers.session : null;
  const sessionMetrics = new SessionMetrics();
  return {
    plan: new SessionPlan(scenario, streams),
    limits: {
      maxStepsPerTurn: Math.min(layer?.maxStepsPerTurn ?? STEP_BACKSTOP, STEP_BACKSTOP),
      maxTokensPerSession: layer?.maxTokensPerSession ?? Infinity,
      maxTurnMs: layer?.maxTurnDuration ?? Infinity,
      sameToolFailures: layer?.sameToolFailures ?? 0,
      stopTurnOnLoop: layer?.onLoop === 'stop-turn',
    },
    compaction: sessions.compaction ? { aboveTokens: sessions.compaction.above, keep: sessions.compaction.keep } : null,
    pricing: new SessionPricing(clock, prefixTokens, cache, metrics, sessionMetrics),
    metrics: sessionMetrics,
  };
}
