import type { Timeline } from './timeline.js';

/** Whether and when a run returned to its pre-disturbance health. */
export interface RecoveryReport {
  /** When the last burst, schedule or incident ended. */
  disturbanceEndMs: number;
  /** Share of offered requests that succeeded, in the buckets before the first disturbance. */
  baselineSuccessRatio: number;
  /** Share of offered requests that succeeded in the last buckets of the run (capped at 1: answers to earlier arrivals land there too). */
  finalSuccessRatio: number;
  /** Time from the end of the disturbance until health was back; null = never (metastable). */
  recoveredAfterMs: number | null;
}

/** Health counts as back when the success ratio is within this share of the baseline... */
const RECOVERY_TOLERANCE = 0.9;
/** ...for this many consecutive buckets (a single good bucket is not a recovery). */
const SUSTAINED_BUCKETS = 3;

/**
 * Reads recovery off a timeline: the baseline is the success ratio (goodput / offered)
 * before the first disturbance; recovery is the first bucket after the last disturbance
 * ends from which the ratio over 3 buckets is at least 90% of the baseline.
 * Returns null when the run had no disturbance or no baseline to compare against.
 */
export function analyseRecovery(timeline: Timeline, disturbances: readonly { startMs: number; endMs: number }[]): RecoveryReport | null {
  if (disturbances.length === 0) return null;
  const width = timeline.bucketMs;
  const firstStart = Math.min(...disturbances.map((d) => d.startMs));
  const lastEnd = Math.max(...disturbances.map((d) => d.endMs));
  const buckets = timeline.offered.length;
  const ratio = (from: number, to: number) => {
    let offered = 0;
    let good = 0;
    for (let b = from; b < to; b++) {
      offered += timeline.offered[b]!;
      good += timeline.goodput[b]!;
    }
    return offered > 0 ? good / offered : NaN;
  };
  // Skip the first bucket: the system starts empty.
  const baselineEnd = Math.floor(firstStart / width);
  const baseline = ratio(Math.min(1, baselineEnd), baselineEnd);
  if (!(baseline > 0)) return null;
  const finalSuccessRatio = ratio(Math.max(0, buckets - 1 - SUSTAINED_BUCKETS), Math.max(0, buckets - 1));
  let recoveredAfterMs: number | null = null;
  const firstAfter = Math.ceil(lastEnd / width);
  // The last bucket is partial; judge only complete ones.
  for (let b = firstAfter; b + SUSTAINED_BUCKETS <= buckets - 1; b++) {
    const sustained = ratio(b, b + SUSTAINED_BUCKETS) >= RECOVERY_TOLERANCE * baseline;
    if (sustained) {
      recoveredAfterMs = Math.max(0, b * width - lastEnd);
      break;
    }
  }
  return { disturbanceEndMs: lastEnd, baselineSuccessRatio: round4(baseline), finalSuccessRatio: round4(Math.min(1, finalSuccessRatio)), recoveredAfterMs };
}

function round4(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : 0;
}
