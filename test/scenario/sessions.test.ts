import { describe, expect, it } from 'vitest';
import { formatIssue, ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

function issuesOf(text: string): string[] {
  try {
    parseScenarioText(text, 's.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

const MODELS = 'upstream:\n  models:\n    sonnet: {}\n';

describe('the session blocks of a scenario', () => {
  it('accepts a session workload and fills every default', () => {
    const scenario = parseScenarioText(`workload:\n  tools: { read: 0.7, edit: 0.3 }\n  sessions: {}\n${MODELS}`, 's.yaml');
    expect(scenario.workload.sessions).toMatchObject({
      turns: { dist: 'geometric', mean: 4 },
      callsPerTurn: { dist: 'geometric', mean: 8 },
      toolsPerBatch: { dist: 'constant', value: 1 },
      thinkTime: { dist: 'lognormal', p50: 30_000, p95: 300_000 },
      toolErrorTokens: { dist: 'constant', value: 100 },
      onToolError: { retrySame: 0 },
    });
    expect(scenario.layers.session).toBeUndefined();
  });

  it('reads every count distribution: constant, geometric, lognormal and an empirical quantile table', () => {
    const text = `workload:\n  tools: { read: 1 }\n  sessions:\n    turns: { dist: constant, value: 2 }\n    callsPerTurn: { dist: empirical, quantiles: { 0: 1, 0.5: 4, 1: 40 } }\n    toolsPerBatch: { dist: lognormal, p50: 1, p95: 3 }\n${MODELS}`;
    expect(issuesOf(text)).toEqual([]);
  });

  it.each([
    ['layers.session without sessions', `${MODELS}layers:\n  session: { maxStepsPerTurn: 5 }\n`, 's.yaml:5:12 layers.session: expected workload.sessions: the session limits apply to agent sessions only'],
    ['a tool mix that does not sum to 1', `workload:\n  tools: { read: 0.5 }\n  sessions: {}\n${MODELS}`, 's.yaml:2:10 workload.tools: expected shares that sum to 1 (with sessions, workload.tools is the tool mix of a batch), got 0.5'],
    ['tool batches without tools', `workload:\n  sessions: { callsPerTurn: { dist: geometric, mean: 3 } }\n${MODELS}`, 's.yaml:2:29 workload.sessions.callsPerTurn: expected workload.tools: every call of a turn but the last issues a tool batch, drawn from workload.tools'],
    ['result tokens of an unknown tool', `workload:\n  tools: { read: 1 }\n  sessions:\n    toolResultTokens: { raed: { dist: constant, value: 5 } }\n${MODELS}`, 's.yaml:4:31 workload.sessions.toolResultTokens.raed: expected "default" or one of workload.tools (read), got "raed"'],
    ['a batch above 64 calls', `workload:\n  tools: { read: 1 }\n  sessions: { toolsPerBatch: { dist: constant, value: 65 } }\n${MODELS}`, 's.yaml:3:55 workload.sessions.toolsPerBatch.value: expected at most 64 calls per batch, got 65'],
    ['a geometric mean below 1', `workload:\n  tools: { read: 1 }\n  sessions: { turns: { dist: geometric, mean: 0.5 } }\n${MODELS}`, 's.yaml:3:47 workload.sessions.turns.mean: expected a mean of at least 1, got 0.5'],
    ['a falling quantile table', `workload:\n  tools: { read: 1 }\n  sessions: { turns: { dist: empirical, quantiles: { 0: 5, 1: 2 } } }\n${MODELS}`, 's.yaml:3:52 workload.sessions.turns.quantiles: the quantile table values must not decrease'],
    ['compaction keeping everything', `workload:\n  tools: { read: 1 }\n  sessions: { compaction: { above: 100K, keep: 100% } }\n${MODELS}`, 's.yaml:3:48 workload.sessions.compaction.keep: expected a share above 0 and below 1, got 1'],
    ['an unknown loop-guard action', `workload:\n  tools: { read: 1 }\n  sessions: {}\n${MODELS}layers:\n  session: { onLoop: retry }\n`, 's.yaml:8:22 layers.session.onLoop: expected one of "route-around", "stop-turn", got "retry"'],
  ])('refuses %s in one positioned line', (_what, text, expected) => {
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.startsWith(expected), issues[0]).toBe(true);
  });

  it('lets an incident take down a tool the workload calls, and still refuses an unknown target', () => {
    const tools = 'workload:\n  tools: { search: 1 }\n  sessions: {}\nupstream:\n  models:\n    sonnet: {}\n';
    expect(issuesOf(`${tools}  incidents: [{ target: search, at: 1m, for: 20m, errorRate: 100% }]\n`)).toEqual([]);
    expect(issuesOf(`${tools}  incidents: [{ target: serch, at: 1m, for: 20m, errorRate: 100% }]\n`)).toEqual([
      expect.stringMatching(/^s\.yaml:7:\d+ upstream\.incidents\[0\]\.target: expected one of the models \(sonnet\) or workload\.tools \(search\), got "serch"/),
    ]);
    expect(issuesOf(`${MODELS}  incidents: [{ target: opus, at: 1m, for: 20m, errorRate: 100% }]\n`)).toEqual([
      expect.stringMatching(/^s\.yaml:4:\d+ upstream\.incidents\[0\]\.target: expected one of the models \(sonnet\), got "opus"/),
    ]);
  });
});
