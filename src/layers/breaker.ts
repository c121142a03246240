import { TimeSlidingWindow } from './sliding-window.js';
import type { Clock } from './types.js';

/**
 * Defaults from the seed essay: a rolling 60 s window, open above a 25% failure rate,
 * 30 s cool-down, one probe in half-open. `minimumCalls` is Hystrix's requestVolumeThreshold,
 * so a handful of early failures cannot trip a breaker on their own.
 */
export const BREAKER_DEFAULTS = {
  windowMs: 60_000,
  minimumCalls: 20,
  failureRateThreshold: 0.25,
  cooldownMs: 30_000,
  halfOpenProbes: 1,
  slowCallMs: Infinity,
  slowCallRateThreshold: 1,
} as const;

/** The three breaker states, as reported by `CircuitBreaker.state` and `onStateChange`. */
export type BreakerStateName = 'closed' | 'open' | 'half-open';

/** Settings of a `CircuitBreaker`; pass a `Partial` and the rest come from `BREAKER_DEFAULTS`. */
export interface BreakerOptions {
  /** Length of the rolling window of outcomes that the failure rate is computed over. */
  windowMs: number;
  /** Calls the window must hold before the failure rate may trip the breaker (integer >= 1). */
  minimumCalls: number;
  /** The breaker opens when the window's failure rate is strictly above this, in (0, 1]; 1 never opens. */
  failureRateThreshold: number;
  /** Time the breaker stays open before letting probes through (>= 0). */
  cooldownMs: number;
  /** Probes allowed in flight at once in half-open, and successes needed to close (integer >= 1). */
  halfOpenProbes: number;
  /** A call that takes longer than this is slow (resilience4j's slowCallDurationThreshold); Infinity = none is. */
  slowCallMs: number;
  /** The breaker also opens when the window's slow-call rate is strictly above this, in (0, 1]; 1 never opens. */
  slowCallRateThreshold: number;
  /** Called on every transition, for timelines; never on the per-call path otherwise. */
  onStateChange?: (from: BreakerStateName, to: BreakerStateName, nowMs: number) => void;
}

/**
 * What `tryAcquire` grants: a plain number, so the hot path allocates nothing.
 * `Normal` is an ordinary call in closed state, `Probe` a trial call in half-open, `Denied` no call.
 */
export const Permit = { Denied: 0, Normal: 1, Probe: 2 } as const;
/** One of the values of `Permit`. */
export type Permit = (typeof Permit)[keyof typeof Permit];

/** Cockatiel-style state: each variant carries only the data that state needs. */
type BreakerState =
  | { readonly name: 'closed' }
  | { readonly name: 'open'; openedAtMs: number }
  | { readonly name: 'half-open'; probesInFlight: number; probeSuccesses: number };
type OpenState = Extract<BreakerState, { name: 'open' }>;
type HalfOpenState = Extract<BreakerState, { name: 'half-open' }>;

/**
 * A closed / open / half-open circuit breaker over injected time, asked before each call
 * (`tryAcquire`) and told how it ended (`onResult`).
 *
 * Counting lives in a `TimeSlidingWindow` (resilience4j's split between state machine and
 * metrics); the state is a discriminated union handled by exhaustive switches (cockatiel).
 * Decisions on results that arrive out of step with the state:
 * - `Normal` results arriving while open or half-open belong to calls started before the trip
 *   and are ignored: the breaker has already decided, and stale outcomes must not close it.
 * - In half-open only `Probe` results count. One failed probe re-opens at once and restarts the
 *   cool-down; this counts in `reopens`, not `trips`, so `trips` measures closed->open only.
 * - Once `halfOpenProbes` probes have succeeded the breaker closes with an empty window, so
 *   the failures that tripped it cannot trip it again. `Probe` results arriving after that, or
 *   while open, are ignored. A permit carries no generation, so a probe from an earlier
 *   half-open period that answers in a later one is counted there; with call timeouts shorter
 *   than the cool-down this cannot happen.
 * - The open -> half-open move happens lazily, on the first `tryAcquire` after the cool-down
 *   (as resilience4j does by default), so `state` reads 'open' until someone asks.
 */
