import { ScenarioError } from '../scenario/errors.js';
import type { ParsedScenario } from '../scenario/schema.js';

/**
 * Scales a scenario down to a fraction of its traffic for `--sample`: the same duration
 * with `fraction` of the requests, and every absolute capacity scaled with it (provider
 * quotas and slots, per-key quotas, token budgets, backpressure limits, retry-budget
 * floors), so utilisation and queueing stay what they were at full volume.
 *
 * Unsafe where a layer's behaviour depends on absolute volume and cannot be scaled: the
 * prompt cache (a thinner stream finds the 5-minute TTL expired more often), a breaker's
 * `minimumCalls` in its window, and capacities so small that rounding changes them.
 * The README lists these.
 */
export function scaleForSample<S extends ParsedScenario>(scenario: S, fraction: number): S {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`sample fraction must be in (0, 1], got ${fraction}`);
  if (fraction === 1) return scenario;
  if (typeof scenario.workload.arrival === 'object' && scenario.workload.arrival.trace !== undefined) {
    throw new ScenarioError([{ file: '--sample', key: 'workload.arrival.trace', message: 'a replayed trace cannot be sampled (its arrivals are the log\'s); use --requests to replay only the first N' }]);
  }
  const scaled = structuredClone(scenario);
  const slots = (n: number) => Math.max(1, Math.round(n * fraction));
  scaled.workload.requests = Math.max(1, Math.round(scenario.workload.requests * fraction));
  for (const target of [...Object.values(scaled.upstream.models), ...Object.values(scaled.upstream.tools)]) {
    const c = target.capacity;
    if (!c) continue;
    c.concurrency = slots(c.concurrency);
    c.queue = Math.round(c.queue * fraction);
    c.rpm *= fraction;
    c.itpm *= fraction;
    c.otpm *= fraction;
  }
  const capacity = scaled.layers.capacity;
  if (capacity?.perKey) capacity.perKey.quotaRpm *= fraction;
  if (capacity?.tokenBudget) capacity.tokenBudget.tokensPerMinute *= fraction;
  if (capacity?.backpressure) {
    capacity.backpressure.maxInFlight = slots(capacity.backpressure.maxInFlight);
    capacity.backpressure.maxDepth = Math.round(capacity.backpressure.maxDepth * fraction);
  }
  const budget = scaled.layers.retry?.budget;
  if (budget) budget.minRetriesPerSec *= fraction;
  return scaled;
}
