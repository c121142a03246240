import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/event-queue.js';

/** Pops everything left, as [time, kind, a, b] tuples. */
function drain(queue: EventQueue): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  while (queue.pop()) out.push([queue.time, queue.kind, queue.a, queue.b]);
  return out;
}

describe('EventQueue', () => {
  it('pops events in time order whatever order they were pushed in', () => {
    const queue = new EventQueue();
    const times = [50, 10, 40, 0, 30, 20, 5.5];
    times.forEach((t, i) => queue.push(t, 1, i, -i));
    expect(drain(queue).map((e) => e[0])).toEqual([0, 5.5, 10, 20, 30, 40, 50]);
  });

  it('carries kind and both integer arguments with each event', () => {
    const queue = new EventQueue();
    queue.push(2, 7, 2_147_483_647, -2_147_483_648);
    queue.push(1, 3, -1, 12345);
    expect(drain(queue)).toEqual([
      [1, 3, -1, 12345],
      [2, 7, 2_147_483_647, -2_147_483_648],
    ]);
  });

  it('pops events at the same time in the order they were pushed (FIFO)', () => {
    const queue = new EventQueue();
    for (let i = 0; i < 100; i++) queue.push(7, 0, i, 0);
    queue.push(3, 0, -1, 0);
    const order = drain(queue).map((e) => e[2]);
    expect(order[0]).toBe(-1);
    expect(order.slice(1)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps FIFO order for ties pushed while other events are being popped', () => {
    const queue = new EventQueue();
    queue.push(1, 0, 0, 0);
    queue.push(5, 0, 1, 0);
    expect(queue.pop()).toBe(true);
    expect(queue.a).toBe(0);
    // Scheduled later at the same time as event 1: must run after it.
    queue.push(5, 0, 2, 0);
    queue.push(5, 0, 3, 0);
    expect(drain(queue).map((e) => e[2])).toEqual([1, 2, 3]);
  });

  it('pops in the order of a stable sort by (time, insertion) for any sequence of pushes and pops', () => {
    // Times come mostly from a tiny set so ties are common; capacity 1 forces many grows.
    const time = fc.oneof(
      fc.constantFrom(0, 1, 2, 3),
      fc.integer({ min: 0, max: 1_000_000 }).map((x) => x / 8),
    );
    const op = fc.oneof(
      { weight: 3, arbitrary: time.map((t) => ({ push: true as const, t })) },
      { weight: 1, arbitrary: fc.constant({ push: false as const, t: 0 }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const queue = new EventQueue(1);
        // The model: pending events; the next to pop is the smallest (time, id).
        const pending: { t: number; id: number }[] = [];
        let nextId = 0;
        const popModel = () => {
          let best = 0;
          for (let i = 1; i < pending.length; i++) {
            const p = pending[i]!;
            const b = pending[best]!;
            if (p.t < b.t || (p.t === b.t && p.id < b.id)) best = i;
          }
          return pending.splice(best, 1)[0];
        };
        for (const o of ops) {
          if (o.push) {
            const id = nextId++;
            queue.push(o.t, id % 3, id, 1000 - id);
            pending.push({ t: o.t, id });
          } else {
            const expected = popModel();
            expect(queue.pop()).toBe(expected !== undefined);
            if (expected) {
              expect([queue.time, queue.kind, queue.a, queue.b]).toEqual([expected.t, expected.id % 3, expected.id, 1000 - expected.id]);
            }
          }
          expect(queue.size).toBe(pending.length);
        }
        const rest = [...pending].sort((x, y) => x.t - y.t || x.id - y.id);
        expect(drain(queue)).toEqual(rest.map((e) => [e.t, e.id % 3, e.id, 1000 - e.id]));
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('grows past its initial capacity without losing or reordering events', () => {
    const queue = new EventQueue(4);
    const n = 5000;
    // A scrambled permutation of times, each used twice so ties cross the grow points.
    for (let i = 0; i < n; i++) queue.push((i * 7919) % (n / 2), 0, i, 0);
    expect(queue.size).toBe(n);
    const popped = drain(queue);
    expect(popped).toHaveLength(n);
    for (let i = 1; i < n; i++) {
      const [t0, , a0] = popped[i - 1]!;
      const [t1, , a1] = popped[i]!;
      expect(t1 > t0 || (t1 === t0 && a1 > a0)).toBe(true);
    }
    expect(queue.scheduled).toBe(n);
  });

  it('reports the earliest pending time with peekTime, and Infinity when empty', () => {
    const queue = new EventQueue();
    expect(queue.peekTime()).toBe(Infinity);
    queue.push(30, 0, 0, 0);
    expect(queue.peekTime()).toBe(30);
    queue.push(10, 0, 1, 0);
    expect(queue.peekTime()).toBe(10);
    queue.push(20, 0, 2, 0);
    expect(queue.peekTime()).toBe(10);
    queue.pop();
    expect(queue.peekTime()).toBe(20);
    queue.pop();
    queue.pop();
    expect(queue.peekTime()).toBe(Infinity);
  });

  it('counts pending events with size and returns false from pop when empty', () => {
    const queue = new EventQueue();
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBe(false);
    queue.push(1, 0, 0, 0);
    queue.push(1, 0, 1, 0);
    expect(queue.size).toBe(2);
    expect(queue.pop()).toBe(true);
    expect(queue.size).toBe(1);
    expect(queue.pop()).toBe(true);
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBe(false);
    expect(queue.size).toBe(0);
    expect(queue.scheduled).toBe(2);
  });
});
