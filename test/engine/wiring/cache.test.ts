import { describe, expect, it } from 'vitest';
import { N, run, WIRING } from './fixtures.js';

/**
 * The prompt cache through the whole engine. Every call sends a stable prefix of 2000
 * (`system`) + 3000 (`kb`) tokens, then the request's own 1000, and gets 100 back, at $3 / $15
 * per million. Calls come 1.8 s apart on average against a 5-minute TTL that each hit
 * renews, so an entry, once written, never expires: the misses are the first call per key.
 */

const INPUT_USD = 3 / 1e6;
const OUTPUT_USD_PER_CALL = (100 * 15) / 1e6;

/** The run's cost when one call writes the cache and the other N - 1 read it. */
const oneWriteThenReads = (writeCallInputTokens: number, readCallInputTokens: number) =>
  writeCallInputTokens * INPUT_USD + (N - 1) * readCallInputTokens * INPUT_USD + N * OUTPUT_USD_PER_CALL;

describe('cache key', () => {
  it('shares one entry between tenants with key shared: one miss in the whole run', () => {
    const { output } = run(WIRING.cacheShared);
    expect(output.layers.cacheMisses).toBe(1);
    expect(output.layers.cacheHits).toBe(N - 1);
  });

  it('keeps an entry per tenant with key per-tenant: one miss for each of the two tenants', () => {
    const { output } = run(WIRING.cachePerTenant);
    expect(output.layers.cacheMisses).toBe(2);
    expect(output.layers.cacheHits).toBe(N - 2);
  });
});

describe('cache prices', () => {
  it('bills a write at writeMultiplier (2) and a read at readMultiplier (0.2) of the input price', () => {
    const { output } = run(WIRING.cacheMultipliers);
    expect(output.metrics.costUsd).toBeCloseTo(oneWriteThenReads(5000 * 2 + 1000, 5000 * 0.2 + 1000), 9);
  });

  it('caches nothing below minCacheableTokens (6000 > the 5000-token prefix): every call pays full price', () => {
    const { output } = run(WIRING.cacheMinimum);
    expect(output.layers.cacheHits).toBe(0);
    expect(output.metrics.costUsd).toBeCloseTo(N * (6000 * INPUT_USD + OUTPUT_USD_PER_CALL), 9);
  });

  it('caches only up to the breakpoint (system, 2000 tokens), at the anthropic preset\'s 1.25 / 0.1', () => {
    const { output } = run(WIRING.cacheBreakpoint);
    expect(output.metrics.costUsd).toBeCloseTo(oneWriteThenReads(2000 * 1.25 + 4000, 2000 * 0.1 + 4000), 9);
  });

  it('follows the openai preset: the stable run rounded down to 1024 + 128k tokens (4992), written at 1.0, read at 0.5', () => {
    const { output } = run(WIRING.cacheOpenai);
    expect(output.metrics.costUsd).toBeCloseTo(oneWriteThenReads(6000, 4992 * 0.5 + 1008), 9);
  });

  it('bills writes at 2x with ttl: 1h (Anthropic\'s 1-hour cache), reads still at 0.1x', () => {
    const { output } = run(WIRING.cacheLongTtl);
    expect(output.layers.cacheMisses).toBe(1);
    expect(output.metrics.costUsd).toBeCloseTo(oneWriteThenReads(5000 * 2 + 1000, 5000 * 0.1 + 1000), 9);
  });

  it('prices each call by its own model (models.a: write 2x, read 0.2x; models.b: minimum 6000 tokens, so never cached)', () => {
    const { output, result } = run(WIRING.cachePerModel);
    const a = result.byModel.a!.calls;
    const b = result.byModel.b!.calls;
    expect(a + b).toBe(N);
    expect(Math.min(a, b)).toBeGreaterThan(0.4 * N);
    // One write on a, then reads; b is below its minimum: no write, no read, full price.
    expect(output.layers.cacheMisses).toBe(1 + b);
    const aUsd = (5000 * 2 + 1000) * INPUT_USD + (a - 1) * (5000 * 0.2 + 1000) * INPUT_USD + a * OUTPUT_USD_PER_CALL;
    const bUsd = b * (6000 * INPUT_USD + OUTPUT_USD_PER_CALL);
    expect(output.metrics.costUsd).toBeCloseTo(aUsd + bUsd, 9);
  });

  it('lets a call read an entry only once the response that wrote it has begun: concurrent cold calls all miss and all pay the write', () => {
    const { output } = run(WIRING.cacheConcurrentCold);
    expect(output.layers.cacheHits).toBe(0);
    expect(output.layers.cacheMisses).toBe(N);
    expect(output.metrics.costUsd).toBeCloseTo(N * ((5000 * 1.25 + 1000) * INPUT_USD + OUTPUT_USD_PER_CALL), 9);
  });

  it('prices every call at the full input price when the cache layer is disabled', () => {
    const { output } = run(WIRING.cacheDisabled);
    expect(output.layers.cacheHits + output.layers.cacheMisses).toBe(0);
    expect(output.metrics.costUsd).toBeCloseTo(N * (6000 * INPUT_USD + OUTPUT_USD_PER_CALL), 9);
  });
});
