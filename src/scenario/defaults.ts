import { SCOPE_DEFAULTS } from '../layers/scope.js';

/**
 * Every default value of the scenario language, in one place and in the form a user
 * would write it. The schema applies these under whatever the file gives, so
 * `harness-sim explain` can show every value a run will use.
 */
export const DEFAULTS = {
  seed: 42,
  duration: '30d',
  workload: {
    requests: '10M',
    clients: 1,
    clientSpread: 'round-robin',
    arrival: 'poisson',
    tenants: { default: 1 },
    tokens: {
      input: { dist: 'lognormal', p50: 1200, p95: 6000 },
      output: { dist: 'lognormal', p50: 300, p95: 1500 },
    },
    difficulty: { trivial: 0.5, standard: 0.4, complex: 0.1 },
    /** Agent sessions (`workload.sessions`); see `session-schema.ts`. */
    sessions: {
      turns: { dist: 'geometric', mean: 4 },
      thinkTime: { dist: 'lognormal', p50: '30s', p95: '5m' },
      callsPerTurn: { dist: 'geometric', mean: 8 },
      toolsPerBatch: { dist: 'constant', value: 1 },
      toolResultTokens: { default: { dist: 'lognormal', p50: 500, p95: 4000 } },
      toolErrorTokens: { dist: 'constant', value: 100 },
      onToolError: { retrySame: 0 },
    },
  },
  model: {
    latency: { dist: 'lognormal', p50: '800ms', p95: '2500ms' },
    errors: {
      rate: 0,
      mix: { '429': 0.6, '503': 0.3, timeout: 0.1, '400': 0, '529': 0, '500': 0, quota: 0 },
      /** How long a call that times out takes before the client sees the timeout. */
      timeoutAfter: '30s',
      /** How long a 429 / 503 / 400 takes to come back. */
      latency: { dist: 'constant', value: '50ms' },
      /** The retry-after a 429 carries (Anthropic sends one in seconds). */
      retryAfter: '1s',
    },
    price: { input: 3, output: 15 },
  },
  /** Error episodes: exponential lengths; a lognormal's sigma when `dist: lognormal` is asked for. */
  episodes: { dist: 'exponential', sigma: 1 },
  tool: {
    latency: { dist: 'lognormal', p50: '150ms', p95: '600ms' },
    errors: { rate: 0, mix: { '429': 0, '503': 0.7, timeout: 0.3, '400': 0, '529': 0, '500': 0, quota: 0 }, timeoutAfter: '10s', latency: { dist: 'constant', value: '20ms' }, retryAfter: '1s' },
    price: { input: 0, output: 0 },
  },
  layers: {
    retry: {
      enabled: true,
      maxAttempts: 3,
      baseDelay: '250ms',
      multiplier: 4,
      maxDelay: '4s',
      jitter: 'full',
      // The providers' SDKs retry 429, 529, 500, 503 and timeouts; never 400 or a quota 429.
      retryOn: ['429', '529', '500', '503', 'timeout'],
      honorRetryAfter: true,
    },
    retryBudget: { ratio: 0.2, minRetriesPerSec: 1, window: '10s' },
    /**
     * The provider SDK's retry loop (Anthropic's and OpenAI's: 2 retries, 0.5 s doubling to
     * at most 8 s, each delay cut by up to 25% at random; equal jitter, [0.5, 1] x backoff, is
     * the nearest of the four jitters; connection errors, 408, 409, 429 and >= 500).
     */
    sdkRetry: {
      maxRetries: 2,
      baseDelay: '500ms',
      multiplier: 2,
      maxDelay: '8s',
      jitter: 'equal',
      retryOn: ['429', '529', '500', '503', 'timeout'],
      honorRetryAfter: true,
    },
    hedge: { maxExtra: 1, target: 'same' },
    /** The seed essay's breaker: 60 s window, opens above 25%, 30 s cool-down, one probe. */
    breaker: {
      window: '60s',
      minimumCalls: 20,
      failureRateThreshold: 0.25,
      cooldown: '30s',
      halfOpenProbes: 1,
      scope: 'per-target',
      countAsFailure: ['429', '529', '500', '503', 'timeout', 'quota'],
    },
    // The layer's own default, so a scenario and `new BoundedScope()` escalate to the same queue.
    scope: { escalation: SCOPE_DEFAULTS.escalation },
    session: { onLoop: 'route-around' },
    routing: {
      classifierLatency: { dist: 'lognormal', p50: '200ms', p95: '600ms' },
      classifierTokens: { input: 400, output: 5 },
      // Another model may well answer when this one is overloaded, erroring or out of quota.
      fallbackOn: ['429', '529', '500', '503', 'timeout', 'quota', 'open'],
    },
  },
} as const;
