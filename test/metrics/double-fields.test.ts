import { describe, expect, it } from 'vitest';
import { startAsDoubles } from '../../src/metrics/double-fields.js';
import { SessionMetrics } from '../../src/metrics/session-metrics.js';

describe('startAsDoubles', () => {
  it('leaves every named field at 0 and the others as they were', () => {
    const totals = { tokens: 0, costUsd: 0, count: 7 };
    startAsDoubles(totals, ['tokens', 'costUsd']);
    expect(totals).toEqual({ tokens: 0, costUsd: 0, count: 7 });
  });

  it('refuses a name that is not a number field at 0 (a misspelt one would settle nothing)', () => {
    expect(() => startAsDoubles({ tokens: 0 }, ['tokenz'])).toThrow(/tokenz/);
  });

  it('starts the session totals at 0, and they add up past 2^31 exactly', () => {
    const metrics = new SessionMetrics();
    expect([metrics.promptTokens, metrics.costUsd, metrics.lastEndMs, metrics.meanInSystem]).toEqual([0, 0, 0, 0]);
    for (let i = 0; i < 3; i++) metrics.recordPrompt(1_000_000_000, 0, 1);
    expect(metrics.promptTokens).toBe(3_000_000_000);
  });
});
