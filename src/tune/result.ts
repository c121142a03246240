import { HEADLINE_KEYS, hasSessionValues, isSessionMetric, type HeadlineKey, type HeadlineValues } from '../metrics/headline.js';
import { round } from '../metrics/results.js';
import { roundInterval, type Interval } from '../report/confidence.js';
import { satisfies, type SloCheck } from '../slo/expression.js';
import type { ParamValue } from '../sweep/grid.js';
import { paretoFront } from './pareto.js';
import { constraintVerdict, feasibility, means, metricInterval, pairedDifference, rankKey, ranked, type Candidate, type CandidateStatus, type Objective, type Verdict } from './race.js';
import type { SearchOutcome } from './search.js';
import type { SearchSpace } from './space.js';

/**
 * The JSON contract of `harness-sim tune --format json`: the best configuration with 95%
 * intervals on its metrics and on its margin to each constraint, the runners-up that are
 * not significantly worse, the Pareto front of the objective against each constrained
 * metric, and every configuration evaluated. Built from a search outcome alone, with
 * fields in one fixed order and figures rounded, so equal searches print equal bytes.
 */

/** A constraint as recorded: the metric, operator, limit and the bound as written. */
export interface TuneConstraint {
  metric: HeadlineKey;
  operator: string;
  limit: number;
  bound: string;
}

/** How far a configuration is inside a constraint: positive means met with room to spare. */
export interface Margin {
  metric: HeadlineKey;
  bound: string;
  verdict: Verdict;
  /** `limit - value` for `<`/`<=`, `value - limit` for `>`/`>=`, in the metric's unit. */
  margin: Interval;
}

/** A configuration with its figures. */
export interface TunedConfig {
  index: number;
  params: Record<string, ParamValue>;
  replications: number;
  metrics: Record<HeadlineKey, number>;
  intervals: Record<HeadlineKey, Interval>;
  margins: Margin[];
  /** For a runner-up: its objective minus the best's on paired runs (positive is worse). */
  versusBest?: Interval;
}

/** One configuration's place on a front. */
export interface FrontPoint {
  index: number;
  params: Record<string, ParamValue>;
  objective: number;
  value: number;
  feasibility: Verdict;
}

/** The Pareto front of the objective against one constrained metric. */
export interface Front {
  metric: HeadlineKey;
  points: FrontPoint[];
}

/** A configuration as evaluated: its runs, where it ended, and its means. */
export interface EvaluatedConfig {
  index: number;
  params: Record<string, ParamValue>;
  replications: number;
  status: CandidateStatus;
  feasibility: Verdict;
  /** Why it left the race: `missed visibleFailureRate < 0.5%` or `worse than #12`. */
  reason?: string;
  metrics: Record<HeadlineKey, number>;
}

/** When nothing is feasible: the closest any configuration came to each constraint, and overall. */
export interface NearestMiss {
  constraints: { metric: HeadlineKey; bound: string; index: number; params: Record<string, ParamValue>; value: Interval }[];
  overall: TunedConfig | null;
}

export interface TuneResult {
  scenario: string;
  seed: number;
  requests: number;
  objective: Objective;
  constraints: TuneConstraint[];
  params: string[];
  /** Cells in the grid. */
  cells: number;
  budget: number;
  /** Simulation runs spent. */
  runs: number;
  rounds: number;
  stoppedBy: SearchOutcome['stoppedBy'];
  maxReplications: number;
  confidence: number;
  best: TunedConfig | null;
  runnersUp: TunedConfig[];
  /** Configurations whose means meet every constraint and beat the best on the same seeds, but not yet with confidence. */
  undecided: EvaluatedConfig[];
  frontier: Front[];
  nearestMiss?: NearestMiss;
  evaluated: EvaluatedConfig[];
}

/** What the result's header records. */
export interface TuneHeader {
  scenario: string;
  seed: number;
  requests: number;
  budget: number;
  maxReplications: number;
}

