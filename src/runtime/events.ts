import type { BreakerStateName } from '../layers/breaker.js';
import type { RejectedBy } from './errors.js';

/** What each event of a harness carries. */
export interface HarnessEvents {
  /** A failed attempt will be retried on the same target after `delayMs`. */
  retry: { target: string; attempt: number; kind: string; delayMs: number };
  /** An attempt had not answered after `afterMs`: its `hedge`-th extra call went to `target` (`layers.hedge`). */
  hedge: { target: string; hedge: number; afterMs: number };
  /** The request moves on from a failing model to the next one of its list. */
  fallback: { from: string; to: string; kind: string };
  /** An answer failed the caller's quality check and moves to a stronger model. */
  qualityFallback: { from: string; to: string };
  /** A breaker changed state (`target` is the model or tool whose call moved it). */
  breakerStateChange: { target: string; from: BreakerStateName; to: BreakerStateName };
  /** Capacity turned a request away. */
  rejected: { by: RejectedBy };
  /** The bounded scope refused a tool call; route it to `escalation`. */
  refused: { tool: string; escalation: string };
}

export type HarnessEventName = keyof HarnessEvents;
export type HarnessListener<E extends HarnessEventName> = (event: HarnessEvents[E]) => void;

/**
 * A minimal typed emitter. Listeners run synchronously where the event happens; one that
 * throws is reported on `queueMicrotask` rather than breaking the request that emitted it.
 */
export class HarnessEmitter {
  private readonly listeners = new Map<HarnessEventName, Set<(event: never) => void>>();

  /** Adds a listener; returns the function that removes it. */
  on<E extends HarnessEventName>(name: E, listener: HarnessListener<E>): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) this.listeners.set(name, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => set!.delete(listener as (event: never) => void);
  }

  /** Whether anyone listens, so callers skip building an event nobody reads. */
  has(name: HarnessEventName): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  emit<E extends HarnessEventName>(name: E, event: HarnessEvents[E]): void {
    const set = this.listeners.get(name);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as HarnessListener<E>)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
