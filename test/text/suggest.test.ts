import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/text/suggest.js';

const KEYS = ['maxAttempts', 'failureRateThreshold', 'cooldownMs', 'baseDelayMs', 'maxDelayMs'] as const;

describe('didYouMean', () => {
  it('suggests the key one letter away', () => {
    expect(didYouMean('maxAtempts', KEYS)).toBe('maxAttempts');
    expect(didYouMean('failureRateTreshold', KEYS)).toBe('failureRateThreshold');
  });

  it('suggests nothing for a word unlike every candidate', () => {
    expect(didYouMean('xyz', KEYS)).toBeUndefined();
    expect(didYouMean('retries', KEYS)).toBeUndefined();
  });

  it('ignores case and returns the candidate as written', () => {
    expect(didYouMean('MAXATTEMPTS', KEYS)).toBe('maxAttempts');
    expect(didYouMean('cooldownms', KEYS)).toBe('cooldownMs');
  });

  it('counts two swapped neighbouring letters as a single edit', () => {
    // "cooldonwMs" is 10 letters, so only 3 edits are allowed; plain Levenshtein would count 2.
    expect(editDistance('cooldonwms', 'cooldownms')).toBe(1);
    expect(didYouMean('cooldonwMs', KEYS)).toBe('cooldownMs');
  });

  it('allows max(1, floor(length / 3)) edits and no more', () => {
    // 6 letters: 2 edits allowed.
    expect(didYouMean('abcdXY', ['abcdef'])).toBe('abcdef');
    expect(didYouMean('abcXYZ', ['abcdef'])).toBeUndefined();
    // 2 letters: floor(2 / 3) = 0, but at least 1 edit is allowed.
    expect(didYouMean('ab', ['ax'])).toBe('ax');
    expect(didYouMean('ab', ['xy'])).toBeUndefined();
  });

  it('prefers the closest candidate, then the earlier one on a tie', () => {
    expect(didYouMean('maxDelayM', ['baseDelayMs', 'maxDelayMs'])).toBe('maxDelayMs');
    expect(didYouMean('cat', ['bat', 'hat'])).toBe('bat');
    expect(didYouMean('cat', ['hat', 'bat'])).toBe('hat');
  });

  it('suggests nothing from an empty list', () => {
    expect(didYouMean('maxAttempts', [])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['abc', 'abc', 0],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['abcd', 'acbd', 1],
    ['ca', 'abc', 3], // optimal string alignment: no edit after a transposition
    ['flaw', 'lawn', 2],
  ])('from %j to %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
