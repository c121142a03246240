import { describe, expect, it } from 'vitest';
import { cumulative } from '../../src/random/categorical.js';
import { RandomStreams } from '../../src/random/random.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { EpisodeProcess, episodeTimeFraction, impliedErrorRate, type EpisodeSpec } from '../../src/upstream/episodes.js';
import { mixShares, Outcome } from '../../src/upstream/outcome.js';
import { attachIncidents, Target, Upstream, type CallResult } from '../../src/upstream/upstream.js';

const EXPONENTIAL: EpisodeSpec = { every: 125_000, lasting: 25_000, dist: 'exponential', sigma: 1, rate: 0.9 };

function process(spec: EpisodeSpec = EXPONENTIAL, target = 0, seed = 42): EpisodeProcess {
  return new EpisodeProcess(spec, target, new RandomStreams(seed).keyed('upstream-episodes'));
}

/**
 * Standard error of the time fraction over n cycles of an alternating renewal process with
 * exponential healthy periods (mean a = every - lasting) and episodes (mean b): the fraction is a ratio
 * estimator, sd = sqrt((1 - f)^2 Var D + f^2 Var G) / ((a + b) sqrt(n)), Var of an
 * exponential its mean squared; lognormal lengths have Var D = b^2 (e^(sigma^2) - 1).
 */
function fractionSe(a: number, b: number, n: number, varD = b * b): number {
  const f = b / (a + b);
  return Math.sqrt((1 - f) ** 2 * varD + f ** 2 * a * a) / ((a + b) * Math.sqrt(n));
}

