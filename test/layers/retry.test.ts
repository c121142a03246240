import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RETRY_DEFAULTS, RetryBudget, RetryPolicy } from '../../src/layers/retry.js';

const fakeClock = () => ({ t: 0, now() { return this.t; } });

describe('RetryPolicy', () => {
  it('backs off 250 ms, 1 s, 4 s by default and caps at maxDelay', () => {
    const policy = new RetryPolicy();
    expect([0, 1, 2, 3].map((r) => policy.backoffMs(r))).toEqual([250, 1000, 4000, 4000]);
    expect(RETRY_DEFAULTS.maxAttempts).toBe(3);
  });

  it('counts the first attempt in maxAttempts: 3 attempts allow 2 retries', () => {
    const policy = new RetryPolicy({ maxAttempts: 3 });
    expect([1, 2, 3].map((made) => policy.canRetry(made))).toEqual([true, true, false]);
  });

  it('sleeps exactly the backoff without jitter', () => {
    const policy = new RetryPolicy({ jitter: 'none' });
    expect(policy.delayMs(1, 0, 0, () => 0.99)).toBe(1000);
  });

  it('keeps every jitter formula inside its bounds (AWS: full, equal, decorrelated)', () => {
    const base = 250;
    const cap = 4000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), fc.integer({ min: 0, max: 8000 }), (retry, u, previous) => {
        const expo = Math.min(cap, base * 4 ** retry);
        const full = new RetryPolicy({ jitter: 'full', honorRetryAfter: false }).delayMs(retry, previous, 0, () => u);
        expect(full).toBeGreaterThanOrEqual(0);
        expect(full).toBeLessThanOrEqual(expo);
        const equal = new RetryPolicy({ jitter: 'equal', honorRetryAfter: false }).delayMs(retry, previous, 0, () => u);
        expect(equal).toBeGreaterThanOrEqual(expo / 2);
        expect(equal).toBeLessThanOrEqual(expo);
        const decorrelated = new RetryPolicy({ jitter: 'decorrelated', honorRetryAfter: false }).delayMs(retry, previous, 0, () => u);
        expect(decorrelated).toBeGreaterThanOrEqual(base);
        expect(decorrelated).toBeLessThanOrEqual(Math.min(cap, Math.max(base, 3 * Math.max(base, previous))));
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('draws full jitter uniformly: the mean delay is half the backoff within 4 standard errors', () => {
    const policy = new RetryPolicy({ jitter: 'full', honorRetryAfter: false });
    const random = seedrandom('full-jitter');
    const n = 100_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += policy.delayMs(1, 0, 0, random);
    // U(0, 1000): mean 500, standard deviation 1000 / sqrt(12).
    expect(Math.abs(sum / n - 500)).toBeLessThan((4 * 1000) / Math.sqrt(12) / Math.sqrt(n));
  });

  it('waits at least the retry-after a 429 carries when configured, and ignores it otherwise', () => {
    expect(new RetryPolicy({ jitter: 'none', honorRetryAfter: true }).delayMs(0, 0, 3000, () => 0)).toBe(3000);
    expect(new RetryPolicy({ jitter: 'none', honorRetryAfter: false }).delayMs(0, 0, 3000, () => 0)).toBe(250);
  });

  it('rejects nonsense options with a RangeError naming the option', () => {
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => new RetryPolicy({ multiplier: 0.5 })).toThrow(/multiplier/);
    expect(() => new RetryPolicy({ baseDelayMs: 500, maxDelayMs: 100 })).toThrow(/maxDelayMs/);
  });
});

describe('RetryBudget', () => {
  it('caps retries at ratio x first attempts in the window plus the floor', () => {
    const clock = fakeClock();
    const budget = new RetryBudget(clock, { ratio: 0.2, minRetriesPerSec: 0, windowMs: 10_000 });
    for (let i = 0; i < 100; i++) budget.onFirstAttempt();
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (budget.tryRetry()) allowed++;
    expect(allowed).toBe(20);
    expect(budget.denied).toBe(80);
  });

  it('always allows the floor of minRetriesPerSec x window, so a quiet service can still retry', () => {
    const budget = new RetryBudget(fakeClock(), { ratio: 0.2, minRetriesPerSec: 1, windowMs: 10_000 });
    let allowed = 0;
    for (let i = 0; i < 50; i++) if (budget.tryRetry()) allowed++;
    expect(allowed).toBe(10);
  });

  it('forgets attempts and retries once they leave the window', () => {
    const clock = fakeClock();
    const budget = new RetryBudget(clock, { ratio: 0.5, minRetriesPerSec: 0, windowMs: 10_000 });
    for (let i = 0; i < 10; i++) budget.onFirstAttempt();
    for (let i = 0; i < 5; i++) expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    clock.t = 20_000;
    expect(budget.tryRetry()).toBe(false); // no deposits in the new window
    budget.onFirstAttempt();
    budget.onFirstAttempt();
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });
});
