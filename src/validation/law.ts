import { simulate, type RunOutput } from '../engine/simulator.js';
import { buildResult, type RunResult } from '../metrics/results.js';
import { tQuantile975 } from '../report/confidence.js';
import { parseScenarioText } from '../scenario/load.js';
import type { ParsedScenario } from '../scenario/schema.js';

/**
 * A law is a closed form the simulator must reproduce: a scenario built so the theory
 * applies exactly, the seeds and volume to run it at, the expected value, how to read the
 * simulated value from the result, and a tolerance that follows from the sample size.
 * `harness-sim verify` and `test/validation/` both evaluate the same law objects.
 */

/** Which sample sizes to use: `full` for tests and `verify`, `quick` for `verify --quick`. */
export type Profile = 'full' | 'quick';

/** The seeds and the requests per seed of one profile. */
export interface SampleSize {
  seeds: readonly number[];
  requests: number;
}

/** A scenario (inline YAML) with its sample sizes; laws that share an experiment share its runs. */
export interface Experiment {
  /** Stable identifier, also the scenario's name. */
  id: string;
  /** The scenario text, parsed with `parseScenarioText` as if read from `<id>.yaml`. */
  yaml: string;
  full: SampleSize;
  quick: SampleSize;
}

/** One simulated run, as a law reads it. */
export interface LawRun {
  result: RunResult;
  /** The raw counters, for readings the rounded result would blur (exact counts). */
  output: RunOutput;
}

/** How a law's value is measured, for printing. */
export type LawUnit = 'ratio' | 'share' | 'ms' | 'usd' | 'perSec' | 'tokens';

/**
 * Where the standard error comes from.
 * - `per-request`: requests are independent and the law gives the standard deviation `sd`
 *   of one request's contribution, so the standard error over N requests and R seeds is
 *   sd / sqrt(N R) (a binomial proportion has sd = sqrt(p (1 - p))). Used where nothing
 *   couples one request to another (no capacity, no breaker, no budget).
 * - `replications`: requests are correlated (queues, breakers, buckets), so each seed is one
 *   independent observation and the standard error is the seeds' sample sd / sqrt(R), with
 *   Student's t on R - 1 degrees of freedom.
 */
export type Sampling = { kind: 'per-request'; sd: number } | { kind: 'replications' };

/** Deterministic slack on top of the statistical tolerance, for a known, bounded bias. */
export interface Allowance {
  /** The slack in the law's unit, given the sample size it is evaluated at. */
  value: (size: SampleSize) => number;
  /** Why the bias exists and why it is at most `value`. */
  reason: string;
}

/** One law of the simulator: see the module comment. */
export interface Law {
  /** Stable identifier (`retry-load-p0.7-n3`). */
  id: string;
  /** Group for tables and test files (`retry`, `queue` ...). */
  family: string;
  /** Short name for the table. */
  name: string;
  /** The closed form, as a sentence with the numbers in. */
  closedForm: string;
  experiment: Experiment;
  /** The closed form's value; for `at-most` laws, the bound. */
  expected: number;
  /** `equal`: simulated must match expected within the tolerance; `at-most`: the 95% CI's upper end must not pass the bound. */
  relation: 'equal' | 'at-most';
  unit: LawUnit;
  /** How the simulated value is read from one run, in words. */
  reading: string;
  /** The simulated value of one run (one seed). */
  read: (run: LawRun) => number;
  sampling: Sampling;
  allowance?: Allowance;
}

/** The outcome of evaluating one law at one profile. */
export interface Verdict {
  law: Law;
  profile: Profile;
  seeds: readonly number[];
  requests: number;
  /** The per-seed values. */
  values: number[];
  /** Their mean: the simulated value. */
  simulated: number;
  standardError: number;
  /** The multiplier of the standard error for a two-sided 95% interval: 1.96, or t(0.975, R - 1). */
  quantile: number;
  /** Two-sided 95% confidence interval of the simulated value. */
  low: number;
  high: number;
  /**
   * For `equal` laws, the largest |simulated - expected| that passes: 4 standard errors
   * (per-request), or 2 t(0.975, R - 1) standard errors (replications: the t quantile pays for
   * estimating the standard error), plus the allowance. For `at-most` laws, the allowance only.
   */
  tolerance: number;
  pass: boolean;
}

/** The 0.975 quantile of the standard normal. */
const Z975 = 1.959963984540054;

/** The sample size of an experiment at a profile. */
export function sampleSize(experiment: Experiment, profile: Profile): SampleSize {
  return profile === 'quick' ? experiment.quick : experiment.full;
}

