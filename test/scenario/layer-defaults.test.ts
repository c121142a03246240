import { describe, expect, it } from 'vitest';
import { BREAKER_DEFAULTS } from '../../src/layers/breaker.js';
import { RETRY_DEFAULTS, RetryPolicy } from '../../src/layers/retry.js';
import { SCOPE_DEFAULTS } from '../../src/layers/scope.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * A layer block left to its defaults behaves as the layer class built without options: a
 * scenario and `new RetryPolicy()` (or the runtime's `createHarness`) must not disagree on
 * what "default" means.
 */
describe('scenario defaults are the layers\' own defaults', () => {
  const { layers } = parseScenarioText('upstream:\n  models:\n    m: {}\nlayers:\n  retry: {}\n  breaker: {}\n  scope: { allow: [] }\n', 'x.yaml');

  it('retry: attempts, backoff, cap, jitter, retry-after', () => {
    const r = layers.retry!;
    expect({ maxAttempts: r.maxAttempts, baseDelayMs: r.baseDelay, multiplier: r.multiplier, maxDelayMs: r.maxDelay, jitter: r.jitter, honorRetryAfter: r.honorRetryAfter }).toEqual(RETRY_DEFAULTS);
  });

  it('breaker: window, minimum calls, threshold, cool-down, probes', () => {
    const b = layers.breaker!;
    expect({ windowMs: b.window, minimumCalls: b.minimumCalls, failureRateThreshold: b.failureRateThreshold, cooldownMs: b.cooldown, halfOpenProbes: b.halfOpenProbes }).toEqual({
      windowMs: BREAKER_DEFAULTS.windowMs,
      minimumCalls: BREAKER_DEFAULTS.minimumCalls,
      failureRateThreshold: BREAKER_DEFAULTS.failureRateThreshold,
      cooldownMs: BREAKER_DEFAULTS.cooldownMs,
      halfOpenProbes: BREAKER_DEFAULTS.halfOpenProbes,
    });
  });

  it('scope: the escalation queue', () => {
    expect(layers.scope!.escalation).toBe(SCOPE_DEFAULTS.escalation);
  });
});

describe('layer options outside their enum', () => {
  it('a jitter no formula has is a RangeError naming the option, not an undefined delay', () => {
    expect(() => new RetryPolicy({ jitter: 'fulll' as never })).toThrow(new RangeError('jitter must be one of none, full, equal, decorrelated, got "fulll"'));
  });
});
