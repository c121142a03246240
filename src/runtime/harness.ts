import { buildHarness, layerStats, type ClientLayers, type Harness as Layers } from '../engine/harness.js';
import { Admission, Backpressure } from '../layers/backpressure.js';
import { Permit, type CircuitBreaker } from '../layers/breaker.js';
import { DIFFICULTY_NAMES, Difficulty } from '../layers/router.js';
import type { RandomSource } from '../layers/types.js';
import { CallCause } from '../metrics/run-output.js';
import type { LayersInput } from '../scenario/layers-schema.js';
import { OUTCOME_NAMES, outcomeOf } from '../upstream/outcome.js';
import { classifyError as defaultClassifyError, type ErrorClass } from './classify-error.js';
import { configFromLayers, isHarnessConfig, type HarnessConfig } from './config.js';
import { HarnessCounters, snapshot, type HarnessMetrics } from './counters.js';
import { HarnessError, type RejectedBy } from './errors.js';
import { HarnessEmitter, type HarnessEventName, type HarnessListener } from './events.js';
import { mathRandom } from './random.js';
import { sleep, systemTimers, type Timers } from './timers.js';

/** A routing label, as the scenario's `routing.tiers` names them. */
export type DifficultyName = (typeof DIFFICULTY_NAMES)[number];

/** What an attempt receives: where to send the call, and the signal that cancels it. */
export interface AttemptContext {
  /** The model (or tool) this attempt goes to. */
  target: string;
  /** Same as `target`, by the name model calls use. */
  model: string;
  /** Aborts when the client timeout fires or the caller aborts; pass it to `fetch` or the SDK. */
  signal: AbortSignal;
  /** 1 for the first call to this target in this visit, 2 for its first retry, and so on. */
  attempt: number;
  /** 0 for an attempt's own call, n for its n-th hedge (`layers.hedge`). */
  hedge: number;
}

/** Per-call options of `harness.call` and of wrapped tools. */
export interface CallOptions {
  /** Cancels the request wherever it is: queued, waiting to retry, or in a call. */
  signal?: AbortSignal;
}

/** How to run the layers; every option has a default. */
export interface HarnessOptions<Request = unknown> {
  /** The models, in the order the scenario lists them; by default those the routing block names, or `['default']`. */
  models?: readonly string[];
  /** The model used without routing (default: the config's `defaultModel`, else the first model). */
  defaultModel?: string;
  /** Tool names `harness.tool` may wrap (default: the scenario's `workload.tools`, plus `scope.allow`). */
  tools?: readonly string[];
  /** Client timeout per model or tool in ms, over `layers.timeout.after`. */
  timeouts?: Readonly<Record<string, number>>;
  /** The routing classifier: which tier a request is. Without it every request routes as `standard`. */
  classify?: (request: Request, context: { signal: AbortSignal | undefined }) => DifficultyName | Promise<DifficultyName>;
  /** The quality check of `routing.qualityFallback`: false moves the request to the next stronger model. */
  check?: (result: unknown, context: { model: string; request: Request }) => boolean | Promise<boolean>;
  /** The per-key quota's key of a request (a tenant, a feature); default `'default'`. */
  key?: (request: Request) => string;
  /** The tokens a request is expected to use, for `capacity.tokenBudget` (required when that is set). */
  tokens?: (request: Request) => number;
  /** Overrides the error classification; return undefined to fall back to `classifyError`. */
  classifyError?: (error: unknown) => ErrorClass | undefined;
  /** Clock and timers (default: `performance.now()` and `setTimeout`). */
  timers?: Timers;
  /** Jitter source (default `Math.random`; `cryptoRandom()` where policy asks for it). */
  random?: RandomSource;
}

/** The kinds a taxonomy without the provider kinds reads them as (see `classify-error.ts`). */
const KIND_FALLBACK: Record<string, string> = { '529': '503', '500': '503', quota: '400' };
/** Outcome code of a kind the taxonomy does not know (`other`): never retried, fallen back or counted. */
const NO_OUTCOME = -1;
/** The `open` outcome: the breaker refused the call before it left. */
const OPEN = outcomeOf('open');

