import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLASSIFIER_SERIAL } from '../../src/engine/request-flow.js';
import { RequestState } from '../../src/engine/request-state.js';
import { simulate } from '../../src/engine/simulator.js';
import { ModelRouter } from '../../src/layers/router.js';
import { KeyedUniform, RandomStreams } from '../../src/random/random.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/**
 * Keyed draws never collide: no two decisions of a run read the same draw. A collision would
 * tie two things that should be independent (a classifier verdict that is also an eval check,
 * or the classifier's own call failing exactly when the request's first call to that model
 * does). Draws of one stream collide when they use the same key (i, j, k); draws of two
 * streams only if the streams' salts are equal.
 *
 * The run below records every keyed draw the engine makes, by stream and key, and which
 * decision each routing-verdicts draw fed (by watching the router's two entry points).
 */

const SCENARIO = `
name: keyed
seed: 3
duration: 1h
workload:
  requests: 3000
  difficulty: { trivial: 0.5, standard: 0.4, complex: 0.1 }
upstream:
  models:
    h: { latency: { dist: constant, value: 100ms }, errors: { rate: 20%, mix: { "429": 0.5, "503": 0.5 }, retryAfter: 0 } }
    s: { latency: { dist: constant, value: 200ms }, errors: { rate: 20%, mix: { "429": 0.5, "503": 0.5 }, retryAfter: 0 } }
    o: { latency: { dist: constant, value: 300ms }, errors: { rate: 20%, mix: { "429": 0.5, "503": 0.5 }, retryAfter: 0 } }
layers:
  retry: { maxAttempts: 3, baseDelay: 10ms, honorRetryAfter: false }
  routing:
    # The classifier runs on h, which also answers the trivial tier: its call and h's own calls share a target.
    classifier: { model: h, accuracy: 70% }
    tiers: { trivial: h, standard: s, complex: o }
    fallback: [h, s, o]
    fallbackDownward: false
    qualityFallback: { failRate: { h: 40%, s: 20% } }
`;

interface Draw {
  stream: string;
  key: string;
  value: number;
  purpose?: 'verdict' | 'eval';
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the scenario with every keyed draw recorded. */
function recordDraws(): { draws: Draw[]; verdicts: number; evals: number; requests: number } {
  const draws: Draw[] = [];
  let lastRouting: Draw | undefined;
  const keyed = RandomStreams.prototype.keyed;
  vi.spyOn(RandomStreams.prototype, 'keyed').mockImplementation(function (this: RandomStreams, name: string) {
    const inner = keyed.call(this, name);
    return {
      at(i: number, j: number, k: number): number {
        const value = inner.at(i, j, k);
        const draw: Draw = { stream: name, key: `${i},${j},${k}`, value };
        draws.push(draw);
        if (name === 'routing-verdicts') lastRouting = draw;
        return value;
      },
    } as KeyedUniform;
  });
  /** Marks the routing-verdicts draw just made as feeding `purpose` (it is the call's argument). */
  const mark = (purpose: 'verdict' | 'eval', value: number | undefined) => {
    const last = lastRouting;
    expect(last?.value).toBe(value);
    expect(last?.purpose).toBeUndefined();
    last!.purpose = purpose;
  };
  const classify = ModelRouter.prototype.classify;
  const failsQualityCheck = ModelRouter.prototype.failsQualityCheck;
  let verdicts = 0;
  let evals = 0;
  vi.spyOn(ModelRouter.prototype, 'classify').mockImplementation(function (this: ModelRouter, difficulty: number, draw?: number) {
    verdicts++;
    mark('verdict', draw);
    return classify.call(this, difficulty, draw);
  });
  vi.spyOn(ModelRouter.prototype, 'failsQualityCheck').mockImplementation(function (this: ModelRouter, model: number, draw?: number) {
    evals++;
    mark('eval', draw);
    return failsQualityCheck.call(this, model, draw);
  });
  const output = simulate(parseScenarioText(SCENARIO, 'keyed.yaml'));
  return { draws, verdicts, evals, requests: output.metrics.requests };
}

describe('keyed draws', () => {
  it('never reads one key of one stream twice in a run: verdicts, eval checks, the classifier call and every model call each have their own draw', () => {
    const { draws, verdicts, evals, requests } = recordDraws();
    const repeated = new Map<string, number>();
    for (const d of draws) repeated.set(`${d.stream}:${d.key}`, (repeated.get(`${d.stream}:${d.key}`) ?? 0) + 1);
    expect([...repeated].filter(([, n]) => n > 1).slice(0, 5)).toEqual([]);
    // The run exercised every purpose, so "no repeats" is not vacuous.
    // A request whose classifier call failed routes as standard without a verdict (20% of them).
    expect(verdicts).toBeGreaterThan(0.7 * requests);
    expect(evals).toBeGreaterThan(requests / 2);
    for (const stream of ['routing-verdicts', 'classifier-latency', 'upstream-fail', 'upstream-error-kind', 'upstream-latency']) {
      expect(draws.some((d) => d.stream === stream)).toBe(true);
    }
  });

  it('feeds every routing-verdicts draw to exactly one decision: a verdict or an eval check, never both, never neither', () => {
    const { draws, verdicts, evals } = recordDraws();
    const routing = draws.filter((d) => d.stream === 'routing-verdicts');
    expect(routing.filter((d) => d.purpose === undefined)).toEqual([]);
    expect(routing.filter((d) => d.purpose === 'verdict')).toHaveLength(verdicts);
    expect(routing.filter((d) => d.purpose === 'eval')).toHaveLength(evals);
    const verdictKeys = new Set(routing.filter((d) => d.purpose === 'verdict').map((d) => d.key));
    expect(routing.filter((d) => d.purpose === 'eval' && verdictKeys.has(d.key))).toEqual([]);
  });

  it('gives every stream its own salt, for every seed from 0 to 9999: no stream can replay another\'s draws', () => {
    const names = ['routing-verdicts', 'classifier-latency', 'upstream-fail', 'upstream-error-kind', 'upstream-latency', 'upstream-episodes'];
    for (let seed = 0; seed < 10_000; seed++) {
      const streams = new RandomStreams(seed);
      // Equal salts give equal draws at every key; different salts differ at (0, 0, 0) (53 bits).
      const firsts = new Set(names.map((name) => streams.keyed(name).at(0, 0, 0)));
      if (firsts.size !== names.length) expect.fail(`seed ${seed}: two keyed streams share a salt`);
    }
  });

  it('keeps the classifier call\'s serial above any count of calls a request can make to one target', () => {
    const req = new RequestState(0, 1);
    const maxCalls = 2 ** (8 * req.callsPerTarget.BYTES_PER_ELEMENT) - 1;
    expect(CLASSIFIER_SERIAL).toBeGreaterThan(maxCalls);
  });
});
