import type { PromptCache } from '../layers/prompt-cache.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { Target } from '../upstream/upstream.js';
import type { RequestState } from './request-state.js';
import type { SessionPricing } from './session-pricing.js';

/**
 * What one model call of a request bills: its tokens, and its price on a target with
 * the prompt cache (when on) pricing the prefix at that model's multipliers and minimum.
 * The cache key is the target (and the tenant with `key: per-tenant`), so a retry reads
 * what its failed attempt cached and a fallback to another model starts cold. A call reads
 * the cache as it was when the call was sent (`sentAtMs`), and is priced when it answers.
 */
export class CallPricing {
  constructor(
    private readonly prefixTokens: number,
    private readonly cache: PromptCache | null,
    private readonly cachePerTenant: boolean,
    private readonly tenantCount: number,
    private readonly metrics: MetricsCollector,
    /** Prices the calls of agent sessions (a growing conversation); null without sessions. */
    private readonly sessions: SessionPricing | null = null,
  ) {}

  /** Prompt tokens the last `costUsd` read from and wrote to the cache (for `--calls-out`). */
  lastCacheReadTokens = 0;
  lastCacheWriteTokens = 0;

  /** Tokens one model call of this request bills: prefix, own input, output. */
  tokens(req: RequestState): number {
    return this.prefixTokens + req.inputTokens + req.outputTokens;
  }

  /** The prompt-cache key of a call of `req` to target id `targetId` (its current target by default). */
  cacheKey(req: RequestState, targetId = req.target): number {
    return this.cachePerTenant ? targetId * this.tenantCount + req.tenant : targetId;
  }

  /**
   * The call's cost on `target` (id `targetId`, the request's current target by default: a
   * hedge may go to another), sent at `sentAtMs` (the request's call in flight by default), in
   * dollars; records the cache's savings as a side effect.
   */
  costUsd(req: RequestState, target: Target, targetId = req.target, sentAtMs = req.callSentMs): number {
    if (req.session !== null && this.sessions !== null) {
      const costUsd = this.sessions.costUsd(req.session, targetId, target, this.cacheKey(req, targetId), req.inputTokens, req.outputTokens);
      this.lastCacheReadTokens = this.sessions.lastReadTokens;
      this.lastCacheWriteTokens = this.sessions.lastWriteTokens;
      return costUsd;
    }
    const cache = this.cache;
    let inputCostUsd: number;
    this.lastCacheReadTokens = 0;
    this.lastCacheWriteTokens = 0;
    if (cache !== null) {
      const lookup = cache.lookup(this.cacheKey(req, targetId), req.inputTokens, targetId, sentAtMs);
      this.lastCacheReadTokens = lookup.readTokens;
      this.lastCacheWriteTokens = lookup.writeTokens;
      inputCostUsd = cache.inputCostUsd(lookup, target.inputPriceUsdPerMTok, targetId);
      this.metrics.recordCacheSavings(cache.savingsUsd(lookup, target.inputPriceUsdPerMTok, targetId));
    } else {
      inputCostUsd = ((this.prefixTokens + req.inputTokens) * target.inputPriceUsdPerMTok) / 1e6;
    }
    return inputCostUsd + (req.outputTokens * target.outputPriceUsdPerMTok) / 1e6;
  }

  /**
   * The classifier call's cost on `target`: its own fixed token counts at list price
   * (it sends a short routing prompt, not the request's cached prefix).
   */
  classifierCostUsd(target: Target, inputTokens: number, outputTokens: number): number {
    return (inputTokens * target.inputPriceUsdPerMTok + outputTokens * target.outputPriceUsdPerMTok) / 1e6;
  }
}
