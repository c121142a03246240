import { makeDistribution, type Distribution } from '../random/distributions.js';
import type { KeyedUniform, RandomStreams } from '../random/random.js';
import { DEFAULTS } from '../scenario/defaults.js';
import type { TargetConfig } from '../scenario/schema.js';
import { cumulative, pick } from '../random/categorical.js';
import { EpisodeProcess, type EpisodeSpec } from './episodes.js';
import { MIX_OUTCOMES, mixShares, Outcome } from './outcome.js';

/** One incident: inside [startMs, endMs) the target's error rate is replaced. */
export interface IncidentWindow {
  startMs: number;
  endMs: number;
  errorRate: number;
  /** Cumulative error mix for the window, or null to keep the target's own mix. */
  mixCumulative: Float64Array | null;
}

/** The result of one upstream call, written into a caller-owned object. */
export interface CallResult {
  outcome: Outcome;
  /** How long until the caller learns the outcome. */
  latencyMs: number;
  /** For a 429: how long the upstream asks the caller to wait; 0 otherwise. */
  retryAfterMs: number;
}

/** A model or tool the harness calls, with its latency, errors and price. */
export class Target {
  readonly latency: Distribution;
  readonly errorLatency: Distribution;
  readonly errorRate: number;
  readonly mixCumulative: Float64Array;
  readonly timeoutAfterMs: number;
  readonly retryAfterMs: number;
  readonly inputPriceUsdPerMTok: number;
  readonly outputPriceUsdPerMTok: number;
  /** Error episodes (`errors.episodes`), or null when the target fails independently of time. */
  readonly episodeSpec: EpisodeSpec | null;
  /** Cumulative error mix inside an episode. */
  readonly episodeMixCumulative: Float64Array;
  incidents: IncidentWindow[] = [];

  constructor(readonly name: string, config: TargetConfig) {
    this.latency = makeDistribution(config.latency);
    this.errorLatency = makeDistribution(config.errors.latency);
    this.errorRate = config.errors.rate;
    const mix = config.errors.mix;
    this.mixCumulative = cumulative(mixShares(mix));
    const episodes = config.errors.episodes;
    this.episodeSpec = episodes ? { every: episodes.every, lasting: episodes.lasting, dist: episodes.dist, sigma: episodes.sigma ?? DEFAULTS.episodes.sigma, rate: episodes.rate } : null;
    this.episodeMixCumulative = episodes?.mix ? cumulative(mixShares(episodes.mix)) : this.mixCumulative;
    this.timeoutAfterMs = config.errors.timeoutAfter;
    this.retryAfterMs = config.errors.retryAfter;
    this.inputPriceUsdPerMTok = config.price.input;
    this.outputPriceUsdPerMTok = config.price.output;
  }
}

/**
 * The upstream as the client meets it: each call fails with the target's error rate, or an
 * incident's inside its window, or its episode rate while the target is in an error episode
 * (`episodes.ts`), independently of load. Draws are keyed by (request, target, attempt), and
 * episodes by (target, k), so the same call fails the same way in every variant.
 */
export class Upstream {
  private readonly failDraw: KeyedUniform;
  private readonly kindDraw: KeyedUniform;
  private readonly latencyDraw: KeyedUniform;
  /** Each target's episode process, by target id; null without episodes. */
  readonly episodes: readonly (EpisodeProcess | null)[];

  constructor(readonly targets: readonly Target[], streams: RandomStreams) {
    this.failDraw = streams.keyed('upstream-fail');
    this.kindDraw = streams.keyed('upstream-error-kind');
    this.latencyDraw = streams.keyed('upstream-latency');
    const episodeDraw = streams.keyed('upstream-episodes');
    this.episodes = targets.map((t, id) => (t.episodeSpec ? new EpisodeProcess(t.episodeSpec, id, episodeDraw) : null));
  }

  /**
   * Decides the outcome and latency of the `attempt`-th call of request `request` to
   * target `targetId` started at `nowMs`.
   */
  call(targetId: number, request: number, attempt: number, nowMs: number, out: CallResult): void {
    const target = this.targets[targetId]!;
    let errorRate = target.errorRate;
    let mix = target.mixCumulative;
    const incidents = target.incidents;
    let inIncident = false;
    for (let i = 0; i < incidents.length; i++) {
      const w = incidents[i]!;
      if (nowMs >= w.startMs && nowMs < w.endMs) {
        errorRate = w.errorRate;
        if (w.mixCumulative) mix = w.mixCumulative;
        inIncident = true;
        break;
      }
    }
    // A scripted incident overrides the random episodes.
    const episodes = this.episodes[targetId]!;
    if (episodes !== null && !inIncident && episodes.inEpisode(nowMs)) {
      errorRate = episodes.spec.rate;
      mix = target.episodeMixCumulative;
    }
    out.retryAfterMs = 0;
    if (errorRate > 0 && this.failDraw.at(request, targetId, attempt) < errorRate) {
      const outcome = MIX_OUTCOMES[pick(mix, this.kindDraw.at(request, targetId, attempt))]!;
      out.outcome = outcome;
      if (outcome === Outcome.Timeout) {
        out.latencyMs = target.timeoutAfterMs;
      } else {
        out.latencyMs = target.errorLatency.quantile(this.latencyDraw.at(request, targetId, attempt));
        // A 429 says when to come back; a quota 429 will not clear, and 529 / 500 carry no hint.
        if (outcome === Outcome.RateLimited) out.retryAfterMs = target.retryAfterMs;
      }
      return;
    }
    out.outcome = Outcome.Success;
    out.latencyMs = target.latency.quantile(this.latencyDraw.at(request, targetId, attempt));
  }
}

/** Attaches the scenario's incident windows to their targets. */
export function attachIncidents(
  targets: readonly Target[],
  incidents: readonly { target: string; at: number; for: number; errorRate: number; mix?: Partial<Record<string, number>> }[],
): void {
  for (const incident of incidents) {
    const target = targets.find((t) => t.name === incident.target);
    if (!target) throw new RangeError(`incident names unknown target "${incident.target}"`);
    const m = incident.mix;
    target.incidents.push({
      startMs: incident.at,
      endMs: incident.at + incident.for,
      errorRate: incident.errorRate,
      mixCumulative: m ? cumulative(mixShares(m)) : null,
    });
  }
}
