import { z } from 'zod';
import { empiricalTableProblem } from '../random/distributions.js';
import { DEFAULTS } from './defaults.js';
import { boundedInt, distribution, durationOrZeroMs, rate, tokenCount } from './fields.js';
import type { SessionLayerConfig } from './layers-schema.js';

/**
 * The agent-session language: `workload.sessions` (the loop a session runs) and
 * `layers.session` (the harness's limits on it). See `src/engine/sessions.ts` for the loop.
 *
 * With sessions, `workload.requests` counts sessions, `workload.tokens.input` is each user
 * message and `workload.tokens.output` each model call's completion, and `workload.tools`
 * is the tool mix: the share of each tool among the calls of a tool batch.
 */

const countError = (what: string) => ({ error: `expected ${what}` });

/** A count of at least one: constant, geometric (by mean), lognormal (rounded) or an empirical quantile table. */
export function countDistribution() {
  return z
    .discriminatedUnion('dist', [
      z.strictObject({ dist: z.literal('constant'), value: boundedInt(1, 1_000_000) }),
      z.strictObject({ dist: z.literal('geometric'), mean: z.number(countError('a mean from 1 to 1,000,000')).finite().min(1, countError('a mean of at least 1')).max(1_000_000, countError('a mean of at most 1,000,000')) }),
      z.strictObject({ dist: z.literal('lognormal'), p50: z.number().finite().positive().max(1_000_000), p95: z.number().finite().positive().max(1_000_000) }),
      /** A quantile table, `{ 0: 1, 0.5: 3, 0.9: 12, 1: 60 }`: linear between the points, then rounded. */
      z.strictObject({ dist: z.literal('empirical'), quantiles: z.record(z.string(), z.number().finite().min(0).max(1_000_000)) }),
    ])
    .superRefine((d, ctx) => {
      if (d.dist === 'lognormal' && !(d.p95 >= d.p50)) ctx.addIssue({ code: 'custom', path: ['p95'], message: `expected p95 >= p50 (${d.p50}), got ${d.p95}` });
      if (d.dist === 'empirical') {
        const keys = Object.keys(d.quantiles);
        const bad = keys.find((k) => !/^(0(\.\d+)?|1(\.0+)?)$/.test(k));
        if (bad !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['quantiles', bad], message: `expected a cumulative probability between 0 and 1 as the key, got ${JSON.stringify(bad.slice(0, 20))}` });
        } else if (keys.length > 1000) {
          ctx.addIssue({ code: 'custom', path: ['quantiles'], message: `expected at most 1000 quantiles, got ${keys.length}` });
        } else {
          const problem = empiricalTableProblem(Object.entries(d.quantiles).map(([p, v]) => [Number(p), v] as const).sort((a, b) => a[0] - b[0]));
          if (problem) ctx.addIssue({ code: 'custom', path: ['quantiles'], message: `the quantile table ${problem}` });
        }
      }
    });
}

const S = DEFAULTS.workload.sessions;

/** `workload.sessions`: sessions of user turns, each a loop of model calls and tool batches. */
export const sessionsSchema = z.strictObject({
  /** User turns per session. */
  turns: countDistribution().prefault(S.turns),
  /** The user's think time between the end of one turn and the start of the next. */
  thinkTime: distribution(durationOrZeroMs).prefault(S.thinkTime),
  /** Model calls per turn (the model decides when it is done); every call but the last issues a tool batch. */
  callsPerTurn: countDistribution().prefault(S.callsPerTurn),
  /** Parallel tool calls per batch, each drawn from the tool mix (at most 64). */
  toolsPerBatch: countDistribution().prefault(S.toolsPerBatch),
  /** Tokens of a tool's result added to the conversation, per tool; `default` for tools not named. */
  toolResultTokens: z.record(z.string(), distribution(tokenCount)).prefault(S.toolResultTokens),
  /** Tokens of the error a failed or refused tool call returns to the model. */
  toolErrorTokens: distribution(tokenCount).prefault(S.toolErrorTokens),
  /** When the conversation passes `above` tokens, keep `keep` of it (a summary); the prompt cache starts cold. */
  compaction: z
    .strictObject({
      above: tokenCount(),
      keep: rate(),
    })
    .optional(),
  /** How the model reacts to an error result: with probability `retrySame` it calls the same tool again. */
  onToolError: z.strictObject({ retrySame: rate().prefault(S.onToolError.retrySame) }).prefault({}),
});

