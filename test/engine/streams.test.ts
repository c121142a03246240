import { describe, expect, it } from 'vitest';
import { simulate, type RunOutput } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * Random streams are separate by purpose (AGENTS.md, "Random streams"): a change to one layer
 * must not reshuffle another's draws. Each test changes one thing and checks that what other
 * streams decide is identical, count for count, and that the change did have an effect (so the
 * test can fail).
 */

const REQUESTS = 20_000;

function run(yaml: string): { output: RunOutput; result: RunResult } {
  const scenario = parseScenarioText(yaml, 'streams.yaml');
  const output = simulate(scenario, { requests: REQUESTS });
  return { output, result: buildResult(scenario.name, output) };
}

/**
 * Two tenants, a difficulty mix, lognormal tokens, one model failing 20% of calls with every
 * error kind (timeouts bill their tokens), and the given extra workload and layers (YAML).
 */
const scenario = (options: { tools?: string; layers?: string }) => `
name: streams
seed: 11
duration: 1h
workload:
  requests: 36K
  tenants: { app: 0.7, batch: 0.3 }
  difficulty: { trivial: 0.5, standard: 0.4, complex: 0.1 }
  tokens:
    input: { dist: lognormal, p50: 1200, p95: 6000 }
    output: { dist: lognormal, p50: 300, p95: 1500 }
${options.tools ?? ''}
upstream:
  models:
    sonnet:
      latency: { dist: lognormal, p50: 800ms, p95: 2500ms }
      errors: { rate: 20%, mix: { "429": 0.4, "503": 0.3, timeout: 0.2, "400": 0.1 }, timeoutAfter: 5s, retryAfter: 1s }
      price: { input: $3, output: $15 }
layers:
${options.layers ?? '  {}'}
`;

const retry = (fields: string) => `  retry: { ${fields} }`;

