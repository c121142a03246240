import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/random/random.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { Outcome } from '../../src/upstream/outcome.js';
import { attachIncidents, Target, Upstream, type CallResult } from '../../src/upstream/upstream.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const AT = HOUR;
const FOR = 10 * MINUTE;
const N = 100_000;

const SCENARIO = `
name: incident
seed: 42
upstream:
  models:
    sonnet:
      errors: { rate: 1%, mix: { "429": 0.6, "503": 0.3, timeout: 0.1 }, timeoutAfter: 10s, retryAfter: 2s }
    haiku:
      errors: { rate: 1% }
  incidents:
    - { target: sonnet, at: 1h, for: 10m, errorRate: 70% }
    - { target: haiku, at: 3h, for: 10m, errorRate: 50%, mix: { "503": 1 } }
`;

const SONNET = 0;
const HAIKU = 1;

function buildUpstream(text = SCENARIO, seed = 42): Upstream {
  const scenario = parseScenarioText(text, 'incident.yaml');
  const targets = Object.keys(scenario.upstream.models).map((name) => new Target(name, scenario.upstream.models[name]!));
  attachIncidents(targets, scenario.upstream.incidents);
  return new Upstream(targets, new RandomStreams(seed));
}

/** Outcomes of the first attempt of requests 0..n-1 to `target`, all started at `nowMs`. */
function outcomes(upstream: Upstream, target: number, nowMs: number, n = N): Uint8Array {
  const out: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };
  const result = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    upstream.call(target, i, 0, nowMs, out);
    result[i] = out.outcome;
  }
  return result;
}

/** How many calls ended differently in two runs of `outcomes`. */
function mismatches(a: Uint8Array, b: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

function failureRate(results: Uint8Array): number {
  let failures = 0;
  for (const o of results) if (o !== Outcome.Success) failures++;
  return failures / results.length;
}

/** 4 binomial standard errors of a proportion p over n trials. */
function tolerance(p: number, n = N): number {
  return 4 * Math.sqrt((p * (1 - p)) / n);
}

describe('upstream incidents', () => {
  const upstream = buildUpstream();

  it.each([
    ['in the middle of the window', AT + 5 * MINUTE],
    ['just before the window ends', AT + FOR - 1],
  ])('fails ~70%% of calls %s, within 4 binomial standard errors', (_, t) => {
    expect(Math.abs(failureRate(outcomes(upstream, SONNET, t)) - 0.7)).toBeLessThan(tolerance(0.7));
  });

  it.each([
    ['at time 0', 0],
    ['half an hour before', AT - 30 * MINUTE],
    ['1 ms before the window', AT - 1],
    ['an hour after', AT + HOUR],
  ])('fails ~1%% of calls %s, the base rate, within 4 binomial standard errors', (_, t) => {
    expect(Math.abs(failureRate(outcomes(upstream, SONNET, t)) - 0.01)).toBeLessThan(tolerance(0.01));
  });

  it('applies the incident at exactly `at`', () => {
    const atStart = outcomes(upstream, SONNET, AT);
    expect(Math.abs(failureRate(atStart) - 0.7)).toBeLessThan(tolerance(0.7));
    // Keyed draws: the same (request, target, attempt) meets the same error rate, so the
    // outcome at `at` must match the outcome mid-window call by call.
    expect(mismatches(atStart, outcomes(upstream, SONNET, AT + 5 * MINUTE))).toBe(0);
  });

  it('no longer applies the incident at exactly `at + for`', () => {
    const atEnd = outcomes(upstream, SONNET, AT + FOR);
    expect(Math.abs(failureRate(atEnd) - 0.01)).toBeLessThan(tolerance(0.01));
    expect(mismatches(atEnd, outcomes(upstream, SONNET, 0))).toBe(0);
  });

  it('fails inside the window every call that fails outside it (same draws, higher threshold)', () => {
    const outside = outcomes(upstream, SONNET, 0);
    const inside = outcomes(upstream, SONNET, AT);
    let failedOutsideOnly = 0;
    for (let i = 0; i < N; i++) if (outside[i] !== Outcome.Success && inside[i] === Outcome.Success) failedOutsideOnly++;
    expect(failedOutsideOnly).toBe(0);
  });

  it('leaves other targets at their base rate during an incident', () => {
    expect(Math.abs(failureRate(outcomes(upstream, HAIKU, AT + 5 * MINUTE)) - 0.01)).toBeLessThan(tolerance(0.01));
  });

  it("keeps the target's error mix when the incident gives none", () => {
    const inside = outcomes(upstream, SONNET, AT + 5 * MINUTE);
    const failures = inside.filter((o) => o !== Outcome.Success).length;
    const share = (kind: number) => inside.filter((o) => o === kind).length / failures;
    // Shares of a multinomial over `failures` calls; 4 standard errors each.
    for (const [kind, p] of [[Outcome.RateLimited, 0.6], [Outcome.Unavailable, 0.3], [Outcome.Timeout, 0.1]] as const) {
      expect(Math.abs(share(kind) - p)).toBeLessThan(tolerance(p, failures));
    }
  });

  it("uses the incident's own error mix when it gives one", () => {
    const inside = outcomes(upstream, HAIKU, 3 * HOUR + MINUTE);
    expect(Math.abs(failureRate(inside) - 0.5)).toBeLessThan(tolerance(0.5));
    expect(inside.every((o) => o === Outcome.Success || o === Outcome.Unavailable)).toBe(true);
  });

  it('gives a timeout the timeoutAfter latency and a 429 the retry-after, inside the window as outside', () => {
    const out: CallResult = { outcome: Outcome.Success, latencyMs: 0, retryAfterMs: 0 };
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      upstream.call(SONNET, i, 0, AT, out);
      seen.add(out.outcome);
      if (out.outcome === Outcome.Timeout) expect(out.latencyMs).toBe(10_000);
      if (out.outcome === Outcome.RateLimited) expect(out.retryAfterMs).toBe(2_000);
      else expect(out.retryAfterMs).toBe(0);
      if (out.outcome === Outcome.Unavailable) expect(out.latencyMs).toBe(50); // default error latency
    }
    expect([...seen].sort()).toEqual([Outcome.Success, Outcome.RateLimited, Outcome.Unavailable, Outcome.Timeout]);
  });

  it('refuses an incident naming an unknown target', () => {
    const scenario = parseScenarioText(SCENARIO, 'incident.yaml');
    const targets = [new Target('sonnet', scenario.upstream.models.sonnet!)];
    expect(() => attachIncidents(targets, [{ target: 'gpt', at: 0, for: 1000, errorRate: 0.5 }])).toThrow(/unknown target "gpt"/);
  });
});
