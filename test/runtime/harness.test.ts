import { describe, expect, it } from 'vitest';
import { createHarness, HarnessError, type AttemptContext } from '../../src/runtime/index.js';
import { OUTCOME_NAMES } from '../../src/upstream/outcome.js';
import { settle, VirtualTimers } from './virtual-timers.js';

/** An answer of the scripted upstream: after `ms`, a result or an HTTP status (with headers). */
interface Scripted {
  ms: number;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * An attempt function over virtual time: `script(model, n)` says how the n-th call (1-based,
 * over the whole test) to `model` answers. It heeds the signal as a real client would.
 */
function scriptedUpstream(timers: VirtualTimers, script: (model: string, n: number) => Scripted) {
  const calls: { model: string; attempt: number; at: number }[] = [];
  const perModel = new Map<string, number>();
  const attempt = (ctx: AttemptContext): Promise<string> => {
    const n = (perModel.get(ctx.model) ?? 0) + 1;
    perModel.set(ctx.model, n);
    calls.push({ model: ctx.model, attempt: ctx.attempt, at: timers.now() });
    const answer = script(ctx.model, n);
    return new Promise((resolve, reject) => {
      const timer = timers.setTimer(() => {
        if (answer.status === undefined) resolve(`${ctx.model}#${n}`);
        else reject(Object.assign(new Error(`HTTP ${answer.status}`), { status: answer.status, headers: answer.headers ?? {} }));
      }, answer.ms);
      ctx.signal.addEventListener('abort', () => {
        timers.clearTimer(timer);
        reject(ctx.signal.reason);
      });
    });
  };
  return { attempt, calls };
}

const ok = (ms = 0): Scripted => ({ ms });
const status = (code: number, ms = 0, headers?: Record<string, string>): Scripted => ({ ms, status: code, headers });

describe('createHarness: retries', () => {
  it('retries a 503 with the configured backoff (100 ms, then 200 ms without jitter) and answers from the third attempt', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ retry: { maxAttempts: 3, baseDelay: '100ms', multiplier: 2, maxDelay: '1s', jitter: 'none' } }, { timers });
    const delays: number[] = [];
    harness.on('retry', (e) => delays.push(e.delayMs));
    const upstream = scriptedUpstream(timers, (_, n) => (n < 3 ? status(503, 10) : ok(50)));
    const answer = harness.call({}, upstream.attempt);
    await timers.advance(1000);
    await expect(answer).resolves.toBe('default#3');
    expect(delays).toEqual([100, 200]);
    // Calls leave at 0, 10 + 100 and 120 + 10 + 200; the answer comes 50 ms after the last.
    expect(upstream.calls.map((c) => [c.at, c.attempt])).toEqual([[0, 1], [110, 2], [320, 3]]);
    const m = harness.metrics();
    expect(m).toMatchObject({ requests: 1, successes: 1, retries: 2, upstreamCalls: 3, loadMultiplier: 3, visibleFailureRate: 0 });
    expect(m.loadAttribution).toMatchObject({ firstAttempt: 1, retry: 2 });
    expect(m.latencyMs.p50).toBeCloseTo(370, 0);
  });

  it('waits at least the retry-after a 429 asks for (retry-after-ms before retry-after)', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ retry: { maxAttempts: 2, baseDelay: '100ms', jitter: 'none' } }, { timers });
    const upstream = scriptedUpstream(timers, (_, n) => (n === 1 ? status(429, 0, { 'retry-after': '9', 'retry-after-ms': '1500' }) : ok()));
    const answer = harness.call({}, upstream.attempt);
    await timers.advance(2000);
    await expect(answer).resolves.toBe('default#2');
    expect(upstream.calls[1]!.at).toBe(1500);
  });

  it('does not retry a 400, and fails with the kind and the original error as cause', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ retry: { maxAttempts: 5 } }, { timers });
    const upstream = scriptedUpstream(timers, () => status(400));
    const answer = harness.call({}, upstream.attempt).catch((e: unknown) => e);
    await timers.advance(10);
    const error = (await answer) as HarnessError;
    expect(error).toBeInstanceOf(HarnessError);
    expect(error).toMatchObject({ reason: 'failed', kind: '400', target: 'default' });
    expect((error.cause as { status: number }).status).toBe(400);
    expect(upstream.calls).toHaveLength(1);
    expect(harness.metrics()).toMatchObject({ failures: 1, visibleFailureRate: 1, loadMultiplier: 1 });
  });

  it('retries a 529 as its own kind (or as 503 on a taxonomy without 529), and never a 429 that says insufficient_quota', async () => {
    const timers = new VirtualTimers();
    const overloadedKind = (OUTCOME_NAMES as readonly string[]).includes('529') ? '529' : '503';
    const harness = await createHarness({ retry: { maxAttempts: 3, baseDelay: 0, retryOn: [overloadedKind as '503', '429'] } }, { timers });
    const overloaded = scriptedUpstream(timers, (_, n) => (n === 1 ? status(529) : ok()));
    const first = harness.call({}, overloaded.attempt);
    await timers.advance(10);
    await expect(first).resolves.toBe('default#2');
    const quota = scriptedUpstream(timers, () => ({ ms: 0, status: 429 }));
    const outOfCredit = (ctx: AttemptContext) =>
      quota.attempt(ctx).catch((e: Error) => {
        throw Object.assign(e, { error: { error: { code: 'insufficient_quota' } } });
      });
    const second = harness.call({}, outOfCredit).catch((e: HarnessError) => e);
    await timers.advance(10);
    expect(quota.calls).toHaveLength(1);
    expect(((await second) as HarnessError).reason).toBe('failed');
  });

  it('stops at the retry budget: with ratio 0 and no floor, no retry is spent', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ retry: { maxAttempts: 3, baseDelay: 0, budget: { ratio: 0, minRetriesPerSec: 0 } } }, { timers });
    const upstream = scriptedUpstream(timers, () => status(503));
    const answer = harness.call({}, upstream.attempt).catch((e: HarnessError) => e);
    await timers.advance(10);
    expect(((await answer) as HarnessError).kind).toBe('503');
    expect(harness.metrics()).toMatchObject({ retries: 0, retryBudgetDenied: 1, upstreamCalls: 1 });
  });
});

