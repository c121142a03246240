import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  Difficulty,
  DIFFICULTY_NAMES,
  ModelRouter,
  ROUTER_DEFAULTS,
  type RouterOptions,
} from '../../src/layers/router.js';

const MODELS = ['haiku', 'sonnet', 'opus'] as const;
const HAIKU = 0;
const SONNET = 1;
const OPUS = 2;

function router(options: Partial<RouterOptions> = {}, seed = 'router'): ModelRouter {
  return new ModelRouter(seedrandom(seed), MODELS, options);
}

/** Four standard errors of a binomial proportion p over n draws. */
function tolerance(p: number, n: number): number {
  return 4 * Math.sqrt((p * (1 - p)) / n);
}

describe('ModelRouter.classify', () => {
  it('returns the true label with the configured accuracy, within 4 standard errors over 100k draws', () => {
    const accuracy = 0.85;
    const r = router({ classifier: { accuracy, model: 'haiku' } }, 'classify-accuracy');
    const n = 100_000;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const truth = i % 3;
      if (r.classify(truth) === truth) correct++;
    }
    // Fixed seed; tolerance is 4 binomial standard errors of the accuracy at n = 100k.
    expect(Math.abs(correct / n - accuracy)).toBeLessThan(tolerance(accuracy, n));
  });

  it('spreads misclassifications uniformly over the two other labels', () => {
    const accuracy = 0.6;
    const r = router({ classifier: { accuracy, model: 'haiku' } }, 'classify-spread');
    const n = 100_000;
    for (const truth of [Difficulty.Trivial, Difficulty.Standard, Difficulty.Complex]) {
      const counts = [0, 0, 0];
      for (let i = 0; i < n; i++) counts[r.classify(truth)]!++;
      // Each wrong label should get (1 - accuracy) / 2 of the draws; fixed seed,
      // tolerance 4 binomial standard errors at n = 100k per true label.
      const pWrong = (1 - accuracy) / 2;
      for (let label = 0; label < 3; label++) {
        const expected = label === truth ? accuracy : pWrong;
        expect(Math.abs(counts[label]! / n - expected)).toBeLessThan(tolerance(expected, n));
      }
    }
  });

  it('is an oracle without a classifier: returns the true label and draws nothing', () => {
    let draws = 0;
    const r = new ModelRouter(() => (draws++, 0.999), MODELS, { classifier: null });
    expect([0, 1, 2].map((d) => r.classify(d))).toEqual([0, 1, 2]);
    expect(draws).toBe(0);
    expect(r.classifierModelId).toBe(-1);
  });

  it('never errs at accuracy 1 and always errs at accuracy 0', () => {
    const perfect = router({ classifier: { accuracy: 1, model: 'haiku' } });
    const useless = router({ classifier: { accuracy: 0, model: 'haiku' } });
    for (let i = 0; i < 3000; i++) {
      expect(perfect.classify(i % 3)).toBe(i % 3);
      const label = useless.classify(i % 3);
      expect(label).not.toBe(i % 3);
      expect([0, 1, 2]).toContain(label);
    }
  });

  it('resolves the classifier model to its id', () => {
    expect(router({ classifier: { accuracy: 0.9, model: 'sonnet' } }).classifierModelId).toBe(SONNET);
  });
});

describe('ModelRouter.targets', () => {
  it('puts the tier model first, then stronger models, then weaker ones strongest first', () => {
    const r = router();
    expect(r.targets(Difficulty.Trivial)).toEqual([HAIKU, SONNET, OPUS]);
    expect(r.targets(Difficulty.Standard)).toEqual([SONNET, OPUS, HAIKU]);
    expect(r.targets(Difficulty.Complex)).toEqual([OPUS, SONNET, HAIKU]);
  });

  it('orders weaker models strongest first in a longer chain', () => {
    const models = ['a', 'b', 'c', 'd', 'e'];
    const r = new ModelRouter(seedrandom('chain'), models, {
      tiers: { trivial: 'a', standard: 'c', complex: 'e' },
      fallback: ['a', 'b', 'c', 'd', 'e'],
    });
    expect(r.targets(Difficulty.Standard)).toEqual([2, 3, 4, 1, 0]);
  });

  it('stops at the strongest model when downward fallback is off', () => {
    const r = router({ fallbackDownward: false });
    expect(r.targets(Difficulty.Trivial)).toEqual([HAIKU, SONNET, OPUS]);
    expect(r.targets(Difficulty.Standard)).toEqual([SONNET, OPUS]);
    expect(r.targets(Difficulty.Complex)).toEqual([OPUS]);
  });

  it('yields only the tier model when it is not in the fallback list', () => {
    const r = router({ fallback: ['haiku', 'sonnet'] });
    expect(r.targets(Difficulty.Complex)).toEqual([OPUS]);
    expect(r.targets(Difficulty.Standard)).toEqual([SONNET, HAIKU]);
  });

  it('returns the same array instance on every call, so routing allocates nothing', () => {
    const r = router();
    for (let label = 0; label < 3; label++) {
      expect(r.targets(label)).toBe(r.targets(label));
      expect(Object.isFrozen(r.targets(label))).toBe(true);
    }
  });
});

describe('ModelRouter.strongerThan', () => {
  it('walks the fallback chain weakest to strongest and ends with -1', () => {
    const r = router();
    expect(r.strongerThan(HAIKU)).toBe(SONNET);
    expect(r.strongerThan(SONNET)).toBe(OPUS);
    expect(r.strongerThan(OPUS)).toBe(-1);
  });

  it('returns -1 for a model outside the fallback list', () => {
    const r = router({ fallback: ['haiku', 'sonnet'] });
    expect(r.strongerThan(OPUS)).toBe(-1);
    expect(r.strongerThan(HAIKU)).toBe(SONNET);
  });
});

