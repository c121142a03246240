import type { FittedDistribution } from './distribution-fit.js';
import type { FitResult } from './fit.js';
import { duration } from './write-scenario.js';

/**
 * The fit report: what was read, what was refused and why, and per model and tool the fitted
 * figures with their sample sizes and goodness of fit. `escape` makes names from the logs
 * safe for a terminal.
 */
export function renderFitReport(fit: FitResult, escape: (text: string) => string = (t) => JSON.stringify(t).slice(1, -1)): string {
  const out: string[] = [];
  const formats = Object.entries(fit.formats).map(([f, n]) => `${n} ${f}`).join(', ');
  out.push(`read ${fit.records} records (${formats || 'none'}) from ${fit.files.length} file(s): ${fit.calls} calls, ${fit.requests} ${fit.sessions ? 'sessions' : 'requests'} over ${duration(fit.spanMs)}`);
  if (fit.badRecords > 0) {
    out.push(`${fit.badRecords} bad records skipped, e.g.:`);
    for (const e of fit.badExamples) out.push(`  ${escape(e)}`);
  }
  if (fit.skipped > 0) out.push(`${fit.skipped} spans were not GenAI calls and were ignored`);
  if (fit.outOfOrder > 0) out.push(`${fit.outOfOrder} records were out of time order (fine: fitting does not depend on order)`);
  if (fit.diurnal) out.push(`daily cycle: peak at ${fit.diurnal.peakAtHour}:00 UTC, ${fit.diurnal.peakToTrough.toFixed(2)}x the trough`);
  for (const t of [...fit.models, ...fit.tools]) {
    out.push('');
    out.push(`${t.kind} ${escape(t.name)}: ${t.calls} calls, error rate ${(t.errorRate * 100).toPrecision(3)}% (95% CI ${(t.errorRateCi95[0] * 100).toPrecision(3)}%..${(t.errorRateCi95[1] * 100).toPrecision(3)}%)`);
    const mix = Object.entries(t.mix).map(([k, n]) => `${k} ${n}`).join(', ');
    if (mix) out.push(`  errors by kind: ${mix}`);
    out.push(`  latency: ${describe(t.latency, duration)}`);
    if (t.episodes) {
      const e = t.episodes;
      out.push(`  episodes: ${e.count}, one every ${duration(e.everyMs)} lasting ${duration(e.lastingMs)} on average (${(e.timeFraction * 100).toPrecision(3)}% of the time); error rate ${(e.rate * 100).toPrecision(3)}% inside, ${(e.baseRate * 100).toPrecision(3)}% outside`);
    } else if (t.errors > 0) out.push('  episodes: none found (errors look independent of time at 10 s resolution)');
    if (t.tokens) {
      out.push(`  input tokens (uncached): ${describe(t.tokens.input, (v) => String(Math.round(v)))}`);
      out.push(`  output tokens: ${describe(t.tokens.output, (v) => String(Math.round(v)))}`);
      out.push(`  cache reads: ${(t.tokens.cachedShare * 100).toPrecision(3)}% of prompt tokens`);
    }
  }
  if (fit.sessions) {
    const s = fit.sessions;
    out.push('');
    out.push(`sessions: ${s.sessions}; ${s.meanTurns.toFixed(2)} turns each, ${s.meanCallsPerTurn.toFixed(2)} model calls per turn, ${s.meanToolsPerBatch.toFixed(2)} tool calls per batch`);
    out.push(`  think time: ${describe(s.thinkTime, duration)}`);
  }
  return `${out.join('\n')}\n`;
}

function describe(d: FittedDistribution | null, unit: (v: number) => string): string {
  if (!d) return 'no data';
  if (d.dist === 'constant') return `constant ${unit(d.value)} (n=${d.n})`;
  if (d.dist === 'lognormal') return `lognormal p50 ${unit(d.p50)}, p95 ${unit(d.p95)} (n=${d.n}, KS distance ${d.ks.toFixed(3)})`;
  const q = d.quantiles;
  return `empirical p50 ${unit(q['0.5']!)}, p95 ${unit(q['0.95']!)}, p99 ${unit(q['0.99']!)} (n=${d.n}; lognormal rejected, KS distance ${d.lognormalKs.toFixed(3)})`;
}