describe('createHarness: timeouts and cancellation', () => {
  it('aborts an attempt at the client timeout, counts it as a timeout and retries it', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ timeout: { after: '1s' }, retry: { maxAttempts: 2, baseDelay: 0, jitter: 'none' } }, { timers });
    const upstream = scriptedUpstream(timers, (_, n) => (n === 1 ? ok(60_000) : ok(5)));
    const answer = harness.call({}, upstream.attempt);
    await timers.advance(2000);
    await expect(answer).resolves.toBe('default#2');
    expect(upstream.calls.map((c) => c.at)).toEqual([0, 1000]);
    expect(harness.metrics().latencyMs.p50).toBeCloseTo(1005, 0);
  });

  it('stops waiting at the timeout even when the attempt ignores its signal', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ timeout: { after: '200ms' } }, { timers });
    const answer = harness.call({}, () => new Promise<string>(() => {})).catch((e: HarnessError) => e);
    await timers.advance(300);
    expect(await answer).toMatchObject({ reason: 'failed', kind: 'timeout' });
  });

  it('a caller abort during a retry wait rejects with the abort reason at once, makes no further call and counts as cancelled', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ retry: { maxAttempts: 3, baseDelay: '10s', jitter: 'none' } }, { timers });
    const upstream = scriptedUpstream(timers, () => status(503));
    const controller = new AbortController();
    const answer = harness.call({}, upstream.attempt, { signal: controller.signal }).catch((e: unknown) => e);
    await timers.advance(100);
    controller.abort(new Error('user left'));
    await settle();
    expect(((await answer) as Error).message).toBe('user left');
    await timers.advance(60_000);
    expect(upstream.calls).toHaveLength(1);
    expect(harness.metrics()).toMatchObject({ requests: 0, cancelled: 1 });
    expect(timers.active).toBe(0);
  });
});

