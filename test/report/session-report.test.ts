import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import { buildResult } from '../../src/metrics/results.js';
import { comparisonJson, compareVariants } from '../../src/report/comparison.js';
import { renderRunHtml } from '../../src/report/html.js';
import { renderRunTable } from '../../src/report/table.js';
import { loadScenarioFile } from '../../src/scenario/load.js';

// How a run with agent sessions is reported: its own table and HTML section, and session
// figures in a comparison; a run without sessions keeps every output as it was.

const session = loadScenarioFile('scenarios/support-agent.yaml').scenario;
const plain = loadScenarioFile('scenarios/retry-basics.yaml').scenario;
const withSessions = buildResult(session.name, simulate(session, { requests: 300 }));
const without = buildResult(plain.name, simulate(plain, { requests: 2000 }));

describe('reports of agent sessions', () => {
  it('print an agent-sessions table with the sessions block\'s figures, and none without sessions', () => {
    const text = renderRunTable(withSessions, false);
    const s = withSessions.sessions!;
    expect(text.split('\n')[0]).toBe(`support-agent  seed 42  300 sessions (${withSessions.requests.toLocaleString('en-US')} model calls)`);
    expect(text).toContain('agent sessions');
    expect(text).toContain(`sessions / turns`);
    expect(text).toContain(`300 / ${s.turns.toLocaleString('en-US')}`);
    expect(text).toMatch(/tool calls out of scope \(escalated\)\s+│ [\d,]+/);
    expect(renderRunTable(without, false)).not.toContain('agent sessions');
  });

  it('give the HTML report an Agent sessions section and session headline rows, only with sessions', () => {
    const html = renderRunHtml(withSessions);
    expect(html).toContain('<h2>Agent sessions</h2>');
    expect(html).toContain('<td>turn success rate</td>');
    const other = renderRunHtml(without);
    expect(other).not.toContain('Agent sessions');
    expect(other).not.toContain('turn success rate');
  });

  it('compare session figures side by side, and leave them out of a comparison without sessions', () => {
    const header = { seeds: [42], requests: 300 };
    const json = comparisonJson(compareVariants([{ label: 'a', results: [withSessions] }, { label: 'b', results: [withSessions] }]), header);
    expect(json.variants[0]!.metrics).toHaveProperty('costPerSession', withSessions.sessions!.costPerSessionUsd);
    expect(json.variants[1]!.delta!).toHaveProperty('turnSuccessRate', { absolute: 0, relative: 0, direction: 'same' });
    const plainJson = comparisonJson(compareVariants([{ label: 'a', results: [without] }]), header);
    expect(Object.keys(plainJson.variants[0]!.metrics)).not.toContain('turnSuccessRate');
  });
});
