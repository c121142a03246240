import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { simulate } from '../engine/simulator.js';
import { buildResult, type RunResult } from '../metrics/results.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { ParsedScenario } from '../scenario/schema.js';

/**
 * Golden results: every bundled scenario run at its own (fixed) seed and a reduced volume,
 * stored in `reports/golden/<scenario>.json`. `test/golden.test.ts` reruns them and fails on
 * any difference, naming the metrics that changed, so every behaviour change is a reviewed
 * diff; `npm run golden` (scripts/golden.mjs) rewrites them when the change is intended.
 */

/** Requests per golden run, unless the scenario needs more to reach its events (see `goldenRequests`). */
export const GOLDEN_REQUESTS = 20_000;
/** Sessions per golden run of a scenario with `workload.sessions`: each is tens of model and tool calls. */
export const GOLDEN_SESSIONS = 2_000;
/** Where the bundled scenarios live, relative to the repository root. */
export const SCENARIO_DIR = 'scenarios';
/** Where the golden results live, relative to the repository root. */
export const GOLDEN_DIR = 'reports/golden';

/** A golden result: the run's JSON contract without the per-bucket timeline (kept small). */
export type GoldenResult = Omit<RunResult, 'timeline'>;

/** Names (file names without `.yaml`) of the bundled scenarios, sorted. */
export function bundledScenarioNames(root: string): string[] {
  return readdirSync(join(root, SCENARIO_DIR))
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => basename(file, '.yaml'))
    .sort();
}

/**
 * The volume of a golden run: `GOLDEN_REQUESTS`, or as many requests as it takes (at the
 * scenario's arrival rate) to pass its last incident, burst or schedule window by that
 * window's length again, so the golden run includes the event and the recovery from it;
 * never more than the scenario's own volume.
 */
export function goldenRequests(scenario: ParsedScenario): number {
  const total = scenario.workload.requests;
  const ratePerMs = total / scenario.duration;
  const arrival = scenario.workload.arrival;
  const windows = [
    ...scenario.upstream.incidents,
    ...(typeof arrival === 'object' ? arrival.bursts : []),
    ...scenario.workload.schedules,
  ];
  const reachMs = windows.reduce((latest, w) => Math.max(latest, w.at + 2 * w.for), 0);
  const floor = scenario.workload.sessions ? GOLDEN_SESSIONS : GOLDEN_REQUESTS;
  return Math.min(total, Math.max(floor, Math.ceil(reachMs * ratePerMs)));
}

/** Runs one bundled scenario the golden way and returns its result without the timeline. */
export function goldenResult(root: string, name: string): GoldenResult {
  const { scenario } = loadScenarioFile(join(root, SCENARIO_DIR, `${name}.yaml`));
  const output = simulate(scenario, { requests: goldenRequests(scenario) });
  const { timeline: _dropped, ...result } = buildResult(scenario.name, output);
  return result;
}

/** The file text of a golden result: 2-space JSON and a final newline, as git likes it. */
export function goldenText(result: GoldenResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * The differences between a stored and a fresh result, one line per changed, added or removed
 * leaf (`metrics.loadMultiplier: 2.19 -> 2.2`), in path order; empty when they are equal.
 */
export function diffResults(stored: unknown, fresh: unknown): string[] {
  const before = flatten(stored);
  const after = flatten(fresh);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const lines: string[] = [];
  for (const path of paths) {
    const was = before.get(path);
    const now = after.get(path);
    if (!before.has(path)) lines.push(`${path}: added ${JSON.stringify(now)}`);
    else if (!after.has(path)) lines.push(`${path}: removed (was ${JSON.stringify(was)})`);
    else if (was !== now) lines.push(`${path}: ${JSON.stringify(was)} -> ${JSON.stringify(now)}`);
  }
  return lines;
}

/** Leaf values by dotted path (`byModel.sonnet.calls`, `servers.0.peakQueue`). */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    // An empty container is a leaf of its own, written as JSON so two empties compare equal.
    if (entries.length === 0) out.set(prefix, Array.isArray(value) ? '[]' : '{}');
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}
