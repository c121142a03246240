import { TurnEnd } from '../metrics/session-metrics.js';
import type { Experiment, Law } from './law.js';
import { seedRange } from './law.js';

/**
 * Agent sessions (`workload.sessions`): closed forms of the loop.
 * - Compounding: a turn of k model calls, each failing independently with p (after n
 *   attempts, p^n), succeeds with (1 - p)^k, or (1 - p^n)^k.
 * - Step cap: with geometric calls per turn (stop probability h after each call) and a cap
 *   of c model calls, a turn is stopped by the cap exactly when it would need more than c
 *   calls: P(K > c) = (1 - h)^c. (Convention: the cap counts model calls; a turn whose c-th
 *   call is its last is not stopped.)
 * - Cached share of a growing conversation: constant sizes, no errors and no idle gap
 *   longer than the TTL, so every call reads its session's previous prompt from the cache
 *   (the first call of a session reads the shared prefix): the share is a sum over the
 *   calls, exactly.
 * - Little's law: the time-average number of sessions in the system is the arrival rate
 *   times the mean session duration.
 * Each experiment plays one turn per session where only turns matter, so sessions are
 * independent draws and the per-request rule applies (N = sessions).
 */

interface LoopOptions {
  id: string;
  requests: string;
  duration: string;
  session: string;
  model: string;
  tools?: string;
  layers: string;
  prefix?: number;
}

function loopYaml(o: LoopOptions): string {
  return `
name: ${o.id}
duration: ${o.duration}
workload:
  requests: ${o.requests}
  tools: ${o.tools ?? '{ search: 1 }'}
  tokens: { input: { dist: constant, value: 200 }, output: { dist: constant, value: 50 } }
  prompt: { prefix: [ { name: system, tokens: ${o.prefix ?? 2000} } ] }
  sessions:
${o.session}
upstream:
  models:
    model: ${o.model}
  tools:
    search: { latency: { dist: constant, value: 100ms } }
layers:
${o.layers}
`;
}

const NO_RETRY = '  retry: { enabled: false }';

/** Turns that ended with the answer, of all turns, from the raw counters. */
const turnSuccess = ({ output }: { output: { sessions?: { turnEnds: Float64Array; turns: number } } }) => output.sessions!.turnEnds[TurnEnd.Success]! / output.sessions!.turns;

function compoundingLaw(p: number, k: number, attempts: number): Law {
  const id = `session-turn-success-p${p}-k${k}-n${attempts}`;
  const perCall = attempts === 1 ? p : p ** attempts;
  const expected = (1 - perCall) ** k;
  const experiment: Experiment = {
    id,
    yaml: loopYaml({
      id,
      requests: '100K',
      duration: '1d',
      session: `    turns: { dist: constant, value: 1 }\n    callsPerTurn: { dist: constant, value: ${k} }\n    toolsPerBatch: { dist: constant, value: 1 }`,
      model: `{ latency: { dist: constant, value: 1s }, errors: { rate: ${p}, mix: { "429": 1 }, retryAfter: 0, latency: { dist: constant, value: 20ms } } }`,
      layers: attempts === 1 ? NO_RETRY : `  retry: { maxAttempts: ${attempts}, baseDelay: 100ms, multiplier: 2, maxDelay: 1s, jitter: full, retryOn: ["429"], honorRetryAfter: false }`,
    }),
    full: { seeds: [42], requests: 40_000 },
    quick: { seeds: [42], requests: 10_000 },
  };
  return {
    id,
    family: 'sessions',
    name: `turn success, ${k} calls, p=${p}${attempts > 1 ? ` n=${attempts}` : ''}`,
    closedForm:
      attempts === 1
        ? `A turn of ${k} model calls, each failing independently with p = ${p}, succeeds with (1 - p)^k = ${+expected.toFixed(6)}.`
        : `With ${attempts} attempts a call fails with p^n; a turn of ${k} calls succeeds with (1 - p^n)^k = ${+expected.toFixed(6)}.`,
    experiment,
    expected,
    relation: 'equal',
    unit: 'share',
    reading: 'sessions.turnSuccessRate (one turn per session)',
    read: turnSuccess,
    // One turn per session: a binomial proportion over independent sessions.
    sampling: { kind: 'per-request', sd: Math.sqrt(expected * (1 - expected)) },
  };
}

function stepCapLaw(mean: number, cap: number): Law {
  const id = `session-step-cap-m${mean}-c${cap}`;
  const h = 1 / mean;
  const expected = (1 - h) ** cap;
  const experiment: Experiment = {
    id,
    yaml: loopYaml({
      id,
      requests: '100K',
      duration: '1d',
      session: `    turns: { dist: constant, value: 1 }\n    callsPerTurn: { dist: geometric, mean: ${mean} }\n    toolsPerBatch: { dist: constant, value: 1 }`,
      model: '{ latency: { dist: constant, value: 1s } }',
      layers: `${NO_RETRY}\n  session: { maxStepsPerTurn: ${cap} }`,
    }),
    full: { seeds: [42], requests: 40_000 },
    quick: { seeds: [42], requests: 10_000 },
  };
  return {
    id,
    family: 'sessions',
    name: `step cap, geometric mean ${mean}, cap ${cap}`,
    closedForm: `Calls per turn geometric with stop probability h = 1/${mean}; a cap of ${cap} calls stops the turns that need more: (1 - h)^c = ${+expected.toFixed(6)}.`,
    experiment,
    expected,
    relation: 'equal',
    unit: 'share',
    reading: 'sessions.stoppedBy.steps / turns',
    read: ({ output }) => output.sessions!.turnEnds[TurnEnd.Steps]! / output.sessions!.turns,
    sampling: { kind: 'per-request', sd: Math.sqrt(expected * (1 - expected)) },
  };
}

