import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../../src/scenario/schema.js';
import { schemaOptions } from '../../scenario/schema-walk.js';

/**
 * Every option of the scenario language and the test that pins how the engine wires it: a
 * test that fails when the option is read wrongly, ignored, or swapped with another. Keys are
 * the options as `test/scenario/schema-walk.ts` reads them off the schema; values name a test
 * as `<file under test/> > <words of its title>`. The test below fails when the schema gains an
 * option this table does not list, or a listed test is renamed or gone.
 *
 * A tool option that takes the same code path as the model's (one `Target` class, one call
 * path) says `same as upstream.models.*...`; an option no run reads says why (`not wired: ...`).
 * Mutation results for the wiring (which deliberate bug each test catches): AGENTS.md,
 * "Wiring tests".
 */
const W = 'engine/wiring';
export const OPTION_PINS: Record<string, string> = {
  extends: 'scenario/extends.test.ts > merges mappings key by key and lets lists and scalars replace',
  name: `${W}/workload.test.ts > uses the scenario's seed and name when the run does not override them`,
  description: 'not wired: free text for readers; no run reads it',
  seed: `${W}/workload.test.ts > uses the scenario's seed and name when the run does not override them`,
  duration: `${W}/workload.test.ts > runs workload.requests requests at requests / duration`,
  'workload.requests': `${W}/workload.test.ts > runs workload.requests requests at requests / duration`,
  'workload.arrival': 'workload/arrival-shapes.test.ts > draws the same plain Poisson arrivals with `arrival: poisson`',
  'workload.arrival.process': 'workload/arrival-shapes.test.ts > draws the same plain Poisson arrivals with `arrival: poisson`',
  'workload.arrival.diurnal.peakToTrough': 'workload/arrival-shapes.test.ts > peaks at 14:00 at 3x its trough at 02:00',
  'workload.arrival.diurnal.peakAt': 'workload/arrival-shapes.test.ts > peaks at 14:00 at 3x its trough at 02:00',
  'workload.arrival.bursts[].at': 'workload/arrival-shapes.test.ts > multiplies the arrival rate by 5 inside the window and leaves it alone outside',
  'workload.arrival.bursts[].for': 'workload/arrival-shapes.test.ts > multiplies the arrival rate by 5 inside the window and leaves it alone outside',
  'workload.arrival.bursts[].multiplier': 'workload/arrival-shapes.test.ts > multiplies the arrival rate by 5 inside the window and leaves it alone outside',
  'workload.arrival.trace': "workload/replay.test.ts > arrives exactly at the log's times, with its tenants and prompt sizes",
  'workload.schedules[].tenant': 'workload/arrival-shapes.test.ts > multiplies only the scheduled tenant inside the window',
  'workload.schedules[].at': 'workload/arrival-shapes.test.ts > multiplies only the scheduled tenant inside the window',
  'workload.schedules[].for': 'workload/arrival-shapes.test.ts > multiplies only the scheduled tenant inside the window',
  'workload.schedules[].multiplier': 'workload/arrival-shapes.test.ts > the whole rate rises to 2.5x in the window, and batch gets all the extra requests',
  'workload.tenants.*': `${W}/workload.test.ts > draws each request's tenant by tenants`,
  'workload.tokens.input': `${W}/workload.test.ts > draws every latency and token count from its own field`,
  'workload.tokens.output': `${W}/workload.test.ts > bills every call its prompt prefix (500 + 20 tokens), its input (1000) and its output (100)`,
  'workload.clients': 'engine/clients.test.ts > each have their own backpressure: 4 clients of 2 slots admit what one client of 8 does',
  'workload.clientSpread': 'engine/clients.test.ts > spread requests in turn or at random',
  'workload.difficulty': `${W}/workload.test.ts > draws each request's difficulty by difficulty`,
  'workload.tools.*': `${W}/workload.test.ts > calls each tool with its probability`,
  'workload.prompt.prefix[].name': `${W}/cache.test.ts > caches only up to the breakpoint (system, 2000 tokens)`,
  'workload.prompt.prefix[].tokens': `${W}/workload.test.ts > bills every call its prompt prefix`,
  'workload.prompt.prefix[].stable': 'engine/layers.test.ts > never hits and pays the write premium on every call when a volatile layer precedes the breakpoint',

  'upstream.models.*.latency': `${W}/workload.test.ts > draws every latency and token count from its own field`,
  'upstream.models.*.errors.rate': `${W}/errors.test.ts > fails the errors.rate share of calls`,
  'upstream.models.*.errors.mix': `${W}/errors.test.ts > draws each failure's kind from the mix`,
  'upstream.models.*.errors.timeoutAfter': `${W}/errors.test.ts > answers a timeout after timeoutAfter (3 s) and bills its tokens`,
  'upstream.models.*.errors.latency': `${W}/errors.test.ts > waits the backoff alone (10 + 100 + 10 ms) when honorRetryAfter is off`,
  'upstream.models.*.errors.retryAfter': `${W}/errors.test.ts > waits the 429's retry-after (2 s) instead of the 100 ms backoff`,
  'upstream.models.*.errors.episodes.every': 'engine/provider-errors.test.ts > fail the calls made inside them: first attempts fail about f = 1/6 of the time',
  'upstream.models.*.errors.episodes.lasting': 'engine/provider-errors.test.ts > fail the calls made inside them: first attempts fail about f = 1/6 of the time',
  'upstream.models.*.errors.episodes.dist': 'upstream/episodes.test.ts > keeps the mean length `lasting` with lognormal lengths (sigma 1)',
  'upstream.models.*.errors.episodes.sigma': 'upstream/episodes.test.ts > keeps the mean length `lasting` with lognormal lengths (sigma 1)',
  'upstream.models.*.errors.episodes.rate': 'engine/provider-errors.test.ts > make retries nearly useless: a retry 100 ms later is almost always still inside the 20 s episode',
  'upstream.models.*.errors.episodes.mix': 'upstream/episodes.test.ts > fails at the episode rate with the episode mix inside an episode',
  'upstream.models.*.price.input': `${W}/workload.test.ts > prices tokens at the model's input and output prices`,
  'upstream.models.*.price.output': `${W}/workload.test.ts > prices tokens at the model's input and output prices`,
  'upstream.models.*.capacity.concurrency': 'engine/closed-loop.test.ts > holds requests for Wq + 1/mu = 0.119048 s with 2 slots',
  'upstream.models.*.capacity.queue': 'engine/closed-loop.test.ts > blocks (1-rho) rho^K / (1 - rho^(K+1)) of requests',
  'upstream.models.*.capacity.overflow': `${W}/servers.test.ts > answers with a 503 when overflow is 503: each first overflow is retried`,
  'upstream.models.*.capacity.rpm': 'engine/closed-loop.test.ts > admits the full bucket and then rpm per minute',
  'upstream.models.*.capacity.itpm': `${W}/servers.test.ts > meters input tokens with itpm`,
  'upstream.models.*.capacity.otpm': `${W}/servers.test.ts > meters output tokens with otpm`,
  'upstream.models.*.timeout': `${W}/servers.test.ts > uses the target's own timeout (2 s) over layers.timeout.after`,

  'upstream.tools.*.latency': `${W}/workload.test.ts > draws every latency and token count from its own field`,
  'upstream.tools.*.errors.rate': 'same as upstream.models.*.errors.rate',
  'upstream.tools.*.errors.mix': 'same as upstream.models.*.errors.mix',
  'upstream.tools.*.errors.timeoutAfter': 'same as upstream.models.*.errors.timeoutAfter',
  'upstream.tools.*.errors.latency': `${W}/workload.test.ts > draws every latency and token count from its own field`,
  'upstream.tools.*.errors.retryAfter': 'same as upstream.models.*.errors.retryAfter',
  'upstream.tools.*.errors.episodes.every': 'same as upstream.models.*.errors.episodes.every',
  'upstream.tools.*.errors.episodes.lasting': 'same as upstream.models.*.errors.episodes.lasting',
  'upstream.tools.*.errors.episodes.dist': 'same as upstream.models.*.errors.episodes.dist',
  'upstream.tools.*.errors.episodes.sigma': 'same as upstream.models.*.errors.episodes.sigma',
  'upstream.tools.*.errors.episodes.rate': 'same as upstream.models.*.errors.episodes.rate',
  'upstream.tools.*.errors.episodes.mix': 'same as upstream.models.*.errors.episodes.mix',
  'upstream.tools.*.price.input': 'scenario/tools.test.ts > refuses a tool price, which the simulator would otherwise ignore in silence',
  'upstream.tools.*.price.output': 'scenario/tools.test.ts > refuses a tool price, which the simulator would otherwise ignore in silence',
  'upstream.tools.*.capacity.concurrency': 'same as upstream.models.*.capacity.concurrency',
  'upstream.tools.*.capacity.queue': 'same as upstream.models.*.capacity.queue',
  'upstream.tools.*.capacity.overflow': 'same as upstream.models.*.capacity.overflow',
  'upstream.tools.*.capacity.rpm': 'same as upstream.models.*.capacity.rpm',
  'upstream.tools.*.capacity.itpm': `${W}/servers.test.ts > sends no tokens to a tool's quota`,
  'upstream.tools.*.capacity.otpm': `${W}/servers.test.ts > sends no tokens to a tool's quota`,
  'upstream.tools.*.timeout': `${W}/servers.test.ts > times out a tool call at the tool's own timeout`,
  'upstream.defaultModel': `${W}/routing.test.ts > sends every request to upstream.defaultModel without routing`,
  'upstream.incidents[].target': `${W}/workload.test.ts > fails every call inside the window (15 to 45 minutes`,
  'upstream.incidents[].at': `${W}/workload.test.ts > fails every call inside the window (15 to 45 minutes`,
  'upstream.incidents[].for': `${W}/workload.test.ts > fails every call inside the window (15 to 45 minutes`,
  'upstream.incidents[].errorRate': `${W}/workload.test.ts > fails every call inside the window (15 to 45 minutes`,
  'upstream.incidents[].mix': `${W}/errors.test.ts > every error kind, with the default retryOn, fallbackOn and countAsFailure`,

  'layers.timeout.enabled': `${W}/servers.test.ts > waits the full 5 s when the timeout layer is disabled`,
  'layers.timeout.after': `${W}/servers.test.ts > gives up on a 5 s call after layers.timeout.after (1 s)`,
  'layers.retry.enabled': `${W}/retry.test.ts > makes one call only when the retry layer is disabled`,
  'layers.retry.maxAttempts': `${W}/errors.test.ts > retries it up to maxAttempts once listed`,
  'layers.retry.baseDelay': `${W}/retry.test.ts > waits base, then base x multiplier capped at maxDelay`,
  'layers.retry.multiplier': `${W}/retry.test.ts > waits base x multiplier uncapped when maxDelay is above it`,
  'layers.retry.maxDelay': `${W}/retry.test.ts > waits base, then base x multiplier capped at maxDelay`,
  'layers.retry.jitter': `${W}/retry.test.ts > decorrelated: then U(base, 3 x previous)`,
  'layers.retry.retryOn[]': `${W}/errors.test.ts > never retries a 400 with the default retryOn`,
  'layers.retry.honorRetryAfter': `${W}/errors.test.ts > waits the backoff alone (10 + 100 + 10 ms) when honorRetryAfter is off`,
  'layers.retry.budget.ratio': 'engine/layers.test.ts > caps retries at about 10% of first attempts and counts the retries it denies',
  'layers.retry.budget.minRetriesPerSec': `${W}/retry.test.ts > allows 0.05/s x 60 s = 3 retries per 60 s window`,
  'layers.retry.sdk.maxRetries': 'engine/clients.test.ts > multiply with the harness retries: at p = 1 exactly (1 + 2) x (1 + 2) = 9 calls per request',
  'layers.retry.sdk.baseDelay': 'engine/clients.test.ts > wait the SDK backoff min(maxDelay, baseDelay x multiplier^k) between calls',
  'layers.retry.sdk.multiplier': 'engine/clients.test.ts > wait the SDK backoff min(maxDelay, baseDelay x multiplier^k) between calls',
  'layers.retry.sdk.maxDelay': 'engine/clients.test.ts > wait the SDK backoff min(maxDelay, baseDelay x multiplier^k) between calls',
  'layers.retry.sdk.jitter': 'engine/clients.test.ts > wait the SDK backoff min(maxDelay, baseDelay x multiplier^k) between calls',
  'layers.retry.sdk.retryOn[]': 'engine/clients.test.ts > do not retry what the SDK would not: a quota 429',
  'layers.retry.sdk.honorRetryAfter': 'engine/clients.test.ts > wait the SDK backoff min(maxDelay, baseDelay x multiplier^k) between calls',
  'layers.retry.budget.window': `${W}/retry.test.ts > allows no retry when minRetriesPerSec x window is below one retry`,
  'layers.breaker.enabled': `${W}/breaker.test.ts > never opens when disabled`,
  'layers.breaker.window': `${W}/breaker.test.ts > counts only the calls inside its window`,
  'layers.breaker.minimumCalls': `${W}/breaker.test.ts > lets exactly minimumCalls (10) calls through before it trips`,
  'layers.breaker.failureRateThreshold': `${W}/breaker.test.ts > opens only when the failure rate is above failureRateThreshold`,
  'layers.breaker.cooldown': `${W}/breaker.test.ts > probes once per cool-down (60 s)`,
  'layers.breaker.halfOpenProbes': `${W}/breaker.test.ts > closes only after halfOpenProbes (3) probes succeed`,
  'layers.breaker.scope': `${W}/breaker.test.ts > scope per-target keeps a healthy model open to its tier`,
  'layers.breaker.countAsFailure[]': `${W}/errors.test.ts > trips the breaker after minimumCalls 400s once countAsFailure lists 400`,
  'layers.breaker.slowCall.after': 'engine/provider-errors.test.ts > opens on slow successes and sends the traffic to the fallback model',
  'layers.breaker.slowCall.rate': 'engine/provider-errors.test.ts > opens on slow successes and sends the traffic to the fallback model',
  'layers.capacity.enabled': `${W}/capacity.test.ts > rejects nothing when the capacity layer is disabled`,
  'layers.capacity.perKey.quotaRpm': 'engine/layers.test.ts > caps the noisy tenant at its slice of the quota and leaves the other tenant alone',
  'layers.capacity.perKey.shares.*': 'engine/layers.test.ts > caps the noisy tenant at its slice of the quota and leaves the other tenant alone',
  'layers.capacity.perKey.unlisted': `${W}/capacity.test.ts > lets unlisted keys share what the listed shares leave`,
  'layers.capacity.backpressure.maxInFlight': 'engine/layers.test.ts > rejects the Erlang-B share rho / (1 + rho) with one slot and no queue',
  'layers.capacity.backpressure.maxDepth': 'engine/layers.test.ts > rejects the Erlang-B share rho / (1 + rho) with one slot and no queue',
  'layers.capacity.backpressure.maxWait': `${W}/capacity.test.ts > rejects a waiter after exactly maxWait (500 ms)`,
  'layers.capacity.tokenBudget.tokensPerMinute': `${W}/capacity.test.ts > admits tokensPerMinute / tokens per request`,
  'layers.scope.enabled': `${W}/workload.test.ts > lets every tool call through when the scope layer is disabled`,
  'layers.scope.allow[]': `${W}/workload.test.ts > refuses a request before its out-of-scope tool call`,
  'layers.scope.escalation': 'not wired: a label for where a refused request goes; the simulator ends it as refused and no output names it',
  'layers.routing.enabled': `${W}/routing.test.ts > ignores the tiers of a disabled routing layer`,
  'layers.routing.classifier.model': `${W}/routing.test.ts > calls classifier.model first`,
  'layers.routing.classifier.accuracy': `${W}/routing.test.ts > labels a request right with probability accuracy (0.6)`,
  'layers.routing.classifier.latency': `${W}/routing.test.ts > waits its latency (300 ms + 200 ms)`,
  'layers.routing.classifier.tokens.input': `${W}/routing.test.ts > bills its tokens at that model's price`,
  'layers.routing.classifier.tokens.output': `${W}/routing.test.ts > bills its tokens at that model's price`,
  'layers.routing.tiers.trivial': `${W}/routing.test.ts > sends each difficulty to its tier's model`,
  'layers.routing.tiers.standard': `${W}/routing.test.ts > sends each difficulty to its tier's model`,
  'layers.routing.tiers.complex': `${W}/routing.test.ts > sends each difficulty to its tier's model`,
  'layers.routing.fallback[]': `${W}/routing.test.ts > goes up the chain, then down to the weaker models strongest first`,
  'layers.routing.fallbackOn[]': `${W}/errors.test.ts > never falls back on a 400 with the default fallbackOn`,
  'layers.routing.fallbackDownward': `${W}/routing.test.ts > stops at the strongest model when fallbackDownward is off`,
  'layers.routing.qualityFallback.failRate.*': `${W}/routing.test.ts > starts a failed eval's chain at the next stronger model`,
  'layers.cache.enabled': `${W}/cache.test.ts > prices every call at the full input price when the cache layer is disabled`,
  'layers.cache.preset': `${W}/cache.test.ts > follows the openai preset`,
  'layers.cache.breakpoint': `${W}/cache.test.ts > caches only up to the breakpoint`,
  'layers.cache.ttl': 'engine/layers.test.ts > misses with probability e^(-rate x TTL) when the gaps between calls are Poisson',
  'layers.cache.writeMultiplier': `${W}/cache.test.ts > bills a write at writeMultiplier (2)`,
  'layers.cache.readMultiplier': `${W}/cache.test.ts > and a read at readMultiplier (0.2)`,
  'layers.cache.minCacheableTokens': `${W}/cache.test.ts > caches nothing below minCacheableTokens`,
  'layers.hedge.enabled': 'engine/hedging.test.ts > cuts the tail and leaves the median alone',
  'layers.hedge.after': 'engine/hedging.test.ts > sends a hedge exactly when the first call has not answered after `after`',
  'layers.hedge.maxExtra': 'engine/hedging.test.ts > sends up to maxExtra hedges, each `after` the one before',
  'layers.hedge.target': 'engine/hedging.test.ts > sends hedges to the next model with target: next',
  'layers.cache.key': `${W}/cache.test.ts > keeps an entry per tenant with key per-tenant`,
  'layers.cache.models.*.writeMultiplier': `${W}/cache.test.ts > prices each call by its own model`,
  'layers.cache.models.*.readMultiplier': `${W}/cache.test.ts > prices each call by its own model`,
  'layers.cache.models.*.minCacheableTokens': `${W}/cache.test.ts > prices each call by its own model`,
  'workload.sessions.turns': 'engine/sessions.test.ts > stops a turn at its step limit, its duration limit, and a session at its token budget',
  'workload.sessions.thinkTime': 'engine/sessions.test.ts > starts the next turn cold when the think time outlasts the TTL',
  'workload.sessions.callsPerTurn': 'engine/sessions.test.ts > plays a turn of 3 model calls and 2 tool batches',
  'workload.sessions.toolsPerBatch': 'engine/sessions.test.ts > puts toolsPerBatch tools in each batch',
  'workload.sessions.toolResultTokens.*': 'engine/sessions.test.ts > puts toolsPerBatch tools in each batch and adds each tool result at its own size',
  'workload.sessions.toolErrorTokens': 'engine/sessions.test.ts > returns a failed tool to the model as toolErrorTokens',
  'workload.sessions.compaction.above': 'engine/sessions.test.ts > compacts a conversation above the threshold to the kept share',
  'workload.sessions.compaction.keep': 'engine/sessions.test.ts > compacts a conversation above the threshold to the kept share',
  'workload.sessions.onToolError.retrySame': 'engine/sessions.test.ts > returns a failed tool to the model, which calls it again',
  'layers.session.enabled': 'engine/sessions.test.ts > stops nothing when the session layer is disabled',
  'layers.session.maxStepsPerTurn': 'engine/sessions.test.ts > stops a turn at its step limit',
  'layers.session.maxTokensPerSession': 'engine/sessions.test.ts > stops a turn at its step limit, its duration limit, and a session at its token budget',
  'layers.session.maxTurnDuration': 'engine/sessions.test.ts > stops a turn at its step limit, its duration limit',
  'layers.session.sameToolFailures': 'engine/sessions.test.ts > returns a failed tool to the model, which calls it again; the loop guard refuses the third failure',
  'layers.session.onLoop': 'engine/sessions.test.ts > returns a failed tool to the model, which calls it again; the loop guard refuses the third failure',
  'slo.*': 'slo/gate.test.ts',
};

