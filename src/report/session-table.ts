import type { SessionsResult } from '../metrics/session-results.js';
import { integer, ms, percent } from '../text/format.js';
import { grouped } from '../text/grouped.js';

/**
 * The agent-session figures of a run (`sessions` in the JSON contract) as label/value rows,
 * shared by the terminal table and the HTML report. Limits that stopped no turn are left
 * out, so a clean run reads short.
 */
export function sessionRows(s: SessionsResult): [string, string][] {
  const failedTurns = Math.round(s.turns * (1 - s.turnSuccessRate));
  const rows: [string, string][] = [
    ['sessions / turns', `${integer(s.count)} / ${integer(s.turns)} (${fixed(s.turnsPerSession, 2)} turns per session)`],
    ['turn success / session success', `${percent(s.turnSuccessRate)} / ${percent(s.sessionSuccessRate)}`],
    ['turn latency p50 / p95 / p99', `${ms(s.turnLatencyMs.p50)} / ${ms(s.turnLatencyMs.p95)} / ${ms(s.turnLatencyMs.p99)}`],
    ['session duration p50 / p95', `${ms(s.sessionDurationMs.p50)} / ${ms(s.sessionDurationMs.p95)}`],
    ['model calls / tool calls per turn', `${fixed(s.callsPerTurn, 2)} / ${fixed(s.toolCallsPerTurn, 2)}`],
    ['prompt / completion tokens per call', `${integer(s.promptTokensPerCall)} / ${integer(s.completionTokensPerCall)}`],
    ['cached prompt share', percent(s.cachedPromptShare, 1)],
    ['cost per session', preciseUsd(s.costPerSessionUsd)],
    ['tokens per session (wasted)', `${integer(s.billedTokensPerSession)} (${integer(s.wastedTokensPerSession)})`],
  ];
  if (s.toolErrorsPerTurn > 0) rows.push(['tool errors returned / steps added per turn', `${fixed(s.toolErrorsPerTurn, 3)} / ${fixed(s.addedStepsPerTurn, 3)}`]);
  if (failedTurns > 0) {
    const why = Object.entries(s.stoppedBy)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${integer(n)} ${STOP_LABELS[reason as keyof SessionsResult['stoppedBy']]}`)
      .join(', ');
    rows.push(['failed turns', `${integer(failedTurns)}: ${why}`]);
  }
  if (s.loopGuardBlocks > 0) rows.push(['tool calls refused by the loop guard', integer(s.loopGuardBlocks)]);
  if (s.scopeRefusals > 0) rows.push(['tool calls out of scope (escalated)', integer(s.scopeRefusals)]);
  if (s.compactions > 0) rows.push(['compactions', integer(s.compactions)]);
  rows.push(['sessions at once: mean / peak', `${fixed(s.concurrentSessions.mean, 1)} / ${integer(s.concurrentSessions.peak)}`]);
  return rows;
}

const STOP_LABELS: Record<keyof SessionsResult['stoppedBy'], string> = {
  steps: 'step limit',
  tokens: 'token budget',
  duration: 'turn duration limit',
  loopGuard: 'loop guard',
  modelFailed: 'model call failed',
  rejected: 'rejected by capacity',
};

function fixed(value: number, digits: number): string {
  return grouped(value, digits, digits);
}

/** Dollars with cents, or three significant digits below a dollar (`$0.0991`): a session costs cents. */
export function preciseUsd(value: number): string {
  if (value !== 0 && Math.abs(value) < 1) return `$${Number(value.toPrecision(3))}`;
  return `$${grouped(value, 2, 2)}`;
}
