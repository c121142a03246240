import { describe, expect, it } from 'vitest';
import { classifyError, cryptoRandom, HttpStatusError, retryAfterMs } from '../../src/runtime/index.js';

const withStatus = (status: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(`HTTP ${status}`), { status, ...extra });

describe('classifyError', () => {
  it.each([
    [429, '429'],
    [529, '529'],
    [500, '500'],
    [502, '500'],
    [503, '503'],
    [504, 'timeout'],
    [408, 'timeout'],
    [409, '503'],
    [400, '400'],
    [401, '400'],
    [413, '400'],
  ])('reads HTTP %i as %s', (status, kind) => {
    expect(classifyError(withStatus(status)).kind).toBe(kind);
  });

  it('reads insufficient_quota (OpenAI) as quota, wherever the SDK puts it, and overloaded_error (Anthropic) as 529', () => {
    expect(classifyError(withStatus(429, { code: 'insufficient_quota' })).kind).toBe('quota');
    expect(classifyError(withStatus(429, { error: { error: { type: 'insufficient_quota' } } })).kind).toBe('quota');
    expect(classifyError(new HttpStatusError(429, new Headers(), { error: { code: 'insufficient_quota' } })).kind).toBe('quota');
    expect(classifyError(withStatus(500, { error: { type: 'error', error: { type: 'overloaded_error' } } })).kind).toBe('529');
  });

  it('reads timeouts and dropped connections from names and codes, and anything else as other', () => {
    expect(classifyError(Object.assign(new Error('x'), { name: 'TimeoutError' })).kind).toBe('timeout');
    expect(classifyError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).kind).toBe('timeout');
    expect(classifyError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } })).kind).toBe('timeout');
    expect(classifyError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })).kind).toBe('503');
    expect(classifyError(new TypeError('fetch failed')).kind).toBe('503');
    expect(classifyError(new TypeError('undefined is not a function')).kind).toBe('other');
    expect(classifyError('a string').kind).toBe('other');
    expect(classifyError(null).kind).toBe('other');
  });

  it('reads retry-after-ms first, then retry-after in seconds or as a date, from Headers or a plain record', () => {
    expect(classifyError(withStatus(429, { headers: new Headers({ 'retry-after': '2', 'retry-after-ms': '1500' }) })).retryAfterMs).toBe(1500);
    expect(classifyError(withStatus(429, { headers: { 'Retry-After': '2' } })).retryAfterMs).toBe(2000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBe(0);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs({ 'retry-after': inTenSeconds })).toBeGreaterThan(8000);
    expect(classifyError(withStatus(503)).retryAfterMs).toBe(0);
  });
});

describe('cryptoRandom', () => {
  it('draws uniforms in [0, 1) with mean 1/2 within 4 standard errors (n = 100K, sd 1/sqrt(12))', () => {
    const random = cryptoRandom();
    const n = 100_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = random();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan((4 * Math.sqrt(1 / 12)) / Math.sqrt(n));
  });
});