/** How one call ended: answered, failed (classified), or cancelled by the caller. */
type Answer<T> =
  | { ok: true; cancelled: false; value: T }
  | { ok: false; cancelled: false; kind: string; outcome: number; retryAfterMs: number; error: unknown }
  | { ok: false; cancelled: true; error: unknown };

/** How one visit to a target ended. */
type Visit<T> = { ok: true; value: T } | { ok: false; kind: string; outcome: number; error: unknown };

/**
 * Builds a harness from a `layers:` block (a plain object, validated by the scenario schema,
 * or a `HarnessConfig` from `loadHarnessConfig`). Async because validation loads the schema
 * module on first use, which keeps `import 'harness-sim'` cheap.
 */
export async function createHarness<Request = unknown>(
  layers: LayersInput | HarnessConfig | undefined,
  options: HarnessOptions<Request> = {},
): Promise<Harness<Request>> {
  const config = isHarnessConfig(layers) ? layers : await configFromLayers(layers);
  return new Harness(config, options);
}

/**
 * The scenario's layers in real time, in the simulator's order (see AGENTS.md):
 * capacity (per-key quota -> token budget -> backpressure) -> routing (classifier, tier)
 * -> per target: breaker -> call (client timeout; hedges beside it) -> retry (backoff, jitter,
 * budget) -> fallback -> quality fallback. Tools: scope -> tool breaker -> call -> retry.
 * The layer objects are the simulator's own classes, built by the simulator's own
 * `buildHarness`; only the waiting is real.
 */
export class Harness<Request = unknown> {
  readonly config: HarnessConfig;
  readonly models: readonly string[];
  readonly tools: readonly string[];
  private readonly layers: Layers;
  private readonly timers: Timers;
  private readonly random: RandomSource;
  private readonly counters = new HarnessCounters();
  private readonly events = new HarnessEmitter();
  private readonly timeoutMs: Float64Array;
  /** The timeout of a tool nobody declared (`layers.timeout.after`, or none). */
  private readonly defaultTimeoutMs: number;
  private readonly defaultTargets: readonly number[];
  /** The stateful layers (breakers, budgets, limits, backpressure): one instance in production. */
  private readonly client: ClientLayers;
  private readonly outcomeByKind = new Map<string, number>();
  private readonly classifier: HarnessOptions<Request>['classify'];
  private readonly hasClassifierCall: boolean;
  private readonly check: HarnessOptions<Request>['check'];
  private readonly keyOf: (request: Request) => string;
  private readonly tokensOf: HarnessOptions<Request>['tokens'];
  private readonly classifyError: (error: unknown) => ErrorClass;
  /** Backpressure waiters by id, each with its wait deadline. */
  private readonly waiters = new Map<number, { admit: () => void; timer: unknown }>();
  private nextWaiterId = 0;

