import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { compareVariants, type ComparedVariant } from '../../src/report/comparison.js';
import { HEADLINE_KEYS, isSessionMetric, type HeadlineKey } from '../../src/metrics/headline.js';
import type { SweepResult } from '../../src/report/sweep-types.js';
import { deriveVariant } from '../../src/report/variants.js';
import { loadScenarioFile } from '../../src/scenario/load.js';

/** Shared inputs of the HTML report tests: small real runs and a synthetic sweep. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The first 3,000 requests of the metastable scenario with a breaker: failures, an open breaker and a queue. */
export function metastableRun(): RunResult {
  const { scenario } = loadScenarioFile(join(ROOT, 'scenarios/metastable.yaml'), { overrides: ['layers.breaker={enabled: true}'] });
  return buildResult(scenario.name, simulate(scenario, { requests: 3000 }));
}

/** incident-70 under `retry` and `retry+breaker`, 2,000 requests, seeds 42 and 43. */
export function incidentComparison(): { compared: ComparedVariant[]; seeds: number[]; requests: number } {
  const { scenario } = loadScenarioFile(join(ROOT, 'scenarios/incident-70.yaml'));
  const seeds = [42, 43];
  const runs = ['retry', 'retry+breaker'].map((spec) => {
    const variant = deriveVariant(scenario, spec);
    return { label: variant.label, results: seeds.map((seed) => buildResult(scenario.name, simulate(variant.scenario, { seed, requests: 2000 }))) };
  });
  return { compared: compareVariants(runs), seeds, requests: 2000 };
}

/** Metrics that are zero at every point of `syntheticSweep` (so the report lists, not draws, them). */
export const ZERO_METRICS: readonly HeadlineKey[] = ['rejectedRate', 'refusalRate', 'cacheHitRate', 'fallbacks'];

/**
 * A sweep of an error rate over 0..0.9 in 10 steps x 2 variants, with made-up but
 * plausible figures, and an SLO on the visible failure rate.
 */
export function syntheticSweep(): SweepResult {
  const param = 'upstream.models.sonnet.errors.rate';
  const variants = ['retry', 'retry+breaker'];
  const points: SweepResult['points'] = [];
  variants.forEach((variant, v) => {
    for (let i = 0; i < 10; i++) {
      const rate = i / 10;
      const metrics = {} as Record<HeadlineKey, number>;
      // A sweep of a scenario without sessions has no session figures.
      HEADLINE_KEYS.forEach((key, k) => {
        if (!isSessionMetric(key)) metrics[key] = ZERO_METRICS.includes(key) ? 0 : (k + 1) * rate ** (v + 2);
      });
      metrics.visibleFailureRate = v === 0 ? rate ** 3 : Math.min(1, rate * 2);
      points.push({ index: v * 10 + i, params: { [param]: rate }, variant, metrics });
    }
  });
  return {
    scenario: 'incident-70',
    seed: 42,
    requests: 20_000,
    replications: 1,
    params: [param],
    variants,
    totalPoints: points.length,
    points,
    slo: [{ metric: 'visibleFailureRate', operator: '<', limit: 0.05 }],
  };
}

/** Each `<svg data-chart>` of a page (as written, or as Chromium dumps its DOM), by chart name. */
export function chartsOf(html: string): Map<string, string> {
  const charts = new Map<string, string>();
  for (const match of html.matchAll(/<svg\b[^>]*\bdata-chart="([^"]*)"[\s\S]*?<\/svg>/g)) charts.set(match[1]!, match[0]);
  return charts;
}

/** How many times `needle` occurs in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
