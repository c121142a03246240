import { HEADLINE_KEYS, type HeadlineKey, type HeadlineValues } from '../metrics/headline.js';
import { confidenceInterval, type Interval } from '../report/confidence.js';
import { satisfies, type SloCheck } from '../slo/expression.js';

/**
 * The statistics of a race: which configurations meet a constraint, miss it, or cannot be
 * told apart from its limit yet, and which are worse than a feasible one. Every figure
 * comes from replications under common random numbers: replication r of every
 * configuration runs the same seed, so two configurations are compared on paired
 * differences, whose spread is far smaller than either one's.
 */

/** What the tune optimises. */
export interface Objective {
  metric: HeadlineKey;
  direction: 'minimize' | 'maximize';
}

/** In the race, out because it misses a constraint, or out because a feasible one beats it. */
export type CandidateStatus = 'alive' | 'infeasible' | 'worse';

/** One evaluated configuration: a cell of the grid and its runs, replication r at position r. */
export interface Candidate {
  index: number;
  runs: HeadlineValues[];
  status: CandidateStatus;
  /** Why it left the race: the constraint it missed (its position), or the cell that beat it. */
  reason?: { constraint?: number; than?: number; afterRuns: number };
}

/** A constraint's verdict at 95% confidence. */
export type Verdict = 'met' | 'missed' | 'undecided';

/** A metric's mean and 95% interval over the first `n` runs (all when absent). */
export function metricInterval(runs: readonly HeadlineValues[], metric: HeadlineKey, n = runs.length): Interval {
  return confidenceInterval(runs.slice(0, n).map((run) => run[metric]));
}

/** Every headline metric's mean over the first `n` runs. */
export function means(runs: readonly HeadlineValues[], n = runs.length): HeadlineValues {
  const out = {} as HeadlineValues;
  for (const key of HEADLINE_KEYS) {
    let sum = 0;
    for (let r = 0; r < n; r++) sum += runs[r]![key];
    out[key] = sum / n;
  }
  return out;
}

/**
 * Whether the runs meet `check`: met when the whole 95% interval satisfies it, missed when
 * none of it does, undecided otherwise. One run has no interval: it is undecided, unless
 * `byValue` (a tune without replications), where the value decides.
 */
export function constraintVerdict(check: SloCheck, runs: readonly HeadlineValues[], byValue: boolean): Verdict {
  const interval = metricInterval(runs, check.metric);
  if (interval.n < 2) {
    if (!byValue) return 'undecided';
    return satisfies(check, interval.mean) ? 'met' : 'missed';
  }
  const upper = check.op === '<' || check.op === '<=';
  const worst = upper ? interval.high : interval.low;
  const best = upper ? interval.low : interval.high;
  if (satisfies(check, worst)) return 'met';
  if (!satisfies(check, best)) return 'missed';
  return 'undecided';
}

/** All constraints together: met when each is, missed when any is. */
export function feasibility(checks: readonly SloCheck[], runs: readonly HeadlineValues[], byValue: boolean): Verdict {
  const verdicts = checks.map((check) => constraintVerdict(check, runs, byValue));
  if (verdicts.includes('missed')) return 'missed';
  return verdicts.every((v) => v === 'met') ? 'met' : 'undecided';
}

/**
 * The paired difference `a - b` in the objective, signed so that positive means `a` is
 * worse, over the replications both have; null when they share none.
 */
export function pairedDifference(a: readonly HeadlineValues[], b: readonly HeadlineValues[], objective: Objective): Interval | null {
  const n = Math.min(a.length, b.length);
  if (n === 0) return null;
  const sign = objective.direction === 'minimize' ? 1 : -1;
  const differences: number[] = [];
  for (let r = 0; r < n; r++) differences.push(sign * (a[r]![objective.metric] - b[r]![objective.metric]));
  return confidenceInterval(differences);
}

/** Whether `a` is worse than `b` with 95% confidence (two paired runs at least). */
export function significantlyWorse(a: readonly HeadlineValues[], b: readonly HeadlineValues[], objective: Objective): boolean {
  const difference = pairedDifference(a, b, objective);
  return difference !== null && difference.n >= 2 && difference.low > 0;
}

/**
 * How far the means are from meeting every constraint: the sum of each shortfall relative
 * to its limit (0 when all are met). Ranks infeasible configurations by how near they came.
 */
export function violation(checks: readonly SloCheck[], values: HeadlineValues): number {
  let total = 0;
  for (const check of checks) {
    const value = values[check.metric];
    const short = check.op === '<' || check.op === '<=' ? value - check.limit : check.limit - value;
    const scale = check.limit !== 0 ? Math.abs(check.limit) : 1;
    if (!satisfies(check, value)) total += Math.max(0, short) / scale;
  }
  return total;
}

/** A sort key: configurations whose means meet every constraint first, by objective; then the rest by violation. */
export interface RankKey {
  index: number;
  feasibleByMean: boolean;
  score: number;
}

/** The rank key of `runs` (their first `n`) for cell `index`. */
export function rankKey(index: number, runs: readonly HeadlineValues[], objective: Objective, checks: readonly SloCheck[], n = runs.length): RankKey {
  const values = means(runs, n);
  const feasibleByMean = checks.every((check) => satisfies(check, values[check.metric]));
  const score = feasibleByMean ? (objective.direction === 'minimize' ? 1 : -1) * values[objective.metric] : violation(checks, values);
  return { index, feasibleByMean, score };
}

/** Orders rank keys, best first; equal keys by cell index, so the order never depends on timing. */
export function compareKeys(a: RankKey, b: RankKey): number {
  if (a.feasibleByMean !== b.feasibleByMean) return a.feasibleByMean ? -1 : 1;
  if (a.score !== b.score) return Number.isNaN(a.score) ? 1 : Number.isNaN(b.score) ? -1 : a.score - b.score;
  return a.index - b.index;
}

/** The candidates ranked best first, each on its first `n` runs (all when absent). */
export function ranked(candidates: readonly Candidate[], objective: Objective, checks: readonly SloCheck[], n?: number): Candidate[] {
  const keys = new Map(candidates.map((c) => [c, rankKey(c.index, c.runs, objective, checks, n ?? c.runs.length)]));
  return [...candidates].sort((a, b) => compareKeys(keys.get(a)!, keys.get(b)!));
}

/**
 * Takes out of the race every candidate that misses a constraint with confidence, and every
 * one worse, with confidence and on paired runs, than a candidate that meets them all.
 * Nothing else is ever eliminated: a candidate that merely looks worse stays in.
 * `byValue` decides constraints on a single run (a tune without replications).
 */
export function eliminate(candidates: readonly Candidate[], objective: Objective, checks: readonly SloCheck[], byValue: boolean): void {
  for (const candidate of candidates) {
    if (candidate.status !== 'alive') continue;
    const missed = checks.findIndex((check) => constraintVerdict(check, candidate.runs, byValue) === 'missed');
    if (missed >= 0) {
      candidate.status = 'infeasible';
      candidate.reason = { constraint: missed, afterRuns: candidate.runs.length };
    }
  }
  const feasible = ranked(
    candidates.filter((c) => c.status !== 'infeasible' && feasibility(checks, c.runs, byValue) === 'met'),
    objective,
    checks,
  );
  for (const candidate of candidates) {
    if (candidate.status !== 'alive') continue;
    const better = feasible.find((b) => b !== candidate && significantlyWorse(candidate.runs, b.runs, objective));
    if (better !== undefined) {
      candidate.status = 'worse';
      candidate.reason = { than: better.index, afterRuns: Math.min(candidate.runs.length, better.runs.length) };
    }
  }
}