const TEST_DIR = resolve(__dirname, '../..');

describe('every scenario option has a test that pins its wiring', () => {
  const options = schemaOptions(scenarioSchema).map((o) => o.path);

  it('lists every option of the schema, and no option the schema no longer has', () => {
    expect(options.filter((path) => !(path in OPTION_PINS))).toEqual([]);
    expect(Object.keys(OPTION_PINS).filter((path) => !options.includes(path))).toEqual([]);
  });

  it('names tests that exist: each file is there and has a test title containing the words given', () => {
    const broken = Object.entries(OPTION_PINS).flatMap(([option, pin]) => {
      if (pin.startsWith('not wired: ')) return [];
      if (pin.startsWith('same as ')) return OPTION_PINS[pin.slice('same as '.length)]?.includes(' > ') ? [] : [`${option}: ${pin} is not pinned by a test`];
      const [file, title] = pin.split(' > ') as [string, string | undefined];
      const path = join(TEST_DIR, file);
      if (!existsSync(path)) return [`${option}: no file test/${file}`];
      if (title === undefined) return [];
      // Titles are written in single-quoted strings (an apostrophe as \') or template literals.
      const text = readFileSync(path, 'utf8').replace(/\\'/g, "'");
      return text.includes(title) ? [] : [`${option}: test/${file} has no test titled "${title}..."`];
    });
    expect(broken).toEqual([]);
  });
});