  constructor(config: HarnessConfig, options: HarnessOptions<Request> = {}) {
    this.config = config;
    const routing = config.layers.routing?.enabled ? config.layers.routing : undefined;
    this.models = [...(options.models ?? (config.models.length > 0 ? config.models : modelsNamedBy(config)))];
    const scopeAllow = config.layers.scope?.enabled ? config.layers.scope.allow : [];
    this.tools = [...new Set([...(options.tools ?? config.tools), ...scopeAllow])];
    this.timers = options.timers ?? systemTimers;
    this.random = options.random ?? mathRandom;
    const defaultModel = options.defaultModel ?? config.defaultModel ?? this.models[0]!;
    const defaultId = this.models.indexOf(defaultModel);
    if (defaultId < 0) throw new RangeError(`defaultModel '${defaultModel}' is not one of the models (${this.models.join(', ')})`);
    this.defaultTargets = Object.freeze([defaultId]);
    this.layers = buildHarness(
      { layers: config.layers, upstream: { defaultModel }, workload: { prompt: { prefix: config.promptPrefix } } },
      this.timers,
      { stream: () => this.random },
      { models: this.models, tools: this.tools, tenants: [] },
    );
    this.client = this.layers.clients[0]!;
    const timeout = config.layers.timeout?.enabled ? config.layers.timeout.after : Infinity;
    const timeouts = { ...config.timeouts, ...options.timeouts };
    this.timeoutMs = Float64Array.from([...this.models, ...this.tools], (name) => timeouts[name] ?? timeout);
    this.defaultTimeoutMs = timeout;
    for (const kind of [...OUTCOME_NAMES, ...Object.keys(KIND_FALLBACK)]) {
      const known = (OUTCOME_NAMES as readonly string[]).includes(kind) ? kind : KIND_FALLBACK[kind]!;
      this.outcomeByKind.set(kind, outcomeOf(known));
    }
    this.classifier = options.classify;
    this.hasClassifierCall = routing?.classifier !== undefined && options.classify !== undefined;
    if (routing?.tiers && options.classify === undefined && new Set(Object.values(routing.tiers)).size > 1) {
      throw new RangeError('routing.tiers names different models: pass options.classify to say which tier a request is');
    }
    this.check = this.layers.router?.qualityFallbackEnabled ? options.check : undefined;
    if (this.layers.router?.qualityFallbackEnabled && options.check === undefined) {
      // The scenario's failRate stands for an eval that production must run: without it the layer would be off, silently.
      throw new RangeError('routing.qualityFallback needs options.check: the quality check that sends a failed answer to the stronger model');
    }
    this.keyOf = options.key ?? (() => 'default');
    this.tokensOf = options.tokens;
    if (this.client.tokenBudget !== null && options.tokens === undefined) {
      throw new RangeError('capacity.tokenBudget needs options.tokens: the tokens a request is expected to use');
    }
    const override = options.classifyError;
    this.classifyError = override ? (error) => override(error) ?? defaultClassifyError(error) : defaultClassifyError;
  }