describe('ModelRouter.failsQualityCheck', () => {
  it('fails with the configured rate per model, within 4 standard errors over 100k draws', () => {
    const failRate = { haiku: 0.12, sonnet: 0.03 };
    const r = router({ qualityFallback: { failRate } }, 'quality');
    const n = 100_000;
    let haikuFails = 0;
    let sonnetFails = 0;
    for (let i = 0; i < n; i++) {
      if (r.failsQualityCheck(HAIKU)) haikuFails++;
      if (r.failsQualityCheck(SONNET)) sonnetFails++;
    }
    // Fixed seed; tolerance is 4 binomial standard errors of each rate at n = 100k.
    expect(Math.abs(haikuFails / n - 0.12)).toBeLessThan(tolerance(0.12, n));
    expect(Math.abs(sonnetFails / n - 0.03)).toBeLessThan(tolerance(0.03, n));
  });

  it('never fails a model missing from failRate, and draws nothing for it', () => {
    let draws = 0;
    const r = new ModelRouter(() => (draws++, 0), MODELS, { qualityFallback: { failRate: { haiku: 0.5 } } });
    expect(r.failsQualityCheck(OPUS)).toBe(false);
    expect(draws).toBe(0);
    expect(r.failsQualityCheck(HAIKU)).toBe(true);
    expect(draws).toBe(1);
  });

  it('never fails when quality fallback is off', () => {
    const r = new ModelRouter(() => 0, MODELS, { qualityFallback: null });
    expect(r.qualityFallbackEnabled).toBe(false);
    expect([HAIKU, SONNET, OPUS].map((m) => r.failsQualityCheck(m))).toEqual([false, false, false]);
  });
});

describe('ModelRouter validation', () => {
  it('names the option and the missing model for an unknown tier model', () => {
    expect(() => router({ tiers: { trivial: 'haiku', standard: 'gpt', complex: 'opus' } })).toThrow(
      /tiers\.standard names unknown model 'gpt'/,
    );
  });

  it('names the option and the missing model for an unknown fallback model', () => {
    expect(() => router({ fallback: ['haiku', 'mistral'] })).toThrow(/fallback\[1\] names unknown model 'mistral'/);
  });

  it('names the option and the missing model for an unknown classifier model', () => {
    expect(() => router({ classifier: { accuracy: 0.9, model: 'tiny' } })).toThrow(
      /classifier\.model names unknown model 'tiny'/,
    );
  });

  it('names the option for an unknown failRate model', () => {
    expect(() => router({ qualityFallback: { failRate: { llama: 0.1 } } })).toThrow(
      /qualityFallback\.failRate\.llama names unknown model 'llama'/,
    );
  });

  it('rejects the default tiers when the models list lacks them', () => {
    expect(() => new ModelRouter(seedrandom('x'), ['a', 'b'])).toThrow(RangeError);
  });

  it('rejects accuracy outside [0, 1] with the value in the message', () => {
    for (const accuracy of [-0.1, 1.5, Number.NaN]) {
      expect(() => router({ classifier: { accuracy, model: 'haiku' } })).toThrow(RangeError);
    }
    expect(() => router({ classifier: { accuracy: 1.5, model: 'haiku' } })).toThrow(
      'classifier.accuracy must be in [0, 1], got 1.5',
    );
  });

  it('rejects a failRate outside [0, 1] with the value in the message', () => {
    expect(() => router({ qualityFallback: { failRate: { sonnet: 2 } } })).toThrow(
      'qualityFallback.failRate.sonnet must be in [0, 1], got 2',
    );
    expect(() => router({ qualityFallback: { failRate: { sonnet: -0.01 } } })).toThrow(RangeError);
  });

  it('rejects duplicate models and a fallback list that repeats a model', () => {
    expect(() => new ModelRouter(seedrandom('x'), ['haiku', 'haiku', 'opus'])).toThrow(RangeError);
    expect(() => router({ fallback: ['haiku', 'sonnet', 'haiku'] })).toThrow(/fallback must not repeat/);
  });

  it('uses the Haiku / Sonnet / Opus defaults with classifier and quality fallback off', () => {
    expect(ROUTER_DEFAULTS.classifier).toBeNull();
    expect(ROUTER_DEFAULTS.qualityFallback).toBeNull();
    expect(DIFFICULTY_NAMES).toEqual(['trivial', 'standard', 'complex']);
    const r = new ModelRouter(seedrandom('x'), ['opus', 'haiku', 'sonnet']);
    // Ids follow the models list, not the tier order.
    expect(r.targets(Difficulty.Trivial)).toEqual([1, 2, 0]);
    expect(r.modelId('sonnet')).toBe(2);
  });
});

describe('ModelRouter with caller-supplied draws', () => {
  it('uses the given draw instead of its random source, so a simulator can key verdicts per request', () => {
    let draws = 0;
    const r = new ModelRouter(() => (draws++, 0.5), MODELS, {
      classifier: { accuracy: 0.9, model: 'haiku' },
      qualityFallback: { failRate: { haiku: 0.08 } },
    });
    expect(r.classify(Difficulty.Standard, 0.1)).toBe(Difficulty.Standard);
    // u = 0.97 >= accuracy: v = 0.7 picks the second other label (standard + 2 = trivial).
    expect(r.classify(Difficulty.Standard, 0.97)).toBe(Difficulty.Trivial);
    expect(r.failsQualityCheck(r.modelId('haiku'), 0.01)).toBe(true);
    expect(r.failsQualityCheck(r.modelId('haiku'), 0.5)).toBe(false);
    expect(draws).toBe(0);
  });
});
