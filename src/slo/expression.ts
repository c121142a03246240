import { z } from 'zod';
import { HEADLINE_KEYS, headlineMetric, type HeadlineKey, type MetricUnit } from '../metrics/headline.js';
import { parseCount, parseDurationMs, parseMoneyUsd, parseRate, parseTokenCount, UnitError } from '../text/units.js';
import { didYouMean } from '../text/suggest.js';

/**
 * SLO expressions: `visibleFailureRate < 0.1%` on the command line, `visibleFailureRate: "< 0.1%"`
 * in a scenario's `slo:` block. The limit is written in the metric's own unit (a rate, a
 * duration, dollars ...) and read with the scenario unit parsers, so `< 5s` means what
 * `timeoutAfter: 5s` means.
 */

/** Comparison operators a limit may use. */
export type SloOperator = '<' | '<=' | '>' | '>=';

/** One parsed SLO: the value of `metric` must satisfy `op limit`. */
export interface SloCheck {
  metric: HeadlineKey;
  op: SloOperator;
  /** The limit in the metric's reporting unit (fraction, ms, USD, tokens, count, ratio). */
  limit: number;
  /** The bound as written, trimmed: `< 0.1%`. */
  bound: string;
}

/** A malformed SLO expression or bound; the caller adds where it came from. */
export class SloSyntaxError extends Error {
  override name = 'SloSyntaxError';
}

const BOUND = /^(<=|>=|<|>)\s*(\S.*)$/;
const EXPRESSION = /^([A-Za-z][A-Za-z0-9]*)\s*((?:<=|>=|<|>).*)$/s;
const RATIO = /^(\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?x?$/;

/** What a limit of each unit looks like, for error messages. */
const UNIT_EXAMPLES: Record<MetricUnit, string> = {
  rate: '"< 0.1%"',
  duration: '"< 5s"',
  ratio: '"< 1.5"',
  money: '"< $40,000"',
  tokens: '"< 2M"',
  count: '"< 100"',
};

/** Checks `name` is a headline metric, suggesting the closest one when it is not. */
export function parseMetricName(name: string): HeadlineKey {
  if ((HEADLINE_KEYS as readonly string[]).includes(name)) return name as HeadlineKey;
  const suggestion = didYouMean(name, HEADLINE_KEYS);
  // Messages start with "expected" and say what was given, the shape scenario errors take.
  throw new SloSyntaxError(
    suggestion
      ? `expected a metric name, got "${name}"; did you mean "${suggestion}"?`
      : `expected one of the metrics (${HEADLINE_KEYS.join(', ')}), got "${name}"`,
  );
}

/** Reads a bound such as `< 0.1%` for `metric`, the value side of an `slo:` entry. */
export function parseSloBound(metric: string, bound: string): SloCheck {
  const key = parseMetricName(metric);
  const unit = headlineMetric(key).unit;
  const text = bound.trim();
  const match = BOUND.exec(text);
  if (match === null) {
    throw new SloSyntaxError(`expected an operator (<, <=, >, >=) and a limit, like ${UNIT_EXAMPLES[unit]}, got ${JSON.stringify(text)}`);
  }
  const op = match[1] as SloOperator;
  const limitText = match[2]!.trim();
  try {
    return { metric: key, op, limit: parseLimit(unit, limitText), bound: `${op} ${limitText}` };
  } catch (error) {
    if (error instanceof UnitError) throw new SloSyntaxError(error.message.replace(/^expected /, `expected the ${key} limit to be `));
    throw error;
  }
}

/** Reads a whole expression such as `latencyP95 < 5s`, the form `--assert` takes. */
export function parseSloExpression(expression: string): SloCheck {
  const text = expression.trim();
  const match = EXPRESSION.exec(text);
  if (match === null) {
    throw new SloSyntaxError(`expected METRIC OPERATOR LIMIT, like "visibleFailureRate < 0.1%", got ${JSON.stringify(text)}`);
  }
  return parseSloBound(match[1]!, match[2]!);
}

/** Whether `value` satisfies the check. NaN never does. */
export function satisfies(check: SloCheck, value: number): boolean {
  return meetsBound(check.op, check.limit, value);
}

/** Whether `value op limit` holds (reports drawing a bound read back from JSON use it too). NaN never does. */
export function meetsBound(op: SloOperator, limit: number, value: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
  }
}

/** Every check of a scenario's (already validated) `slo:` block, in the order written. */
export function sloChecks(slo: Record<string, string> | undefined): SloCheck[] {
  return Object.entries(slo ?? {}).map(([metric, bound]) => parseSloBound(metric, bound));
}

/**
 * The `slo:` block of a scenario: metric name to bound. Each entry is parsed here so a
 * malformed one is reported at its line like any other scenario error; the parsed form
 * keeps the text, and `sloChecks` reads it again where the checks are needed.
 */
export const sloSchema = z.record(z.string(), z.string()).superRefine((slo, ctx) => {
  for (const [metric, bound] of Object.entries(slo)) {
    try {
      parseSloBound(metric, bound);
    } catch (error) {
      if (!(error instanceof SloSyntaxError)) throw error;
      ctx.addIssue({ code: 'custom', path: [metric], message: error.message });
    }
  }
});

function parseLimit(unit: MetricUnit, text: string): number {
  switch (unit) {
    case 'rate':
      return parseRate(text);
    case 'duration':
      return parseDurationMs(text, { allowZero: true });
    case 'money':
      return parseMoneyUsd(text);
    case 'tokens':
      return parseTokenCount(text);
    case 'count':
      return parseCount(text);
    case 'ratio': {
      if (!RATIO.test(text)) throw new UnitError('a multiplier like 1.5 or 1.5x', text);
      return Number(text.replace(/x$/, ''));
    }
  }
}
