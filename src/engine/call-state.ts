import type { Pooled } from './pool.js';

/**
 * One call waiting for or in service at a finite-capacity target. Kept apart from the
 * request because the server keeps working on a call after its client gave up (timed
 * out): the request moves on, the call stays in line and still costs capacity and tokens.
 */
export class CallState implements Pooled {
  generation = 0;
  requestSlot = 0;
  requestGeneration = 0;
  target = 0;
  serviceMs = 0;
  startMs = 0;
  /** The client timed out; the result goes nowhere but the bill. */
  abandoned = false;
  tokens = 0;
  costUsd = 0;
  /** Tenant and routed tier of the request, kept for billing after the request has ended. */
  tenant = 0;
  tier = 0;

  constructor(readonly index: number) {}

  reset(): void {
    this.abandoned = false;
    this.tokens = 0;
    this.costUsd = 0;
  }
}
