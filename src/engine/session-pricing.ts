import type { Clock } from '../layers/types.js';
import type { PromptCache } from '../layers/prompt-cache.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { SessionMetrics } from '../metrics/session-metrics.js';
import type { Target } from '../upstream/upstream.js';
import type { SessionState } from './session-state.js';

/**
 * The price of one model call of an agent session, whose prompt is the stable prefix plus
 * the conversation so far.
 *
 * With the prompt cache on, the conversation has its own entry (the breakpoint at the end of
 * the prompt, as agents place it): the part of the prompt unchanged since the session's
 * previous billed call on the same model is read from the cache if that entry is still
 * alive (its TTL refreshed on every hit); everything after it is written. The entry is
 * cold after a think time longer than the TTL, after compaction (the history changed), and
 * on a different model (a fallback). A cold call still reads the stable prefix when another
 * call on the model (any session) keeps the shared prefix entry alive; each call also
 * refreshes that entry, so `cacheHitRate` keeps its meaning: the share of calls that read
 * the prefix. A prompt below the cache's minimum is neither read nor written.
 */
export class SessionPricing {
  constructor(
    private readonly clock: Clock,
    private readonly prefixTokens: number,
    private readonly cache: PromptCache | null,
    private readonly metrics: MetricsCollector,
    private readonly sessionMetrics: SessionMetrics,
  ) {}

  /** Prompt tokens the last `costUsd` read from and wrote to the cache. */
  lastReadTokens = 0;
  lastWriteTokens = 0;

  /**
   * The cost in dollars of a call with `historyTokens` of conversation and `completionTokens`
   * out, on `target` (id `targetId`); updates the session's cache entry and records the
   * prompt, the cached part and the cache's savings. `prefixKey` is the shared prefix's cache key.
   */
  costUsd(session: SessionState, targetId: number, target: Target, prefixKey: number, historyTokens: number, completionTokens: number): number {
    const prompt = this.prefixTokens + historyTokens;
    const priceIn = target.inputPriceUsdPerMTok;
    const outputUsd = (completionTokens * target.outputPriceUsdPerMTok) / 1e6;
    const cache = this.cache;
    this.lastReadTokens = 0;
    this.lastWriteTokens = 0;
    if (cache === null) {
      this.sessionMetrics.recordPrompt(prompt, 0, completionTokens);
      return (prompt * priceIn) / 1e6 + outputUsd;
    }
    const now = this.clock.now();
    // This model's multipliers and minimum (layers.cache.models).
    const options = cache.modelOptions(targetId);
    // The shared prefix entry, looked up (and refreshed) on every call.
    const prefixRead = cache.lookup(prefixKey, 0, targetId).readTokens;
    const warm = session.cacheModel === targetId && now < session.cacheExpiresMs;
    let read = warm ? Math.min(session.cachedPrompt, prompt) : 0;
    if (prefixRead > read) read = prefixRead;
    let write = 0;
    if (prompt >= options.minCacheableTokens && prompt > 0) {
      write = prompt - read;
      session.cacheModel = targetId;
      session.cachedPrompt = prompt;
      session.cacheExpiresMs = now + options.ttlMs;
    } else {
      session.cacheModel = -1;
    }
    const uncached = prompt - read - write;
    this.lastReadTokens = read;
    this.lastWriteTokens = write;
    const { writeMultiplier, readMultiplier } = options;
    this.metrics.recordCacheSavings(((write * (1 - writeMultiplier) + read * (1 - readMultiplier)) * priceIn) / 1e6);
    this.sessionMetrics.recordPrompt(prompt, read, completionTokens);
    return ((uncached + write * writeMultiplier + read * readMultiplier) * priceIn) / 1e6 + outputUsd;
  }
}
