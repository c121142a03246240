import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEADLINE_KEYS, type HeadlineValues } from '../../src/metrics/headline.js';
import { parseSloExpression } from '../../src/slo/expression.js';
import { breachMessage, escapeWorkflowData, evaluateGates, gateSummaryMarkdown, markdownCell, reportGates } from '../../src/slo/gate.js';

function values(given: Partial<HeadlineValues>): HeadlineValues {
  return { ...(Object.fromEntries(HEADLINE_KEYS.map((k) => [k, 0])) as HeadlineValues), ...given };
}

const results = evaluateGates([
  {
    label: 'seed-lab +retry',
    values: values({ visibleFailureRate: 0.00512, monthlyCost: 39_000, latencyP95: 3500 }),
    checks: [parseSloExpression('visibleFailureRate < 0.1%'), parseSloExpression('monthlyCost < $40,000'), parseSloExpression('latencyP95 <= 3.5s')],
  },
]);

describe('evaluateGates', () => {
  it('checks each point against its own checks and keeps the value it saw', () => {
    expect(results.map((r) => [r.check.metric, r.value, r.passed])).toEqual([
      ['visibleFailureRate', 0.00512, false],
      ['monthlyCost', 39_000, true],
      ['latencyP95', 3500, true],
    ]);
  });

  it('says which point, which metric, and the value against the limit', () => {
    expect(breachMessage(results[0]!)).toBe('seed-lab +retry: visibleFailureRate = 0.512%, limit < 0.1%');
  });
});

describe('reportGates', () => {
  let dir = '';
  let stderr: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harness-sim-gate-'));
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one line per breach and reports that something breached', () => {
    expect(reportGates(results, {})).toBe(true);
    expect(stderr).toEqual(['SLO breach: seed-lab +retry: visibleFailureRate = 0.512%, limit < 0.1%\n']);
  });

  it('prints nothing and reports no breach when every check passes', () => {
    expect(reportGates(results.slice(1), {})).toBe(false);
    expect(stderr).toEqual([]);
  });

  it('on GitHub Actions also annotates each breach and appends a table to the step summary', () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    reportGates(results, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(stderr[1]).toBe('::error title=SLO breach::seed-lab +retry: visibleFailureRate = 0.512%25, limit < 0.1%25\n');
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n### harness-sim SLO gates: 1 of 3 breached\n')).toBe(true);
    expect(written).toContain('| seed-lab +retry | visibleFailureRate | 0.512% | < 0.1% | **breach** |');
    expect(written).toContain('| seed-lab +retry | monthlyCost | $39,000 | < $40,000 | pass |');
  });

  it('warns on stderr and still reports the breach when the step summary cannot be written', () => {
    // A directory and a path under a missing folder: neither can be appended to.
    for (const summary of [dir, join(dir, 'missing', 'summary.md')]) {
      stderr = [];
      expect(reportGates(results, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary })).toBe(true);
      expect(stderr[0]).toMatch(/^SLO breach: /);
      expect(stderr[2]).toMatch(/^harness-sim: warning: cannot write the step summary to .* \((EISDIR|ENOENT)\); the SLO verdict stands\n$/);
    }
  });

  it('writes no annotations outside GitHub Actions', () => {
    const summary = join(dir, 'summary.md');
    reportGates(results, { GITHUB_STEP_SUMMARY: summary });
    expect(stderr.filter((l) => l.startsWith('::'))).toEqual([]);
    expect(() => readFileSync(summary)).toThrow();
  });
});

describe('escaping for CI outputs', () => {
  it('escapes percent signs and line breaks in workflow command data', () => {
    expect(escapeWorkflowData('4% a\r\nb')).toBe('4%25 a%0D%0Ab');
  });

  it('escapes pipes and line breaks in Markdown cells', () => {
    expect(markdownCell('a|b\nc')).toBe('a\\|b c');
  });

  it('summarises an all-pass run as such', () => {
    expect(gateSummaryMarkdown(results.slice(1))).toMatch(/^### harness-sim SLO gates: all passed\n/);
  });
});
