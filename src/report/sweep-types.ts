import type { Interval } from './confidence.js';
import type { HeadlineKey } from '../metrics/headline.js';

/**
 * The shape of a sweep's results, shared by `sweep`, `merge`, the renderers (table, csv,
 * md, json, HTML) and SLO gates. One point = one cell of the parameter grid x one
 * layer variant.
 */
export interface SweepPoint {
  /** Position in the full grid (stable across shards, so merged parts sort back into place). */
  index: number;
  /** The swept values, by dotted key, as given on the command line (numbers stay numbers). */
  params: Record<string, number | string>;
  /** The layer variant (`all` when none was asked for). */
  variant: string;
  /** Headline metric values: the mean over replications. */
  metrics: Record<HeadlineKey, number>;
  /** 95% confidence intervals, present when `--replications` > 1. */
  intervals?: Record<HeadlineKey, Interval>;
}

export interface SweepResult {
  scenario: string;
  seed: number;
  requests: number;
  /** `--sample`: the simulated fraction of each point's traffic (figures scaled back). */
  sample?: number;
  replications: number;
  /** Swept keys, in the order the cartesian product nests them (first = slowest). */
  params: string[];
  variants: string[];
  /** Total points in the full grid (a shard holds a subset). */
  totalPoints: number;
  /** `i/n` when this is one shard of a larger sweep. */
  shard?: string;
  /**
   * A shard's record of the command that wrote it, so `merge` joins only parts of one sweep:
   * the harness-sim version, and SHA-256 hashes of the scenario as run (after `extends` and
   * `--set`) and of the grid (every `--param` value and the variants).
   */
  part?: { version: string; scenarioSha256: string; gridSha256: string };
  points: SweepPoint[];
  /** SLO bounds the scenario or `--assert` declared, for drawing thresholds. */
  slo?: { metric: HeadlineKey; operator: string; limit: number }[];
}