describe('EpisodeProcess', () => {
  it('spends lasting / every of its time in episodes over a long run (20% here)', () => {
    const cycles = 100_000;
    const horizon = cycles * EXPONENTIAL.every;
    const { count, timeMs } = process().summary(horizon);
    const f = episodeTimeFraction(EXPONENTIAL);
    expect(f).toBe(0.2);
    // 4 standard errors of the ratio estimator over 100,000 cycles: about 0.0029.
    expect(Math.abs(timeMs / horizon - f)).toBeLessThan(4 * fractionSe(EXPONENTIAL.every - EXPONENTIAL.lasting, EXPONENTIAL.lasting, cycles));
    // Episodes start at rate 1 / every: 100,000 expected, Poisson-like spread.
    expect(Math.abs(count - cycles)).toBeLessThan(4 * Math.sqrt(cycles));
  });

  it('keeps the mean length `lasting` with lognormal lengths (sigma 1)', () => {
    const spec: EpisodeSpec = { ...EXPONENTIAL, dist: 'lognormal', sigma: 1 };
    const cycles = 100_000;
    const horizon = cycles * spec.every;
    const { timeMs } = process(spec).summary(horizon);
    const varD = spec.lasting ** 2 * (Math.exp(1) - 1);
    expect(Math.abs(timeMs / horizon - 0.2)).toBeLessThan(4 * fractionSe(spec.every - spec.lasting, spec.lasting, cycles, varD));
  });

  it('answers the same whatever the order and spacing of the questions (a fixed schedule per seed and target)', () => {
    const fine = process();
    const coarse = process();
    const fineAnswers: boolean[] = [];
    for (let t = 0; t < 5_000_000; t += 1000) fineAnswers.push(fine.inEpisode(t));
    for (let t = 0; t < 5_000_000; t += 37_000) expect(coarse.inEpisode(t)).toBe(fineAnswers[t / 1000]);
    // Questions in a scrambled order (earlier times restart the walk) get the same answers.
    const scrambled = process();
    for (let i = 0; i < 5000; i++) {
      const k = (i * 7919) % 5000;
      expect(scrambled.inEpisode(k * 1000)).toBe(fineAnswers[k]);
    }
    expect(fineAnswers.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('gives two targets independent schedules: both in an episode about f^2 of the time', () => {
    const a = process(EXPONENTIAL, 0);
    const b = process(EXPONENTIAL, 1);
    const samples = 200_000;
    let both = 0;
    let either = 0;
    // One sample every 5 cycles: nearly independent samples.
    for (let i = 0; i < samples; i++) {
      const t = i * 625_000;
      const x = a.inEpisode(t);
      const y = b.inEpisode(t);
      if (x && y) both++;
      if (x || y) either++;
    }
    // Binomial 4 standard errors around 0.04 at 200K samples: 0.0018.
    expect(Math.abs(both / samples - 0.04)).toBeLessThan(4 * Math.sqrt((0.04 * 0.96) / samples));
    expect(Math.abs(either / samples - 0.36)).toBeLessThan(4 * Math.sqrt((0.36 * 0.64) / samples));
  });

  it('starts inside an episode with probability f, so time 0 is like any other time', () => {
    let inside = 0;
    const seeds = 4000;
    for (let seed = 0; seed < seeds; seed++) if (process(EXPONENTIAL, 0, seed).inEpisode(0)) inside++;
    expect(Math.abs(inside / seeds - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / seeds));
  });

  it('implies the average error rate base (1 - f) + episode rate f', () => {
    expect(impliedErrorRate(0.01, EXPONENTIAL)).toBeCloseTo(0.01 * 0.8 + 0.9 * 0.2, 12);
  });
});

const SCENARIO = `
name: episodes
upstream:
  models:
    sonnet:
      errors:
        rate: 2%
        mix: { "503": 1 }
        retryAfter: 3s
        episodes: { every: 10m, lasting: 2m, rate: 80%, mix: { "429": 0.25, "529": 0.25, "500": 0.25, quota: 0.25 } }
  incidents:
    - { target: sonnet, at: 10h, for: 1h, errorRate: 0% }
`;

function upstreamOf(text = SCENARIO): Upstream {
  const scenario = parseScenarioText(text, 'episodes.yaml');
  const targets = Object.keys(scenario.upstream.models).map((name) => new Target(name, scenario.upstream.models[name]!));
  attachIncidents(targets, scenario.upstream.incidents);
  return new Upstream(targets, new RandomStreams(42));
}

describe('an upstream with error episodes', () => {
  const n = 100_000;
  const out: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };

  /** Counts of each outcome of the first call of requests 0..n-1, all at `nowMs`. */
  function tally(upstream: Upstream, nowMs: number): { counts: number[]; retryAfter: Map<number, Set<number>> } {
    const counts = new Array<number>(9).fill(0);
    const retryAfter = new Map<number, Set<number>>();
    for (let i = 0; i < n; i++) {
      upstream.call(0, i, 0, nowMs, out);
      counts[out.outcome]!++;
      if (!retryAfter.has(out.outcome)) retryAfter.set(out.outcome, new Set());
      retryAfter.get(out.outcome)!.add(out.retryAfterMs);
    }
    return { counts, retryAfter };
  }

  /** A time inside an episode and a time outside, found by asking the process. */
  function times(upstream: Upstream): { inside: number; outside: number } {
    const episodes = upstream.episodes[0]!;
    let inside = -1;
    let outside = -1;
    for (let t = 0; t < 10 * 3_600_000 && (inside < 0 || outside < 0); t += 1000) {
      if (episodes.inEpisode(t)) inside = inside < 0 ? t : inside;
      else outside = outside < 0 ? t : outside;
    }
    return { inside, outside };
  }

  it('fails at the episode rate with the episode mix inside an episode, and at the base rate and mix outside', () => {
    const upstream = upstreamOf();
    const { inside, outside } = times(upstream);
    expect(inside).toBeGreaterThanOrEqual(0);
    expect(outside).toBeGreaterThanOrEqual(0);
    const during = tally(upstream, inside);
    const failures = n - during.counts[Outcome.Success]!;
    expect(Math.abs(failures / n - 0.8)).toBeLessThan(4 * Math.sqrt((0.8 * 0.2) / n));
    for (const kind of [Outcome.RateLimited, Outcome.Overloaded, Outcome.ApiError, Outcome.Quota]) {
      expect(Math.abs(during.counts[kind]! / n - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / n));
    }
    expect(during.counts[Outcome.Unavailable]).toBe(0);
    // Only a plain 429 carries the target's retry-after; a quota 429, 529 and 500 carry none.
    expect([...during.retryAfter.get(Outcome.RateLimited)!]).toEqual([3000]);
    for (const kind of [Outcome.Overloaded, Outcome.ApiError, Outcome.Quota]) expect([...during.retryAfter.get(kind)!]).toEqual([0]);

    const normal = tally(upstream, outside);
    expect(Math.abs(normal.counts[Outcome.Unavailable]! / n - 0.02)).toBeLessThan(4 * Math.sqrt((0.02 * 0.98) / n));
    expect(normal.counts[Outcome.Overloaded]).toBe(0);
  });

  it('lets a scripted incident override an episode', () => {
    const upstream = upstreamOf();
    const episodes = upstream.episodes[0]!;
    let t = 10 * 3_600_000;
    while (!episodes.inEpisode(t) && t < 11 * 3_600_000) t += 1000;
    expect(t).toBeLessThan(11 * 3_600_000);
    expect(tally(upstream, t).counts[Outcome.Success]).toBe(n);
  });

  it('has no episode process on a target without episodes', () => {
    const upstream = upstreamOf(SCENARIO.replace(/\n\s+episodes:.*\n/, '\n'));
    expect(upstream.episodes).toEqual([null]);
  });
});

describe('the error mix with the providers taxonomy', () => {
  it('gives an old four-kind mix the same cumulative table as before (so the same draws)', () => {
    const old = cumulative([0.6, 0.3, 0.1, 0]);
    expect(cumulative(mixShares({ '429': 0.6, '503': 0.3, timeout: 0.1, '400': 0, '529': 0, '500': 0, quota: 0 }))).toEqual(old);
    expect(cumulative(mixShares({ '429': 0.6, '503': 0.3, timeout: 0.1 }))).toEqual(old);
  });

  it('stops after the last kind with a share, so a draw can never land on a trailing kind with none', () => {
    expect(mixShares({ '529': 1 })).toEqual([0, 0, 0, 0, 1]);
    expect(mixShares({ quota: 0.5, '429': 0.5 })).toEqual([0.5, 0, 0, 0, 0, 0, 0.5]);
  });
});