describe('createHarness: breaker and fallback', () => {
  it('opens the breaker above the threshold, then falls back to the next model without calling the open one', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness(
      {
        breaker: { window: '60s', minimumCalls: 4, failureRateThreshold: 0.5, cooldown: '30s' },
        routing: { tiers: { trivial: 'haiku', standard: 'haiku', complex: 'haiku' }, fallback: ['haiku', 'sonnet'], fallbackOn: ['503', 'open'] },
      },
      { timers, models: ['haiku', 'sonnet'] },
    );
    const changes: string[] = [];
    harness.on('breakerStateChange', (e) => changes.push(`${e.target}:${e.from}->${e.to}`));
    const fallbacks: string[] = [];
    harness.on('fallback', (e) => fallbacks.push(`${e.from}->${e.to}:${e.kind}`));
    const upstream = scriptedUpstream(timers, (model) => (model === 'haiku' ? status(503, 10) : ok(20)));
    for (let i = 0; i < 6; i++) {
      const answer = harness.call({}, upstream.attempt);
      await timers.advance(100);
      await expect(answer).resolves.toMatch(/^sonnet#/);
    }
    expect(changes).toEqual(['haiku:closed->open']);
    expect(harness.breakerState('haiku')).toBe('open');
    // Four calls reached haiku (the fourth tripped it); the last two were refused before leaving.
    expect(upstream.calls.filter((c) => c.model === 'haiku')).toHaveLength(4);
    expect(fallbacks).toEqual([...Array(4).fill('haiku->sonnet:503'), 'haiku->sonnet:open', 'haiku->sonnet:open']);
    expect(harness.metrics()).toMatchObject({ shortCircuited: 2, fallbacks: 6, breakerTrips: 1, upstreamCalls: 10, visibleFailureRate: 0 });
    // After the cool-down one probe goes through; its failure re-opens the breaker.
    await timers.advance(30_000);
    const probe = harness.call({}, upstream.attempt);
    await timers.advance(100);
    await probe;
    expect(changes.slice(1)).toEqual(['haiku:open->half-open', 'haiku:half-open->open']);
    expect(harness.metrics().loadAttribution.halfOpenProbe).toBe(1);
  });

  it('opens on slow calls (breaker.slowCall): successes slower than `after` count against the slow-call rate', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ breaker: { minimumCalls: 4, slowCall: { after: '2s', rate: 0.5 } } }, { timers });
    const changes: string[] = [];
    harness.on('breakerStateChange', (e) => changes.push(`${e.from}->${e.to}`));
    // 1 s, 3 s, 3 s, 3 s: all succeed; after the fourth, 3 of 4 calls (75% > 50%) were slow.
    const upstream = scriptedUpstream(timers, (_, n) => ok(n === 1 ? 1000 : 3000));
    for (let i = 0; i < 4; i++) {
      const answer = harness.call({}, upstream.attempt);
      await timers.advance(3000);
      await expect(answer).resolves.toBe(`default#${i + 1}`);
    }
    expect(changes).toEqual(['closed->open']);
    await expect(harness.call({}, upstream.attempt)).rejects.toMatchObject({ reason: 'failed', kind: 'open' });
    expect(upstream.calls).toHaveLength(4);
  });

  it('routes by the caller classifier to the tier model, and a failed quality check moves to the stronger one', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness<{ hard: boolean }>(
      {
        routing: {
          tiers: { trivial: 'haiku', standard: 'sonnet', complex: 'opus' },
          fallback: ['haiku', 'sonnet', 'opus'],
          qualityFallback: { failRate: { haiku: 0.1 } },
        },
      },
      { timers, models: ['haiku', 'sonnet', 'opus'], classify: (r) => (r.hard ? 'complex' : 'trivial'), check: (answer) => answer !== 'haiku#2' },
    );
    const upstream = scriptedUpstream(timers, () => ok(1));
    const answers = [harness.call({ hard: true }, upstream.attempt), harness.call({ hard: false }, upstream.attempt), harness.call({ hard: false }, upstream.attempt)];
    await timers.advance(10);
    expect(await Promise.all(answers)).toEqual(['opus#1', 'haiku#1', 'sonnet#1']);
    expect(harness.metrics()).toMatchObject({ qualityFallbacks: 1, upstreamCalls: 4 });
  });

  it('refuses a quality fallback without options.check, rather than running without it silently', async () => {
    const layers = { routing: { tiers: { trivial: 'a', standard: 'a', complex: 'a' }, fallback: ['a', 'b'], qualityFallback: { failRate: { a: 0.1 } } } };
    await expect(createHarness(layers, { models: ['a', 'b'] })).rejects.toThrow('routing.qualityFallback needs options.check');
    await expect(createHarness(layers, { models: ['a', 'b'], check: () => true })).resolves.toBeDefined();
  });

  it('refuses tiers naming different models without a classifier, rather than routing everything as standard silently', async () => {
    await expect(createHarness({ routing: { tiers: { trivial: 'a', standard: 'b', complex: 'b' } } }, { models: ['a', 'b'] })).rejects.toThrow(/options\.classify/);
  });
});

