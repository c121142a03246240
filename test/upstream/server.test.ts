import { describe, expect, it } from 'vitest';
import { CapacityServer, ServerAdmission, type ServerOptions } from '../../src/upstream/server.js';

function fakeClock() {
  return { t: 0, now() { return this.t; } };
}

const NO_QUOTA = { rpm: 0, itpm: 0, otpm: 0 };

function server(options: Partial<ServerOptions>, clock = fakeClock()): CapacityServer {
  return new CapacityServer(clock, { concurrency: 1, queue: 0, ...NO_QUOTA, ...options });
}

describe('CapacityServer slots and queue', () => {
  it('starts calls up to the concurrency, queues up to the queue size, and overflows beyond', () => {
    const s = server({ concurrency: 2, queue: 3 });
    const answers = [0, 1, 2, 3, 4, 5, 6].map((id) => s.admit(id, 100, 10));
    expect(answers).toEqual([
      ServerAdmission.Started,
      ServerAdmission.Started,
      ServerAdmission.Queued,
      ServerAdmission.Queued,
      ServerAdmission.Queued,
      ServerAdmission.Overflow,
      ServerAdmission.Overflow,
    ]);
    expect(s.inService).toBe(2);
    expect(s.queued).toBe(3);
    expect(s.overflows).toBe(2);
    expect(s.peakQueue).toBe(3);
    expect(s.overQuota).toBe(0);
  });

  it('overflows at once when every slot is busy and the queue size is 0', () => {
    const s = server({ concurrency: 1, queue: 0 });
    expect(s.admit(0, 1, 1)).toBe(ServerAdmission.Started);
    expect(s.admit(1, 1, 1)).toBe(ServerAdmission.Overflow);
    expect(s.queued).toBe(0);
  });

  it('hands a finished slot to the oldest waiter, keeping the slot busy', () => {
    const s = server({ concurrency: 2, queue: 3 });
    for (const id of [10, 11, 12, 13, 14]) s.admit(id, 1, 1);
    expect(s.finish()).toBe(12);
    expect(s.inService).toBe(2);
    expect(s.queued).toBe(2);
    // The freed queue place takes a new call behind the remaining waiters.
    expect(s.admit(15, 1, 1)).toBe(ServerAdmission.Queued);
    expect([s.finish(), s.finish(), s.finish()]).toEqual([13, 14, 15]);
    expect(s.inService).toBe(2);
  });

  it('frees the slot when nobody waits, so the next call starts at once', () => {
    const s = server({ concurrency: 2, queue: 3 });
    s.admit(0, 1, 1);
    s.admit(1, 1, 1);
    expect(s.finish()).toBe(-1);
    expect(s.inService).toBe(1);
    expect(s.finish()).toBe(-1);
    expect(s.inService).toBe(0);
    expect(s.admit(2, 1, 1)).toBe(ServerAdmission.Started);
  });

  it('keeps FIFO order across ring wrap-around and growth beyond the initial ring', () => {
    // Queue of 1000 > the 16-slot initial ring: it must grow while the head is mid-ring.
    const s = server({ concurrency: 1, queue: 1000 });
    s.admit(0, 1, 1);
    const served: number[] = [];
    let next = 1;
    // Fill 10, drain 5, repeatedly: the head walks round the ring while it grows.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 10; i++) expect(s.admit(next++, 1, 1)).toBe(ServerAdmission.Queued);
      for (let i = 0; i < 5; i++) served.push(s.finish());
    }
    while (s.queued > 0) served.push(s.finish());
    expect(served).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
    expect(s.peakQueue).toBe(205);
    expect(s.finish()).toBe(-1);
    expect(s.inService).toBe(0);
  });

  it('rejects a concurrency below 1 or fractional, and a negative or fractional queue', () => {
    const clock = fakeClock();
    expect(() => new CapacityServer(clock, { concurrency: 0, queue: 0, ...NO_QUOTA })).toThrow('concurrency must be an integer >= 1, got 0');
    expect(() => new CapacityServer(clock, { concurrency: 1.5, queue: 0, ...NO_QUOTA })).toThrow(RangeError);
    expect(() => new CapacityServer(clock, { concurrency: 1, queue: -1, ...NO_QUOTA })).toThrow('queue must be an integer >= 0, got -1');
    expect(() => new CapacityServer(clock, { concurrency: 1, queue: 2.5, ...NO_QUOTA })).toThrow(RangeError);
  });
});