/** Builds the result of a finished search. */
export function tuneResult(header: TuneHeader, space: SearchSpace, objective: Objective, checks: readonly SloCheck[], outcome: SearchOutcome): TuneResult {
  const byValue = header.maxReplications < 2;
  const all = outcome.candidates;
  const alive = all.filter((c) => c.status === 'alive');
  const order = ranked(alive, objective, checks);
  const best = order.find((c) => feasibility(checks, c.runs, byValue) === 'met') ?? null;
  const runnersUp = best === null ? [] : order.filter((c) => c !== best && feasibility(checks, c.runs, byValue) === 'met' && notWorse(c, best, objective));
  const meetsByMean = (c: Candidate) => rankKey(c.index, c.runs, objective, checks).feasibleByMean;
  const undecided = best === null ? [] : order.filter((c) => meetsByMean(c) && feasibility(checks, c.runs, byValue) === 'undecided' && looksBetter(c, best, objective));
  const config = (c: Candidate, versus?: Candidate): TunedConfig => tunedConfig(space, checks, byValue, objective, c, versus);
  const evaluated = (c: Candidate): EvaluatedConfig => evaluatedConfig(space, checks, byValue, c);
  return {
    scenario: header.scenario,
    seed: header.seed,
    requests: header.requests,
    objective: { metric: objective.metric, direction: objective.direction },
    constraints: checks.map((c) => ({ metric: c.metric, operator: c.op, limit: c.limit, bound: c.bound })),
    params: space.params.map((p) => p.key),
    cells: space.cells,
    budget: header.budget,
    runs: outcome.runs,
    rounds: outcome.rounds,
    stoppedBy: outcome.stoppedBy,
    maxReplications: header.maxReplications,
    confidence: 0.95,
    best: best === null ? null : config(best),
    runnersUp: runnersUp.map((c) => config(c, best!)),
    undecided: undecided.map(evaluated),
    frontier: fronts(space, objective, checks, byValue, all),
    ...(best === null ? { nearestMiss: nearestMiss(space, objective, checks, byValue, all) } : {}),
    evaluated: all.map(evaluated),
  };
}

/** Whether `c`'s objective beats `best`'s on the runs both have (the same seeds). */
function looksBetter(c: Candidate, best: Candidate, objective: Objective): boolean {
  const difference = pairedDifference(c.runs, best.runs, objective);
  return difference !== null && difference.mean < 0;
}

/** Whether `c` is not significantly worse than `best`: paired runs exist and their interval reaches 0. */
function notWorse(c: Candidate, best: Candidate, objective: Objective): boolean {
  const difference = pairedDifference(c.runs, best.runs, objective);
  return difference !== null && difference.n >= 2 && difference.low <= 0;
}

/** The metrics a configuration reports: the session figures only when its runs had sessions, so other results keep their shape. */
function reportedKeys(runs: readonly HeadlineValues[]): HeadlineKey[] {
  const sessions = runs.some(hasSessionValues);
  return HEADLINE_KEYS.filter((key) => sessions || !isSessionMetric(key));
}

function tunedConfig(space: SearchSpace, checks: readonly SloCheck[], byValue: boolean, objective: Objective, c: Candidate, versus?: Candidate): TunedConfig {
  const intervals = {} as Record<HeadlineKey, Interval>;
  const metrics = {} as Record<HeadlineKey, number>;
  for (const key of reportedKeys(c.runs)) {
    const interval = metricInterval(c.runs, key);
    intervals[key] = roundInterval(interval);
    metrics[key] = round(interval.mean);
  }
  const margins = checks.map((check): Margin => {
    const interval = metricInterval(c.runs, check.metric);
    const upper = check.op === '<' || check.op === '<=';
    const margin: Interval = upper
      ? { ...interval, mean: check.limit - interval.mean, low: check.limit - interval.high, high: check.limit - interval.low }
      : { ...interval, mean: interval.mean - check.limit, low: interval.low - check.limit, high: interval.high - check.limit };
    return { metric: check.metric, bound: check.bound, verdict: constraintVerdict(check, c.runs, byValue), margin: roundInterval(margin) };
  });
  const versusBest = versus === undefined ? undefined : pairedDifference(c.runs, versus.runs, objective);
  return {
    index: c.index,
    params: space.paramsAt(c.index),
    replications: c.runs.length,
    metrics,
    intervals,
    margins,
    ...(versusBest ? { versusBest: roundInterval(versusBest) } : {}),
  };
}

