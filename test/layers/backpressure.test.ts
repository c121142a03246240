import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Admission,
  Backpressure,
  BACKPRESSURE_DEFAULTS,
} from '../../src/layers/backpressure.js';

function fakeClock(t = 0) {
  return { t, now() { return this.t; } };
}

/** A gate with every slot taken by ids 0..maxInFlight-1. */
function saturated(options: { maxInFlight: number; maxDepth: number; maxWaitMs: number }) {
  const clock = fakeClock();
  const gate = new Backpressure(clock, options);
  for (let id = 0; id < options.maxInFlight; id++) {
    expect(gate.tryEnter(id)).toBe(Admission.Admitted);
  }
  return { clock, gate };
}

describe('Backpressure', () => {
  it('uses the documented defaults when given no options', () => {
    const gate = new Backpressure(fakeClock());
    expect(BACKPRESSURE_DEFAULTS).toEqual({ maxInFlight: 64, maxDepth: 128, maxWaitMs: 2000 });
    expect(gate.maxInFlight).toBe(64);
    expect(gate.maxDepth).toBe(128);
    expect(gate.maxWaitMs).toBe(2000);
  });

  it('admits up to maxInFlight, queues up to maxDepth, then rejects at once', () => {
    const { gate } = saturated({ maxInFlight: 2, maxDepth: 3, maxWaitMs: 1_000 });
    expect(gate.tryEnter(10)).toBe(Admission.Queued);
    expect(gate.tryEnter(11)).toBe(Admission.Queued);
    expect(gate.tryEnter(12)).toBe(Admission.Queued);
    expect(gate.tryEnter(13)).toBe(Admission.Rejected);
    expect(gate.tryEnter(14)).toBe(Admission.Rejected);
    expect(gate.inFlight).toBe(2);
    expect(gate.waiting).toBe(3);
    expect(gate.admitted).toBe(2);
    expect(gate.queued).toBe(3);
    expect(gate.rejectedFull).toBe(2);
  });

  it('rejects everything beyond maxInFlight when maxDepth is 0', () => {
    const { gate } = saturated({ maxInFlight: 1, maxDepth: 0, maxWaitMs: 1_000 });
    expect(gate.tryEnter(5)).toBe(Admission.Rejected);
    expect(gate.waiting).toBe(0);
  });

  it('hands a released slot to the oldest waiter, keeping inFlight unchanged, in FIFO order', () => {
    const { gate } = saturated({ maxInFlight: 1, maxDepth: 10, maxWaitMs: 1_000 });
    for (const id of [7, 3, 9, 1]) gate.tryEnter(id);
    expect(gate.release()).toBe(7);
    expect(gate.inFlight).toBe(1);
    expect(gate.release()).toBe(3);
    expect(gate.release()).toBe(9);
    expect(gate.release()).toBe(1);
    expect(gate.waiting).toBe(0);
    expect(gate.admitted).toBe(5);
  });

  it('frees the slot and returns -1 when nobody is waiting', () => {
    const { gate } = saturated({ maxInFlight: 2, maxDepth: 2, maxWaitMs: 1_000 });
    expect(gate.release()).toBe(-1);
    expect(gate.inFlight).toBe(1);
    expect(gate.tryEnter(5)).toBe(Admission.Admitted);
    expect(gate.inFlight).toBe(2);
  });

  it('never admits a waiter cancelled before its turn, and cancel returns true for it', () => {
    const { gate } = saturated({ maxInFlight: 1, maxDepth: 3, maxWaitMs: 1_000 });
    gate.tryEnter(10);
    gate.tryEnter(11);
    gate.tryEnter(12);
    expect(gate.cancel(11)).toBe(true);
    expect(gate.waiting).toBe(2);
    expect(gate.expired).toBe(1);
    expect(gate.release()).toBe(10);
    expect(gate.release()).toBe(12);
    expect(gate.release()).toBe(-1);
    expect(gate.cancel(11)).toBe(false);
    expect(gate.expired).toBe(1);
  });

  it('returns false from cancel once the waiter has been admitted', () => {
    const { gate } = saturated({ maxInFlight: 1, maxDepth: 3, maxWaitMs: 1_000 });
    gate.tryEnter(10);
    expect(gate.release()).toBe(10);
    expect(gate.cancel(10)).toBe(false);
    expect(gate.expired).toBe(0);
    expect(gate.cancel(0)).toBe(false); // admitted directly
    expect(gate.cancel(999)).toBe(false); // never seen
  });

  it('skips waiters older than maxWaitMs on release and still reports them expired on cancel', () => {
    const { clock, gate } = saturated({ maxInFlight: 1, maxDepth: 3, maxWaitMs: 1_000 });
    gate.tryEnter(10); // enqueued at 0
    clock.t = 500;
    gate.tryEnter(11); // enqueued at 500
    clock.t = 1_500; // 10 has waited 1,500 ms (too long), 11 exactly 1,000 ms (still in time)
    expect(gate.release()).toBe(11);
    expect(gate.waiting).toBe(0);
    // The deadline event of 10 (at 1,000) may be delivered late; it still owns the rejection.
    expect(gate.cancel(10)).toBe(true);
    expect(gate.cancel(10)).toBe(false);
    expect(gate.expired).toBe(1);
    expect(gate.cancel(11)).toBe(false);
  });

  it('keeps FIFO order and at most maxDepth waiters through heavy cancel churn and ring growth', () => {
    const maxDepth = 40;
    const { gate } = saturated({ maxInFlight: 1, maxDepth, maxWaitMs: 1_000 });
    const waiting: number[] = [];
    let nextId = 100;
    // Fill, then repeatedly cancel every other waiter and refill: dead entries pile up in the
    // ring and force both compaction and growth.
    for (let round = 0; round < 50; round++) {
      while (gate.tryEnter(nextId) === Admission.Queued) waiting.push(nextId++);
      nextId++; // the rejected id
      expect(gate.waiting).toBe(maxDepth);
      for (let i = waiting.length - 1; i >= 0; i -= 2) {
        expect(gate.cancel(waiting[i]!)).toBe(true);
        waiting.splice(i, 1);
      }
      expect(gate.waiting).toBe(waiting.length);
    }
    for (const id of waiting) expect(gate.release()).toBe(id);
    expect(gate.release()).toBe(-1);
    expect(gate.rejectedFull).toBe(50);
  });

  it('throws on a release with nothing in flight and on queueing an id that is already waiting', () => {
    const { gate } = saturated({ maxInFlight: 1, maxDepth: 3, maxWaitMs: 1_000 });
    gate.tryEnter(10);
    expect(() => gate.tryEnter(10)).toThrow(RangeError);
    expect(() => gate.tryEnter(-1)).toThrow(RangeError);
    expect(() => gate.tryEnter(2 ** 31)).toThrow(RangeError);
    expect(gate.release()).toBe(10);
    expect(gate.release()).toBe(-1);
    expect(() => gate.release()).toThrow('release() called with no request in flight');
  });

  it('throws a RangeError naming an out-of-range option', () => {
    const clock = fakeClock();
    expect(() => new Backpressure(clock, { maxInFlight: 0 })).toThrow(
      new RangeError('maxInFlight must be an integer >= 1, got 0'),
    );
    expect(() => new Backpressure(clock, { maxDepth: 1.5 })).toThrow(
      new RangeError('maxDepth must be an integer >= 0, got 1.5'),
    );
    expect(() => new Backpressure(clock, { maxWaitMs: -5 })).toThrow(
      new RangeError('maxWaitMs must be > 0, got -5'),
    );
  });

  it('bounds inFlight and waiting, serves FIFO, and ends every id exactly once over random operation sequences', () => {
    type Op =
      | { kind: 'enter' }
      | { kind: 'release' }
      | { kind: 'advance'; ms: number }
      | { kind: 'deliverDeadlines' }
      | { kind: 'cancelEarly'; pick: number };
    // Enters and early cancels weigh more so that queues fill and dead entries pile up in the
    // ring, exercising its growth and compaction, not only the easy paths.
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.constant({ kind: 'enter' as const }), weight: 4 },
      { arbitrary: fc.constant({ kind: 'release' as const }), weight: 1 },
      {
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.integer({ min: 0, max: 30 }),
        }),
        weight: 1,
      },
      { arbitrary: fc.constant({ kind: 'deliverDeadlines' as const }), weight: 1 },
      {
        arbitrary: fc.record({ kind: fc.constant('cancelEarly' as const), pick: fc.nat() }),
        weight: 2,
      },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(op, { maxLength: 300, size: 'max' }),
        (maxInFlight, maxDepth, maxWaitMs, ops) => {
          const clock = fakeClock();
          const gate = new Backpressure(clock, { maxInFlight, maxDepth, maxWaitMs });
          const endings = new Map<number, string[]>();
          const end = (id: number, how: string) => endings.get(id)!.push(how);
          const enqueuedAtMs = new Map<number, number>();
          // Deadline events in time order (enqueue order, since maxWaitMs is fixed), as the
          // simulator would schedule them: cancel(id) at enqueue + maxWaitMs. They are delivered
          // only at 'deliverDeadlines' steps, i.e. possibly late, so release also meets waiters
          // that are past their deadline and must skip them.
          const deadlines: { id: number; atMs: number }[] = [];
          // Reference model of the queue: ids still waiting, oldest first.
          const modelQueue: number[] = [];
          const cancel = (id: number) => {
            if (!gate.cancel(id)) return;
            end(id, 'expired');
            const at = modelQueue.indexOf(id);
            if (at >= 0) modelQueue.splice(at, 1);
          };
          let nextId = 0;
          let handedOff = 0;
          // Ids scattered over [0, 2^31 - 1) (a bijection, as 2^31 - 1 is prime), so the gate's
          // id table sees large ids and hash collisions, not only 0, 1, 2, ...
          const idOf = (n: number) => (n * 2_654_435_761) % 2_147_483_647;
          let inFlight = 0;
          const deliverDueDeadlines = () => {
            while (deadlines.length > 0 && deadlines[0]!.atMs <= clock.t) {
              cancel(deadlines.shift()!.id);
            }
          };

          for (const step of ops) {
            if (step.kind === 'enter') {
              const id = idOf(nextId++);
              endings.set(id, []);
              const admission = gate.tryEnter(id);
              if (admission === Admission.Admitted) {
                end(id, 'admitted');
                inFlight++;
              } else if (admission === Admission.Rejected) {
                end(id, 'rejected');
              } else {
                enqueuedAtMs.set(id, clock.t);
                modelQueue.push(id);
                deadlines.push({ id, atMs: clock.t + maxWaitMs });
              }
            } else if (step.kind === 'release') {
              if (inFlight === 0) continue;
              // Expected: the oldest waiter still within maxWaitMs; older ones are dropped (their
              // deadline event, still to come, ends them).
              let expected = -1;
              while (modelQueue.length > 0) {
                const head = modelQueue.shift()!;
                if (clock.t - enqueuedAtMs.get(head)! <= maxWaitMs) {
                  expected = head;
                  break;
                }
              }
              const handedTo = gate.release();
              expect(handedTo).toBe(expected);
              if (handedTo === -1) {
                inFlight--;
              } else {
                end(handedTo, 'admitted');
                handedOff++;
              }
            } else if (step.kind === 'advance') {
              clock.t += step.ms;
            } else if (step.kind === 'deliverDeadlines') {
              deliverDueDeadlines();
            } else if (nextId > 0) {
              // The caller gives up early on one of the recent ids (e.g. the client
              // disconnected); recent, so that it is often still waiting.
              cancel(idOf(nextId - 1 - (step.pick % Math.min(nextId, 32))));
            }
            expect(gate.inFlight).toBe(inFlight);
            expect(gate.inFlight).toBeLessThanOrEqual(maxInFlight);
            expect(gate.waiting).toBe(modelQueue.length);
            expect(gate.waiting).toBeLessThanOrEqual(maxDepth);
          }
          clock.t += maxWaitMs;
          deliverDueDeadlines();

          expect(gate.waiting).toBe(0);
          const counts = { admitted: 0, rejected: 0, expired: 0 };
          for (const [, hows] of endings) {
            expect(hows).toHaveLength(1);
            counts[hows[0] as keyof typeof counts]++;
          }
          expect(endings.size).toBe(nextId);
          expect(gate.admitted).toBe(counts.admitted);
          expect(gate.rejectedFull).toBe(counts.rejected);
          expect(gate.expired).toBe(counts.expired);
          // Every queued id was either handed a slot or expired; every id entered exactly once.
          expect(gate.queued).toBe(handedOff + counts.expired);
          expect(gate.admitted - handedOff + gate.queued + gate.rejectedFull).toBe(nextId);
        },
      ),
      { seed: 424242, numRuns: 300 },
    );
  });
});