export class CircuitBreaker {
  private readonly minimumCalls: number;
  private readonly failureRateThreshold: number;
  private readonly cooldownMs: number;
  private readonly halfOpenProbes: number;
  /** Calls longer than this are slow; Infinity when the slow-call rule is off. */
  readonly slowCallMs: number;
  private readonly slowCallRateThreshold: number;
  private readonly onStateChange: BreakerOptions['onStateChange'];
  private readonly window: TimeSlidingWindow;

  // One object per state, reused on every transition, so even a flapping breaker allocates nothing.
  private readonly closedState: BreakerState = { name: 'closed' };
  private readonly openState: OpenState = { name: 'open', openedAtMs: 0 };
  private readonly halfOpenState: HalfOpenState = { name: 'half-open', probesInFlight: 0, probeSuccesses: 0 };
  private current: BreakerState = this.closedState;

  private tripCount = 0;
  private reopenCount = 0;
  /** Time spent open or half-open in finished periods; the running period is added on read. */
  private finishedNotClosedMs = 0;
  /** When the current open-or-half-open period began (meaningful only while not closed). */
  private notClosedSinceMs = 0;

  /**
   * @param clock source of the current time in milliseconds
   * @param options overrides of `BREAKER_DEFAULTS`; an out-of-range value throws a `RangeError`
   */
  constructor(
    private readonly clock: Clock,
    options: Partial<BreakerOptions> = {},
  ) {
    // Field by field with ??, so an explicit `undefined` means "default" rather than failing.
    const resolved: BreakerOptions = {
      windowMs: options.windowMs ?? BREAKER_DEFAULTS.windowMs,
      minimumCalls: options.minimumCalls ?? BREAKER_DEFAULTS.minimumCalls,
      failureRateThreshold: options.failureRateThreshold ?? BREAKER_DEFAULTS.failureRateThreshold,
      cooldownMs: options.cooldownMs ?? BREAKER_DEFAULTS.cooldownMs,
      halfOpenProbes: options.halfOpenProbes ?? BREAKER_DEFAULTS.halfOpenProbes,
      slowCallMs: options.slowCallMs ?? BREAKER_DEFAULTS.slowCallMs,
      slowCallRateThreshold: options.slowCallRateThreshold ?? BREAKER_DEFAULTS.slowCallRateThreshold,
    };
    validate(resolved);
    this.minimumCalls = resolved.minimumCalls;
    this.failureRateThreshold = resolved.failureRateThreshold;
    this.cooldownMs = resolved.cooldownMs;
    this.halfOpenProbes = resolved.halfOpenProbes;
    this.slowCallMs = resolved.slowCallMs;
    this.slowCallRateThreshold = resolved.slowCallRateThreshold;
    this.onStateChange = options.onStateChange;
    this.window = new TimeSlidingWindow(clock, resolved.windowMs);
  }

  /** Current state; open turns half-open only when `tryAcquire` is called after the cool-down. */
  get state(): BreakerStateName {
    return this.current.name;
  }

  /** Number of closed -> open transitions so far. */
  get trips(): number {
    return this.tripCount;
  }

  /** Number of half-open -> open transitions (failed probes) so far. */
  get reopens(): number {
    return this.reopenCount;
  }

  /** Total milliseconds spent open or half-open up to now, including the current period. */
  openMs(): number {
    if (this.current.name === 'closed') return this.finishedNotClosedMs;
    return this.finishedNotClosedMs + (this.clock.now() - this.notClosedSinceMs);
  }

  /** Asks whether a call may go ahead now, and as what; hand the permit back to `onResult`. */
  tryAcquire(): Permit {
    const state = this.current;
    switch (state.name) {
      case 'closed':
        return Permit.Normal;
      case 'open': {
        const nowMs = this.clock.now();
        if (nowMs - state.openedAtMs < this.cooldownMs) return Permit.Denied;
        this.toHalfOpen(nowMs);
        this.halfOpenState.probesInFlight = 1;
        return Permit.Probe;
      }
      case 'half-open':
        if (state.probesInFlight >= this.halfOpenProbes) return Permit.Denied;
        state.probesInFlight++;
        return Permit.Probe;
      default:
        return assertNever(state);
    }
  }