  /** Adds a listener for one kind of event; returns the function that removes it. */
  on<E extends HarnessEventName>(name: E, listener: HarnessListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** The counters so far, shaped like the simulator's `metrics`. */
  metrics(): HarnessMetrics {
    const bp = this.client.backpressure;
    return snapshot(this.counters, layerStats(this.layers), { inFlight: bp?.inFlight ?? 0, waiting: bp?.waiting ?? 0 });
  }

  /** The breaker state of a model or tool (`closed` when breakers are off). */
  breakerState(target: string): 'closed' | 'open' | 'half-open' {
    return this.breakerOf(this.targetId(target))?.state ?? 'closed';
  }

  /**
   * Runs one request through the layers. `attempt` makes one call to `ctx.model` and throws
   * on failure (an SDK error, a `HttpStatusError`, anything `classifyError` reads); the
   * harness decides whether, where and when to call again. Resolves with the first answer
   * that passes; rejects with a `HarnessError`, or with the caller's abort reason.
   */
  async call<T>(request: Request, attempt: (ctx: AttemptContext) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const { signal } = options;
    signal?.throwIfAborted();
    const startedMs = this.timers.now();
    let holdsSlot = false;
    try {
      this.admitByQuota(request);
      if (this.client.backpressure !== null) {
        await this.enterBackpressure(signal);
        holdsSlot = true;
      }
      const value = await this.routeAndCall(request, attempt, signal);
      this.counters.requestEnded('success', this.timers.now() - startedMs);
      return value;
    } catch (error) {
      if (signal?.aborted) this.counters.cancelled++;
      else if (error instanceof HarnessError && error.reason === 'rejected') this.counters.requestEnded('rejected', this.timers.now() - startedMs);
      else this.counters.requestEnded('failed', this.timers.now() - startedMs);
      throw error;
    } finally {
      if (holdsSlot) this.releaseSlot();
    }
  }

  /**
   * Wraps a tool: each call is checked against the bounded scope before any side effect
   * (refused: a `HarnessError` with `reason: 'refused'` and the escalation queue), then goes
   * through the tool's breaker, client timeout and retry, as in the simulator.
   */
  tool<Input, Output>(name: string, fn: (input: Input, ctx: AttemptContext) => Promise<Output>): (input: Input, options?: CallOptions) => Promise<Output> {
    const toolIndex = this.tools.indexOf(name);
    const target = toolIndex < 0 ? -1 : this.models.length + toolIndex;
    return async (input, options = {}) => {
      const { signal } = options;
      signal?.throwIfAborted();
      const scope = this.layers.scope;
      if (scope !== null && !scope.check(toolIndex)) {
        this.counters.refused++;
        this.events.emit('refused', { tool: name, escalation: scope.escalation });
        throw new HarnessError('refused', `tool '${name}' is outside the agent's scope: escalate to ${scope.escalation}`, { tool: name, escalation: scope.escalation });
      }
      const visit = await this.visit(target, name, (ctx) => fn(input, ctx), CallCause.First, signal, true);
      if (visit.ok) return visit.value;
      throw this.failure(visit, name);
    };
  }

  /** Per-key quota, then the token budget: either turns the request away at once. */
  private admitByQuota(request: Request): void {
    const { perKey, tokenBudget } = this.client;
    if (perKey !== null && !perKey.tryTake(perKey.keyId(this.keyOf(request)))) throw this.rejection('perKey');
    if (tokenBudget !== null && !tokenBudget.tryTake(this.tokensOf!(request))) throw this.rejection('tokenBudget');
  }

  private rejection(by: RejectedBy): HarnessError {
    this.counters.rejectedBy[by]++;
    this.events.emit('rejected', { by });
    const why = { perKey: 'its key is over its quota', tokenBudget: 'the token budget is spent', backpressure: 'the wait queue is full', queueTimeout: 'it waited too long for a slot' }[by];
    return new HarnessError('rejected', `request rejected: ${why}`, { rejectedBy: by });
  }

  /** Takes a backpressure slot, waiting in the bounded queue for at most `maxWait`. */
  private enterBackpressure(signal: AbortSignal | undefined): Promise<void> {
    const gate = this.client.backpressure as Backpressure;
    const id = this.nextWaiterId;
    this.nextWaiterId = (id + 1) & 0x7fffffff;
    const admission = gate.tryEnter(id);
    if (admission === Admission.Admitted) return Promise.resolve();
    if (admission === Admission.Rejected) return Promise.reject(this.rejection('backpressure'));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        // Still waiting: leave the queue. Already handed a slot: `admit` runs and `call` releases it.
        if (!gate.cancel(id)) return;
        this.timers.clearTimer(this.waiters.get(id)?.timer);
        this.waiters.delete(id);
        reject(signal!.reason);
      };
      const timer = this.timers.setTimer(() => {
        signal?.removeEventListener('abort', onAbort);
        if (!gate.cancel(id)) return;
        this.waiters.delete(id);
        reject(this.rejection('queueTimeout'));
      }, this.layers.backpressureMaxWaitMs);
      this.waiters.set(id, {
        timer,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Frees a slot, or hands it to the oldest waiter still in time. */
  private releaseSlot(): void {
    const next = this.client.backpressure!.release();
    if (next < 0) return;
    const waiter = this.waiters.get(next);
    if (waiter === undefined) throw new Error(`internal: backpressure handed a slot to unknown waiter ${next}`);
    this.waiters.delete(next);
    this.timers.clearTimer(waiter.timer);
    waiter.admit();
  }

  /** Routing, then the target list: each target's visit, fallback, quality fallback. */
  private async routeAndCall<T>(request: Request, attempt: (ctx: AttemptContext) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const router = this.layers.router;
    let targets = this.defaultTargets;
    if (router !== null) targets = router.targets(await this.label(request, signal));
    let position = 0;
    let cause: number = CallCause.First;
    for (;;) {
      const target = targets[position]!;
      const name = this.models[target]!;
      // With `hedge.target: next`, hedges go to the next model of the list (the same at its end).
      const hedgeTarget = this.layers.hedge?.next && position + 1 < targets.length ? targets[position + 1]! : target;
      const visit = await this.visit(target, name, attempt, cause, signal, false, hedgeTarget);
      if (visit.ok) {
        const stronger = router !== null && this.check !== undefined ? router.strongerThan(target) : -1;
        if (stronger >= 0 && !(await this.check!(visit.value, { model: name, request }))) {
          // The weaker answer failed its check: the stronger model answers instead.
          this.counters.qualityFallbacks++;
          this.events.emit('qualityFallback', { from: name, to: this.models[stronger]! });
          targets = router!.chainFrom(stronger);
          position = 0;
          cause = CallCause.QualityFallback;
          continue;
        }
        return visit.value;
      }
      if (router !== null && visit.outcome >= 0 && this.layers.fallbackOn[visit.outcome] && position + 1 < targets.length) {
        this.counters.fallbacks++;
        position++;
        this.events.emit('fallback', { from: name, to: this.models[targets[position]!]!, kind: visit.kind });
        cause = CallCause.Fallback;
        continue;
      }
      throw this.failure(visit, name);
    }
  }

  /** The request's tier: the caller's classifier (a failed classification routes as standard). */
  private async label(request: Request, signal: AbortSignal | undefined): Promise<number> {
    if (this.classifier === undefined) return Difficulty.Standard;
    if (this.hasClassifierCall) {
      this.counters.classifierCalls++;
      this.counters.upstreamCall(CallCause.Classifier);
    }
    try {
      const label = DIFFICULTY_NAMES.indexOf(await this.classifier(request, { signal }));
      return label < 0 ? Difficulty.Standard : label;
    } catch (error) {
      if (signal?.aborted) throw error;
      return Difficulty.Standard;
    }
  }

  /**
   * Calls one target until it answers or the request must move on: breaker -> call ->
   * retry (while the kind is retryable, attempts remain and the budget allows).
   */
  private async visit<T>(
    target: number,
    name: string,
    attempt: (ctx: AttemptContext) => Promise<T>,
    firstCause: number,
    signal: AbortSignal | undefined,
    isTool: boolean,
    hedgeTarget = target,
  ): Promise<Visit<T>> {
    const { retry, retryOn } = this.layers;
    const { retryBudget } = this.client;
    const breaker = this.breakerOf(target);
    const hedged = this.layers.hedge !== null && !isTool;
    let attempts = 0;
    let previousDelayMs = 0;
    let cause = firstCause;
    for (;;) {
      let permit: Permit = Permit.Normal;
      if (breaker !== null) {
        permit = this.watchBreaker(breaker, name, () => breaker.tryAcquire());
        if (permit === Permit.Denied) {
          this.counters.shortCircuited++;
          return { ok: false, kind: 'open', outcome: OPEN, error: undefined };
        }
      }
      if (attempts === 0) retryBudget?.onFirstAttempt();
      if (!isTool) this.counters.upstreamCall(permit === Permit.Probe ? CallCause.Probe : cause);
      attempts++;
      const answer = hedged
        ? await this.hedgedCall(target, name, permit, hedgeTarget, attempt, attempts, signal)
        : await this.reportedCall(target, name, permit, attempt, attempts, 0, signal, isTool);
      if (answer.cancelled) throw answer.error;
      if (answer.ok) return { ok: true, value: answer.value };
      const outcome = answer.outcome;
      if (retry !== null && outcome >= 0 && retryOn[outcome] && retry.canRetry(attempts) && (retryBudget === null || retryBudget.tryRetry())) {
        const delayMs = retry.delayMs(attempts - 1, previousDelayMs, answer.retryAfterMs, this.random);
        previousDelayMs = delayMs;
        cause = CallCause.Retry;
        this.counters.retries++;
        this.events.emit('retry', { target: name, attempt: attempts, kind: answer.kind, delayMs });
        await sleep(this.timers, delayMs, signal);
        continue;
      }
      return { ok: false, kind: answer.kind, outcome, error: answer.error };
    }
  }

  /**
   * One call to `target` under `permit`, reported to its breaker when it ends (with its
   * duration, for the slow-call rule, as the simulator reports a call's latency) and counted.
   */
  private async reportedCall<T>(
    target: number,
    name: string,
    permit: Permit,
    attempt: (ctx: AttemptContext) => Promise<T>,
    attemptNumber: number,
    hedge: number,
    signal: AbortSignal | undefined,
    isTool: boolean,
  ): Promise<Answer<T>> {
    const breaker = this.breakerOf(target);
    const sentMs = this.timers.now();
    const answer = await this.attemptOnce(target, name, attempt, attemptNumber, hedge, signal);
    if (answer.cancelled) {
      // A probe must report back or the breaker waits for it forever; a cancelled call
      // taught nothing, so it counts as a failed probe (the breaker stays careful).
      if (breaker !== null && permit === Permit.Probe) this.watchBreaker(breaker, name, () => breaker.onResult(permit, false));
      return answer;
    }
    const outcome = answer.ok ? 0 : answer.outcome;
    const durationMs = this.timers.now() - sentMs;
    if (breaker !== null) this.watchBreaker(breaker, name, () => breaker.onResult(permit, outcome === NO_OUTCOME || !this.layers.breakerCounts[outcome], durationMs));
    this.counters.targetCall(isTool, name, !answer.ok);
    return answer;
  }

  /**
   * An attempt with hedges (`layers.hedge`, as `engine/hedging.ts` simulates it): while the
   * attempt is undecided, every `after` one more call goes out, to `hedgeTarget` (the same
   * model, or with `target: next` the next of the request's list), up to `maxExtra`; each asks
   * its breaker first (a refusal skips it). The first success wins. The calls still out are
   * abandoned: no longer awaited, but left to finish (the provider runs and bills them, as
   * the simulator assumes) and reported to their breakers when they do. A failure waits for
   * the calls still out; when every call has failed, the attempt failed with the last answer.
   */
  private hedgedCall<T>(
    target: number,
    name: string,
    permit: Permit,
    hedgeTarget: number,
    attempt: (ctx: AttemptContext) => Promise<T>,
    attemptNumber: number,
    signal: AbortSignal | undefined,
  ): Promise<Answer<T>> {
    const { afterMs, maxExtra } = this.layers.hedge!;
    const hedgeName = this.models[hedgeTarget]!;
    return new Promise((resolve) => {
      let out = 0;
      let launched = 0;
      let decided = false;
      let timer: unknown;
      const decide = (answer: Answer<T>) => {
        decided = true;
        if (timer !== undefined) this.timers.clearTimer(timer);
        if (answer.ok) this.counters.abandonedCalls += out;
        resolve(answer);
      };
      const send = (to: number, toName: string, toPermit: Permit, hedge: number) => {
        out++;
        void this.reportedCall(to, toName, toPermit, attempt, attemptNumber, hedge, signal, false).then((answer) => {
          out--;
          if (decided) return;
          if (answer.ok || answer.cancelled || out === 0) decide(answer);
        });
      };
      const due = () => {
        timer = undefined;
        if (decided) return;
        launched++;
        const breaker = this.breakerOf(hedgeTarget);
        const hedgePermit = breaker === null ? Permit.Normal : this.watchBreaker(breaker, hedgeName, () => breaker.tryAcquire());
        if (hedgePermit !== Permit.Denied) {
          this.counters.upstreamCall(CallCause.Hedge);
          this.events.emit('hedge', { target: hedgeName, hedge: launched, afterMs: launched * afterMs });
          send(hedgeTarget, hedgeName, hedgePermit, launched);
        }
        if (launched < maxExtra) timer = this.timers.setTimer(due, afterMs);
      };
      timer = this.timers.setTimer(due, afterMs);
      send(target, name, permit, 0);
    });
  }

  /** One call with its client timeout; never throws, except what the caller's abort makes it. */
  private async attemptOnce<T>(
    target: number,
    name: string,
    attempt: (ctx: AttemptContext) => Promise<T>,
    attemptNumber: number,
    hedge: number,
    signal: AbortSignal | undefined,
  ): Promise<Answer<T>> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = target >= 0 ? this.timeoutMs[target]! : this.defaultTimeoutMs;
    let timer: unknown;
    let timedOut = false;
    const deadline =
      timeoutMs < Infinity
        ? new Promise<typeof TIMED_OUT>((resolve) => {
            timer = this.timers.setTimer(() => {
              timedOut = true;
              controller.abort(new TimeoutError(name, timeoutMs));
              resolve(TIMED_OUT);
            }, timeoutMs);
          })
        : null;
    try {
      const call = attempt({ target: name, model: name, signal: controller.signal, attempt: attemptNumber, hedge });
      // The client stops waiting at the deadline whether or not the attempt heeds the signal.
      const value = deadline === null ? await call : await Promise.race([call, deadline]);
      if (value === TIMED_OUT) return this.failed('timeout', 0, new TimeoutError(name, timeoutMs));
      return { ok: true, cancelled: false, value: value as T };
    } catch (error) {
      if (signal?.aborted) return { ok: false, cancelled: true, error: signal.reason };
      if (timedOut) return this.failed('timeout', 0, error);
      const { kind, retryAfterMs } = this.classifyError(error);
      return this.failed(kind, retryAfterMs, error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) this.timers.clearTimer(timer);
    }
  }

  private failed(kind: string, retryAfterMs: number, error: unknown) {
    return { ok: false as const, cancelled: false as const, kind, outcome: this.outcomeByKind.get(kind) ?? NO_OUTCOME, retryAfterMs, error };
  }

  private failure(visit: Extract<Visit<unknown>, { ok: false }>, target: string): HarnessError {
    const why = visit.kind === 'open' ? 'its circuit breaker is open' : `the last attempt failed with ${visit.kind}`;
    return new HarnessError('failed', `call to ${target} failed: ${why}`, { kind: visit.kind, target, cause: visit.error });
  }

  /** Runs a breaker method and reports a state change it made. */
  private watchBreaker<R>(breaker: CircuitBreaker, target: string, act: () => R): R {
    const before = breaker.state;
    const result = act();
    const after = breaker.state;
    if (after !== before) this.events.emit('breakerStateChange', { target, from: before, to: after });
    return result;
  }

  private breakerOf(target: number): CircuitBreaker | null {
    return target >= 0 ? (this.client.breakers?.[target] ?? null) : null;
  }

  private targetId(name: string): number {
    const model = this.models.indexOf(name);
    if (model >= 0) return model;
    const tool = this.tools.indexOf(name);
    return tool >= 0 ? this.models.length + tool : -1;
  }
}

const TIMED_OUT = Symbol('timed out');

/** The reason a client timeout aborts an attempt's signal with. */
export class TimeoutError extends Error {
  constructor(target: string, timeoutMs: number) {
    super(`call to ${target} timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** The models a `layers:` block names (classifier, tiers, fallback chain), in first-seen order. */
function modelsNamedBy(config: HarnessConfig): string[] {
  const routing = config.layers.routing;
  const names = [
    ...(routing?.tiers ? [routing.tiers.standard, routing.tiers.trivial, routing.tiers.complex] : []),
    ...(routing?.fallback ?? []),
    ...(routing?.classifier ? [routing.classifier.model] : []),
    ...Object.keys(routing?.qualityFallback?.failRate ?? {}),
  ];
  return names.length > 0 ? [...new Set(names)] : ['default'];
}
