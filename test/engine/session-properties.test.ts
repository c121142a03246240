import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { loadScenarioFile } from '../../src/scenario/load.js';

// Properties of the agent loop over the bundled session scenarios and a range of seeds:
// every session ends exactly once, no token or dollar count goes negative, and a stricter
// token budget never raises the cost per session (the same sessions under common random
// numbers: a budget can only end a session earlier).

const SCENARIOS = ['scenarios/coding-agent.yaml', 'scenarios/support-agent.yaml', 'scenarios/tool-loop.yaml'];

describe('agent-session properties', () => {
  it.each(SCENARIOS)('%s: every session ends once, every turn once, and no count is negative (seeds 1..3, 300 sessions)', (file) => {
    const { scenario } = loadScenarioFile(file);
    for (const seed of [1, 2, 3]) {
      const out = simulate(scenario, { seed, requests: 300 });
      const s = out.sessions!;
      expect(s.sessions).toBe(300);
      expect(s.inSystem).toBe(0);
      expect([...s.turnEnds].reduce((x, y) => x + y, 0)).toBe(s.turns);
      for (const value of [s.promptTokens, s.cachedPromptTokens, s.completionTokens, s.billedTokens, s.wastedTokens, s.costUsd]) expect(value).toBeGreaterThanOrEqual(0);
      expect(s.cachedPromptTokens).toBeLessThanOrEqual(s.promptTokens);
      expect(s.wastedTokens).toBeLessThanOrEqual(s.billedTokens);
      const r = buildResult(scenario.name, out).sessions!;
      expect(r.count).toBe(300);
      expect(r.costPerSessionUsd).toBeGreaterThan(0);
    }
  });

  it('a stricter token budget never raises the cost per session (tool-loop, budgets 8M down to 100K)', () => {
    const costs = ['8M', '2M', '1M', '500K', '200K', '100K'].map((budget) => {
      const { scenario: limited } = loadScenarioFile('scenarios/tool-loop.yaml', { overrides: [`layers.session.maxTokensPerSession=${budget}`] });
      return buildResult('tool-loop', simulate(limited, { requests: 600 })).sessions!.costPerSessionUsd;
    });
    for (let i = 1; i < costs.length; i++) expect(costs[i]!).toBeLessThanOrEqual(costs[i - 1]!);
    expect(costs[costs.length - 1]!).toBeLessThan(costs[0]!);
  });
});