/** Parses an experiment's scenario; throws `ScenarioError` if the inline YAML is wrong. */
export function experimentScenario(experiment: Experiment): ParsedScenario & { name: string } {
  return parseScenarioText(experiment.yaml, `${experiment.id}.yaml`);
}

/**
 * Runs each experiment of `laws` once per seed and evaluates every law, in the order given.
 * Runs are read by every law of their experiment and then dropped, so memory stays flat.
 */
export function evaluateLaws(laws: readonly Law[], profile: Profile): Verdict[] {
  const values = new Map<Law, number[]>();
  const byExperiment = new Map<Experiment, Law[]>();
  for (const law of laws) {
    values.set(law, []);
    const group = byExperiment.get(law.experiment);
    if (group) group.push(law);
    else byExperiment.set(law.experiment, [law]);
  }
  for (const [experiment, group] of byExperiment) {
    const scenario = experimentScenario(experiment);
    const size = sampleSize(experiment, profile);
    for (const seed of size.seeds) {
      const output = simulate(scenario, { seed, requests: size.requests });
      const run: LawRun = { output, result: buildResult(scenario.name, output) };
      for (const law of group) values.get(law)!.push(law.read(run));
    }
  }
  return laws.map((law) => judge(law, profile, values.get(law)!));
}

/** Turns a law's per-seed values into its verdict; exported for tests of the judging rule. */
export function judge(law: Law, profile: Profile, values: number[]): Verdict {
  const size = sampleSize(law.experiment, profile);
  const r = values.length;
  if (r === 0 || r !== size.seeds.length) throw new RangeError(`law ${law.id} needs one value per seed (${size.seeds.length}), got ${r}`);
  const simulated = values.reduce((sum, v) => sum + v, 0) / r;
  let standardError: number;
  let quantile: number;
  let statisticalTolerance: number;
  if (law.sampling.kind === 'per-request') {
    standardError = law.sampling.sd / Math.sqrt(size.requests * r);
    quantile = Z975;
    statisticalTolerance = 4 * standardError;
  } else {
    if (r < 2) throw new RangeError(`law ${law.id} uses replications and needs at least 2 seeds, got ${r}`);
    const variance = values.reduce((sum, v) => sum + (v - simulated) ** 2, 0) / (r - 1);
    standardError = Math.sqrt(variance / r);
    quantile = tQuantile975(r - 1);
    statisticalTolerance = 2 * quantile * standardError;
  }
  const allowance = law.allowance ? law.allowance.value(size) : 0;
  // A share's interval stays inside [0, 1] (the normal approximation can step outside it near 0).
  const low = law.unit === 'share' ? Math.max(0, simulated - quantile * standardError) : simulated - quantile * standardError;
  const high = law.unit === 'share' ? Math.min(1, simulated + quantile * standardError) : simulated + quantile * standardError;
  const equal = law.relation === 'equal';
  const tolerance = equal ? statisticalTolerance + allowance : allowance;
  const pass = equal ? Math.abs(simulated - law.expected) <= tolerance : high <= law.expected + tolerance;
  return { law, profile, seeds: size.seeds, requests: size.requests, values, simulated, standardError, quantile, low, high, tolerance, pass };
}

/** Seeds 1..count: the replications of an experiment. */
export function seedRange(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * The sample and the tolerance rule of a law at a profile, in words, for test names and
 * reports: `seed 42 x 200,000 requests; tolerance 4 SE, SE = 0.869/sqrt(N)`.
 */
export function describeSampling(law: Law, profile: Profile): string {
  const size = sampleSize(law.experiment, profile);
  const seeds = size.seeds.length === 1 ? `seed ${size.seeds[0]}` : `seeds ${size.seeds[0]}..${size.seeds[size.seeds.length - 1]}`;
  const sample = `${seeds} x ${size.requests.toLocaleString('en-US')} requests`;
  const rule =
    law.relation === 'at-most'
      ? 'pass if the 95% CI upper end is within the bound'
      : law.sampling.kind === 'per-request'
        ? law.sampling.sd === 0
          ? 'deterministic, no sampling error'
          : `tolerance 4 SE, SE = ${+law.sampling.sd.toPrecision(4)}/sqrt(N x seeds)`
        : `tolerance 2 t(0.975, ${size.seeds.length - 1}) SE over the replications`;
  const allowance = law.allowance ? ` + allowance (${law.allowance.reason})` : '';
  return `${sample}; ${rule}${allowance}`;
}
