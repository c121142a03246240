/**
 * Finds error episodes in a target's calls: time is cut into fixed windows, a window is "hot"
 * when its errors are far too many for the target's overall error rate (Poisson tail below
 * 1e-4, and at least 30% of its calls failing), and hot windows no more than one window apart
 * merge into one episode. Memory is one small entry per window with traffic.
 */
export const EPISODE_WINDOW_MS = 10_000;
const MAX_WINDOWS = 2_000_000;

export interface FittedEpisodes {
  count: number;
  /** Mean time between episode starts over the observed span, ms. */
  everyMs: number;
  /** Mean episode length, ms (resolution: one window). */
  lastingMs: number;
  /** Error rate inside episodes and outside them. */
  rate: number;
  baseRate: number;
  /** Error kinds inside episodes and outside, as counts. */
  mix: Record<string, number>;
  baseMix: Record<string, number>;
  /** Share of the observed span spent in episodes. */
  timeFraction: number;
}

export class EpisodeDetector {
  private readonly windows = new Map<number, { calls: number; errors: number; kinds: Map<string, number> }>();
  overflowed = false;

  add(startMs: number, error: string | null): void {
    const w = Math.floor(startMs / EPISODE_WINDOW_MS);
    let entry = this.windows.get(w);
    if (!entry) {
      if (this.windows.size >= MAX_WINDOWS) {
        this.overflowed = true;
        return;
      }
      entry = { calls: 0, errors: 0, kinds: new Map() };
      this.windows.set(w, entry);
    }
    entry.calls++;
    if (error !== null) {
      entry.errors++;
      entry.kinds.set(error, (entry.kinds.get(error) ?? 0) + 1);
    }
  }

  /** The episodes found, or null when there are none (or too little data to tell). */
  fit(spanMs: number): FittedEpisodes | null {
    if (this.overflowed || this.windows.size < 10 || !(spanMs > 0)) return null;
    let calls = 0;
    let errors = 0;
    for (const w of this.windows.values()) {
      calls += w.calls;
      errors += w.errors;
    }
    const overall = errors / calls;
    if (errors < 3) return null;
    const keys = [...this.windows.keys()].sort((a, b) => a - b);
    const hot = (w: number) => {
      const e = this.windows.get(w)!;
      return e.errors >= 3 && e.errors >= 0.3 * e.calls && poissonTail(overall * e.calls, e.errors) < 1e-4;
    };
    const episodes: { first: number; last: number }[] = [];
    for (const w of keys) {
      if (!hot(w)) continue;
      const current = episodes[episodes.length - 1];
      if (current && w - current.last <= 2) current.last = w;
      else episodes.push({ first: w, last: w });
    }
    if (episodes.length === 0) return null;
    const inside = new Set<number>();
    for (const e of episodes) for (let w = e.first; w <= e.last; w++) inside.add(w);
    let inCalls = 0;
    let inErrors = 0;
    const mix: Record<string, number> = {};
    const baseMix: Record<string, number> = {};
    for (const [w, entry] of this.windows) {
      const into = inside.has(w) ? mix : baseMix;
      if (inside.has(w)) {
        inCalls += entry.calls;
        inErrors += entry.errors;
      }
      for (const [kind, n] of entry.kinds) into[kind] = (into[kind] ?? 0) + n;
    }
    const outCalls = calls - inCalls;
    const lastingMs = (episodes.reduce((s, e) => s + (e.last - e.first + 1), 0) / episodes.length) * EPISODE_WINDOW_MS;
    return {
      count: episodes.length,
      everyMs: spanMs / episodes.length,
      lastingMs,
      rate: inErrors / inCalls,
      baseRate: outCalls > 0 ? (errors - inErrors) / outCalls : 0,
      mix,
      baseMix,
      timeFraction: Math.min(1, (inside.size * EPISODE_WINDOW_MS) / spanMs),
    };
  }
}

/** P(X >= k) for X ~ Poisson(lambda), summed in log space (k is small here). */
export function poissonTail(lambda: number, k: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}
