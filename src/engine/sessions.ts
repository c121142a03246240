import { RequestOutcome } from '../metrics/collector.js';
import { TurnEnd } from '../metrics/session-metrics.js';
import { stepKey } from '../workload/session-plan.js';
import type { RequestDraw } from '../workload/workload.js';
import type { World } from './build.js';
import { EventKind } from './events.js';
import type { Kernel } from './kernel.js';
import type { CallEnd, RequestLifecycle } from './lifecycle.js';
import { Pool } from './pool.js';
import type { RequestFlow } from './request-flow.js';
import { CallRole, type RequestState } from './request-state.js';
import { SessionState } from './session-state.js';
import type { SessionWorld } from './session-world.js';

/**
 * The agent loop. A session arrives, plays its turns one after another (the user's think
 * time between them), and each turn loops: model call -> its tool batch -> model call ...
 * until the model's last planned call answers. Every model call and every tool call is a
 * request on the existing path, with a `CallRole`: a model call meets capacity, routing,
 * breaker, retry and fallback like any request, a tool call the scope check, the tool's
 * breaker and retry. When a call ends, `RequestLifecycle` hands its outcome here (after the
 * request's state is released) and the loop goes on.
 *
 * - Context: each prompt is the stable prefix plus the conversation so far (user messages,
 *   completions, tool results and tool errors); compaction shrinks it above a threshold.
 * - A failed or refused tool call returns an error to the model; with probability
 *   `onToolError.retrySame` the model calls the same tool again in an added step (a model
 *   call and a batch of the tools it retries) before going on with its plan.
 * - Limits (`layers.session`), checked before each model call: steps per turn, tokens per
 *   session (the session ends), turn duration; and the loop guard, after a batch.
 * - A turn fails visibly when a model call fails or is rejected, or a limit stops it; the
 *   session goes on with its next turn (except after its token budget).
 *
 * Handles `SessionArrival` and `TurnStart`. Nothing here allocates once the pools are warm.
 */
export class SessionDriver {
  private readonly sessions: Pool<SessionState>;
  private readonly s: SessionWorld;
  private readonly draw: RequestDraw = { tenant: 0, difficulty: 0, inputTokens: 0, outputTokens: 0 };
  /** Sessions that have arrived so far (all of them once the run is over). */
  arrivals = 0;
  /** When the last session arrived. */
  lastArrivalMs = 0;

  constructor(
    private readonly world: World,
    private readonly kernel: Kernel,
    private readonly requests: Pool<RequestState>,
    private readonly lifecycle: RequestLifecycle,
    private readonly flow: RequestFlow,
  ) {
    this.s = world.sessions!;
    const toolCount = this.s.plan.toolCount;
    this.sessions = new Pool((index) => new SessionState(index, toolCount));
    kernel.on(EventKind.SessionArrival, () => this.onArrival());
    kernel.on(EventKind.TurnStart, (slot, generation) => {
      const session = this.sessions.current(slot, generation);
      if (session !== null) this.startTurn(session);
    });
    lifecycle.onCallEnd = (end) => this.onCallEnd(end);
  }

  /** Schedules the first session's arrival. */
  start(): void {
    if (this.world.totalRequests > 0) this.kernel.scheduleSide(this.world.workload.nextArrivalMs(0), EventKind.SessionArrival, 0, 0);
  }

  /** The most sessions ever in the system at once (the pool's size). */
  get peakSessions(): number {
    return this.sessions.capacity;
  }

  private onArrival(): void {
    const { workload } = this.world;
    const now = this.kernel.now();
    const index = this.arrivals++;
    this.lastArrivalMs = now;
    if (this.arrivals < this.world.totalRequests) this.kernel.scheduleSide(workload.nextArrivalMs(now), EventKind.SessionArrival, 0, 0);
    const session = this.sessions.acquire();
    workload.drawSession(this.draw, now);
    session.session = index;
    session.tenant = this.draw.tenant;
    session.difficulty = this.draw.difficulty;
    session.arrivalMs = now;
    session.turns = this.s.plan.turns(index);
    this.s.metrics.recordArrival(now);
    this.startTurn(session);
  }