describe('createHarness: hedging (layers.hedge, as engine/hedging.ts simulates it)', () => {
  it('sends a hedge after `after`; the first success wins and the slow call is left to finish, then reported to the breaker', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ hedge: { after: '2s' }, breaker: { minimumCalls: 100 } }, { timers, models: ['sonnet'] });
    const hedges: string[] = [];
    harness.on('hedge', (e) => hedges.push(`${e.target}#${e.hedge}@${e.afterMs}`));
    // The first call takes 5 s, the hedge 1 s: the answer comes at 3 s, from the hedge.
    const upstream = scriptedUpstream(timers, (_, n) => ok(n === 1 ? 5000 : 1000));
    const answer = harness.call({}, upstream.attempt);
    await timers.advance(3000);
    await expect(answer).resolves.toBe('sonnet#2');
    expect(hedges).toEqual(['sonnet#1@2000']);
    expect(upstream.calls.map((c) => c.at)).toEqual([0, 2000]);
    let m = harness.metrics();
    expect(m).toMatchObject({ upstreamCalls: 2, abandonedCalls: 1, loadMultiplier: 2, byModel: { sonnet: { calls: 1 } } });
    expect(m.loadAttribution).toMatchObject({ firstAttempt: 1, hedge: 1 });
    expect(m.latencyMs.p50).toBeCloseTo(3000, -1);
    // The abandoned call was not aborted: it finishes at 5 s and its breaker hears of it.
    await timers.advance(2000);
    m = harness.metrics();
    expect(m.byModel.sonnet).toMatchObject({ calls: 2, failures: 0 });
    expect(timers.active).toBe(0);
  });

  it('sends no hedge when the call answers before `after`', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ hedge: { after: '2s' } }, { timers, models: ['sonnet'] });
    const upstream = scriptedUpstream(timers, () => ok(1500));
    const answer = harness.call({}, upstream.attempt);
    await timers.advance(5000);
    await expect(answer).resolves.toBe('sonnet#1');
    expect(harness.metrics()).toMatchObject({ upstreamCalls: 1, abandonedCalls: 0 });
    expect(timers.active).toBe(0);
  });

  it('a failure waits for the hedges still out; when every call has failed, retry decides on the last answer', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ hedge: { after: '1s', maxExtra: 2 }, retry: { maxAttempts: 2, baseDelay: '100ms', jitter: 'none' } }, { timers, models: ['sonnet'] });
    // Attempt 1: calls at 0 (fails at 2.5 s), 1 s (fails at 3 s) and 2 s (fails at 3.5 s): decided at 3.5 s.
    // Attempt 2 leaves at 3.6 s and answers at once.
    const upstream = scriptedUpstream(timers, (_, n) => (n === 1 ? status(503, 2500) : n === 2 ? status(503, 2000) : n === 3 ? status(429, 1500) : ok(0)));
    const retries: string[] = [];
    harness.on('retry', (e) => retries.push(e.kind));
    const answer = harness.call({}, upstream.attempt);
    await timers.advance(4000);
    await expect(answer).resolves.toBe('sonnet#4');
    expect(upstream.calls.map((c) => [c.at, c.attempt])).toEqual([[0, 1], [1000, 1], [2000, 1], [3600, 2]]);
    expect(retries).toEqual(['429']);
    expect(harness.metrics().loadAttribution).toMatchObject({ firstAttempt: 1, hedge: 2, retry: 1 });
  });

  it('with target: next, hedges go to the next model of the request\'s list', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ hedge: { after: '1s', target: 'next' }, routing: { fallback: ['sonnet', 'opus'] } }, { timers, models: ['sonnet', 'opus'] });
    const upstream = scriptedUpstream(timers, (model) => ok(model === 'sonnet' ? 4000 : 500));
    const seen: number[] = [];
    const answer = harness.call({}, (ctx) => {
      seen.push(ctx.hedge);
      return upstream.attempt(ctx);
    });
    await timers.advance(2000);
    await expect(answer).resolves.toBe('opus#1');
    expect(upstream.calls.map((c) => `${c.model}@${c.at}`)).toEqual(['sonnet@0', 'opus@1000']);
    expect(seen).toEqual([0, 1]);
  });
});