describe('random streams', () => {
  it('turning the retry layer on leaves every first attempt\'s outcome as it was', () => {
    // With two attempts and every error kind retryable, each failed first attempt is retried
    // exactly once: the retry count is the number of failed first attempts, which must equal
    // the failures of the run without retries (one call per request).
    const off = run(scenario({}));
    const on = run(scenario({ layers: retry('maxAttempts: 2, retryOn: ["429", "503", timeout, "400"]') }));
    expect(off.output.metrics.modelCalls).toBe(REQUESTS);
    expect(on.output.metrics.retries).toBe(off.output.metrics.failures);
    expect(on.result.loadAttribution.firstAttempt).toBe(REQUESTS);
    // Arrivals and per-request draws are untouched by the retries.
    expect(on.output.timeline.offered).toEqual(off.output.timeline.offered);
    expect(on.result.byTenant.app!.calls).toBe(off.result.byTenant.app!.calls);
    // And the retries did change the outcome: fewer visible failures.
    expect(on.output.metrics.failures).toBeLessThan(off.output.metrics.failures / 3);
  });

  it('changing the retry jitter leaves arrivals, tenants, tokens and every call outcome unchanged', () => {
    const base = 'maxAttempts: 3, baseDelay: 250ms, multiplier: 4, maxDelay: 4s, retryOn: ["429", "503", timeout], honorRetryAfter: false';
    const runs = (['none', 'full', 'equal', 'decorrelated'] as const).map((jitter) => run(scenario({ layers: retry(`${base}, jitter: ${jitter}`) })));
    const [first, ...others] = runs;
    for (const other of others) {
      // Same offered timeline (arrivals stream), same tenants and difficulty tiers.
      expect(other.output.timeline.offered).toEqual(first!.output.timeline.offered);
      for (const tenant of ['app', 'batch']) {
        const { calls, failures, costUsd } = other.result.byTenant[tenant]!;
        const was = first!.result.byTenant[tenant]!;
        expect([calls, failures, costUsd]).toEqual([was.calls, was.failures, was.costUsd]);
      }
      expect(other.result.byTier.complex!.calls).toBe(first!.result.byTier.complex!.calls);
      // Same calls with the same outcomes (keyed draws): the billed tokens, including those of
      // first attempts that timed out, and the calls by cause are identical.
      expect(other.output.metrics.billedTokens).toBe(first!.output.metrics.billedTokens);
      expect(other.result.loadAttribution).toEqual(first!.result.loadAttribution);
      expect(other.output.metrics.failures).toBe(first!.output.metrics.failures);
      // The jitter did change something: when the retries happened, so the latencies.
      expect(other.output.metrics.latency.meanMs).not.toBe(first!.output.metrics.latency.meanMs);
    }
  });

  it('adding a tool to the workload leaves tenants, difficulty, tokens and model outcomes unchanged', () => {
    const without = run(scenario({}));
    const withTool = run(scenario({ tools: '  tools: { search_kb: 0.5 }' }));
    expect(withTool.output.timeline.offered).toEqual(without.output.timeline.offered);
    for (const tenant of ['app', 'batch']) expect(withTool.result.byTenant[tenant]!.calls).toBe(without.result.byTenant[tenant]!.calls);
    for (const tier of ['trivial', 'standard', 'complex']) expect(withTool.result.byTier[tier]!.calls).toBe(without.result.byTier[tier]!.calls);
    // Model calls are billed from the token stream and their outcomes from keyed draws.
    expect(withTool.output.metrics.billedTokens).toBe(without.output.metrics.billedTokens);
    expect(withTool.result.byModel.sonnet!.failures).toBe(without.result.byModel.sonnet!.failures);
    // The tool was called for about half of the successful requests.
    const successes = without.output.metrics.successes;
    expect(withTool.result.metrics.toolCalls).toBeGreaterThan(0.45 * successes);
    expect(withTool.result.metrics.toolCalls).toBeLessThan(0.55 * successes);
  });

  it('turning the prompt cache on changes only the bill', () => {
    const layers = (enabled: boolean) => `${retry('maxAttempts: 3, retryOn: ["429", "503", timeout]')}\n  cache: { enabled: ${enabled} }`;
    const withPrefix = (enabled: boolean) =>
      scenario({ tools: '  prompt: { prefix: [{ name: system, tokens: 4000 }] }', layers: layers(enabled) });
    const off = run(withPrefix(false));
    const on = run(withPrefix(true));
    expect(on.result.metrics.latencyMs).toEqual(off.result.metrics.latencyMs);
    expect(on.result.loadAttribution).toEqual(off.result.loadAttribution);
    expect(on.output.metrics.billedTokens).toBe(off.output.metrics.billedTokens);
    expect(on.result.metrics.visibleFailureRate).toBe(off.result.metrics.visibleFailureRate);
    expect(on.result.metrics.costUsd).toBeLessThan(off.result.metrics.costUsd * 0.8);
  });
});

describe('routing verdicts', () => {
  const routed = (retry: string) => `
name: verdicts
seed: 5
workload:
  requests: 1M
  difficulty: { trivial: 0.5, standard: 0.4, complex: 0.1 }
upstream:
  models:
    haiku: { errors: { rate: 20%, mix: { "429": 1 }, retryAfter: 0 } }
    sonnet: { errors: { rate: 20%, mix: { "429": 1 }, retryAfter: 0 } }
    opus: { errors: { rate: 20%, mix: { "429": 1 }, retryAfter: 0 } }
layers:
  routing:
    classifier: { model: haiku, accuracy: 70% }
    tiers: { trivial: haiku, standard: sonnet, complex: opus }
    fallback: [haiku, sonnet, opus]
    qualityFallback: { failRate: { haiku: 30%, sonnet: 10% } }
${retry}
`;

  it('gives every request the same classifier verdict and eval checks whether retries are on or off', () => {
    const without = run(routed(''));
    const withRetries = run(routed('  retry: { maxAttempts: 3, honorRetryAfter: false }'));
    // The tier a request lands in is the classifier's verdict (a failed classifier call
    // routes as standard; its failure is keyed too): identical counts per tier.
    const tierCounts = (r: RunResult) => Object.fromEntries(Object.entries(r.byTier).map(([k, v]) => [k, v.calls]));
    expect(tierCounts(withRetries.result)).toEqual(tierCounts(without.result));
    // Retries change what happens after the verdicts (more successes to check), so the checks are not vacuous.
    expect(withRetries.result.metrics.retries).toBeGreaterThan(0);
    expect(withRetries.result.metrics.qualityFallbacks).toBeGreaterThan(without.result.metrics.qualityFallbacks);
  });
});
