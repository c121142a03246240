import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Breakdown, RunResult } from '../metrics/results.js';
import { fixedNotLandmark, integer, ms, multiplier, percent, rateWithCount, usd } from '../text/format.js';
import { safeText } from '../text/safe-text.js';
import { grouped } from '../text/grouped.js';
import { sessionRows } from './session-table.js';

/** Whether to colour output: only on a TTY, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
}

/** Compact table style: no rule between rows, so a report fits on a screen. */
const COMPACT = { 'mid': '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** The human-readable report of one run: headline figures, then the breakdowns. */
export function renderRunTable(result: RunResult, color: boolean): string {
  const c: ChalkInstance = new Chalk({ level: color ? 1 : 0 });
  const m = result.metrics;
  const headline = new Table({ head: [c.bold('metric'), c.bold('value')], chars: COMPACT, style: { head: [], border: [] } });
  headline.push(
    ['visible failure rate', (m.visibleFailureRate > 0.001 ? c.red : c.green)(rateWithCount(m.visibleFailureRate, result.requests))],
    ['latency p50 / p95 / p99', `${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p95)} / ${ms(m.latencyMs.p99)}`],
    ['latency mean', ms(m.latencyMs.mean)],
    ['successful requests p50 / p95 / p99', `${ms(m.successLatencyMs.p50)} / ${ms(m.successLatencyMs.p95)} / ${ms(m.successLatencyMs.p99)}`],
    ['load multiplier', `${multiplier(m.loadMultiplier)}  (${attribution(result)})`],
    ['upstream calls', integer(m.upstreamCalls)],
    ['retries', integer(m.retries) + (m.retryBudgetDenied ? ` (${integer(m.retryBudgetDenied)} denied by budget)` : '')],
    ['monthly cost', usd(m.monthlyCostUsd) + extrapolation(result)],
    ['wasted tokens', `${integer(m.wastedTokens)} (${percent(m.wastedTokenRate, 2)} of billed)`],
  );
  if (m.rejectedRate > 0) headline.push(['rejected', rateWithCount(m.rejectedRate, result.requests)]);
  if (m.refusalRate > 0) headline.push(['refused (out of scope)', rateWithCount(m.refusalRate, result.requests)]);
  if (m.fallbacks > 0 || m.qualityFallbacks > 0) headline.push(['fallbacks / quality fallbacks', `${integer(m.fallbacks)} / ${integer(m.qualityFallbacks)}`]);
  if (m.breakerTrips > 0 || m.shortCircuited > 0) {
    headline.push(['breaker trips / time open', `${integer(m.breakerTrips)} / ${ms(m.breakerOpenMs)} (${integer(m.shortCircuited)} calls refused)`]);
  }
  if (m.cacheHitRate > 0 || m.cacheSavingsUsd !== 0) {
    headline.push(['cache hit rate / monthly savings', `${percent(m.cacheHitRate, 2)} / ${usd(m.monthlyCacheSavingsUsd)}`]);
  }
  if (m.abandonedCalls > 0) headline.push(['calls abandoned by the client', integer(m.abandonedCalls)]);
  if (result.recovery) {
    const r = result.recovery;
    headline.push(['recovery after disturbance', r.recoveredAfterMs === null ? c.red('none (metastable: still failing at the end)') : `${ms(r.recoveredAfterMs)} after it ended`]);
  }
  if (result.sampling) {
    const [low, high] = result.sampling.visibleFailureRateCi95;
    headline.push(['sampled', `${percent(result.sampling.fraction, 1)} of traffic; visible failure 95% CI ${percent(low!)}..${percent(high!)}`]);
  }

  // With sessions, `requests` counts model calls: name the sessions first.
  const volume = result.sessions ? `${integer(result.sessions.count)} sessions (${integer(result.requests)} model calls)` : `${integer(result.requests)} requests`;
  const title = `${c.bold(safeText(result.scenario))}  seed ${result.seed}  ${volume}`;
  const layers = `layers on: ${result.layersOn.length > 0 ? result.layersOn.join(', ') : 'none'}`;
  const parts = [title, layers, headline.toString()];
  if (result.sessions) {
    const sessions = new Table({ head: [c.bold('agent sessions'), c.bold('value')], chars: COMPACT, style: { head: [], border: [] } });
    sessions.push(...sessionRows(result.sessions));
    parts.push(sessions.toString());
  }
  parts.push(breakdownTable('model', result.byModel, c), breakdownTable('tenant', result.byTenant, c));
  // Tiers mean something only when routing sends each difficulty to its own model.
  if (result.layersOn.includes('routing')) parts.push(tierTable(result.byTier, c));
  if (Object.keys(result.byTool).length > 0) parts.push(breakdownTable('tool', result.byTool, c));
  return parts.join('\n');
}

/**
 * After the monthly cost: the factor it was extrapolated by from a span shorter than a
 * month (`  (x720 from 1 h simulated)`), so a figure from one hour is not read as measured.
 */
function extrapolation(result: RunResult): string {
  const e = result.monthlyExtrapolation;
  if (!e) return '';
  const factor = e.factor >= 100 ? integer(e.factor) : grouped(e.factor, 2);
  return `  (x${factor} from ${ms(e.simulatedSeconds * 1000)} simulated)`;
}

/** "1 first + 0.04 retry + ..." per request: which layer multiplies the load. */
function attribution(result: RunResult): string {
  const n = Math.max(1, result.requests);
  const names: Record<string, string> = { firstAttempt: 'first', retry: 'retry', fallback: 'fallback', qualityFallback: 'quality', halfOpenProbe: 'probe', classifier: 'classifier' };
  return Object.entries(result.loadAttribution)
    .filter(([, calls]) => calls > 0)
    .map(([cause, calls]) => `${fixedNotLandmark(calls / n, 3, [0])} ${names[cause] ?? cause}`)
    .join(' + ');
}

function breakdownTable(label: string, rows: Record<string, Breakdown>, c: ChalkInstance): string {
  const table = new Table({
    head: [label, label === 'tier' || label === 'tenant' ? 'requests' : 'calls', 'failure rate', 'p95', 'monthly cost'].map((h) => c.bold(h)),
    chars: COMPACT,
    style: { head: [], border: [] },
  });
  for (const [name, b] of Object.entries(rows)) {
    table.push([safeText(name), integer(b.calls), rateWithCount(b.failureRate, b.calls), ms(b.p95Ms), usd(b.monthlyCostUsd)]);
  }
  return table.toString();
}

/** Tiers: requests, failures, latency and cost, plus how often the tier's first answer failed its eval. */
function tierTable(rows: RunResult['byTier'], c: ChalkInstance): string {
  const table = new Table({
    head: ['tier', 'requests', 'failure rate', 'p95', 'monthly cost', 'quality fallbacks'].map((h) => c.bold(h)),
    chars: COMPACT,
    style: { head: [], border: [] },
  });
  for (const [name, b] of Object.entries(rows)) {
    table.push([safeText(name), integer(b.calls), rateWithCount(b.failureRate, b.calls), ms(b.p95Ms), usd(b.monthlyCostUsd), `${integer(b.qualityFallbacks)} (${percent(b.qualityFallbackRate, 2)})`]);
  }
  return table.toString();
}
