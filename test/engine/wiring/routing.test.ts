import { describe, expect, it } from 'vitest';
import { fourSeOfShare, N, run, WIRING } from './fixtures.js';

/**
 * Routing through the whole engine. Three models of rising strength: h (100 ms, $1/$5),
 * s (200 ms, $3/$15), o (300 ms, $15/$75). `fallbackOn` is in errors.test.ts.
 */

describe('tiers and the default model', () => {
  it('sends each difficulty to its tier\'s model (trivial -> o, standard -> h, complex -> s)', () => {
    const { result } = run(WIRING.tiers);
    expect(result.byModel.o!.calls).toBe(result.byTier.trivial!.calls);
    expect(result.byModel.h!.calls).toBe(result.byTier.standard!.calls);
    expect(result.byModel.s!.calls).toBe(result.byTier.complex!.calls);
    for (const tier of ['trivial', 'standard', 'complex']) expect(result.byTier[tier]!.calls).toBeGreaterThan(0);
  });

  it('sends every request to upstream.defaultModel without routing', () => {
    const { result } = run(WIRING.defaultModel);
    expect(result.byModel.s!.calls).toBe(N);
    expect(result.byModel.h!.calls + result.byModel.o!.calls).toBe(0);
  });

  it('ignores the tiers of a disabled routing layer', () => {
    expect(run(WIRING.routingDisabled).result.byModel.s!.calls).toBe(N);
  });
});

describe('classifier', () => {
  it('routes a request whose classification failed as standard, the safe middle tier (s), never by its true difficulty (o)', () => {
    const { result } = run(WIRING.classifierDown);
    expect(result.byModel.s!.calls).toBe(N);
    expect(result.byModel.o!.calls).toBe(0);
    expect(result.metrics.visibleFailureRate).toBe(0);
  });

  it('calls classifier.model first, bills its tokens at that model\'s price and waits its latency (300 ms + 200 ms)', () => {
    const { output, result } = run(WIRING.classifier);
    expect(result.metrics.classifierCalls).toBe(N);
    expect(result.byModel.h!.calls).toBe(N);
    expect(result.byModel.s!.calls).toBe(N);
    expect(output.metrics.latency.meanMs).toBeCloseTo(500, 6);
    // Classifier: 400 input at $1 + 5 output at $5 per million; the answer: 1000 at $3 + 100 at $15.
    expect(output.metrics.costUsd).toBeCloseTo(N * ((400 * 1 + 5 * 5) / 1e6 + (1000 * 3 + 100 * 15) / 1e6), 9);
    expect(output.metrics.billedTokens).toBe(N * (405 + 1100));
  });

  it('labels a request right with probability accuracy (0.6), and wrong as either other label alike', () => {
    const { result } = run(WIRING.classifierAccuracy);
    const n = 4000;
    const share = (tier: string) => result.byTier[tier]!.calls / n;
    expect(Math.abs(share('standard') - 0.6)).toBeLessThan(fourSeOfShare(0.6, n));
    expect(Math.abs(share('trivial') - 0.2)).toBeLessThan(fourSeOfShare(0.2, n));
    expect(Math.abs(share('complex') - 0.2)).toBeLessThan(fourSeOfShare(0.2, n));
  });
});

describe('fallback chain', () => {
  it('goes up the chain, then down to the weaker models strongest first when fallbackDownward is on (s -> o -> h)', () => {
    const { result } = run(WIRING.fallbackDownward);
    expect(result.metrics.fallbacks).toBe(2 * N);
    expect(result.byModel.o!.calls).toBe(N);
    expect(result.byModel.h!.calls).toBe(N);
    expect(result.metrics.successRate).toBe(1);
  });

  it('stops at the strongest model when fallbackDownward is off (s -> o, then fail)', () => {
    const { result } = run(WIRING.fallbackUpwardOnly);
    expect(result.metrics.fallbacks).toBe(N);
    expect(result.byModel.h!.calls).toBe(0);
    expect(result.metrics.visibleFailureRate).toBe(1);
  });
});

describe('quality fallback', () => {
  it('starts a failed eval\'s chain at the next stronger model, not the tier\'s first: h fails its eval, s is down, o answers', () => {
    // h answers and always fails its eval; s (the next stronger) answers 503; the fallback
    // from s goes on to o. Starting from the tier's list (h, s, o) instead would call s twice.
    const { result } = run(WIRING.qualityFallbackChain);
    expect(result.metrics.qualityFallbacks).toBe(N);
    expect(result.byTier.trivial!.qualityFallbacks).toBe(N);
    expect(result.byModel.h!.calls).toBe(N);
    expect(result.byModel.s!.calls).toBe(N);
    expect(result.byModel.o!.calls).toBe(N);
    expect(result.metrics.fallbacks).toBe(N);
    expect(result.metrics.successRate).toBe(1);
    // h's answer was wasted: its tokens are billed but not useful.
    expect(result.metrics.wastedTokens).toBe(N * 1100);
  });
});
