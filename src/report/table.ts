import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Breakdown, RunResult } from '../metrics/results.js';
import { integer, ms, multiplier, percent, usd } from './format.js';

/** Whether to colour output: only on a TTY, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
}

/** The human-readable report of one run: headline figures, then the breakdowns. */
export function renderRunTable(result: RunResult, color: boolean): string {
  const c: ChalkInstance = new Chalk({ level: color ? 1 : 0 });
  const m = result.metrics;
  const headline = new Table({ head: [c.bold('metric'), c.bold('value')], style: { head: [], border: [] } });
  headline.push(
    ['visible failure rate', m.visibleFailureRate > 0.001 ? c.red(percent(m.visibleFailureRate)) : c.green(percent(m.visibleFailureRate))],
    ['latency p50 / p95 / p99', `${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p95)} / ${ms(m.latencyMs.p99)}`],
    ['latency mean', ms(m.latencyMs.mean)],
    ['load multiplier', multiplier(m.loadMultiplier)],
    ['upstream calls', integer(m.upstreamCalls)],
    ['retries', integer(m.retries) + (m.retryBudgetDenied ? ` (${integer(m.retryBudgetDenied)} denied by budget)` : '')],
    ['monthly cost', usd(m.monthlyCostUsd)],
    ['wasted tokens', `${integer(m.wastedTokens)} (${percent(m.wastedTokenRate, 2)} of billed)`],
  );
  if (m.rejectedRate > 0) headline.push(['rejected', percent(m.rejectedRate)]);
  if (m.refusalRate > 0) headline.push(['refused (out of scope)', percent(m.refusalRate)]);
  if (m.fallbacks > 0) headline.push(['fallbacks', integer(m.fallbacks)]);

  const title = `${c.bold(result.scenario)}  seed ${result.seed}  ${integer(result.requests)} requests`;
  return [title, headline.toString(), breakdownTable('model', result.byModel, c), breakdownTable('tenant', result.byTenant, c)].join('\n');
}

function breakdownTable(label: string, rows: Record<string, Breakdown>, c: ChalkInstance): string {
  const table = new Table({
    head: [label, 'calls', 'failure rate', 'p95', 'monthly cost'].map((h) => c.bold(h)),
    style: { head: [], border: [] },
  });
  for (const [name, b] of Object.entries(rows)) {
    table.push([name, integer(b.calls), percent(b.failureRate), ms(b.p95Ms), usd(b.monthlyCostUsd)]);
  }
  return table.toString();
}