describe('createHarness: capacity', () => {
  it('backpressure admits maxInFlight, queues maxDepth, rejects the rest at once, and expires a waiter after maxWait', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ capacity: { backpressure: { maxInFlight: 1, maxDepth: 1, maxWait: '500ms' } } }, { timers });
    const rejected: string[] = [];
    harness.on('rejected', (e) => rejected.push(e.by));
    // The fifth call is slow, so the one queued behind it outlives maxWait.
    const upstream = scriptedUpstream(timers, (_, n) => ok(n === 4 ? 1000 : 300));
    const outcome = (p: Promise<string>) => p.catch((e: HarnessError) => `rejected:${e.rejectedBy}`);
    const a = outcome(harness.call({}, upstream.attempt));
    const b = outcome(harness.call({}, upstream.attempt));
    const c = outcome(harness.call({}, upstream.attempt));
    expect(await c).toBe('rejected:backpressure');
    expect(harness.metrics()).toMatchObject({ inFlight: 1, waiting: 1 });
    await timers.advance(300);
    expect(await a).toBe('default#1');
    // b took the slot at 300 ms; d queues behind it, takes the slot at 600 ms (waited 300 < 500) and answers at 900.
    const d = outcome(harness.call({}, upstream.attempt));
    await timers.advance(600);
    expect([await b, await d]).toEqual(['default#2', 'default#3']);
    // e holds the slot 1000 ms; f waits from 900 ms and is rejected at its 500 ms deadline.
    const e = outcome(harness.call({}, upstream.attempt));
    const f = outcome(harness.call({}, upstream.attempt));
    await timers.advance(499);
    expect(harness.metrics().waiting).toBe(1);
    await timers.advance(1);
    expect(await f).toBe('rejected:queueTimeout');
    await timers.advance(600);
    expect(await e).toBe('default#4');
    expect(rejected).toEqual(['backpressure', 'queueTimeout']);
    expect(harness.metrics()).toMatchObject({ requests: 6, rejected: 2, rejectedRate: 0.333333, rejectedBy: { backpressure: 1, queueTimeout: 1 } });
  });

  it('splits a per-key quota by share: a noisy key is rejected once its own bucket is empty, the other key still passes', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness<{ tenant: string }>(
      { capacity: { perKey: { quotaRpm: 60, shares: { noisy: 0.5, quiet: 0.5 } } } },
      { timers, key: (r) => r.tenant },
    );
    const attempt = async (ctx: AttemptContext) => ctx.model;
    const results: string[] = [];
    for (let i = 0; i < 40; i++) results.push(await harness.call({ tenant: 'noisy' }, attempt).catch((e: HarnessError) => e.rejectedBy!));
    const admitted = results.filter((r) => r !== 'perKey').length;
    // A 30 rpm share is a bucket of 30 tokens: 30 pass at once, the rest wait for refills.
    expect(admitted).toBe(30);
    await expect(harness.call({ tenant: 'quiet' }, attempt)).resolves.toBe('default');
    await expect(harness.call({ tenant: 'unlisted' }, attempt)).rejects.toMatchObject({ rejectedBy: 'perKey' });
  });

  it('needs options.tokens to enforce a token budget', async () => {
    await expect(createHarness({ capacity: { tokenBudget: { tokensPerMinute: '100K' } } })).rejects.toThrow(/options\.tokens/);
    const timers = new VirtualTimers();
    const harness = await createHarness<{ tokens: number }>({ capacity: { tokenBudget: { tokensPerMinute: '100K' } } }, { timers, tokens: (r) => r.tokens });
    const attempt = async () => 'answer';
    await expect(harness.call({ tokens: 60_000 }, attempt)).resolves.toBe('answer');
    await expect(harness.call({ tokens: 60_000 }, attempt)).rejects.toMatchObject({ reason: 'rejected', rejectedBy: 'tokenBudget' });
  });
});

describe('harness.tool: scope', () => {
  it('calls an allowed tool, and refuses any other before its side effect, naming the escalation queue', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ scope: { allow: ['search'], escalation: 'human-billing' } }, { timers, tools: ['search', 'refund'] });
    const refused: string[] = [];
    harness.on('refused', (e) => refused.push(`${e.tool}->${e.escalation}`));
    let sideEffects = 0;
    const search = harness.tool('search', async (q: string) => `found ${q}`);
    const refund = harness.tool('refund', async (amount: number) => {
      sideEffects++;
      return amount;
    });
    await expect(search('shoes')).resolves.toBe('found shoes');
    await expect(refund(40)).rejects.toMatchObject({ reason: 'refused', tool: 'refund', escalation: 'human-billing' });
    await expect(harness.tool('delete-db', async () => 1)(undefined)).rejects.toMatchObject({ reason: 'refused' });
    expect(sideEffects).toBe(0);
    expect(refused).toEqual(['refund->human-billing', 'delete-db->human-billing']);
    expect(harness.metrics()).toMatchObject({ refused: 2, toolCalls: 1, byTool: { search: { calls: 1, failures: 0 } } });
  });

  it('retries a failing tool call as the retry layer says', async () => {
    const timers = new VirtualTimers();
    const harness = await createHarness({ retry: { maxAttempts: 3, baseDelay: 0 } }, { timers, tools: ['search'] });
    let n = 0;
    const search = harness.tool('search', async () => {
      if (++n < 3) throw Object.assign(new Error('down'), { status: 503 });
      return 'ok';
    });
    const answer = search(undefined);
    await timers.advance(10);
    await expect(answer).resolves.toBe('ok');
    expect(harness.metrics().byTool.search).toMatchObject({ calls: 3, failures: 2 });
  });
});
