import { describe, expect, it } from 'vitest';
import { Billing } from '../../src/engine/billing.js';
import { buildWorld } from '../../src/engine/build.js';
import { Kernel } from '../../src/engine/kernel.js';
import { RequestLifecycle } from '../../src/engine/lifecycle.js';
import { Pool } from '../../src/engine/pool.js';
import { enterPhase, Phase, RequestState } from '../../src/engine/request-state.js';
import { ServerCalls } from '../../src/engine/server-calls.js';
import { RequestOutcome } from '../../src/metrics/collector.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { Outcome } from '../../src/upstream/outcome.js';

// Each model handler runs alone here: a kernel, a world built from a small scenario, and
// events scheduled into the kernel by the test. A test-only event kind (200+) drives the
// handler's entry points at chosen times.
const DRIVE = 200;

function world(text: string) {
  const kernel = new Kernel();
  const built = buildWorld(parseScenarioText(text, 'handlers.yaml'), {}, kernel);
  const requests = new Pool((index) => new RequestState(index, built.targets.length));
  return { kernel, world: built, requests };
}

describe('ServerCalls alone', () => {
  const scenario = `
name: one-slot
upstream:
  models:
    sonnet:
      errors: { rate: 0, latency: { dist: constant, value: 40ms }, retryAfter: 3s }
      capacity: { concurrency: 1, queue: 1 }
layers:
  retry: { enabled: false }
`;

  it('serves one call, queues the next, overflows the third at once; a client timeout answers early and the server still bills the work', () => {
    const { kernel, world: w, requests } = world(scenario);
    const answers: string[] = [];
    const calls = new ServerCalls(w, kernel, new Billing(w), requests, (req) =>
      answers.push(`r${req.request} outcome ${req.callOutcome} after ${req.callLatencyMs} at ${kernel.now()}`),
    );
    const out = { outcome: Outcome.Success as Outcome, latencyMs: 0, retryAfterMs: 0 };
    const offered: boolean[] = [];
    kernel.on(DRIVE, (request) => {
      const req = requests.acquire();
      req.request = request;
      req.target = 0;
      req.inputTokens = 1000;
      req.outputTokens = 100;
      enterPhase(req, Phase.Model);
      offered.push(calls.offer(req, 100, 150, out));
    });
    for (const r of [0, 1, 2]) kernel.schedule(0, DRIVE, r, 0);
    kernel.run();
    // r0 starts at 0 and ends at 100; r1 waits, starts at 100, and its client gives up at 150;
    // r2 finds the queue full: answered at once with the overflow error and the target's retry-after.
    expect(offered).toEqual([true, true, false]);
    expect(out).toEqual({ outcome: Outcome.RateLimited, latencyMs: 40, retryAfterMs: 3000 });
    expect(answers).toEqual([`r0 outcome ${Outcome.Success} after 100 at 100`, `r1 outcome ${Outcome.Timeout} after 150 at 150`]);
    expect(calls.queued).toBe(0);
    expect(calls.lastServiceMs).toBe(200);
    expect(w.metrics.abandonedCalls).toBe(1);
    expect(w.metrics.billedTokens).toBe(1100);
  });
});

describe('RequestLifecycle alone', () => {
  // Three requests within a few ms; one slot and one place in the queue.
  const scenario = `
name: one-slot-gate
duration: 3ms
workload:
  requests: 3
upstream:
  models:
    sonnet: {}
layers:
  capacity:
    backpressure: { maxInFlight: 1, maxDepth: 1, maxWait: 1s }
`;

  it('admits the first, queues the second, rejects the third; ending the first hands its slot to the waiter', () => {
    const { kernel, world: w, requests } = world(scenario);
    const admitted: string[] = [];
    let lifecycle!: RequestLifecycle;
    kernel.on(DRIVE, (slot) => lifecycle.end(requests.get(slot), RequestOutcome.Success));
    lifecycle = new RequestLifecycle(w, kernel, requests, (req) => {
      admitted.push(`r${req.request}`);
      kernel.schedule(kernel.now() + 500, DRIVE, req.slot, 0); // each admitted request ends 500 ms later
    });
    lifecycle.start();
    kernel.run();
    expect(admitted).toEqual(['r0', 'r1']);
    expect(w.metrics.requests).toBe(3);
    expect(w.metrics.successes).toBe(2);
    expect(w.metrics.rejected).toBe(1);
    // r1's deadline (arrival + 1 s) fired after its handover and was dropped as stale.
    expect(lifecycle.lastEndMs).toBeGreaterThan(1000);
    expect(w.harness.clients[0]!.backpressure!.expired).toBe(0);
  });

  it('rejects a waiter whose deadline comes before any slot frees', () => {
    const { kernel, world: w, requests } = world(scenario);
    let lifecycle!: RequestLifecycle;
    kernel.on(DRIVE, (slot) => lifecycle.end(requests.get(slot), RequestOutcome.Success));
    lifecycle = new RequestLifecycle(w, kernel, requests, (req) => kernel.schedule(kernel.now() + 5000, DRIVE, req.slot, 0));
    lifecycle.start();
    kernel.run();
    expect(w.metrics.successes).toBe(1);
    expect(w.metrics.rejected).toBe(2);
    expect(w.harness.clients[0]!.backpressure!.expired).toBe(1);
  });
});
