import { makeCountDistribution, type CountDistribution } from '../random/count-distributions.js';
import { cumulative, pick } from '../random/categorical.js';
import { makeDistribution, type Distribution } from '../random/distributions.js';
import type { KeyedUniform, RandomStreams } from '../random/random.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { MAX_TOOLS_PER_BATCH, type SessionsConfig } from '../scenario/session-schema.js';

/**
 * What each agent session would do if nothing failed: its turns, each turn's model calls,
 * the tool batches between them, and every token count and think time. Every value is a
 * keyed draw addressed by (session, turn, step, slot), never consumed in order, so the
 * same session has the same plan in every variant of a comparison (common random numbers),
 * whatever the layers made of its earlier calls.
 *
 * Keys: i = session; j = turn (or `SESSION_LEVEL` for the session's own draws, or the turn
 * with `EXTRA_STEP` set for the steps a failed tool adds); k = step x `SLOTS` + slot, where
 * slot 0 is the step's model call and slots 1..64 the calls of its tool batch.
 */

/** j of the session-level draws (the number of turns). */
const SESSION_LEVEL = -1;
/** Set in j for the steps a failed tool adds (the model calling it again), apart from the planned ones. */
export const EXTRA_STEP = 1 << 30;
/** k per step: the model call, then up to 64 tool calls, rounded up to a power of two. */
const SLOTS = 128;

/**
 * j of a step of `turn`: the turn, with `EXTRA_STEP` set when a failed tool `added` the step.
 *
 * Written without a branch on purpose, like the session driver's other rare paths: code the
 * optimizing compiler never saw run (an added step is ~1 in 100) is compiled as a deopt, so
 * the first added step after the event handlers are optimized throws their code away and
 * they are compiled again.
 */
export function stepKey(turn: number, added: boolean): number {
  return turn | (added ? EXTRA_STEP : 0);
}

export class SessionPlan {
  private readonly turnsDist: CountDistribution;
  private readonly callsDist: CountDistribution;
  private readonly batchDist: CountDistribution;
  private readonly thinkDist: Distribution;
  private readonly userDist: Distribution;
  private readonly completionDist: Distribution;
  /**
   * The tokens a tool call returns: at 2 x tool its result's, at 2 x tool + 1 its error's. The
   * same reads whether the call failed or not (see `stepKey` for why).
   */
  private readonly returnedDist: readonly Distribution[];
  private readonly toolCumulative: Float64Array;
  /** Counts: turns, calls per turn, batch sizes, tool picks. */
  private readonly counts: KeyedUniform;
  /** Token counts: user messages, completions, tool results. */
  private readonly tokens: KeyedUniform;
  private readonly think: KeyedUniform;
  /** The model's choice after an error result: call the same tool again or not. */
  private readonly choices: KeyedUniform;
  private readonly keys: KeyedUniform;
  /** The probability the model calls a failed tool again. */
  readonly retrySame: number;
  readonly toolCount: number;

  constructor(scenario: ParsedScenario, streams: RandomStreams) {
    const sessions = scenario.workload.sessions as SessionsConfig;
    const tools = Object.keys(scenario.workload.tools);
    this.turnsDist = makeCountDistribution(sessions.turns);
    this.callsDist = makeCountDistribution(sessions.callsPerTurn);
    this.batchDist = makeCountDistribution(sessions.toolsPerBatch);
    this.thinkDist = makeDistribution(sessions.thinkTime);
    this.userDist = makeDistribution(scenario.workload.tokens.input);
    this.completionDist = makeDistribution(scenario.workload.tokens.output);
    const errorDist = makeDistribution(sessions.toolErrorTokens);
    this.returnedDist = tools.flatMap((tool) => [makeDistribution((sessions.toolResultTokens[tool] ?? sessions.toolResultTokens.default)!), errorDist]);
    this.toolCumulative = cumulative(Object.values(scenario.workload.tools));
    this.toolCount = tools.length;
    this.retrySame = sessions.onToolError.retrySame;
    this.counts = streams.keyed('session-plan');
    this.tokens = streams.keyed('session-tokens');
    this.think = streams.keyed('session-think');
    this.choices = streams.keyed('session-tool-errors');
    this.keys = streams.keyed('session-call-keys');
  }

  /** User turns of `session`. */
  turns(session: number): number {
    return this.turnsDist.quantile(this.counts.at(session, SESSION_LEVEL, 0));
  }

  /** Model calls the model means to make in `turn` (before any failure adds one). */
  callsPerTurn(session: number, turn: number): number {
    return this.callsDist.quantile(this.counts.at(session, turn, SESSION_LEVEL));
  }

  /** The user's think time before `turn` (turn >= 1), in ms. */
  thinkMs(session: number, turn: number): number {
    return this.thinkDist.quantile(this.think.at(session, turn, 0));
  }

  /** Tokens of the user's message that opens `turn`. */
  userTokens(session: number, turn: number): number {
    return roundTokens(this.userDist.quantile(this.tokens.at(session, turn, SESSION_LEVEL)));
  }

  /** Completion tokens of the model call of step `step` (j = turn, or turn | EXTRA_STEP). */
  completionTokens(session: number, j: number, step: number): number {
    return roundTokens(this.completionDist.quantile(this.tokens.at(session, j, step * SLOTS)));
  }

  /** Calls in the tool batch of planned step `step`, at most 64. */
  batchSize(session: number, turn: number, step: number): number {
    return Math.min(MAX_TOOLS_PER_BATCH, this.batchDist.quantile(this.counts.at(session, turn, step * SLOTS)));
  }

  /** The tool (index in tool order) of slot `slot` (0-based) of planned step `step`'s batch. */
  tool(session: number, turn: number, step: number, slot: number): number {
    return pick(this.toolCumulative, this.counts.at(session, turn, step * SLOTS + 1 + slot));
  }

  /** Tokens the call in `slot` of a batch returns to the conversation: its result, or its error. */
  resultTokens(tool: number, failed: boolean, session: number, j: number, step: number, slot: number): number {
    const u = this.tokens.at(session, j, step * SLOTS + 1 + slot);
    return roundTokens(this.returnedDist[2 * tool + (failed ? 1 : 0)]!.quantile(u));
  }

  /** Whether the model calls the failed tool of `slot` again (probability `retrySame`). */
  callsAgain(session: number, j: number, step: number, slot: number): boolean {
    return this.retrySame > 0 && this.choices.at(session, j, step * SLOTS + 1 + slot) < this.retrySame;
  }

  /**
   * The key the upstream draws of one logical call are addressed by: a 32-bit hash of
   * (session, j, step, slot). The same logical call gets the same key in every variant;
   * two different calls share one with probability 2^-32.
   */
  callKey(session: number, j: number, step: number, slot: number): number {
    return Math.floor(this.keys.at(session, j, step * SLOTS + slot) * 4294967296) | 0;
  }

  /** Mean turns per session and mean planned calls per turn, for reports and validation. */
  get means(): { turns: number; callsPerTurn: number; toolsPerBatch: number } {
    return { turns: this.turnsDist.mean, callsPerTurn: this.callsDist.mean, toolsPerBatch: this.batchDist.mean };
  }
}

/** A drawn token count as a whole number, at least 0. */
function roundTokens(x: number): number {
  return Math.max(0, Math.round(x));
}
