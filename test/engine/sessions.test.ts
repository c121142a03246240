import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/engine/simulator.js';
import type { SessionMetrics } from '../../src/metrics/session-metrics.js';
import { TurnEnd } from '../../src/metrics/session-metrics.js';
import { loadScenarioFile, parseScenarioText } from '../../src/scenario/load.js';

// The agent loop on small, deterministic scenarios: constant counts, tokens and latencies,
// so every figure below follows by hand from the loop's rules (see src/engine/sessions.ts).

interface Options {
  /** Keys of workload.sessions over the base ones (each a YAML flow value). */
  sessions?: Record<string, string>;
  tools?: string;
  upstreamTools?: string;
  layers?: string;
  models?: string;
  requests?: number;
  prefix?: number;
}

const BASE_SESSION: Record<string, string> = {
  turns: '{ dist: constant, value: 1 }',
  callsPerTurn: '{ dist: constant, value: 3 }',
  thinkTime: '{ dist: constant, value: 10s }',
  toolResultTokens: '{ default: { dist: constant, value: 300 } }',
  toolErrorTokens: '{ dist: constant, value: 40 }',
};

function scenario(o: Options): string {
  return `
name: loop
duration: 1d
workload:
  requests: ${o.requests ?? 1}
  tools: ${o.tools ?? '{ search: 1 }'}
  tokens: { input: { dist: constant, value: 200 }, output: { dist: constant, value: 50 } }
  prompt: { prefix: [ { name: system, tokens: ${o.prefix ?? 1000} } ] }
  sessions:
${Object.entries({ ...BASE_SESSION, ...o.sessions }).map(([key, value]) => `    ${key}: ${value}`).join('\n')}
upstream:
  models:
${o.models ?? '    sonnet: { latency: { dist: constant, value: 1s }, price: { input: $3, output: $15 } }'}
  tools:
${o.upstreamTools ?? '    search: { latency: { dist: constant, value: 100ms } }'}
layers:
${o.layers ?? '  retry: { enabled: false }'}
`;
}

function run(o: Options): { s: SessionMetrics; out: ReturnType<typeof simulate> } {
  const out = simulate(parseScenarioText(scenario(o), 'loop.yaml'));
  return { s: out.sessions!, out };
}

const ends = (s: SessionMetrics) => Object.fromEntries([...s.turnEnds].map((n, i) => [i, n]).filter(([, n]) => n > 0));

