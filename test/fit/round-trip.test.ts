import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { fitFiles } from '../../src/fit/run-fit.js';
import { fittedScenarioYaml } from '../../src/fit/write-scenario.js';
import { buildResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { ParsedScenario } from '../../src/scenario/schema.js';
import { formatCallLine } from '../../src/telemetry/calls-out-format.js';

/**
 * The round trip the telemetry issue asks for: run a scenario with --calls-out, fit a scenario
 * from the calls, run the fitted scenario (the original's layers and prices put back, since
 * logs carry neither), and get the original's figures back within tolerances derived from
 * the sample sizes: both runs' sampling error plus the fitted parameters' own error carried
 * through the closed forms (visible failure p^a, load 1 + p + ... + p^(a-1) with every error
 * retryable), 4 standard deviations wide.
 */

const DIR = mkdtempSync(join(tmpdir(), 'harness-sim-round-trip-'));
const N = 20_000;
const Z95 = 1.6448536;

interface Case {
  p: number;
  attempts: number;
  p50: number;
  spread: number;
  mix: { '429': number; '503': number; '529': number };
}

function scenarioText(c: Case, seed: number): string {
  return `
name: truth
seed: ${seed}
duration: 1h
workload:
  requests: ${N}
  tokens:
    input: { dist: lognormal, p50: 1500, p95: 6000 }
    output: { dist: lognormal, p50: 300, p95: 1200 }
upstream:
  models:
    sonnet:
      latency: { dist: lognormal, p50: ${c.p50}ms, p95: ${Math.round(c.p50 * c.spread)}ms }
      errors: { rate: ${c.p}, mix: { "429": ${c.mix['429']}, "503": ${c.mix['503']}, "529": ${c.mix['529']} }, retryAfter: 1s }
      price: { input: $3, output: $15 }
layers:
  retry: { maxAttempts: ${c.attempts}, baseDelay: 200ms, retryOn: ["429", "503", "529"] }
`;
}

/** Runs `truth`, writes its calls, fits them; returns the fit and the scenario fitted, with the original's layers and prices. */
async function roundTrip(truth: ParsedScenario, file: string) {
  const lines: string[] = [];
  const original = simulate(truth, {}, undefined, { sink: (call) => lines.push(formatCallLine(call)) });
  writeFileSync(file, lines.join(''));
  const fit = await fitFiles([file]);
  const fitted = parseScenarioText(fittedScenarioYaml(fit, 'fitted'), 'fitted.yaml');
  const models = Object.fromEntries(Object.entries(fitted.upstream.models).map(([name, m]) => [name, { ...m, price: truth.upstream.models[name]!.price }]));
  const rerun: ParsedScenario & { name: string } = { ...fitted, name: 'fitted', seed: truth.seed + 1, layers: truth.layers, upstream: { ...fitted.upstream, models } };
  return { fit, original: buildResult('truth', original), refit: buildResult('fitted', simulate(rerun)) };
}

const cases = fc.sample(
  fc.record({
    p: fc.double({ min: 0.01, max: 0.2, noNaN: true }),
    attempts: fc.integer({ min: 1, max: 4 }),
    p50: fc.integer({ min: 200, max: 3000 }),
    spread: fc.double({ min: 1.5, max: 5, noNaN: true }),
    mix: fc.constantFrom({ '429': 1, '503': 0, '529': 0 }, { '429': 0.5, '503': 0.3, '529': 0.2 }, { '429': 0, '503': 0.4, '529': 0.6 }),
  }),
  { seed: 7, numRuns: 4 },
);

describe('run --calls-out, fit, run again', { timeout: 240_000 }, () => {
  it.each(cases.map((c, i) => [i, c] as const))('reproduces visible failures, p95, load and monthly cost (case %i)', async (i, c) => {
    const truth = parseScenarioText(scenarioText(c, 100 + i), 'truth.yaml');
    const { fit, original, refit } = await roundTrip(truth, join(DIR, `calls-${i}.jsonl`));
    const a = c.attempts;
    const calls = fit.calls;
    const p = c.p;
    const seP = Math.sqrt((p * (1 - p)) / calls);

    // Visible failure p^a: both runs' binomial error, and the fitted p's carried through.
    const vfr = p ** a;
    const sdVfr = Math.sqrt((2 * vfr * (1 - vfr)) / N + (a * p ** (a - 1) * seP) ** 2);
    expect(Math.abs(refit.metrics.visibleFailureRate - original.metrics.visibleFailureRate)).toBeLessThan(4 * sdVfr + 1 / N);

    // Load 1 + p + ... + p^(a-1): calls per request vary (variance below), and the fitted p moves the mean.
    let mean = 0;
    let second = 0;
    let slope = 0;
    for (let k = 1; k <= a; k++) {
      const share = k < a ? p ** (k - 1) * (1 - p) : p ** (a - 1);
      mean += k * share;
      second += k * k * share;
      if (k < a) slope += k * p ** (k - 1);
    }
    const sdLoad = Math.sqrt((2 * (second - mean * mean)) / N + (slope * seP) ** 2);
    expect(Math.abs(refit.metrics.loadMultiplier - original.metrics.loadMultiplier)).toBeLessThan(4 * sdLoad + 1e-9);

    // p95 of a lognormal with sigma s: relative sampling error s sqrt(0.95 x 0.05 / N) / phi(z95) per run,
    // and the fit's own relative error of its p95, s sqrt((1 + z95^2 / 2) / n).
    const s = Math.log(c.spread) / Z95;
    const phi = Math.exp((-Z95 * Z95) / 2) / Math.sqrt(2 * Math.PI);
    const relP95 = Math.sqrt(2 * ((s * Math.sqrt(0.0475 / N)) / phi) ** 2 + (s * s * (1 + (Z95 * Z95) / 2)) / calls);
    const ratioP95 = refit.metrics.latencyMs.p95 / original.metrics.latencyMs.p95;
    expect(Math.abs(Math.log(ratioP95))).toBeLessThan(4 * relP95 + 0.01);

    // Monthly cost: mean tokens of a lognormal (coefficient of variation cv per run, the fitted mean's
    // relative error s sqrt((1 + s^2 / 2) / n)), the load above, and the observed span (Poisson arrivals: 1 / sqrt(N)).
    const sTokens = Math.log(6000 / 1500) / Z95;
    const cv = Math.sqrt(Math.exp(sTokens * sTokens) - 1);
    const relCost = Math.sqrt((2 * cv * cv) / N + (sTokens * sTokens * (1 + (sTokens * sTokens) / 2)) / calls + (sdLoad / mean) ** 2 + 2 / N);
    const ratioCost = refit.metrics.monthlyCostUsd / original.metrics.monthlyCostUsd;
    expect(Math.abs(Math.log(ratioCost))).toBeLessThan(4 * relCost);
  });

  it("covers the true error rate and latency median with the fit's 95% intervals about 95% of the time", async () => {
    const runs = 40;
    let rateCovered = 0;
    let medianCovered = 0;
    for (let i = 0; i < runs; i++) {
      const c: Case = { p: 0.05, attempts: 1, p50: 800, spread: 3, mix: { '429': 1, '503': 0, '529': 0 } };
      const truth = parseScenarioText(scenarioText(c, 1000 + i).replace(`requests: ${N}`, 'requests: 2000'), 'truth.yaml');
      const lines: string[] = [];
      simulate(truth, {}, undefined, { sink: (call) => lines.push(formatCallLine(call)) });
      const file = join(DIR, `coverage-${i}.jsonl`);
      writeFileSync(file, lines.join(''));
      const model = (await fitFiles([file])).models[0]!;
      if (model.errorRateCi95[0] <= 0.05 && 0.05 <= model.errorRateCi95[1]) rateCovered++;
      if (model.latency?.dist === 'lognormal' && model.latency.ci95.p50[0] <= 800 && 800 <= model.latency.ci95.p50[1]) medianCovered++;
    }
    // 95% nominal; 3 binomial standard deviations below it over 40 fits.
    const floor = runs * (0.95 - 3 * Math.sqrt((0.95 * 0.05) / runs));
    expect(rateCovered).toBeGreaterThanOrEqual(floor);
    expect(medianCovered).toBeGreaterThanOrEqual(floor);
  });
});
