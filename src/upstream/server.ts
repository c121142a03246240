import { TokenBucket } from '../layers/token-bucket.js';
import type { Clock } from '../layers/types.js';

/** How a provider answers a call that its quota or its queue cannot take. */
export const ServerAdmission = {
  /** A slot was free: service starts now. */
  Started: 0,
  /** All slots busy: the call waits in the server's queue. */
  Queued: 1,
  /** Queue full: answered at once with the overflow error (429 or 503). */
  Overflow: 2,
  /** A quota bucket (rpm, itpm, otpm) is empty: answered 429 with a retry-after. */
  OverQuota: 3,
} as const;
export type ServerAdmission = (typeof ServerAdmission)[keyof typeof ServerAdmission];

export interface ServerOptions {
  /** Calls served at once. */
  concurrency: number;
  /** Calls that may wait for a slot; one more overflows. */
  queue: number;
  /** Requests per minute, input tokens per minute, output tokens per minute; 0 = unlimited. */
  rpm: number;
  itpm: number;
  otpm: number;
}

/**
 * A provider's finite capacity for one target: `concurrency` slots in front of a bounded
 * FIFO queue (the M/M/c/K picture), behind Anthropic-style quota buckets that refill
 * continuously. Calls are integer ids owned by the caller; the server only decides who
 * is served when. Abandoned calls (the client timed out) stay in line and are still
 * served, as on a real server that cannot see the client hang up.
 */
export class CapacityServer {
  private busy = 0;
  private ring: Int32Array;
  private head = 0;
  private size = 0;
  private readonly rpm: TokenBucket | null;
  private readonly itpm: TokenBucket | null;
  private readonly otpm: TokenBucket | null;
  /** Wait until the emptiest quota bucket refills enough, set by the last `OverQuota` answer. */
  retryAfterMs = 0;
  /** Highest queue length seen. */
  peakQueue = 0;
  overflows = 0;
  overQuota = 0;

  constructor(clock: Clock, readonly options: ServerOptions) {
    if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) throw new RangeError(`concurrency must be an integer >= 1, got ${options.concurrency}`);
    if (!(Number.isInteger(options.queue) && options.queue >= 0)) throw new RangeError(`queue must be an integer >= 0, got ${options.queue}`);
    this.ring = new Int32Array(Math.max(16, Math.min(options.queue, 1 << 16)));
    this.rpm = options.rpm > 0 ? TokenBucket.perMinute(clock, options.rpm) : null;
    this.itpm = options.itpm > 0 ? TokenBucket.perMinute(clock, options.itpm) : null;
    this.otpm = options.otpm > 0 ? TokenBucket.perMinute(clock, options.otpm) : null;
  }

  /** Calls in service now. */
  get inService(): number {
    return this.busy;
  }

  /** Calls waiting now. */
  get queued(): number {
    return this.size;
  }

  /** Offers call `id` with its token counts; see `ServerAdmission`. */
  admit(id: number, inputTokens: number, outputTokens: number): ServerAdmission {
    if (!this.takeQuota(inputTokens, outputTokens)) {
      this.overQuota++;
      return ServerAdmission.OverQuota;
    }
    if (this.busy < this.options.concurrency) {
      this.busy++;
      return ServerAdmission.Started;
    }
    if (this.size >= this.options.queue) {
      this.overflows++;
      return ServerAdmission.Overflow;
    }
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size) % this.ring.length] = id;
    this.size++;
    if (this.size > this.peakQueue) this.peakQueue = this.size;
    return ServerAdmission.Queued;
  }

  /** A call finished service: returns the next queued call id to start, or -1 (slot freed). */
  finish(): number {
    if (this.size > 0) {
      const id = this.ring[this.head]!;
      this.head = (this.head + 1) % this.ring.length;
      this.size--;
      return id;
    }
    this.busy--;
    return -1;
  }

  private takeQuota(inputTokens: number, outputTokens: number): boolean {
    // Check every bucket before taking from any, so a refused call costs no quota.
    let wait = 0;
    if (this.rpm !== null) wait = Math.max(wait, this.rpm.waitMs(1));
    if (this.itpm !== null) wait = Math.max(wait, this.itpm.waitMs(Math.min(inputTokens, this.itpm.burst)));
    if (this.otpm !== null) wait = Math.max(wait, this.otpm.waitMs(Math.min(outputTokens, this.otpm.burst)));
    if (wait > 0) {
      this.retryAfterMs = wait;
      return false;
    }
    this.rpm?.tryTake(1);
    this.itpm?.tryTake(Math.min(inputTokens, this.itpm.burst));
    this.otpm?.tryTake(Math.min(outputTokens, this.otpm.burst));
    return true;
  }

  private grow(): void {
    const next = new Int32Array(this.ring.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.ring[(this.head + i) % this.ring.length]!;
    this.ring = next;
    this.head = 0;
  }
}
