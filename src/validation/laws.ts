import { BREAKER_LAWS } from './breaker-laws.js';
import { CACHE_LAWS } from './cache-laws.js';
import { CLIENT_LAWS } from './client-laws.js';
import { EPISODE_LAWS } from './episode-laws.js';
import { LATENCY_LAWS } from './latency-laws.js';
import type { Law } from './law.js';
import { QUEUE_LAWS } from './queue-laws.js';
import { RATE_LAWS } from './rate-laws.js';
import { RETRY_LAWS } from './retry-laws.js';
import { SESSION_LAWS } from './session-laws.js';

export { evaluateLaws, judge, type Law, type Profile, type Verdict } from './law.js';

/**
 * Every law the simulator is validated against, by family, in report order: retries under
 * independent failures, queues at a finite-capacity server, token-bucket quotas, the lognormal
 * latency model, prompt-cache pricing, the breaker in the seed's incident, error episodes,
 * the SDK's retries nested in the harness's, a fleet of clients, and agent sessions. Each is data
 * (scenario, seeds, sample size, expected value, reading, tolerance); see `law.ts`.
 */
export const LAWS: readonly Law[] = [...RETRY_LAWS, ...QUEUE_LAWS, ...RATE_LAWS, ...LATENCY_LAWS, ...CACHE_LAWS, ...BREAKER_LAWS, ...EPISODE_LAWS, ...CLIENT_LAWS, ...SESSION_LAWS];

/** The laws of one family (`retry`, `queue`, `token-bucket`, `latency`, `prompt-cache`, `breaker`, `episodes`, `nested-retries`, `fleet`, `sessions`). */
export function lawsOf(family: string): Law[] {
  return LAWS.filter((law) => law.family === family);
}