describe('the agent loop', () => {
  it('plays a turn of 3 model calls and 2 tool batches: latency, calls and a growing prompt, all by hand', () => {
    const { s, out } = run({});
    expect(s.sessions).toBe(1);
    expect(ends(s)).toEqual({ [TurnEnd.Success]: 1 });
    expect(s.modelCalls).toBe(3);
    expect(s.toolCalls).toBe(2);
    // 3 model calls of 1 s and 2 tool calls of 100 ms, one after another.
    expect(s.turnLatency.meanMs).toBeCloseTo(3200, 6);
    // Prompts: prefix 1000 + user 200; then + completion 50 + result 300 per step: 1200, 1550, 1900.
    expect(s.promptTokens).toBe(1200 + 1550 + 1900);
    expect(s.completionTokens).toBe(150);
    expect(s.cachedPromptTokens).toBe(0);
    // No cache: $3 per million in, $15 per million out.
    expect(s.costUsd).toBeCloseTo((4650 * 3 + 150 * 15) / 1e6, 12);
    // Every model call is a request of the per-call metrics; tool calls are the tools'.
    expect(out.metrics.requests).toBe(3);
    expect(out.metrics.toolCalls).toBe(2);
    expect(s.sessionsSucceeded).toBe(1);
  });

  it('reads the unchanged part of the conversation from the cache and writes the rest', () => {
    const { s } = run({ layers: '  retry: { enabled: false }\n  cache: { minCacheableTokens: 1024 }' });
    // Call 1 writes 1200; call 2 reads those 1200 and writes 350; call 3 reads 1550.
    expect(s.cachedPromptTokens).toBe(1200 + 1550);
    const inputUsd = (1200 * 1.25 + (1200 * 0.1 + 350 * 1.25) + (1550 * 0.1 + 350 * 1.25)) * 3;
    expect(s.costUsd).toBeCloseTo((inputUsd + 150 * 15) / 1e6, 12);
  });

  it('starts the next turn cold when the think time outlasts the TTL, warm when it does not (the stable prefix aside)', () => {
    const twoTurns = (think: string) =>
      run({
        sessions: { turns: '{ dist: constant, value: 2 }', thinkTime: `{ dist: constant, value: ${think} }`, callsPerTurn: '{ dist: constant, value: 1 }' },
        layers: '  retry: { enabled: false }\n  cache: { minCacheableTokens: 0 }',
      }).s;
    // Turn 1: prompt 1200 (prefix 1000 + user 200), answer 50. Turn 2: prompt 1450.
    expect(twoTurns('1m').cachedPromptTokens).toBe(1200);
    // After 6 minutes both the conversation and the shared prefix have expired.
    expect(twoTurns('6m').cachedPromptTokens).toBe(0);
  });

  it('compacts a conversation above the threshold to the kept share, and the cache starts cold after it', () => {
    const { s } = run({
      sessions: { callsPerTurn: '{ dist: constant, value: 4 }', compaction: '{ above: 800, keep: 50% }' },
      layers: '  retry: { enabled: false }\n  cache: { minCacheableTokens: 0 }',
    });
    // History 200 -> 550 -> 900 (> 800: compacted to 450 before call 3) -> 800 (not above).
    expect(s.compactions).toBe(1);
    expect(s.promptTokens).toBe(1200 + 1550 + 1450 + 1800);
    // Call 2 reads 1200; call 3 is cold after compaction but the prefix is warm (1000); call 4 reads 1450.
    expect(s.cachedPromptTokens).toBe(1200 + 1000 + 1450);
  });

  it('returns a failed tool to the model, which calls it again; the loop guard refuses the third failure in a row and the model routes around', () => {
    const down = '    search: { latency: { dist: constant, value: 100ms }, errors: { rate: 100%, mix: { "503": 1 } } }';
    const loop = (layers: string) =>
      run({ sessions: { callsPerTurn: '{ dist: constant, value: 2 }', onToolError: '{ retrySame: 100% }' }, upstreamTools: down, layers }).s;
    const guarded = loop('  retry: { enabled: false }\n  session: { sameToolFailures: 3 }');
    // Planned call 1 -> search fails -> added call -> fails (2 in a row) -> added call -> fails (3) -> refused -> planned call 2 answers.
    expect(ends(guarded)).toEqual({ [TurnEnd.Success]: 1 });
    expect(guarded.modelCalls).toBe(4);
    expect(guarded.addedSteps).toBe(2);
    expect(guarded.toolCalls).toBe(3);
    expect(guarded.toolErrors).toBe(3);
    expect(guarded.loopGuardBlocks).toBe(1);
    const stopped = loop('  retry: { enabled: false }\n  session: { sameToolFailures: 3, onLoop: stop-turn }');
    expect(ends(stopped)).toEqual({ [TurnEnd.LoopGuard]: 1 });
    expect(stopped.modelCalls).toBe(3);
    expect(stopped.sessionsSucceeded).toBe(0);
    // Without a guard the step limit is all that stops the loop.
    const capped = loop('  retry: { enabled: false }\n  session: { maxStepsPerTurn: 10 }');
    expect(ends(capped)).toEqual({ [TurnEnd.Steps]: 1 });
    expect(capped.modelCalls).toBe(10);
    expect(capped.toolCalls).toBe(10);
  });

  it('stops a turn at its step limit, its duration limit, and a session at its token budget', () => {
    const steps = run({ layers: '  retry: { enabled: false }\n  session: { maxStepsPerTurn: 2 }' }).s;
    expect(ends(steps)).toEqual({ [TurnEnd.Steps]: 1 });
    expect(steps.modelCalls).toBe(2);
    // Checked before each call: after 1 s + 100 ms the turn has run 1.1 s >= 1 s.
    const duration = run({ layers: '  retry: { enabled: false }\n  session: { maxTurnDuration: 1s }' }).s;
    expect(ends(duration)).toEqual({ [TurnEnd.Duration]: 1 });
    expect(duration.modelCalls).toBe(1);
    // Budget 3,000: call 1 bills 1250; call 2 would send 1550 more (2800 <= 3000) and bills 1600; call 3's 1900 would pass it.
    const tokens = run({
      sessions: { turns: '{ dist: constant, value: 3 }' },
      layers: '  retry: { enabled: false }\n  session: { maxTokensPerSession: 3000 }',
    }).s;
    expect(ends(tokens)).toEqual({ [TurnEnd.Tokens]: 1 });
    expect(tokens.turns).toBe(1);
    expect(tokens.modelCalls).toBe(2);
    expect(tokens.billedTokens).toBe(1250 + 1600);
    // Every token of the failed turn is wasted.
    expect(tokens.wastedTokens).toBe(1250 + 1600);
  });

  it('fails the turn when a model call fails after the harness, and goes on with the next turn', () => {
    const { s } = run({
      requests: 200,
      sessions: { turns: '{ dist: constant, value: 2 }' },
      models: '    sonnet: { latency: { dist: constant, value: 1s }, errors: { rate: 30%, mix: { "503": 1 } } }',
    });
    expect(s.sessions).toBe(200);
    expect(s.turns).toBe(400);
    expect(s.turnEnds[TurnEnd.ModelFailed]! + s.turnEnds[TurnEnd.Success]!).toBe(400);
    // 3 calls at 70% each: a turn succeeds with 0.343; 4 binomial standard errors over 400 turns.
    expect(Math.abs(s.turnEnds[TurnEnd.Success]! / 400 - 0.343)).toBeLessThan(4 * Math.sqrt((0.343 * 0.657) / 400));
  });

  it('returns a scope refusal to the model as an error result, and the turn still succeeds', () => {
    const { s, out } = run({
      tools: '{ search: 0.5, refund: 0.5 }',
      upstreamTools: '    search: { latency: { dist: constant, value: 100ms } }\n    refund: { latency: { dist: constant, value: 100ms } }',
      requests: 50,
      layers: '  retry: { enabled: false }\n  scope: { allow: [search] }',
    });
    expect(s.turnEnds[TurnEnd.Success]).toBe(50);
    expect(s.toolErrors).toBeGreaterThan(0);
    expect(s.toolErrors).toBe(s.toolCalls - out.metrics.byTool[0]!.calls);
  });

  it('rejects a model call over the per-key quota: the turn fails as rejected', () => {
    const { s } = run({
      requests: 100,
      layers: '  retry: { enabled: false }\n  capacity: { perKey: { quotaRpm: 0.001, shares: { default: 1 } } }',
    });
    expect(s.turnEnds[TurnEnd.Rejected]).toBeGreaterThan(90);
  });

  it('puts toolsPerBatch tools in each batch and adds each tool result at its own size (the default for tools not listed)', () => {
    const { s } = run({
      tools: '{ search: 1 }',
      sessions: { callsPerTurn: '{ dist: constant, value: 2 }', toolsPerBatch: '{ dist: constant, value: 3 }', toolResultTokens: '{ search: { dist: constant, value: 500 }, default: { dist: constant, value: 300 } }' },
    });
    expect(s.toolCalls).toBe(3);
    // Call 1: prefix 1000 + user 200. Call 2: + completion 50 + three search results of 500.
    expect(s.promptTokens).toBe(1200 + 1200 + 50 + 3 * 500);
  });

  it('returns a failed tool to the model as toolErrorTokens, not its result size', () => {
    const down = '    search: { latency: { dist: constant, value: 100ms }, errors: { rate: 100%, mix: { "503": 1 } } }';
    const { s } = run({ sessions: { callsPerTurn: '{ dist: constant, value: 2 }', onToolError: '{ retrySame: 0% }' }, upstreamTools: down });
    expect(s.toolErrors).toBe(1);
    expect(s.promptTokens).toBe(1200 + 1200 + 50 + 40);
  });

  it('stops nothing when the session layer is disabled, whatever its limits say', () => {
    const { s } = run({ layers: '  retry: { enabled: false }\n  session: { enabled: false, maxStepsPerTurn: 1, maxTurnDuration: 1ms }' });
    expect(ends(s)).toEqual({ [TurnEnd.Success]: 1 });
    expect(s.modelCalls).toBe(3);
  });

  it('is deterministic: the same scenario and seed give the same counters, and every session ends exactly once', () => {
    const o: Options = {
      requests: 300,
      sessions: { turns: '{ dist: geometric, mean: 3 }', callsPerTurn: '{ dist: geometric, mean: 5 }', thinkTime: '{ dist: exponential, mean: 1m }', onToolError: '{ retrySame: 50% }' },
      upstreamTools: '    search: { latency: { dist: lognormal, p50: 100ms, p95: 2s }, errors: { rate: 20% } }',
      layers: '  retry: { maxAttempts: 2 }\n  breaker: {}\n  cache: {}\n  session: { sameToolFailures: 2, maxStepsPerTurn: 30 }',
    };
    const a = run(o).s;
    const b = run(o).s;
    expect(b).toEqual(a);
    expect(a.sessions).toBe(300);
    expect(a.inSystem).toBe(0);
    expect([...a.turnEnds].reduce((x, y) => x + y, 0)).toBe(a.turns);
  });
});

describe('every distribution kind of a session', () => {
  const dir = 'test/fixtures/sessions';
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

  it.each(files)('runs %s to the end: every session ends once, every turn once', (file) => {
    const { scenario } = loadScenarioFile(join(dir, file));
    const s = simulate(scenario).sessions!;
    expect(s.sessions).toBe(40);
    expect(s.inSystem).toBe(0);
    expect([...s.turnEnds].reduce((x, y) => x + y, 0)).toBe(s.turns);
    expect(s.turns).toBeGreaterThanOrEqual(40);
    expect(s.modelCalls).toBeGreaterThanOrEqual(s.turns);
  });
});
