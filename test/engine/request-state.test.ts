import { describe, expect, it } from 'vitest';
import { EventKind } from '../../src/engine/events.js';
import { Pool } from '../../src/engine/pool.js';
import { accepts, canEnter, enterPhase, expectEvent, Phase, RequestState } from '../../src/engine/request-state.js';

const REQUEST_EVENTS = [EventKind.QueueDeadline, EventKind.Admit, EventKind.CallDone, EventKind.RetryDue];

describe('the request state machine', () => {
  it('accepts exactly these events per phase', () => {
    const table = Object.fromEntries(
      Object.entries(Phase).map(([name, phase]) => [name, REQUEST_EVENTS.filter((kind) => accepts(phase, kind)).map((k) => Object.keys(EventKind)[k])]),
    );
    expect(table).toEqual({
      Arrived: [],
      Queued: ['QueueDeadline', 'Admit'],
      Classifying: ['CallDone'],
      Model: ['CallDone', 'RetryDue'],
      Tool: ['CallDone', 'RetryDue'],
    });
  });

  it('moves forward only: arrived -> queued -> classifying -> model -> tool, skipping allowed, never back', () => {
    expect(canEnter(Phase.Arrived, Phase.Queued)).toBe(true);
    expect(canEnter(Phase.Arrived, Phase.Model)).toBe(true);
    expect(canEnter(Phase.Queued, Phase.Classifying)).toBe(true);
    expect(canEnter(Phase.Classifying, Phase.Model)).toBe(true);
    expect(canEnter(Phase.Model, Phase.Tool)).toBe(true);
    expect(canEnter(Phase.Model, Phase.Classifying)).toBe(false);
    expect(canEnter(Phase.Tool, Phase.Model)).toBe(false);
    expect(canEnter(Phase.Classifying, Phase.Tool)).toBe(false);
    expect(canEnter(Phase.Queued, Phase.Queued)).toBe(false);
  });

  it('throws on a current event in a phase that does not take it, and on a transition it does not have', () => {
    const req = new RequestState(0, 1);
    expect(() => expectEvent(req, EventKind.CallDone)).toThrow(/phase "arrived"/);
    enterPhase(req, Phase.Model);
    expect(() => expectEvent(req, EventKind.RetryDue)).not.toThrow();
    expect(() => expectEvent(req, EventKind.Admit)).toThrow(/internal/);
    expect(() => enterPhase(req, Phase.Queued)).toThrow(/cannot move from "model" to "queued"/);
  });

  it('drops events for an earlier use of a pooled slot by generation alone', () => {
    const pool = new Pool((index) => new RequestState(index, 1));
    const req = pool.acquire();
    const first = req.generation;
    expect(pool.current(req.slot, first)).toBe(req);
    pool.renew(req); // a backpressure waiter handed a slot: its deadline goes stale
    expect(pool.current(req.slot, first)).toBeNull();
    const second = req.generation;
    pool.release(req);
    expect(pool.current(req.slot, second)).toBeNull();
    const again = pool.acquire();
    expect(again).toBe(req);
    expect(again.phase).toBe(Phase.Arrived);
    expect(pool.current(again.slot, again.generation)).toBe(again);
  });
});
