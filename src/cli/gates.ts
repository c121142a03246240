import type { Command } from 'commander';
import { parseSloExpression, sloChecks, SloSyntaxError, type SloCheck } from '../slo/expression.js';
import { evaluateGates, reportGates, type GatePoint } from '../slo/gate.js';
import { renderJUnit } from '../slo/junit.js';
import { isSessionMetric } from '../metrics/headline.js';
import { ExitCode, UsageError } from './errors.js';
import { writeFileAtomic } from './output.js';

/** The gate flags `run` and `compare` share. */
export interface GateFlags {
  assert: SloCheck[];
  junit?: string;
}

/** Parses one `--assert` and appends it: the option is repeatable. Bad syntax is a usage error. */
export function assertionOption(value: string, previous: SloCheck[] = []): SloCheck[] {
  try {
    return [...previous, parseSloExpression(value)];
  } catch (error) {
    if (error instanceof SloSyntaxError) throw new UsageError(`--assert: ${error.message}`);
    throw error;
  }
}

/** `--assert`, used as `.option(ASSERT_FLAGS, ASSERT_HELP, assertionOption, [])`. */
export const ASSERT_FLAGS = '--assert <expr>';
/** Help text for `--assert`. */
export const ASSERT_HELP = "fail (exit 1) unless the expression holds, e.g. 'visibleFailureRate < 0.1%' (repeatable)";
/** `--junit`, used as `.option(JUNIT_FLAGS, JUNIT_HELP)`. */
export const JUNIT_FLAGS = '--junit <file>';
/** Help text for `--junit`. */
export const JUNIT_HELP = 'write the SLO verdicts as JUnit XML (one test case per point and SLO)';

/** Adds `--assert EXPR` (repeatable) and `--junit FILE` to a command. */
export function addGateOptions(command: Command): Command {
  return command.option(ASSERT_FLAGS, ASSERT_HELP, assertionOption, []).option(JUNIT_FLAGS, JUNIT_HELP);
}

/** The parts of a scenario its checks depend on. */
export interface GatedScenario {
  slo?: Record<string, string>;
  workload: { sessions?: unknown };
}

/**
 * A scenario's own `slo:` checks followed by the command line's `--assert` ones. An
 * `--assert` on an agent-session figure is refused for a scenario without
 * `workload.sessions` (the schema refuses such an `slo:` entry at its line).
 */
export function checksFor(scenario: GatedScenario, flags: Pick<GateFlags, 'assert'>): SloCheck[] {
  if (!scenario.workload.sessions) {
    const session = flags.assert.find((check) => isSessionMetric(check.metric));
    if (session) throw new UsageError(`--assert: ${session.metric} is an agent-session figure, and this scenario has no workload.sessions`);
  }
  return [...sloChecks(scenario.slo), ...flags.assert];
}

/**
 * Gates the reported points: prints breaches (and GitHub annotations), writes `--junit`
 * when asked, and sets exit code 1 on any breach. Call after the report is out, so a
 * failing gate still leaves the figures to look at.
 */
export function applyGates(points: readonly GatePoint[], flags: GateFlags): void {
  const results = evaluateGates(points);
  if (flags.junit) writeFileAtomic(flags.junit, renderJUnit(results, points.map((p) => p.label)));
  if (reportGates(results)) process.exitCode = ExitCode.Breach;
}