export type SessionsConfig = z.output<typeof sessionsSchema>;

/** The parts of a scenario the session checks read. */
interface SessionCheckInput {
  workload: { tools: Record<string, number>; sessions?: SessionsConfig; arrival: string | { trace?: string } };
  layers: { session?: SessionLayerConfig };
  slo?: Record<string, string>;
}

/** SLO metrics that read `sessions.*` (kept here, not imported from the report code, so the schema stays light). */
export const SESSION_SLO_METRICS = ['turnSuccessRate', 'sessionSuccessRate', 'turnLatencyP95', 'costPerSession', 'tokensPerSession', 'wastedTokensPerSession', 'cachedPromptShare'];

/** The most calls one tool batch may hold (batches are tracked in fixed arrays). */
export const MAX_TOOLS_PER_BATCH = 64;

/** Cross-checks of the session blocks against each other and the tools. */
export function checkSessions(scenario: SessionCheckInput, ctx: z.RefinementCtx): void {
  const sessions = scenario.workload.sessions;
  if (!sessions) {
    for (const metric of Object.keys(scenario.slo ?? {}).filter((key) => SESSION_SLO_METRICS.includes(key))) {
      ctx.addIssue({ code: 'custom', path: ['slo', metric], message: `expected workload.sessions: ${metric} is an agent-session figure` });
    }
  }
  if (scenario.layers.session && !sessions) {
    ctx.addIssue({ code: 'custom', path: ['layers', 'session'], message: 'expected workload.sessions: the session limits apply to agent sessions only' });
  }
  if (!sessions) return;
  const arrival = scenario.workload.arrival;
  if (typeof arrival === 'object' && arrival.trace !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['workload', 'arrival', 'trace'], message: 'expected no trace with workload.sessions: a trace replays single requests, not sessions' });
  }
  const at = (...path: (string | number)[]) => ['workload', 'sessions', ...path];
  const toolNames = Object.keys(scenario.workload.tools);
  const total = Object.values(scenario.workload.tools).reduce((sum, share) => sum + share, 0);
  if (toolNames.length > 0 && Math.abs(total - 1) > 1e-6) {
    ctx.addIssue({ code: 'custom', path: ['workload', 'tools'], message: `expected shares that sum to 1 (with sessions, workload.tools is the tool mix of a batch), got ${+total.toFixed(6)}` });
  }
  const calls = sessions.callsPerTurn;
  if (toolNames.length === 0 && !(calls.dist === 'constant' && calls.value === 1)) {
    ctx.addIssue({ code: 'custom', path: at('callsPerTurn'), message: 'expected workload.tools: every call of a turn but the last issues a tool batch, drawn from workload.tools' });
  }
  const batch = sessions.toolsPerBatch;
  if (batch.dist === 'constant' && batch.value > MAX_TOOLS_PER_BATCH) {
    ctx.addIssue({ code: 'custom', path: at('toolsPerBatch', 'value'), message: `expected at most ${MAX_TOOLS_PER_BATCH} calls per batch, got ${batch.value}` });
  }
  const unknown = Object.keys(sessions.toolResultTokens).filter((tool) => tool !== 'default' && !toolNames.includes(tool));
  for (const tool of unknown) {
    ctx.addIssue({ code: 'custom', path: at('toolResultTokens', tool), message: `expected "default" or one of workload.tools (${toolNames.join(', ') || 'none defined'}), got "${tool}"` });
  }
  if (unknown.length === 0 && !('default' in sessions.toolResultTokens) && toolNames.some((tool) => !(tool in sessions.toolResultTokens))) {
    ctx.addIssue({ code: 'custom', path: at('toolResultTokens'), message: 'expected a "default" entry for the tools not named' });
  }
  const compaction = sessions.compaction;
  if (compaction && !(compaction.keep > 0 && compaction.keep < 1)) {
    ctx.addIssue({ code: 'custom', path: at('compaction', 'keep'), message: `expected a share above 0 and below 1, got ${compaction.keep}` });
  }
  if (compaction && !(compaction.above > 0)) {
    ctx.addIssue({ code: 'custom', path: at('compaction', 'above'), message: 'expected a token count above 0' });
  }
  const budget = scenario.layers.session?.maxTokensPerSession;
  if (budget !== undefined && !(budget > 0)) {
    ctx.addIssue({ code: 'custom', path: ['layers', 'session', 'maxTokensPerSession'], message: 'expected a token count above 0' });
  }
}