  /** The user's message opens the turn; the model is called. */
  private startTurn(session: SessionState): void {
    const plan = this.s.plan;
    session.startTurn();
    session.turnStartMs = this.kernel.now();
    session.planned = plan.callsPerTurn(session.session, session.turn);
    session.history += plan.userTokens(session.session, session.turn);
    this.nextModelCall(session);
  }

  /** Checks the limits, compacts if due, and makes the turn's next model call (planned, or added by a failed tool). */
  private nextModelCall(session: SessionState): void {
    const { plan, limits, compaction, metrics } = this.s;
    const now = this.kernel.now();
    if (session.modelCalls >= limits.maxStepsPerTurn) return this.endTurn(session, TurnEnd.Steps);
    if (now - session.turnStartMs >= limits.maxTurnMs) return this.endTurn(session, TurnEnd.Duration);
    if (compaction !== null && session.history > compaction.aboveTokens) {
      session.history = Math.round(session.history * compaction.keep);
      session.cacheModel = -1;
      metrics.compactions++;
    }
    if (session.billedTokens + this.world.prefixTokens + session.history > limits.maxTokensPerSession) return this.endTurn(session, TurnEnd.Tokens);
    const added = session.retryCount > 0;
    // Both fields read and both counters added to on every call, added or not: see `stepKey`.
    const { extra, step: planned } = session;
    const step = added ? extra : planned;
    const j = stepKey(session.turn, added);
    session.callStep = step;
    session.callExtra = added;
    session.callCompletion = plan.completionTokens(session.session, j, step);
    session.modelCalls++;
    metrics.modelCalls++;
    metrics.addedSteps += added ? 1 : 0;
    const req = this.requests.acquire();
    this.bind(req, session, CallRole.SessionModel, plan.callKey(session.session, j, step, 0));
    req.inputTokens = session.history;
    req.outputTokens = session.callCompletion;
    this.lifecycle.enterCall(req);
  }

  /** Sets the fields a session's call shares with a request. */
  private bind(req: RequestState, session: SessionState, role: CallRole, key: number): void {
    req.role = role;
    req.session = session;
    req.request = key;
    req.arrivalMs = this.kernel.now();
    req.tenant = session.tenant;
    req.difficulty = session.difficulty;
    req.label = session.difficulty;
    req.inputTokens = 0;
    req.outputTokens = 0;
    req.toolMask = 0;
    // A session stays with one client (harness instance), as its calls share a conversation.
    req.client = this.lifecycle.clientOf(session.session);
  }

  /** A call of a session ended; the request's state is already released. */
  private onCallEnd(end: Readonly<CallEnd>): void {
    // Read everything first: what follows may start a call that ends at once and reuses `end`.
    const session = end.session!;
    const { role, outcome, billedTokens, usefulTokens, costUsd, batchSlot } = end;
    session.billedTokens += billedTokens;
    session.costUsd += costUsd;
    // Tokens of failed attempts are wasted at once; the answer's, only if the turn fails.
    session.wastedTokens += billedTokens - usefulTokens;
    session.turnUsefulTokens += usefulTokens;
    if (role === CallRole.SessionModel) this.onModelCallEnd(session, outcome);
    else {
      // A scope refusal goes to the escalation like a request's, and back to the model as an error.
      if (outcome === RequestOutcome.Refused) this.s.metrics.scopeRefusals++;
      this.onToolResult(session, batchSlot, outcome !== RequestOutcome.Success, false);
    }
  }

  private onModelCallEnd(session: SessionState, outcome: RequestOutcome): void {
    if (outcome === RequestOutcome.Rejected) return this.endTurn(session, TurnEnd.Rejected);
    if (outcome !== RequestOutcome.Success) return this.endTurn(session, TurnEnd.ModelFailed);
    session.history += session.callCompletion;
    const plan = this.s.plan;
    if (session.callExtra) {
      // The added step's batch: the tools the model calls again.
      session.extra++;
      session.batchExtra = true;
      session.batchStep = session.callStep;
      session.batchSize = session.retryCount;
      for (let i = 0; i < session.retryCount; i++) session.batchTools[i] = session.retryTools[i]!;
      session.retryCount = 0;
    } else {
      const step = session.step++;
      if (step >= session.planned - 1) return this.endTurn(session, TurnEnd.Success);
      session.batchExtra = false;
      session.batchStep = step;
      const size = plan.batchSize(session.session, session.turn, step);
      session.batchSize = size;
      for (let slot = 0; slot < size; slot++) session.batchTools[slot] = plan.tool(session.session, session.turn, step, slot);
    }
    this.sendBatch(session);
  }

