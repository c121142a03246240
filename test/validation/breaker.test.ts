import { describe, expect, it } from 'vitest';
import { BREAKER_LOAD_BOUND } from '../../src/validation/breaker-laws.js';
import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// The seed's incident held for the whole run (70% failures, half 503s and half billed 1 s
// timeouts, 3 attempts). Breaker off: load 2.19 and wasted tokens T q E[F] = 919.8 per request,
// one seed (42) of 200,000 independent requests, 4 standard errors. Breaker on (the seed's
// 60 s / 20 calls / 25% / 30 s / 1 probe): ten replications (seeds 1..10, 40,000 requests,
// about forty open/closed cycles each) whose 95% CI must stay under the bound
// (n (minimumCalls + lambda timeout) + probes) / (lambda cooldown) = 0.303 calls per request,
// and under T x 0.303 = 364 wasted tokens per request (see breaker-laws.ts for why).
describeLaws('breaker laws (the seed incident: 70% failures, 3 attempts)', lawsOf('breaker'));

describe('the breaker bounds', () => {
  it('separate a working breaker from none: the load bound is under a fifth of the breaker-off load, the waste bound under half its waste', () => {
    const [loadOff, wasteOff, loadOn, wasteOn] = lawsOf('breaker');
    expect(loadOn!.expected).toBe(BREAKER_LOAD_BOUND);
    expect(loadOn!.expected).toBeLessThan(loadOff!.expected / 5);
    expect(wasteOn!.expected).toBeLessThan(wasteOff!.expected / 2);
    expect(BREAKER_LOAD_BOUND).toBeCloseTo(91 / 300, 12);
  });
});
