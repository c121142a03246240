import { MAX_TOOLS_PER_BATCH } from '../scenario/session-schema.js';
import type { Pooled } from './pool.js';

/**
 * One agent session while it runs: where it is in its turns and in the current turn's loop,
 * its conversation's size, its prompt-cache entry, the tool batch in flight, and its running
 * bills. Pooled like requests; a session has at most one model call or one tool batch in
 * flight, and ends only when neither is.
 */
export class SessionState implements Pooled {
  generation = 0;
  /** Global session number (0-based): the key of every draw of its plan. */
  session = 0;
  tenant = 0;
  difficulty = 0;
  arrivalMs = 0;
  turns = 0;
  /** The turn being played (0-based). */
  turn = 0;
  turnStartMs = 0;
  /** Model calls the model means to make this turn. */
  planned = 0;
  /** The next planned step (its model call, then its batch unless it is the last). */
  step = 0;
  /** Steps added this turn by the model calling a failed tool again. */
  extra = 0;
  /** Model calls made this turn (planned and added), for the step limit. */
  modelCalls = 0;
  /** Tool calls made this turn. */
  toolCalls = 0;
  /** Tokens of the conversation so far: user messages, completions, tool results (the prefix apart). */
  history = 0;
  /** The model call in flight: its step, whether it was added by a failed tool, its completion tokens. */
  callStep = 0;
  callExtra = false;
  callCompletion = 0;

  // The prompt cache of this conversation: the model it is on, the prompt it holds, when it expires.
  cacheModel = -1;
  cachedPrompt = 0;
  cacheExpiresMs = 0;

  // The tool batch in flight: its tools, whether each failed, how many are still out.
  readonly batchTools = new Int32Array(MAX_TOOLS_PER_BATCH);
  readonly batchFailed = new Uint8Array(MAX_TOOLS_PER_BATCH);
  batchSize = 0;
  pending = 0;
  /** The batch in flight was added by a failed tool (keys under `EXTRA_STEP`), and its step. */
  batchExtra = false;
  batchStep = 0;
  /** Tools the model will call again in the next (added) step. */
  readonly retryTools = new Int32Array(MAX_TOOLS_PER_BATCH);
  retryCount = 0;
  /** Failures in a row per tool this turn, for the loop guard. */
  readonly failuresInRow: Uint16Array;
  /** Bit i: the loop guard refuses tool i for the rest of the turn. */
  blocked = 0;

  // Running bills of the session and of the current turn.
  billedTokens = 0;
  costUsd = 0;
  wastedTokens = 0;
  /** Tokens of this turn's answers so far: wasted too if the turn fails. */
  turnUsefulTokens = 0;
  turnsSucceeded = 0;

  constructor(readonly index: number, toolCount: number) {
    this.failuresInRow = new Uint16Array(toolCount);
  }

  /** This state's place in the pool: the slot `TurnStart` events address. */
  get slot(): number {
    return this.index;
  }

  /** Clears the turn's loop state at its start. */
  startTurn(): void {
    this.step = 0;
    this.extra = 0;
    this.modelCalls = 0;
    this.toolCalls = 0;
    this.retryCount = 0;
    this.blocked = 0;
    this.turnUsefulTokens = 0;
    const f = this.failuresInRow;
    for (let i = 0; i < f.length; i++) f[i] = 0;
  }

  reset(): void {
    this.turn = 0;
    this.history = 0;
    this.cacheModel = -1;
    this.cachedPrompt = 0;
    this.cacheExpiresMs = 0;
    this.batchSize = 0;
    this.pending = 0;
    this.billedTokens = 0;
    this.costUsd = 0;
    this.wastedTokens = 0;
    this.turnsSucceeded = 0;
    this.startTurn();
  }
}