describe('CapacityServer quotas', () => {
  it('answers OverQuota with the time until the rpm bucket refills one request', () => {
    const clock = fakeClock();
    // 60 rpm: a full bucket of 60, refilled at 1 per second.
    const s = server({ concurrency: 1000, rpm: 60 }, clock);
    for (let id = 0; id < 60; id++) expect(s.admit(id, 1, 1)).toBe(ServerAdmission.Started);
    expect(s.admit(60, 1, 1)).toBe(ServerAdmission.OverQuota);
    expect(s.retryAfterMs).toBe(1000);
    expect(s.overQuota).toBe(1);
    clock.t = 400;
    expect(s.admit(61, 1, 1)).toBe(ServerAdmission.OverQuota);
    expect(s.retryAfterMs).toBeCloseTo(600, 9);
    clock.t = 1000;
    expect(s.admit(62, 1, 1)).toBe(ServerAdmission.Started);
    expect(s.inService).toBe(61);
  });

  it('checks the quota before the slots: an over-quota call neither starts nor queues', () => {
    const s = server({ concurrency: 1, queue: 5, rpm: 2 });
    expect(s.admit(0, 1, 1)).toBe(ServerAdmission.Started);
    expect(s.admit(1, 1, 1)).toBe(ServerAdmission.Queued);
    expect(s.admit(2, 1, 1)).toBe(ServerAdmission.OverQuota);
    expect(s.queued).toBe(1);
    expect(s.overflows).toBe(0);
  });

  it('takes nothing from any bucket when one bucket refuses the call', () => {
    const clock = fakeClock();
    // rpm 2 (refill 1 per 30 s), itpm 1000 (refill 1000/60 per s).
    const s = server({ concurrency: 100, rpm: 2, itpm: 1000 }, clock);
    expect(s.admit(0, 600, 1)).toBe(ServerAdmission.Started); // rpm 1 left, itpm 400 left
    // 600 input tokens do not fit in 400: refused, waiting for 200 tokens = 12 s.
    expect(s.admit(1, 600, 1)).toBe(ServerAdmission.OverQuota);
    expect(s.retryAfterMs).toBeCloseTo(12_000, 6);
    // The refusal took no rpm: the last request of the minute still fits, with exactly 400 tokens.
    expect(s.admit(2, 400, 1)).toBe(ServerAdmission.Started);
    // Now rpm is empty; the retry-after is the slowest bucket's wait: rpm's 30 s, not itpm's.
    expect(s.admit(3, 0, 0)).toBe(ServerAdmission.OverQuota);
    expect(s.retryAfterMs).toBeCloseTo(30_000, 6);
    expect(s.overQuota).toBe(2);
  });

  it('meters output tokens with otpm', () => {
    const clock = fakeClock();
    const s = server({ concurrency: 100, otpm: 600 }, clock);
    expect(s.admit(0, 10_000, 500)).toBe(ServerAdmission.Started);
    expect(s.admit(1, 10_000, 200)).toBe(ServerAdmission.OverQuota);
    // 100 tokens short at 10 tokens per second.
    expect(s.retryAfterMs).toBeCloseTo(10_000, 6);
    clock.t = 10_000;
    expect(s.admit(2, 10_000, 200)).toBe(ServerAdmission.Started);
  });

  it('admits a call larger than a whole minute of token quota when the bucket is full, instead of refusing it forever', () => {
    const s = server({ concurrency: 100, itpm: 1000 });
    expect(s.admit(0, 5000, 1)).toBe(ServerAdmission.Started);
    expect(s.admit(1, 1, 1)).toBe(ServerAdmission.OverQuota);
    expect(Number.isFinite(s.retryAfterMs) && s.retryAfterMs > 0).toBe(true);
  });
});
