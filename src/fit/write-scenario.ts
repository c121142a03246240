import { SCENARIO_ERROR_KINDS, scenarioSchema } from '../scenario/schema.js';
import type { FittedDistribution } from './distribution-fit.js';
import type { FitResult, SessionsFit, TargetFit } from './fit.js';

/**
 * Writes a fit as a commented scenario: every fitted value carries its sample size and a
 * goodness-of-fit figure (the Kolmogorov-Smirnov distance) in a comment, so a reader can see
 * which numbers are solid and which are guesses.
 */
export function fittedScenarioYaml(fit: FitResult, name: string): string {
  const out: string[] = [];
  const line = (indent: number, text: string, comment?: string) => out.push(`${'  '.repeat(indent)}${text}${comment ? `  # ${comment}` : ''}`);
  out.push(`# Fitted by \`harness-sim fit\` from ${fit.files.length} file(s): ${fit.records} records, ${fit.calls} calls, ${fit.badRecords} bad records.`);
  out.push(`# Observed span ${duration(fit.spanMs)}; every value below says how many observations it rests on.`);
  out.push('# Prices are not in most logs: set upstream.models.<m>.price before reading the cost figures.');
  line(0, `name: ${quote(name)}`);
  line(0, `duration: ${duration(fit.spanMs)}`, 'the observed span');
  line(0, 'workload:');
  line(1, `requests: ${Math.max(1, fit.requests)}`, `${fit.sessions ? 'sessions' : 'first attempts'} seen: ${fmtRate(fit.arrivalRatePerSec)}/s on average`);
  if (fit.diurnal) {
    line(1, 'arrival:');
    line(2, `diurnal: { peakToTrough: ${round(Math.min(1000, fit.diurnal.peakToTrough), 3)}, peakAt: ${fit.diurnal.peakAtHour}h }`, 'hourly arrival counts, UTC, smoothed over 3 h');
  }
  const tenants = Object.entries(fit.tenants);
  if (tenants.length > 1) {
    line(1, 'tenants:', `shares of ${fit.requests} requests`);
    const shares = normaliseShares(tenants.map(([, s]) => s));
    tenants.forEach(([t, _], i) => line(2, `${key(t)}: ${shares[i]}`));
  }
  const main = fit.models[0];
  if (main?.tokens) {
    line(1, 'tokens:');
    distributionLine(2, 'input', main.tokens.input, tokens, 'uncached prompt tokens of successful calls');
    distributionLine(2, 'output', main.tokens.output, tokens, 'completion tokens');
    if (main.tokens.prefixTokens > 0 && main.tokens.cachedShare >= 0.01) {
      line(1, 'prompt:');
      line(2, `prefix: [{ name: cached-prefix, tokens: ${main.tokens.prefixTokens} }]`, `median cached prompt tokens; ${pct(main.tokens.cachedShare)} of prompt tokens were cache reads`);
    }
  }
  const tools = Object.entries(fit.toolsPerRequest).filter(([t]) => fit.tools.some((f) => f.name === t));
  // With sessions, workload.tools is the mix of a batch's calls (shares summing to 1).
  const batchTools = fit.sessions ? fit.tools.slice(0, 30) : [];
  if (fit.sessions && batchTools.length > 0) {
    const total = batchTools.reduce((n, t) => n + t.calls, 0);
    const shares = normaliseShares(batchTools.map((t) => t.calls / total));
    line(1, 'tools:', `the mix of ${total} tool calls in batches`);
    batchTools.forEach((t, i) => line(2, `${key(t.name)}: ${shares[i]}`));
  } else if (tools.length > 0) {
    line(1, 'tools:', 'calls per request, at most one each in the per-request model');
    for (const [t, r] of tools.slice(0, 30)) line(2, `${key(t)}: ${fmtShare(r)}`);
  }
  if (fit.sessions) sessionsBlock(fit.sessions, batchTools.length > 0);
  line(0, 'upstream:');
  if (main) line(1, `defaultModel: ${key(main.name)}`, `the most called of ${fit.models.length} model(s)`);
  line(1, 'models:');
  for (const m of fit.models) target(2, m);
  const toolTargets = fit.sessions ? batchTools : tools.length > 0 ? fit.tools.filter((t) => fit.toolsPerRequest[t.name] !== undefined).slice(0, 30) : [];
  if (toolTargets.length > 0) {
    line(1, 'tools:');
    for (const t of toolTargets) target(2, t);
  }
  if (main?.tokens && main.tokens.prefixTokens > 0 && main.tokens.cachedShare >= 0.01) {
    line(0, 'layers:');
    line(1, 'cache: {}', 'the logs show prompt caching; defaults: anthropic preset');
  }
  return `${out.join('\n')}\n`;

  function target(indent: number, t: TargetFit): void {
    line(indent, `${key(t.name)}:`, `${t.calls} calls`);
    distributionLine(indent + 1, 'latency', t.latency, duration, 'successful calls');
    line(indent + 1, 'errors:');
    const episodes = schemaHasEpisodes() ? t.episodes : null;
    const base = episodes ? episodes.baseRate : t.errorRate;
    line(indent + 2, `rate: ${fmtShare(base)}`, episodes ? `outside episodes; overall ${pct(t.errorRate)} of ${t.calls} calls` : `${t.errors} of ${t.calls} calls, 95% CI ${pct(t.errorRateCi95[0])}..${pct(t.errorRateCi95[1])}`);
    const mix = mixLine(episodes ? episodes.baseMix : t.mix);
    if (mix) line(indent + 2, `mix: ${mix.text}`, mix.note);
    if (t.timeoutAfterMs !== null) line(indent + 2, `timeoutAfter: ${duration(t.timeoutAfterMs)}`, 'median duration of timed-out calls');
    if (t.retryAfterMs !== null) line(indent + 2, `retryAfter: ${duration(t.retryAfterMs)}`, 'median retry-after asked for');
    distributionLine(indent + 2, 'latency', t.errorLatency, duration, 'failed calls, timeouts aside');
    if (episodes && schemaHasEpisodes()) {
      const epMix = mixLine(episodes.mix);
      line(indent + 2, 'episodes:', `${episodes.count} found (10 s windows with improbably many errors); ${pct(episodes.timeFraction)} of the time`);
      line(indent + 3, `every: ${duration(episodes.everyMs)}`);
      line(indent + 3, `lasting: ${duration(episodes.lastingMs)}`);
      line(indent + 3, `rate: ${fmtShare(episodes.rate)}`);
      if (epMix) line(indent + 3, `mix: ${epMix.text}`, epMix.note);
    }
  }

  /** `workload.sessions` from the traces' sessions: counts as the loop draws them, think time as a duration. */
  function sessionsBlock(f: SessionsFit, hasTools: boolean): void {
    line(1, 'sessions:', `${f.sessions} sessions; mean ${round(f.meanTurns, 3)} turns, ${round(f.meanCallsPerTurn, 3)} model calls a turn, ${round(f.meanToolsPerBatch, 3)} tools a batch`);
    countLine(2, 'turns', f.turns, 'turns per session');
    distributionLine(2, 'thinkTime', f.thinkTime, duration, 'gap between one turn\'s end and the next turn\'s start');
    // Without tools every turn is one model call: the loop has no batches to call between.
    countLine(2, 'callsPerTurn', hasTools ? f.callsPerTurn : { dist: 'constant', value: 1, ks: 0, n: 0 }, hasTools ? 'model calls per turn' : 'no tool calls seen: one model call a turn');
    if (hasTools) countLine(2, 'toolsPerBatch', f.toolsPerBatch, 'tool calls per batch');
  }

  /** A count of at least 1: constant, lognormal (rounded by the loop) or a quantile table. */
  function countLine(indent: number, name: string, d: FittedDistribution | null, what: string): void {
    if (!d) return;
    const count = (v: number) => String(Math.max(1, Math.round(v)));
    if (d.dist === 'constant') line(indent, `${name}: { dist: constant, value: ${count(d.value)} }`, `${what}${d.n > 0 ? `; all ${d.n} equal` : ''}`);
    else distributionLine(indent, name, d, (v) => String(round(Math.max(v, d.dist === 'empirical' ? 0 : 1), 4)), what);
  }

  function distributionLine(indent: number, name: string, d: FittedDistribution | null, unit: (v: number) => string, what: string): void {
    if (!d) return;
    if (d.dist === 'constant') {
      if (d.value > 0) line(indent, `${name}: { dist: constant, value: ${unit(d.value)} }`, `${what}; all ${d.n} equal`);
      return;
    }
    if (d.dist === 'lognormal') {
      line(indent, `${name}: { dist: lognormal, p50: ${unit(d.p50)}, p95: ${unit(d.p95)} }`, `${what}; n=${d.n}, KS ${round(d.ks, 3)}; 95% CI p50 ${unit(d.ci95.p50[0])}..${unit(d.ci95.p50[1])}, p95 ${unit(d.ci95.p95[0])}..${unit(d.ci95.p95[1])}`);
      return;
    }
    // In probability order (an object lists integer-like keys such as 0 and 1 first).
    const entries = Object.keys(d.quantiles).sort((a, b) => Number(a) - Number(b)).map((p) => `${p}: ${unit(d.quantiles[p]!)}`);
    line(indent, `${name}: { dist: empirical, quantiles: { ${entries.join(', ')} } }`, `${what}; n=${d.n}; a lognormal fits poorly (KS ${round(d.lognormalKs, 3)})`);
  }
}

/** An error mix with the scenario's kinds; kinds this version cannot express are folded in and named. */
function mixLine(counts: Record<string, number>): { text: string; note: string } | null {
  const folded: Record<string, number> = {};
  const notes: string[] = [];
  const fold: Record<string, string> = { '529': '503', '500': '503', quota: '400' };
  for (const [kind, n] of Object.entries(counts)) {
    const into = SCENARIO_ERROR_KINDS.includes(kind) ? kind : fold[kind] ?? '503';
    if (into !== kind) notes.push(`${kind} counted as ${into}`);
    folded[into] = (folded[into] ?? 0) + n;
  }
  const total = Object.values(folded).reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const kinds = Object.keys(folded).sort();
  const shares = normaliseShares(kinds.map((k) => folded[k]! / total));
  const text = `{ ${kinds.map((k, i) => `"${k}": ${shares[i]}`).join(', ')} }`;
  return { text, note: `${total} errors${notes.length ? `; ${notes.join(', ')}` : ''}` };
}

/** Shares rounded to 4 decimals that still sum to exactly 1 (the scenario checks the sum). */
function normaliseShares(shares: number[]): string[] {
  const rounded = shares.map((s) => Math.round(s * 10_000));
  const diff = 10_000 - rounded.reduce((a, b) => a + b, 0);
  const largest = rounded.indexOf(Math.max(...rounded));
  rounded[largest]! += diff;
  return rounded.map((r) => String(r / 10_000));
}

function round(v: number, digits: number): number {
  return Number(v.toPrecision(digits));
}

function fmtShare(r: number): string {
  return r === 0 ? '0' : `${round(r * 100, 4)}%`;
}

function pct(r: number): string {
  return `${round(r * 100, 3)}%`;
}

function fmtRate(r: number): string {
  return String(round(r, 4));
}

function tokens(v: number): string {
  return String(Math.max(1, Math.round(v)));
}

/** A duration in the scenario's units, 4 significant figures. */
export function duration(ms: number): string {
  // The scenario language counts whole milliseconds.
  if (!(ms >= 1)) return '1ms';
  if (ms < 10_000) return `${Math.round(ms)}ms`;
  if (ms < 600_000) return `${round(ms / 1000, 4)}s`;
  if (ms < 36_000_000) return `${round(ms / 60_000, 4)}m`;
  return `${round(ms / 3_600_000, 4)}h`;
}

function key(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(name) ? name : JSON.stringify(name);
}

function quote(text: string): string {
  return JSON.stringify(text);
}

let episodesSupported: boolean | undefined;
/** Whether this version's scenario language has `errors.episodes` (fit writes them only then). */
function schemaHasEpisodes(): boolean {
  episodesSupported ??= scenarioSchema.safeParse({ upstream: { models: { m: { errors: { episodes: { every: '1m', lasting: '1s', rate: 0.5 } } } } } }).success;
  return episodesSupported;
}
