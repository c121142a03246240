import { describe, expect, it } from 'vitest';
import {
  BREAKER_DEFAULTS,
  type BreakerOptions,
  type BreakerStateName,
  CircuitBreaker,
  Permit,
} from '../../src/layers/breaker.js';

function fakeClock(t = 0) {
  return { t, now() { return this.t; } };
}

/** Runs `count` calls through the breaker at the current time, each with the given outcome. */
function calls(breaker: CircuitBreaker, count: number, success: boolean): void {
  for (let i = 0; i < count; i++) {
    const permit = breaker.tryAcquire();
    expect(permit).toBe(Permit.Normal);
    breaker.onResult(permit, success);
  }
}

/** A breaker with the defaults, tripped at `clock.t` by 20 straight failures. */
function trippedBreaker(clock: { t: number; now(): number }, options: Partial<BreakerOptions> = {}) {
  const breaker = new CircuitBreaker(clock, options);
  calls(breaker, options.minimumCalls ?? BREAKER_DEFAULTS.minimumCalls, false);
  expect(breaker.state).toBe('open');
  return breaker;
}

describe('CircuitBreaker', () => {
  it('uses the seed essay defaults', () => {
    expect(BREAKER_DEFAULTS).toEqual({
      windowMs: 60_000,
      minimumCalls: 20,
      failureRateThreshold: 0.25,
      cooldownMs: 30_000,
      halfOpenProbes: 1,
      slowCallMs: Infinity,
      slowCallRateThreshold: 1,
    });
  });

  it('starts closed and grants normal permits', () => {
    const breaker = new CircuitBreaker(fakeClock());
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(Permit.Normal);
    expect(breaker.trips).toBe(0);
    expect(breaker.openMs()).toBe(0);
  });

  it('stays closed below minimumCalls even at 100% failures', () => {
    const breaker = new CircuitBreaker(fakeClock());
    calls(breaker, 19, false);
    expect(breaker.state).toBe('closed');
    expect(breaker.trips).toBe(0);
    expect(breaker.tryAcquire()).toBe(Permit.Normal);
  });

  it('opens on the call that reaches minimumCalls when the rate is already above the threshold', () => {
    const breaker = new CircuitBreaker(fakeClock());
    calls(breaker, 19, false);
    calls(breaker, 1, true); // 19 / 20 failed
    expect(breaker.state).toBe('open');
    expect(breaker.trips).toBe(1);
  });

  it('does not open when the failure rate is exactly at the threshold', () => {
    const breaker = new CircuitBreaker(fakeClock());
    calls(breaker, 15, true);
    calls(breaker, 5, false); // 5 / 20 = 0.25
    expect(breaker.state).toBe('closed');
    expect(breaker.trips).toBe(0);
  });

  it('opens once the failure rate in the window passes the threshold', () => {
    const breaker = new CircuitBreaker(fakeClock());
    calls(breaker, 15, true);
    calls(breaker, 5, false);
    expect(breaker.state).toBe('closed');
    calls(breaker, 1, false); // 6 / 21 > 0.25
    expect(breaker.state).toBe('open');
    expect(breaker.trips).toBe(1);
    expect(breaker.reopens).toBe(0);
  });

  it('never opens with a failureRateThreshold of 1', () => {
    const breaker = new CircuitBreaker(fakeClock(), { failureRateThreshold: 1 });
    calls(breaker, 100, false);
    expect(breaker.state).toBe('closed');
  });

  it('denies every call while open, until the cool-down has elapsed', () => {
    const clock = fakeClock(1_000);
    const breaker = trippedBreaker(clock);
    for (const t of [1_000, 15_000, 30_999]) {
      clock.t = t;
      expect(breaker.tryAcquire()).toBe(Permit.Denied);
      expect(breaker.state).toBe('open');
    }
  });

  it('lets exactly halfOpenProbes probes through after the cool-down', () => {
    const clock = fakeClock(1_000);
    const breaker = trippedBreaker(clock, { halfOpenProbes: 3 });
    clock.t = 31_000;
    expect(breaker.tryAcquire()).toBe(Permit.Probe);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(Permit.Probe);
    expect(breaker.tryAcquire()).toBe(Permit.Probe);
    expect(breaker.tryAcquire()).toBe(Permit.Denied);
    clock.t = 200_000; // waiting does not release more probes while three are in flight
    expect(breaker.tryAcquire()).toBe(Permit.Denied);
  });

  it('closes when a probe succeeds, with an empty window', () => {
    const clock = fakeClock(1_000);
    const breaker = trippedBreaker(clock);
    clock.t = 31_000;
    const probe = breaker.tryAcquire();
    expect(probe).toBe(Permit.Probe);
    expect(breaker.tryAcquire()).toBe(Permit.Denied);
    breaker.onResult(probe, true);
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(Permit.Normal);
    // The 20 failures from t=1000 are still inside the 60 s window; had the window not been reset,
    // one more failure would trip it again.
    calls(breaker, 19, false);
    expect(breaker.state).toBe('closed');
    expect(breaker.trips).toBe(1);
  });

  it('closes only after all halfOpenProbes probes have succeeded, releasing a slot per success', () => {
    const clock = fakeClock();
    const breaker = trippedBreaker(clock, { halfOpenProbes: 2 });
    clock.t = 30_000;
    const first = breaker.tryAcquire();
    const second = breaker.tryAcquire();
    expect([first, second]).toEqual([Permit.Probe, Permit.Probe]);
    breaker.onResult(first, true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(Permit.Probe); // one in flight now, so another may go
    expect(breaker.tryAcquire()).toBe(Permit.Denied);
    breaker.onResult(second, true);
    expect(breaker.state).toBe('closed');
  });

  it('re-opens on a failed probe and restarts the cool-down', () => {
    const clock = fakeClock(1_000);
    const breaker = trippedBreaker(clock);
    clock.t = 31_000;
    const probe = breaker.tryAcquire();
    clock.t = 32_000;
    breaker.onResult(probe, false);
    expect(breaker.state).toBe('open');
    expect(breaker.reopens).toBe(1);
    expect(breaker.trips).toBe(1);
    clock.t = 61_999; // 30 s after the re-open at 32_000, not after the trip at 1_000
    expect(breaker.tryAcquire()).toBe(Permit.Denied);
    clock.t = 62_000;
    expect(breaker.tryAcquire()).toBe(Permit.Probe);
  });

  it('re-opens on one failed probe even when other probes succeed', () => {
    const clock = fakeClock();
    const breaker = trippedBreaker(clock, { halfOpenProbes: 3 });
    clock.t = 30_000;
    const probes = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
    breaker.onResult(probes[0], true);
    breaker.onResult(probes[1], false);
    expect(breaker.state).toBe('open');
    breaker.onResult(probes[2], true); // late probe from the failed round: ignored
    expect(breaker.state).toBe('open');
    expect(breaker.reopens).toBe(1);
  });

  it('ignores late results of calls started before the trip', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock);
    const lateNormals = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
    calls(breaker, 20, false);
    expect(breaker.state).toBe('open');

    breaker.onResult(lateNormals[0], true); // while open
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(Permit.Denied);

    clock.t = 30_000;
    expect(breaker.tryAcquire()).toBe(Permit.Probe);
    breaker.onResult(lateNormals[1], true); // while half-open: not a probe, cannot close it
    expect(breaker.state).toBe('half-open');
    breaker.onResult(lateNormals[2], false); // nor re-open it
    expect(breaker.state).toBe('half-open');
    expect(breaker.reopens).toBe(0);
    expect(breaker.tryAcquire()).toBe(Permit.Denied); // the probe is still in flight
  });

  it('ignores probe results that arrive after the breaker has closed', () => {
    const clock = fakeClock();
    // minimumCalls 1: any failure recorded in the closed window would trip it at once.
    const breaker = trippedBreaker(clock, { minimumCalls: 1, halfOpenProbes: 2 });
    clock.t = 30_000;
    const first = breaker.tryAcquire();
    const second = breaker.tryAcquire();
    breaker.onResult(first, true);
    const third = breaker.tryAcquire();
    breaker.onResult(second, true);
    expect(breaker.state).toBe('closed');
    expect(third).toBe(Permit.Probe);
    breaker.onResult(third, false);
    expect(breaker.state).toBe('closed');
    expect(breaker.trips).toBe(1);
  });

  it('ignores denied permits handed back to onResult', () => {
    const breaker = new CircuitBreaker(fakeClock(), { minimumCalls: 1 });
    breaker.onResult(Permit.Denied, false);
    expect(breaker.state).toBe('closed');
  });

  it('does not trip on failures older than windowMs', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock, { windowMs: 10_000 });
    calls(breaker, 10, false);
    clock.t = 10_000; // the first 10 failures have aged out
    calls(breaker, 10, false);
    expect(breaker.state).toBe('closed');
    expect(breaker.trips).toBe(0);
  });

  it('trips on the same failures when they fall inside windowMs', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock, { windowMs: 10_000 });
    calls(breaker, 10, false);
    clock.t = 9_000;
    calls(breaker, 10, false);
    expect(breaker.state).toBe('open');
  });

  it('accounts the time spent open or half-open, including the current period', () => {
    const clock = fakeClock(1_000);
    const breaker = trippedBreaker(clock);
    clock.t = 5_000;
    expect(breaker.openMs()).toBe(4_000);
    clock.t = 31_000;
    const probe = breaker.tryAcquire(); // half-open still counts as not closed
    clock.t = 31_500;
    expect(breaker.openMs()).toBe(30_500);
    breaker.onResult(probe, true);
    clock.t = 100_000;
    expect(breaker.openMs()).toBe(30_500);

    calls(breaker, 20, false); // second trip at 100_000
    clock.t = 130_000;
    const failedProbe = breaker.tryAcquire();
    clock.t = 130_200;
    breaker.onResult(failedProbe, false); // re-open continues the same not-closed period
    clock.t = 140_000;
    expect(breaker.openMs()).toBe(30_500 + 40_000);
    expect(breaker.trips).toBe(2);
    expect(breaker.reopens).toBe(1);
  });

  it('reports every transition to onStateChange with its time', () => {
    const clock = fakeClock();
    const log: [BreakerStateName, BreakerStateName, number][] = [];
    const breaker = trippedBreaker(clock, {
      onStateChange: (from, to, nowMs) => log.push([from, to, nowMs]),
    });
    clock.t = 30_000;
    breaker.onResult(breaker.tryAcquire(), false);
    clock.t = 60_000;
    breaker.onResult(breaker.tryAcquire(), true);
    expect(log).toEqual([
      ['closed', 'open', 0],
      ['open', 'half-open', 30_000],
      ['half-open', 'open', 30_000],
      ['open', 'half-open', 60_000],
      ['half-open', 'closed', 60_000],
    ]);
  });

  it('probes on the next call when cooldownMs is 0', () => {
    const clock = fakeClock();
    const breaker = trippedBreaker(clock, { cooldownMs: 0 });
    expect(breaker.tryAcquire()).toBe(Permit.Probe);
  });

  it('takes an explicit undefined option as the default', () => {
    const breaker = new CircuitBreaker(fakeClock(), { minimumCalls: undefined });
    calls(breaker, 19, false);
    expect(breaker.state).toBe('closed');
    calls(breaker, 1, false);
    expect(breaker.state).toBe('open');
  });

  it.each<[Partial<BreakerOptions>, string]>([
    [{ windowMs: 0 }, 'windowMs must be a finite number > 0, got 0'],
    [{ windowMs: Number.NaN }, 'windowMs must be a finite number > 0, got NaN'],
    [{ minimumCalls: 0 }, 'minimumCalls must be an integer >= 1, got 0'],
    [{ minimumCalls: 2.5 }, 'minimumCalls must be an integer >= 1, got 2.5'],
    [{ failureRateThreshold: 25 }, 'failureRateThreshold must be in (0, 1], got 25'],
    [{ failureRateThreshold: 0 }, 'failureRateThreshold must be in (0, 1], got 0'],
    [{ failureRateThreshold: Number.NaN }, 'failureRateThreshold must be in (0, 1], got NaN'],
    [{ cooldownMs: -1 }, 'cooldownMs must be a finite number >= 0, got -1'],
    [{ cooldownMs: Number.POSITIVE_INFINITY }, 'cooldownMs must be a finite number >= 0, got Infinity'],
    [{ halfOpenProbes: 0 }, 'halfOpenProbes must be an integer >= 1, got 0'],
    [{ halfOpenProbes: 1.5 }, 'halfOpenProbes must be an integer >= 1, got 1.5'],
  ])('throws a RangeError for %o', (options, message) => {
    expect(() => new CircuitBreaker(fakeClock(), options)).toThrow(RangeError);
    expect(() => new CircuitBreaker(fakeClock(), options)).toThrow(message);
  });

  describe('slow-call rule (resilience4j slowCallRateThreshold)', () => {
    const slowOptions = { minimumCalls: 10, slowCallMs: 10_000, slowCallRateThreshold: 0.5 };

    it('opens when more than the threshold of the window took longer than slowCallMs, though every call succeeded', () => {
      const clock = fakeClock();
      const breaker = new CircuitBreaker(clock, slowOptions);
      // 5 of 10 slow is exactly 50%: not above the threshold.
      for (let i = 0; i < 10; i++) breaker.onResult(breaker.tryAcquire(), true, i < 5 ? 12_000 : 800);
      expect(breaker.state).toBe('closed');
      breaker.onResult(breaker.tryAcquire(), true, 10_001);
      expect(breaker.state).toBe('open');
      expect(breaker.trips).toBe(1);
    });

    it('never counts a call as slow when the rule is off, however long it took', () => {
      const breaker = new CircuitBreaker(fakeClock(), { minimumCalls: 10 });
      for (let i = 0; i < 50; i++) breaker.onResult(breaker.tryAcquire(), true, 1e9);
      expect(breaker.state).toBe('closed');
    });

    it('takes a call of exactly slowCallMs as not slow', () => {
      const breaker = new CircuitBreaker(fakeClock(), slowOptions);
      for (let i = 0; i < 20; i++) breaker.onResult(breaker.tryAcquire(), true, 10_000);
      expect(breaker.state).toBe('closed');
    });

    it('re-opens on a slow probe, and closes on a fast one', () => {
      const clock = fakeClock();
      const breaker = new CircuitBreaker(clock, { ...slowOptions, cooldownMs: 1000 });
      for (let i = 0; i < 10; i++) breaker.onResult(breaker.tryAcquire(), true, 20_000);
      expect(breaker.state).toBe('open');
      clock.t = 1000;
      const probe = breaker.tryAcquire();
      expect(probe).toBe(Permit.Probe);
      breaker.onResult(probe, true, 20_000);
      expect(breaker.state).toBe('open');
      expect(breaker.reopens).toBe(1);
      clock.t = 2000;
      const second = breaker.tryAcquire();
      breaker.onResult(second, true, 500);
      expect(breaker.state).toBe('closed');
    });

    it('forgets slow calls that leave the window', () => {
      const clock = fakeClock();
      const breaker = new CircuitBreaker(clock, { ...slowOptions, windowMs: 60_000 });
      for (let i = 0; i < 9; i++) breaker.onResult(breaker.tryAcquire(), true, 20_000);
      clock.t = 61_000;
      // The 9 slow calls are gone: 10 fast calls make a window with no slow call.
      for (let i = 0; i < 10; i++) breaker.onResult(breaker.tryAcquire(), true, 100);
      expect(breaker.state).toBe('closed');
    });

    it('refuses a slow-call threshold outside (0, 1] and a non-positive duration', () => {
      expect(() => new CircuitBreaker(fakeClock(), { slowCallRateThreshold: 0 })).toThrow(/slowCallRateThreshold/);
      expect(() => new CircuitBreaker(fakeClock(), { slowCallMs: 0 })).toThrow(/slowCallMs/);
    });
  });
});
