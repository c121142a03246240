import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult, type RunResult } from '../../src/metrics/results.js';
import { renderRunTable } from '../../src/report/table.js';
import { parseScenarioText } from '../../src/scenario/load.js';

function run(text: string, requests = 2000): RunResult {
  const scenario = parseScenarioText(text, 'x.yaml');
  return buildResult(scenario.name, simulate(scenario, { requests }));
}

const MODELS = `upstream:
  models:
    haiku: { errors: { rate: 2% } }
    sonnet: { errors: { rate: 2% } }
`;

describe('the run table', () => {
  it('says which layers were on, and shows no tier table without routing', () => {
    const result = run(`name: plain\n${MODELS}layers:\n  retry: { maxAttempts: 2 }\n  breaker: { enabled: false }\n`);
    expect(result.layersOn).toEqual(['retry']);
    const table = renderRunTable(result, false);
    expect(table.split('\n')[1]).toBe('layers on: retry');
    expect(table).not.toMatch(/│ tier /);
  });

  it('shows the tier table when routing is on', () => {
    const result = run(`name: routed\n${MODELS}layers:\n  routing:\n    tiers: { trivial: haiku, standard: sonnet, complex: sonnet }\n`);
    expect(result.layersOn).toEqual(['routing']);
    expect(renderRunTable(result, false)).toMatch(/│ tier +│ requests/);
  });

  it('says "none" when no layer is on', () => {
    expect(renderRunTable(run(`name: bare\n${MODELS}`), false).split('\n')[1]).toBe('layers on: none');
  });

  it('marks monthly figures from less than 30 days as extrapolated, with the factor, in the table and the JSON', () => {
    // 10M requests a month (the default duration, 30 days): 2000 of them arrive in 8.64 minutes.
    const result = run(`name: short\n${MODELS}`);
    expect(result.monthlyExtrapolation).toEqual({ simulatedSeconds: 518.4, factor: 5000 });
    expect(renderRunTable(result, false)).toMatch(/monthly cost +│ \$[\d,]+ +\(x5,000 from 8 min 38 s simulated\)/);
  });

  it('leaves out the note when the arrivals span a month or more', () => {
    const result = run(`name: month\nduration: 30d\nworkload: { requests: 2000 }\n${MODELS}`);
    expect(result.monthlyExtrapolation).toBeUndefined();
    expect(renderRunTable(result, false)).not.toMatch(/extrapolated|simulated\)/);
  });

  it('prints a tiny failure rate with its count instead of 0.000%', () => {
    const result = run(`name: tiny\n${MODELS}`);
    result.metrics.visibleFailureRate = 2e-7;
    result.requests = 10_000_000;
    expect(renderRunTable(result, false)).toMatch(/visible failure rate +│ 0\.00002% \(2 in 10M\)/);
  });
});

describe('LAYER_NAMES', () => {
  it('lists every block under layers:, so a new layer shows in "layers on"', async () => {
    const { LAYER_NAMES } = await import('../../src/engine/simulator.js');
    const { knownKeysAt } = await import('../../src/scenario/schema-keys.js');
    const { scenarioSchema } = await import('../../src/scenario/schema.js');
    expect([...LAYER_NAMES].sort()).toEqual(knownKeysAt(scenarioSchema, ['layers']).sort());
  });
});
