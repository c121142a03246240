import { describe, expect, it } from 'vitest';
import { checksFor } from '../../src/cli/gates.js';
import { simulate } from '../../src/engine/simulator.js';
import { HEADLINE_METRICS, headlineValues, shownMetrics } from '../../src/metrics/headline.js';
import { buildResult } from '../../src/metrics/results.js';
import { formatIssue, ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioFile, parseScenarioText } from '../../src/scenario/load.js';
import { SESSION_SLO_METRICS } from '../../src/scenario/session-schema.js';
import { parseSloExpression } from '../../src/slo/expression.js';

// Session headline figures: read from `sessions.*`, NaN (and not shown) for a run without
// sessions, and refused in an slo: block or an --assert for a scenario without them.

describe('session headline metrics', () => {
  it('are the ones the scenario schema knows as session SLOs', () => {
    expect(HEADLINE_METRICS.filter((m) => m.session).map((m) => m.key)).toEqual(SESSION_SLO_METRICS);
  });

  it('read the sessions block of a session run, and are NaN and hidden for any other run', () => {
    const { scenario } = loadScenarioFile('scenarios/support-agent.yaml');
    const result = buildResult(scenario.name, simulate(scenario, { requests: 200 }));
    const values = headlineValues(result);
    expect(values.turnSuccessRate).toBe(result.sessions!.turnSuccessRate);
    expect(values.costPerSession).toBe(result.sessions!.costPerSessionUsd);
    expect(values.turnLatencyP95).toBe(result.sessions!.turnLatencyMs.p95);
    expect(shownMetrics([values])).toHaveLength(HEADLINE_METRICS.length);

    const plain = loadScenarioFile('scenarios/retry-basics.yaml').scenario;
    const other = headlineValues(buildResult(plain.name, simulate(plain, { requests: 1000 })));
    expect(Number.isNaN(other.turnSuccessRate)).toBe(true);
    expect(shownMetrics([other]).some((m) => m.session)).toBe(false);
  });

  it('are refused in the slo: block of a scenario without sessions, at the entry', () => {
    let issues: string[] = [];
    try {
      parseScenarioText('upstream:\n  models:\n    sonnet: {}\nslo:\n  costPerSession: "< $1"\n', 's.yaml');
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      issues = error.issues.map(formatIssue);
    }
    expect(issues).toEqual(['s.yaml:5:19 slo.costPerSession: expected workload.sessions: costPerSession is an agent-session figure, got "< $1"']);
  });

  it('are refused in an --assert for a scenario without sessions, and accepted with them', () => {
    const plain = loadScenarioFile('scenarios/retry-basics.yaml').scenario;
    const assert = [parseSloExpression('turnSuccessRate > 99%')];
    expect(() => checksFor(plain, { assert })).toThrow('--assert: turnSuccessRate is an agent-session figure, and this scenario has no workload.sessions');
    const sessions = loadScenarioFile('scenarios/support-agent.yaml').scenario;
    expect(checksFor(sessions, { assert })).toEqual(assert);
  });
});
