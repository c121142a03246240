import { describe, expect, it } from 'vitest';
import { formatIssue, ScenarioError } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

function messages(text: string): string[] {
  try {
    parseScenarioText(text, 'm.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}

const MODELS = 'upstream:\n  models:\n    sonnet: {}\n';

describe('scenario error messages', () => {
  it.each([
    ['a misspelt enum value, with a suggestion', `${MODELS}layers:\n  retry: { jitter: fulll }\n`, 'm.yaml:5:20 layers.retry.jitter: expected one of "none", "full", "equal", "decorrelated", got "fulll"; did you mean "full"?'],
    ['an unknown distribution kind', `${MODELS}    opus: { latency: { dist: normal, p50: 1s } }\n`, 'm.yaml:4:30 upstream.models.opus.latency.dist: expected one of "lognormal", "constant", "exponential", "uniform", "empirical", got "normal"'],
    ['a distribution without a kind', `${MODELS}    opus: { latency: { p50: 1s } }\n`, 'm.yaml:4:22 upstream.models.opus.latency.dist: expected one of "lognormal", "constant", "exponential", "uniform", "empirical", got nothing (the key is required)'],
    ['a list where a mapping belongs', `${MODELS}layers:\n  retry: [1, 2]\n`, 'm.yaml:5:10 layers.retry: expected a mapping, got a list [1,2]'],
    ['text where true or false belongs', `${MODELS}layers:\n  retry: { enabled: yes }\n`, 'm.yaml:5:21 layers.retry.enabled: expected true or false, got "yes"'],
    ['a missing required key', `${MODELS}layers:\n  scope: { escalation: human }\n`, 'm.yaml:5:10 layers.scope.allow: expected a list, got nothing (the key is required)'],
    ['an empty name', `name: ""\n${MODELS}`, 'm.yaml:1:7 name: expected non-empty text, got ""'],
    ['a multiplier below 1', `${MODELS}layers:\n  retry: { multiplier: 0.5 }\n`, 'm.yaml:5:24 layers.retry.multiplier: expected a number at least 1, got 0.5'],
    ['an infinite multiplier', `${MODELS}layers:\n  retry: { multiplier: .inf }\n`, 'm.yaml:5:24 layers.retry.multiplier: expected a finite number, got .inf'],
    ['no models at all', 'upstream:\n  models: {}\n', 'm.yaml:2:11 upstream.models: expected at least one model, got a mapping {}'],
    ['a missing upstream block', 'name: x\n', 'm.yaml:1:1 upstream: expected a mapping, got nothing (the key is required)'],
    ['a breaker threshold of 100%', `${MODELS}layers:\n  breaker: { failureRateThreshold: 100% }\n`, 'm.yaml:5:36 layers.breaker.failureRateThreshold: expected a rate above 0 and below 1, got "100%"'],
  ])('says what was expected and what was given for %s', (_what, text, expected) => {
    expect(messages(text)).toEqual([expected]);
  });

  it('reports every problem of a file at once, in file order', () => {
    const text = `${MODELS}layers:\n  retry: { maxAttempts: 0, jitter: fulll }\n  breaker: { window: 0s }\n`;
    expect(messages(text)).toEqual([
      'm.yaml:5:25 layers.retry.maxAttempts: expected a whole number from 1 to 100, got 0',
      'm.yaml:5:36 layers.retry.jitter: expected one of "none", "full", "equal", "decorrelated", got "fulll"; did you mean "full"?',
      'm.yaml:6:22 layers.breaker.window: expected a duration like 250ms, 4s, 2m, 1h or 30d, got "0s" (must be greater than zero)',
    ]);
  });
});
