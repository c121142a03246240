import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/engine/kernel.js';

/** A kernel whose kinds 0..3 append `kind:a@time` to a log. */
function loggingKernel(): { kernel: Kernel; log: string[] } {
  const kernel = new Kernel();
  const log: string[] = [];
  for (const kind of [0, 1, 2, 3]) kernel.on(kind, (a) => log.push(`${kind}:${a}@${kernel.now()}`));
  return { kernel, log };
}

describe('Kernel', () => {
  it('runs events in time order and moves the clock to each', () => {
    const { kernel, log } = loggingKernel();
    kernel.schedule(30, 0, 3, 0);
    kernel.schedule(10, 0, 1, 0);
    kernel.schedule(20, 1, 2, 0);
    kernel.run();
    expect(log).toEqual(['0:1@10', '1:2@20', '0:3@30']);
    expect(kernel.now()).toBe(30);
    expect(kernel.scheduled).toBe(3);
    expect(kernel.pending).toBe(0);
  });

  it('runs events at the same time in the order they were scheduled', () => {
    const { kernel, log } = loggingKernel();
    for (let i = 0; i < 5; i++) kernel.schedule(7, i % 2, i, 0);
    kernel.run();
    expect(log).toEqual(['0:0@7', '1:1@7', '0:2@7', '1:3@7', '0:4@7']);
  });

  it('dispatches each kind to its own handler with both integer arguments', () => {
    const kernel = new Kernel();
    const seen: [string, number, number][] = [];
    kernel.on(4, (a, b) => seen.push(['four', a, b]));
    kernel.on(9, (a, b) => seen.push(['nine', a, b]));
    kernel.schedule(1, 9, -5, 2_147_483_647);
    kernel.schedule(2, 4, 6, -2_147_483_648);
    kernel.run();
    expect(seen).toEqual([
      ['nine', -5, 2_147_483_647],
      ['four', 6, -2_147_483_648],
    ]);
  });

  it('stops at the horizon: events due before it run, later ones (and those exactly at it) wait for the next run', () => {
    const { kernel, log } = loggingKernel();
    kernel.schedule(5, 0, 1, 0);
    kernel.schedule(10, 0, 2, 0);
    kernel.schedule(15, 0, 3, 0);
    kernel.run(10);
    expect(log).toEqual(['0:1@5']);
    expect(kernel.now()).toBe(10);
    expect(kernel.pending).toBe(2);
    kernel.run(12);
    expect(log).toEqual(['0:1@5', '0:2@10']);
    expect(kernel.now()).toBe(12);
    kernel.run();
    expect(log).toEqual(['0:1@5', '0:2@10', '0:3@15']);
  });

  it('lets handlers schedule more work, which runs in the same run', () => {
    const kernel = new Kernel();
    const times: number[] = [];
    kernel.on(0, (remaining) => {
      times.push(kernel.now());
      if (remaining > 0) kernel.schedule(kernel.now() + 2.5, 0, remaining - 1, 0);
    });
    kernel.schedule(0, 0, 3, 0);
    kernel.run();
    expect(times).toEqual([0, 2.5, 5, 7.5]);
  });

  it('runs urgent work before every other event due now, first-in first-out, without moving the clock', () => {
    const { kernel, log } = loggingKernel();
    kernel.on(5, (a) => {
      log.push(`5:${a}@${kernel.now()}`);
      kernel.scheduleUrgent(2, a * 10, 0);
      kernel.scheduleUrgent(2, a * 10 + 1, 0);
    });
    kernel.schedule(4, 5, 1, 0);
    kernel.schedule(4, 1, 9, 0); // scheduled before the urgent work, due at the same time
    kernel.run();
    expect(log).toEqual(['5:1@4', '2:10@4', '2:11@4', '1:9@4']);
    expect(kernel.scheduled).toBe(4);
  });

  it('grows the urgent lane past its initial size and keeps the order', () => {
    const kernel = new Kernel();
    const seen: number[] = [];
    kernel.on(1, (a) => seen.push(a));
    kernel.on(0, () => {
      for (let i = 0; i < 200; i++) kernel.scheduleUrgent(1, i, 0);
    });
    kernel.schedule(1, 0, 0, 0);
    kernel.run();
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('runs the side lane\'s event where the heap would have: by time, then by when it was scheduled', () => {
    const { kernel, log } = loggingKernel();
    kernel.schedule(5, 0, 1, 0);
    kernel.scheduleSide(5, 1, 2, 0); // same time, scheduled after the first: runs after it
    kernel.schedule(5, 0, 3, 0); // same time, scheduled after the side event: runs after it
    kernel.schedule(4, 2, 4, 0);
    expect(kernel.pending).toBe(4);
    kernel.run();
    expect(log).toEqual(['2:4@4', '0:1@5', '1:2@5', '0:3@5']);
    expect(kernel.scheduled).toBe(4);
    expect(kernel.pending).toBe(0);
  });

  it('lets the side event schedule its successor, stops it at the horizon, and refuses a second one pending', () => {
    const kernel = new Kernel();
    const times: number[] = [];
    kernel.on(0, (left) => {
      times.push(kernel.now());
      if (left > 0) kernel.scheduleSide(kernel.now() + 10, 0, left - 1, 0);
    });
    kernel.scheduleSide(0, 0, 3, 0);
    expect(() => kernel.scheduleSide(1, 0, 0, 0)).toThrow(/side lane already holds/);
    kernel.run(20);
    expect(times).toEqual([0, 10]);
    expect(kernel.pending).toBe(1);
    expect(kernel.runFor(1)).toBe(true);
    expect(kernel.runFor(5)).toBe(false);
    expect(times).toEqual([0, 10, 20, 30]);
    expect(() => kernel.scheduleSide(29, 0, 0, 0)).toThrow(RangeError);
  });

  it('calls the edge watcher once the clock reaches each edge, before the event there runs', () => {
    const kernel = new Kernel();
    const log: string[] = [];
    kernel.on(0, () => log.push(`event@${kernel.now()}`));
    kernel.watch(10, (now) => {
      log.push(`edge@${now}`);
      return Math.floor(now / 10) * 10 + 10;
    });
    for (const t of [3, 10, 12, 35]) kernel.schedule(t, 0, 0, 0);
    kernel.run();
    expect(log).toEqual(['event@3', 'edge@10', 'event@10', 'event@12', 'edge@35', 'event@35']);
  });

  it('refuses a past, infinite or NaN time, a kind without a handler, and a second handler for a kind', () => {
    const { kernel } = loggingKernel();
    kernel.schedule(10, 0, 0, 0);
    kernel.run();
    expect(() => kernel.schedule(9, 0, 0, 0)).toThrow(RangeError);
    expect(() => kernel.schedule(Infinity, 0, 0, 0)).toThrow(RangeError);
    expect(() => kernel.schedule(Number.NaN, 0, 0, 0)).toThrow(RangeError);
    expect(() => kernel.schedule(11, 42, 0, 0)).toThrow(/no handler for event kind 42/);
    expect(() => kernel.scheduleUrgent(42, 0, 0)).toThrow(/no handler/);
    expect(() => kernel.on(0, () => {})).toThrow(/already has a handler/);
    expect(() => kernel.on(256, () => {})).toThrow(RangeError);
  });

  it('is the clock: now() is the time of the event being handled', () => {
    const kernel = new Kernel();
    const clock: { now(): number } = kernel;
    const seen: number[] = [];
    kernel.on(0, () => seen.push(clock.now()));
    kernel.schedule(123.5, 0, 0, 0);
    kernel.run();
    expect(seen).toEqual([123.5]);
  });
});