function evaluatedConfig(space: SearchSpace, checks: readonly SloCheck[], byValue: boolean, c: Candidate): EvaluatedConfig {
  const values = means(c.runs);
  const metrics = Object.fromEntries(reportedKeys(c.runs).map((key) => [key, round(values[key])])) as Record<HeadlineKey, number>;
  let reason: string | undefined;
  if (c.reason?.constraint !== undefined) reason = `missed ${checks[c.reason.constraint]!.metric} ${checks[c.reason.constraint]!.bound} after ${c.reason.afterRuns} runs`;
  if (c.reason?.than !== undefined) reason = `worse than #${c.reason.than} on ${c.reason.afterRuns} paired runs`;
  return {
    index: c.index,
    params: space.paramsAt(c.index),
    replications: c.runs.length,
    status: c.status,
    feasibility: feasibility(checks, c.runs, byValue),
    ...(reason !== undefined ? { reason } : {}),
    metrics,
  };
}

/**
 * One front per distinct constrained metric other than the objective: the objective against
 * that metric, over the configurations whose means meet every other constraint (so each
 * front shows what that one constraint costs). Infeasible points on it are the trade-off:
 * how much cheaper a looser limit would be.
 */
function fronts(space: SearchSpace, objective: Objective, checks: readonly SloCheck[], byValue: boolean, all: readonly Candidate[]): Front[] {
  const metrics: HeadlineKey[] = [];
  for (const check of checks) if (check.metric !== objective.metric && !metrics.includes(check.metric)) metrics.push(check.metric);
  return metrics.map((metric) => {
    const lowerIsBetter = checks.find((c) => c.metric === metric)!.op.startsWith('<');
    const others = checks.filter((c) => c.metric !== metric);
    const points = all
      .map((c) => ({ candidate: c, values: means(c.runs) }))
      .filter((p) => others.every((check) => satisfies(check, p.values[check.metric])))
      .map((p) => ({ candidate: p.candidate, objective: p.values[objective.metric], value: p.values[metric] }));
    const front = paretoFront(points, (p) => [objective.direction === 'minimize' ? p.objective : -p.objective, lowerIsBetter ? p.value : -p.value]);
    return {
      metric,
      points: front.map((p) => ({
        index: p.candidate.index,
        params: space.paramsAt(p.candidate.index),
        objective: round(p.objective),
        value: round(p.value),
        feasibility: feasibility(checks, p.candidate.runs, byValue),
      })),
    };
  });
}

function nearestMiss(space: SearchSpace, objective: Objective, checks: readonly SloCheck[], byValue: boolean, all: readonly Candidate[]): NearestMiss {
  const constraints = checks.map((check) => {
    const upper = check.op === '<' || check.op === '<=';
    let best: Candidate | undefined;
    let bestValue = Number.NaN;
    for (const c of all) {
      const value = means(c.runs)[check.metric];
      if (Number.isNaN(value)) continue;
      if (best === undefined || (upper ? value < bestValue : value > bestValue)) {
        best = c;
        bestValue = value;
      }
    }
    return { metric: check.metric, bound: check.bound, index: best?.index ?? -1, params: best ? space.paramsAt(best.index) : {}, value: roundInterval(best ? metricInterval(best.runs, check.metric) : { mean: Number.NaN, low: Number.NaN, high: Number.NaN, halfWidth: null, sd: null, n: 0 }) };
  });
  const overall = ranked(all, objective, checks)[0];
  return { constraints, overall: overall === undefined ? null : tunedConfig(space, checks, byValue, objective, overall) };
}
