import type { KeyedUniform } from '../random/random.js';
import { normalQuantile } from '../random/random.js';

/** A target's error episodes as the scenario gives them (times in ms, rate a fraction). */
export interface EpisodeSpec {
  /** Mean time from the start of one episode to the start of the next (> lasting). */
  every: number;
  /** Mean length of an episode. */
  lasting: number;
  /** How episode lengths are spread around their mean. */
  dist: 'exponential' | 'lognormal';
  /** The lognormal's sigma (log-space standard deviation); ignored for exponential. */
  sigma: number;
  /** The error rate of calls started inside an episode. */
  rate: number;
}

/**
 * The long-run fraction of time in episodes: an episode of mean length `lasting` begins on
 * average once every `every`, so f = lasting / every.
 */
export function episodeTimeFraction(spec: Pick<EpisodeSpec, 'every' | 'lasting'>): number {
  return spec.lasting / spec.every;
}

/** The long-run error rate of a call at a random time: base (1 - f) + episode rate f. */
export function impliedErrorRate(baseRate: number, spec: Pick<EpisodeSpec, 'every' | 'lasting' | 'rate'>): number {
  const f = episodeTimeFraction(spec);
  return baseRate * (1 - f) + spec.rate * f;
}

/** Which draw of the episode stream a number is for, as the keyed draw's third index. */
const GAP = 0;
const LENGTH = 1;
const START_IN_EPISODE = 2;

/**
 * When a target is in an error episode: healthy periods and episodes alternate (an
 * alternating renewal process). Healthy periods are exponential with mean every - lasting,
 * so while the target is healthy episodes begin as a Poisson process, and one begins on
 * average once every `every`; episodes last `lasting` on average, exponential or lognormal.
 *
 * The schedule is a fixed function of the seed and the target: the k-th gap and the k-th
 * length are keyed draws (target, k, 0) and (target, k, 1) of their own stream, so every
 * layer variant of a comparison meets the same episodes at the same times (common random
 * numbers), whatever its calls did. The process starts in its long-run state: inside an
 * episode with probability f (exact for exponential lengths, which are memoryless; a
 * lognormal episode in progress at time 0 is drawn as a fresh one).
 *
 * `inEpisode` is asked with the clock's time, which only moves forward, so a cursor walks
 * the schedule lazily and each question costs O(1) amortised; a question about an earlier
 * time restarts the walk (never in a run, possible in tests).
 */
export class EpisodeProcess {
  /** Start and end of the episode the cursor is at (the current one, or the next). */
  private startMs = 0;
  private endMs = 0;
  /** End of the episode before the cursor's (0 before the first): the cursor answers for [previousEndMs, endMs). */
  private previousEndMs = 0;
  private index = 0;
  private readonly muLength: number;
  /** Mean healthy period: every - lasting. */
  private readonly meanGapMs: number;

  constructor(
    readonly spec: EpisodeSpec,
    private readonly target: number,
    private readonly draw: KeyedUniform,
  ) {
    if (!(spec.lasting > 0 && spec.every > spec.lasting)) throw new RangeError(`episodes need every > lasting > 0, got every ${spec.every} and lasting ${spec.lasting}`);
    this.meanGapMs = spec.every - spec.lasting;
    // A lognormal with mean `lasting`: mu = ln(lasting) - sigma^2 / 2.
    this.muLength = Math.log(spec.lasting) - (spec.sigma * spec.sigma) / 2;
    this.restart();
  }

  /** The long-run fraction of time in episodes. */
  get timeFraction(): number {
    return episodeTimeFraction(this.spec);
  }

  /** Whether `nowMs` falls inside an episode. */
  inEpisode(nowMs: number): boolean {
    // The usual case: between the previous episode's end and the current one's end.
    if (nowMs < this.endMs && nowMs >= this.previousEndMs) return nowMs >= this.startMs;
    if (nowMs < this.previousEndMs) this.restart();
    while (nowMs >= this.endMs) this.next();
    return nowMs >= this.startMs;
  }

  /** Episodes that began before `untilMs` and the time inside them within [0, untilMs). */
  summary(untilMs: number): { count: number; timeMs: number } {
    const walker = new EpisodeProcess(this.spec, this.target, this.draw);
    let count = 0;
    let timeMs = 0;
    while (walker.startMs < untilMs) {
      count++;
      timeMs += Math.min(walker.endMs, untilMs) - walker.startMs;
      walker.next();
    }
    return { count, timeMs };
  }

  private restart(): void {
    this.index = 0;
    this.previousEndMs = 0;
    const inside = this.draw.at(this.target, 0, START_IN_EPISODE) < this.timeFraction;
    this.startMs = inside ? 0 : this.gapMs(0);
    this.endMs = this.startMs + this.lengthMs(0);
  }

  private next(): void {
    this.index++;
    this.previousEndMs = this.endMs;
    this.startMs = this.endMs + this.gapMs(this.index);
    this.endMs = this.startMs + this.lengthMs(this.index);
  }

  private gapMs(k: number): number {
    return -this.meanGapMs * Math.log(1 - this.draw.at(this.target, k, GAP));
  }

  private lengthMs(k: number): number {
    const u = this.draw.at(this.target, k, LENGTH);
    if (this.spec.dist === 'exponential') return -this.spec.lasting * Math.log(1 - u);
    return Math.exp(this.muLength + this.spec.sigma * normalQuantile(u));
  }
}