  /**
   * Reports how a call made under `permit` ended; results out of step with the state are
   * ignored. `durationMs` is how long the call took, for the slow-call rule (a slow probe
   * counts as a failed one: the upstream is not healthy yet).
   */
  onResult(permit: Permit, success: boolean, durationMs = 0): void {
    const state = this.current;
    const slow = durationMs > this.slowCallMs;
    switch (state.name) {
      case 'closed':
        // Late probe results (the breaker already closed) and Denied are not calls of this period.
        if (permit !== Permit.Normal) return;
        this.window.record(success, slow);
        // Checked after successes too: the success that brings calls up to minimumCalls can
        // reveal a rate that is already above the threshold.
        if (
          this.window.calls >= this.minimumCalls &&
          (this.window.failureRate > this.failureRateThreshold || (this.slowCallMs < Infinity && this.window.slowCallRate > this.slowCallRateThreshold))
        ) {
          this.tripCount++;
          this.toOpen(this.clock.now());
        }
        return;
      case 'open':
        return;
      case 'half-open':
        if (permit === Permit.Probe) this.onProbeResult(state, success && !slow);
        return;
      default:
        assertNever(state);
    }
  }

  /** A probe's result while half-open (kept out of `onResult`, whose closed case runs for nearly every call). */
  private onProbeResult(state: HalfOpenState, healthy: boolean): void {
    if (!healthy) {
      this.reopenCount++;
      this.toOpen(this.clock.now());
      return;
    }
    if (state.probesInFlight > 0) state.probesInFlight--;
    state.probeSuccesses++;
    if (state.probeSuccesses >= this.halfOpenProbes) this.toClosed(this.clock.now());
  }

  private toOpen(nowMs: number): void {
    const from = this.current.name;
    if (from === 'closed') this.notClosedSinceMs = nowMs;
    this.openState.openedAtMs = nowMs;
    this.current = this.openState;
    this.onStateChange?.(from, 'open', nowMs);
  }

  private toHalfOpen(nowMs: number): void {
    this.halfOpenState.probesInFlight = 0;
    this.halfOpenState.probeSuccesses = 0;
    this.current = this.halfOpenState;
    this.onStateChange?.('open', 'half-open', nowMs);
  }

  private toClosed(nowMs: number): void {
    this.finishedNotClosedMs += nowMs - this.notClosedSinceMs;
    this.window.reset();
    this.current = this.closedState;
    this.onStateChange?.('half-open', 'closed', nowMs);
  }
}

/** Throws a RangeError naming the first out-of-range option and its value. */
function validate(o: BreakerOptions): void {
  if (!(Number.isFinite(o.windowMs) && o.windowMs > 0)) {
    throw new RangeError(`windowMs must be a finite number > 0, got ${o.windowMs}`);
  }
  if (!(Number.isInteger(o.minimumCalls) && o.minimumCalls >= 1)) {
    throw new RangeError(`minimumCalls must be an integer >= 1, got ${o.minimumCalls}`);
  }
  if (!(o.failureRateThreshold > 0 && o.failureRateThreshold <= 1)) {
    throw new RangeError(`failureRateThreshold must be in (0, 1], got ${o.failureRateThreshold}`);
  }
  if (!(Number.isFinite(o.cooldownMs) && o.cooldownMs >= 0)) {
    throw new RangeError(`cooldownMs must be a finite number >= 0, got ${o.cooldownMs}`);
  }
  if (!(Number.isInteger(o.halfOpenProbes) && o.halfOpenProbes >= 1)) {
    throw new RangeError(`halfOpenProbes must be an integer >= 1, got ${o.halfOpenProbes}`);
  }
  if (!(o.slowCallMs > 0)) {
    throw new RangeError(`slowCallMs must be a number > 0 (Infinity for none), got ${o.slowCallMs}`);
  }
  if (!(o.slowCallRateThreshold > 0 && o.slowCallRateThreshold <= 1)) {
    throw new RangeError(`slowCallRateThreshold must be in (0, 1], got ${o.slowCallRateThreshold}`);
  }
}

function assertNever(state: never): never {
  throw new Error(`unhandled breaker state ${JSON.stringify(state)}`);
}
