import { describe, expect, it } from 'vitest';
import {
  KEYED_RATE_LIMITER_DEFAULTS,
  KeyedRateLimiter,
} from '../../src/layers/keyed-rate-limiter.js';

function fakeClock(t = 0) {
  return { t, now() { return this.t; } };
}

/**
 * Runs 60 s of deterministic traffic: `quiet` offers one request every 500 ms and, if
 * `noisyEveryMs` is set, `noisy` offers one every `noisyEveryMs`. Returns the quiet key's admissions.
 */
function quietAdmissions(noisyEveryMs: number | null): number {
  const clock = fakeClock();
  const limiter = new KeyedRateLimiter(clock, {
    limits: { noisy: { ratePerSec: 1, burst: 5 }, quiet: { ratePerSec: 1, burst: 5 } },
    unlisted: 'deny',
  });
  const noisy = limiter.keyId('noisy');
  const quiet = limiter.keyId('quiet');
  let admitted = 0;
  for (clock.t = 0; clock.t < 60_000; clock.t += 10) {
    if (noisyEveryMs !== null && clock.t % noisyEveryMs === 0) limiter.tryTake(noisy);
    if (clock.t % 500 === 0 && limiter.tryTake(quiet)) admitted++;
  }
  return admitted;
}

describe('KeyedRateLimiter', () => {
  it('keeps a noisy key exhausting its bucket from reducing another key’s admissions', () => {
    const alone = quietAdmissions(null);
    // quiet offers 2/s against 1/s: by its last arrival at 59.5 s it has had 5 + 59.5 tokens,
    // so 64 whole requests.
    expect(alone).toBe(64);
    expect(quietAdmissions(10)).toBe(64);
  });

  it('lets a noisy key take only its own bucket', () => {
    const clock = fakeClock();
    const limiter = new KeyedRateLimiter(clock, {
      limits: { noisy: { ratePerSec: 1, burst: 3 }, quiet: { ratePerSec: 1, burst: 3 } },
    });
    const noisy = limiter.keyId('noisy');
    const quiet = limiter.keyId('quiet');
    let noisyAdmitted = 0;
    for (let i = 0; i < 100; i++) if (limiter.tryTake(noisy)) noisyAdmitted++;
    expect(noisyAdmitted).toBe(3);
    expect(limiter.tryTake(quiet, 3)).toBe(true);
    expect(limiter.tryTake(quiet)).toBe(false);
  });

  it('splits a per-minute quota in proportion to the shares', () => {
    const limits = KeyedRateLimiter.splitQuota(1_000, { chat: 0.5, batch: 0.3, cron: 0.2 });
    expect(Object.keys(limits)).toEqual(['chat', 'batch', 'cron']);
    expect(limits.chat!.burst).toBeCloseTo(500, 9);
    expect(limits.batch!.burst).toBeCloseTo(300, 9);
    expect(limits.cron!.burst).toBeCloseTo(200, 9);
    expect(limits.chat!.ratePerSec).toBeCloseTo(500 / 60, 9);
    expect(limits.batch!.ratePerSec).toBeCloseTo(300 / 60, 9);
    expect(limits.cron!.ratePerSec).toBeCloseTo(200 / 60, 9);
  });

  it('admits each key its share of the quota under saturating load', () => {
    const clock = fakeClock();
    const limiter = new KeyedRateLimiter(clock, {
      limits: KeyedRateLimiter.splitQuota(600, { chat: 0.5, batch: 0.3, cron: 0.2 }),
    });
    const ids = [limiter.keyId('chat'), limiter.keyId('batch'), limiter.keyId('cron')];
    const admitted = [0, 0, 0];
    // Every key offers 100/s for 10 min, far above its share of 10/s.
    for (clock.t = 0; clock.t < 600_000; clock.t += 10) {
      for (let k = 0; k < 3; k++) if (limiter.tryTake(ids[k]!)) admitted[k]!++;
    }
    // Each key: its burst (one minute of its share) plus 10 minutes of refill, within one.
    expect(Math.abs(admitted[0]! - 300 * 11)).toBeLessThanOrEqual(1);
    expect(Math.abs(admitted[1]! - 180 * 11)).toBeLessThanOrEqual(1);
    expect(Math.abs(admitted[2]! - 120 * 11)).toBeLessThanOrEqual(1);
  });

  it('accepts shares that sum to 1 within 1e-9 and rejects others with a RangeError', () => {
    expect(() => KeyedRateLimiter.splitQuota(100, { a: 0.1, b: 0.2, c: 0.7 })).not.toThrow();
    expect(() => KeyedRateLimiter.splitQuota(100, { a: 0.5, b: 0.5 + 5e-10 })).not.toThrow();
    expect(() => KeyedRateLimiter.splitQuota(100, { a: 0.5, b: 0.4 })).toThrow(
      new RangeError('shares must sum to 1 within 1e-9, got 0.9'),
    );
    expect(() => KeyedRateLimiter.splitQuota(100, { a: 0.5, b: 0.5 + 1e-8 })).toThrow(RangeError);
    expect(() => KeyedRateLimiter.splitQuota(100, {})).toThrow(/got 0/);
    expect(() => KeyedRateLimiter.splitQuota(100, { a: 1.2, b: -0.2 })).toThrow(
      new RangeError('shares.a must be in (0, 1], got 1.2'),
    );
    expect(() => KeyedRateLimiter.splitQuota(0, { a: 1 })).toThrow(/totalPerMinute .* got 0/);
  });

  it('rejects unlisted keys under unlisted: deny, the default', () => {
    expect(KEYED_RATE_LIMITER_DEFAULTS.unlisted).toBe('deny');
    const limiter = new KeyedRateLimiter(fakeClock(), { limits: { a: { ratePerSec: 1, burst: 1 } } });
    const stranger = limiter.keyId('stranger');
    expect(limiter.isListed(stranger)).toBe(false);
    expect(limiter.tryTake(stranger)).toBe(false);
    expect(limiter.waitMs(stranger)).toBe(Infinity);
  });

  it('admits unlisted keys without limit under unlisted: allow', () => {
    const limiter = new KeyedRateLimiter(fakeClock(), { limits: {}, unlisted: 'allow' });
    const stranger = limiter.keyId('stranger');
    let admitted = 0;
    for (let i = 0; i < 10_000; i++) if (limiter.tryTake(stranger, 1_000)) admitted++;
    expect(admitted).toBe(10_000);
    expect(limiter.waitMs(stranger, 1e9)).toBe(0);
  });

  it('puts all unlisted keys in one shared bucket under unlisted: share, apart from listed keys', () => {
    const clock = fakeClock();
    const limiter = new KeyedRateLimiter(clock, {
      limits: { vip: { ratePerSec: 1, burst: 2 } },
      unlisted: 'share',
      sharedLimit: { ratePerSec: 1, burst: 3 },
    });
    const vip = limiter.keyId('vip');
    const x = limiter.keyId('x');
    const y = limiter.keyId('y');
    expect(x).not.toBe(y);
    expect(limiter.tryTake(x, 2)).toBe(true);
    expect(limiter.tryTake(y)).toBe(true);
    expect(limiter.tryTake(x)).toBe(false);
    expect(limiter.tryTake(y)).toBe(false);
    expect(limiter.waitMs(y)).toBe(1_000);
    expect(limiter.tryTake(vip, 2)).toBe(true);
    clock.t = 1_000;
    expect(limiter.tryTake(y)).toBe(true);
    expect(limiter.tryTake(x)).toBe(false);
  });

  it('requires sharedLimit when unlisted is share', () => {
    expect(() => new KeyedRateLimiter(fakeClock(), { unlisted: 'share' })).toThrow(
      new RangeError("sharedLimit is required when unlisted is 'share', got undefined"),
    );
  });

  it('resolves each name to one stable small id, listed keys first', () => {
    const limiter = new KeyedRateLimiter(fakeClock(), {
      limits: { a: { ratePerSec: 1, burst: 1 }, b: { ratePerSec: 1, burst: 1 } },
    });
    expect(limiter.keyId('a')).toBe(0);
    expect(limiter.keyId('b')).toBe(1);
    expect(limiter.keyId('c')).toBe(2);
    expect(limiter.keyId('a')).toBe(0);
    expect(limiter.keyId('c')).toBe(2);
    expect(limiter.keyName(2)).toBe('c');
    expect(limiter.isListed(1)).toBe(true);
  });

  it('throws a RangeError for an id that keyId never returned', () => {
    const limiter = new KeyedRateLimiter(fakeClock(), { unlisted: 'allow' });
    limiter.keyId('a');
    expect(() => limiter.tryTake(1)).toThrow(
      new RangeError('keyId must be an id returned by keyId(), got 1'),
    );
    expect(() => limiter.tryTake(-1)).toThrow(RangeError);
    expect(() => limiter.waitMs(0.5)).toThrow(RangeError);
  });

  it('names the key and option in a RangeError for a bad limit', () => {
    expect(
      () => new KeyedRateLimiter(fakeClock(), { limits: { tenantA: { ratePerSec: 1, burst: 0 } } }),
    ).toThrow(new RangeError('limits.tenantA.burst must be a finite number > 0, got 0'));
    expect(
      () =>
        new KeyedRateLimiter(fakeClock(), {
          unlisted: 'share',
          sharedLimit: { ratePerSec: -1, burst: 1 },
        }),
    ).toThrow(new RangeError('sharedLimit.ratePerSec must be a finite number > 0, got -1'));
    expect(
      () => new KeyedRateLimiter(fakeClock(), { unlisted: 'maybe' as 'deny' }),
    ).toThrow(new RangeError("unlisted must be 'deny', 'share' or 'allow', got maybe"));
  });
});
