import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledScenarioNames, diffResults, GOLDEN_DIR, GOLDEN_REQUESTS, GOLDEN_SESSIONS, goldenRequests, goldenResult, goldenText } from '../src/validation/golden.js';
import { loadScenarioFile } from '../src/scenario/load.js';

/**
 * Golden results: each bundled scenario, rerun at its own seed and the golden volume, must give
 * exactly the stored `reports/golden/<scenario>.json`. When a change is intended, run
 * `npm run build && npm run golden -- --accept "reason"` and commit the diff with the logged reason (AGENTS.md).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HINT = 'if the change is intended, run `npm run build && npm run golden -- --accept "reason"` and commit the diff with reports/golden/CHANGES.md';
const names = bundledScenarioNames(ROOT);

describe('golden results', () => {
  it('exist for every bundled scenario and for nothing else', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    const stored = readdirSync(join(ROOT, GOLDEN_DIR)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    expect(stored, HINT).toEqual(names);
  });

  it.each(names)('%s gives its stored result (every metric unchanged)', (name) => {
    const file = join(ROOT, GOLDEN_DIR, `${name}.json`);
    expect(existsSync(file), `${GOLDEN_DIR}/${name}.json is missing: ${HINT}`).toBe(true);
    const fresh = goldenResult(ROOT, name);
    const changes = diffResults(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(goldenText(fresh)));
    // The list of changed metrics is the failure message: `metrics.loadMultiplier: 2.19 -> 2.2`.
    expect(changes, `${name}: ${changes.length} metric(s) changed; ${HINT}`).toEqual([]);
    // A session scenario's volume counts sessions; `requests` then counts its model calls.
    expect(fresh.sessions?.count ?? fresh.requests).toBe(goldenRequests(loadScenarioFile(join(ROOT, 'scenarios', `${name}.yaml`)).scenario));
  });
});

describe('golden volumes', () => {
  it('run 20K requests, more when the scenario\'s events lie further out, never more than the scenario has', () => {
    const volume = (name: string) => goldenRequests(loadScenarioFile(join(ROOT, 'scenarios', `${name}.yaml`)).scenario);
    expect(volume('seed-lab')).toBe(GOLDEN_REQUESTS);
    // incident-70: 200K over 6 h; the incident ends at 3 h, plus its hour again: 4 h of arrivals.
    expect(volume('incident-70')).toBe(Math.ceil((200_000 / 6) * 4));
    // A session scenario runs 2K sessions (tens of calls each).
    expect(volume('coding-agent')).toBe(GOLDEN_SESSIONS);
    // metastable has only 4,800 requests in all.
    expect(volume('metastable')).toBe(4800);
  });
});

describe('diffing results', () => {
  it('names every changed, added and removed metric by its path', () => {
    const before = { metrics: { loadMultiplier: 2.19, latencyMs: { p95: 10 } }, servers: [{ peakQueue: 3 }], gone: 1 };
    const after = { metrics: { loadMultiplier: 2.2, latencyMs: { p95: 10 } }, servers: [{ peakQueue: 4 }], fresh: true };
    expect(diffResults(before, after)).toEqual([
      'fresh: added true',
      'gone: removed (was 1)',
      'metrics.loadMultiplier: 2.19 -> 2.2',
      'servers.0.peakQueue: 3 -> 4',
    ]);
    expect(diffResults(before, structuredClone(before))).toEqual([]);
    expect(diffResults({ recovery: null }, { recovery: { recoveredAfterMs: 5 } })).toEqual(['recovery: removed (was null)', 'recovery.recoveredAfterMs: added 5']);
  });
});
