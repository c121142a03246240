import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

function issuesOf(text: string): string[] {
  try {
    parseScenarioText(text, 'tools.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map((i) => `${i.line}:${i.column} ${i.key}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('tool targets', () => {
  it('refuses a tool price, which the simulator would otherwise ignore in silence', () => {
    const issues = issuesOf('workload:\n  tools: { search: 0.5 }\nupstream:\n  models:\n    m: {}\n  tools:\n    search: { price: { input: $1 } }\n');
    expect(issues).toEqual([expect.stringMatching(/^7:22 upstream\.tools\.search\.price: expected no price: tool calls carry no tokens/)]);
  });

  it('refuses a tool target the workload never calls', () => {
    const issues = issuesOf('workload:\n  tools: { search: 0.5 }\nupstream:\n  models:\n    m: {}\n  tools:\n    serach: {}\n');
    expect(issues).toEqual([expect.stringMatching(/^7:13 upstream\.tools\.serach: expected a tool the workload calls \(workload\.tools: search\)/)]);
  });

  it('accepts a tool the workload calls, with no price', () => {
    expect(issuesOf('workload:\n  tools: { search: 0.5 }\nupstream:\n  models:\n    m: {}\n  tools:\n    search: { errors: { rate: 1% } }\n')).toEqual([]);
  });
});
