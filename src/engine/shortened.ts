import type { RunOptions } from '../metrics/run-output.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { ms } from '../text/format.js';
import { safeText } from '../text/safe-text.js';

/**
 * `--requests N` below the scenario's own volume simulates only the first N arrivals, so
 * simulated time ends early: an incident, burst or tenant schedule the scenario places
 * later never happens, and one that straddles the end is cut short. A run must not report
 * figures under the scenario's name as if it had them: these warnings go to stderr and
 * into the JSON (`warnings`), one per window, naming it by its key.
 */

/** The most windows named one by one; the rest are counted. */
const MAX_NAMED = 10;

interface Window {
  key: string;
  what: string;
  at: number;
  for: number;
}

/** The warnings of a run that arrived over `[0, horizonMs)` (none when it was not shortened). */
export function shortenedRunWarnings(scenario: ParsedScenario, options: RunOptions, horizonMs: number): string[] {
  const arrival = scenario.workload.arrival;
  const replaying = typeof arrival === 'object' && arrival.trace !== undefined;
  if (options.requests === undefined || options.requests >= scenario.workload.requests || replaying) return [];
  const windows: Window[] = [
    ...scenario.upstream.incidents.map((w, i) => ({ key: `upstream.incidents[${i}]`, what: `the incident on ${safeText(w.target)}`, at: w.at, for: w.for })),
    ...(typeof arrival === 'object' ? arrival.bursts.map((w, i) => ({ key: `workload.arrival.bursts[${i}]`, what: 'the burst', at: w.at, for: w.for })) : []),
    ...scenario.workload.schedules.map((w, i) => ({ key: `workload.schedules[${i}]`, what: `the schedule of ${safeText(w.tenant)}`, at: w.at, for: w.for })),
  ];
  const cut = windows.filter((w) => w.at + w.for > horizonMs);
  if (cut.length === 0) return [];
  const span = `--requests ${options.requests} simulates ${ms(horizonMs)} of arrivals`;
  const lines = cut.slice(0, MAX_NAMED).map((w) => {
    const window = `${w.key} (${w.what}, ${ms(w.at)} to ${ms(w.at + w.for)})`;
    return w.at >= horizonMs ? `${span}: ${window} never happens in this run` : `${span}: ${window} is cut short after ${ms(horizonMs - w.at)}`;
  });
  if (cut.length > MAX_NAMED) lines.push(`${span}: and ${cut.length - MAX_NAMED} more incidents, bursts or schedules are cut off`);
  return lines;
}