/**
 * The cached share of S sessions of T turns of K calls (batch of 1): prefix P, user message
 * u, completion o, tool result r. Call i of a session has prompt P + its history; every call
 * but the session's first reads the previous call's prompt, the first reads P (the shared
 * prefix), except the run's very first call, which finds nothing.
 */
export function cachedShareClosedForm(s: number, t: number, k: number, p: number, u: number, o: number, r: number): number {
  let history = 0;
  let total = 0;
  let reused = p;
  let previous = 0;
  for (let turn = 0; turn < t; turn++) {
    history += u;
    for (let call = 0; call < k; call++) {
      const prompt = p + history;
      total += prompt;
      if (previous > 0) reused += previous;
      previous = prompt;
      history += o + (call < k - 1 ? r : 0);
    }
  }
  return (s * reused - p) / (s * total);
}

function cachedShareLaw(): Law {
  const id = 'session-cached-share';
  const [sessions, turns, calls, prefix, user, completion, result] = [5000, 3, 4, 2000, 200, 50, 300];
  const expected = cachedShareClosedForm(sessions, turns, calls, prefix, user, completion, result);
  const experiment: Experiment = {
    id,
    yaml: loopYaml({
      id,
      requests: '5K',
      duration: '10h',
      session: [
        '    turns: { dist: constant, value: 3 }',
        '    callsPerTurn: { dist: constant, value: 4 }',
        '    toolsPerBatch: { dist: constant, value: 1 }',
        '    thinkTime: { dist: constant, value: 30s }',
        '    toolResultTokens: { default: { dist: constant, value: 300 } }',
      ].join('\n'),
      model: '{ latency: { dist: constant, value: 1s }, price: { input: $3, output: $15 } }',
      layers: `${NO_RETRY}\n  cache: { preset: anthropic, breakpoint: system }`,
    }),
    full: { seeds: [42], requests: sessions },
    quick: { seeds: [42], requests: sessions },
  };
  return {
    id,
    family: 'sessions',
    name: 'cached share of a growing conversation',
    closedForm: `${sessions} sessions of ${turns} turns x ${calls} calls (prefix ${prefix}, user ${user}, completion ${completion}, result ${result} tokens): reused over prompt tokens = ${+expected.toFixed(8)}.`,
    experiment,
    expected,
    relation: 'equal',
    unit: 'share',
    reading: 'cached prompt tokens / prompt tokens (sessions.cachedPromptShare, unrounded)',
    read: ({ output }) => output.sessions!.cachedPromptTokens / output.sessions!.promptTokens,
    // Constant sizes, no errors, think time within the TTL: nothing is random in the share.
    sampling: { kind: 'per-request', sd: 0 },
    allowance: { value: () => 1e-12, reason: 'floating-point sums' },
  };
}

function littleLaw(): Law {
  const id = 'session-little';
  // 2,000 sessions an hour for 10 h; a session lasts 3 turns of 2 calls (1 s each, 100 ms tools) and 2 think times of 20 s.
  const rate = 2000 / 3600_000;
  const durationMs = 3 * (2 * 1000 + 100) + 2 * 20_000;
  const expected = rate * durationMs;
  const experiment: Experiment = {
    id,
    yaml: loopYaml({
      id,
      requests: '20K',
      duration: '10h',
      session: [
        '    turns: { dist: constant, value: 3 }',
        '    callsPerTurn: { dist: constant, value: 2 }',
        '    toolsPerBatch: { dist: constant, value: 1 }',
        '    thinkTime: { dist: constant, value: 20s }',
      ].join('\n'),
      model: '{ latency: { dist: constant, value: 1s } }',
      layers: NO_RETRY,
    }),
    full: { seeds: seedRange(8), requests: 20_000 },
    quick: { seeds: seedRange(4), requests: 5_000 },
  };
  return {
    id,
    family: 'sessions',
    name: "Little's law on concurrent sessions",
    closedForm: `L = lambda x E[duration] = ${2000}/h x ${durationMs / 1000} s = ${+expected.toFixed(4)} sessions in the system on average.`,
    experiment,
    expected,
    relation: 'equal',
    unit: 'ratio',
    reading: 'sessions.concurrentSessions.mean (time average from the first arrival to the last end)',
    read: ({ output }) => output.sessions!.meanInSystem,
    // The Poisson count of arrivals in the span varies from seed to seed: judge over seeds.
    sampling: { kind: 'replications' },
    allowance: {
      // The average runs to the last end, one session duration past the last arrival.
      value: (size) => expected * (durationMs / (size.requests / rate)),
      reason: 'the averaging window runs one session past the last arrival',
    },
  };
}

/** The session laws: compounding without and with retries, the step cap, the cached share, Little's law. */
export const SESSION_LAWS: readonly Law[] = [compoundingLaw(0.04, 10, 1), compoundingLaw(0.3, 10, 3), stepCapLaw(8, 12), cachedShareLaw(), littleLaw()];