  /** Sends the batch's calls in parallel; the loop goes on when the last one is back. */
  private sendBatch(session: SessionState): void {
    const { plan, metrics } = this.s;
    const size = session.batchSize;
    const j = stepKey(session.turn, session.batchExtra);
    // One more than the calls out, released after the loop: a call that ends at once (scope
    // refusal, open breaker) must not close the batch while it is still being sent.
    session.pending = size + 1;
    for (let slot = 0; slot < size; slot++) {
      const tool = session.batchTools[slot]!;
      session.batchFailed[slot] = 0;
      if ((session.blocked & (1 << tool)) !== 0) {
        metrics.loopGuardBlocks++;
        this.onToolResult(session, slot, true, true);
        continue;
      }
      session.toolCalls++;
      metrics.toolCalls++;
      const req = this.requests.acquire();
      this.bind(req, session, CallRole.SessionTool, plan.callKey(session.session, j, session.batchStep, slot + 1));
      req.batchSlot = slot;
      this.flow.startTool(req, tool);
    }
    this.batchCallDone(session);
  }

  /** A tool call of the batch answered (or the loop guard refused it): its result or error joins the conversation. */
  private onToolResult(session: SessionState, slot: number, failed: boolean, refusedByGuard: boolean): void {
    const tool = session.batchTools[slot]!;
    const j = stepKey(session.turn, session.batchExtra);
    session.history += this.s.plan.resultTokens(tool, failed, session.session, j, session.batchStep, slot);
    if (failed) {
      session.batchFailed[slot] = 1;
      this.s.metrics.toolErrors++;
      if (!refusedByGuard && session.failuresInRow[tool]! < 0xffff) session.failuresInRow[tool]!++;
    } else {
      session.failuresInRow[tool] = 0;
    }
    this.batchCallDone(session);
  }

  private batchCallDone(session: SessionState): void {
    if (--session.pending === 0) this.onBatchDone(session);
  }

  /** The whole batch is back: the model decides which failed tools to call again (the loop guard may refuse). */
  private onBatchDone(session: SessionState): void {
    const { plan, limits, metrics } = this.s;
    const j = stepKey(session.turn, session.batchExtra);
    session.retryCount = 0;
    for (let slot = 0; slot < session.batchSize; slot++) {
      // The tool and its bit before the test, so the optimizing compiler has seen them (see `stepKey`).
      const tool = session.batchTools[slot]!;
      const bit = 1 << tool;
      if (session.batchFailed[slot] === 0) continue;
      if ((session.blocked & bit) !== 0) continue;
      if (!plan.callsAgain(session.session, j, session.batchStep, slot)) continue;
      if (limits.sameToolFailures > 0 && session.failuresInRow[tool]! >= limits.sameToolFailures) {
        if (limits.stopTurnOnLoop) return this.endTurn(session, TurnEnd.LoopGuard);
        // Refused: the model has to route around the tool for the rest of the turn.
        session.blocked |= bit;
        metrics.loopGuardBlocks++;
        continue;
      }
      session.retryTools[session.retryCount++] = tool;
    }
    this.nextModelCall(session);
  }

  /** Records the turn; the session goes on after the user's think time, or ends. */
  private endTurn(session: SessionState, how: TurnEnd): void {
    const now = this.kernel.now();
    this.s.metrics.recordTurn(how, now - session.turnStartMs);
    if (how === TurnEnd.Success) session.turnsSucceeded++;
    else session.wastedTokens += session.turnUsefulTokens;
    session.retryCount = 0;
    session.turn++;
    if (how === TurnEnd.Tokens || session.turn >= session.turns) return this.endSession(session);
    this.kernel.schedule(now + this.s.plan.thinkMs(session.session, session.turn), EventKind.TurnStart, session.slot, session.generation);
  }

  private endSession(session: SessionState): void {
    const now = this.kernel.now();
    const played = session.turn;
    this.s.metrics.recordSession(now, now - session.arrivalMs, session.turnsSucceeded === played && played === session.turns, session.billedTokens, session.wastedTokens, session.costUsd);
    this.sessions.release(session);
  }
}
