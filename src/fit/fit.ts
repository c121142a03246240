import { isFirstAttempt, type CallRecord } from '../telemetry/call-record.js';
import type { FormatName, SessionShape } from '../telemetry/formats.js';
import { fitPositive, type FittedDistribution } from './distribution-fit.js';
import { EpisodeDetector, type FittedEpisodes } from './episodes.js';
import { PositiveSample } from './sample.js';

/** Everything `fit` learns about one model or tool. */
export interface TargetFit {
  kind: 'model' | 'tool';
  name: string;
  calls: number;
  errors: number;
  errorRate: number;
  /** 95% Wilson interval of the error rate. */
  errorRateCi95: [number, number];
  mix: Record<string, number>;
  latency: FittedDistribution | null;
  errorLatency: FittedDistribution | null;
  timeoutAfterMs: number | null;
  retryAfterMs: number | null;
  episodes: FittedEpisodes | null;
  tokens?: { input: FittedDistribution | null; output: FittedDistribution | null; cachedShare: number; prefixTokens: number };
}

export interface SessionsFit {
  sessions: number;
  turns: FittedDistribution | null;
  callsPerTurn: FittedDistribution | null;
  toolsPerBatch: FittedDistribution | null;
  thinkTime: FittedDistribution | null;
  meanTurns: number;
  meanCallsPerTurn: number;
  meanToolsPerBatch: number;
}

export interface FitResult {
  files: string[];
  formats: Partial<Record<FormatName, number>>;
  records: number;
  badRecords: number;
  /** Up to ten examples of bad records, as `file:line: why`. */
  badExamples: string[];
  skipped: number;
  calls: number;
  requests: number;
  spanMs: number;
  arrivalRatePerSec: number;
  diurnal: { peakToTrough: number; peakAtHour: number } | null;
  tenants: Record<string, number>;
  models: TargetFit[];
  tools: TargetFit[];
  /** Tool calls per request, per tool (capped at 1: the per-call model makes at most one). */
  toolsPerRequest: Record<string, number>;
  sessions: SessionsFit | null;
  outOfOrder: number;
}

class TargetAccumulator {
  calls = 0;
  errors = 0;
  readonly kinds = new Map<string, number>();
  readonly latency: PositiveSample;
  readonly errorLatency: PositiveSample;
  readonly timeouts: PositiveSample;
  readonly retryAfter: PositiveSample;
  readonly input: PositiveSample;
  readonly output: PositiveSample;
  readonly prefix: PositiveSample;
  inputSum = 0;
  cachedSum = 0;
  readonly episodes = new EpisodeDetector();
  constructor(readonly kind: 'model' | 'tool', readonly name: string) {
    const key = `${kind}/${name}`;
    this.latency = new PositiveSample(`${key}/latency`);
    this.errorLatency = new PositiveSample(`${key}/error-latency`);
    this.timeouts = new PositiveSample(`${key}/timeouts`);
    this.retryAfter = new PositiveSample(`${key}/retry-after`);
    this.input = new PositiveSample(`${key}/input`);
    this.output = new PositiveSample(`${key}/output`);
    this.prefix = new PositiveSample(`${key}/prefix`);
  }

  add(call: CallRecord): void {
    this.calls++;
    this.episodes.add(call.startMs, call.error);
    if (call.error !== null) {
      this.errors++;
      this.kinds.set(call.error, (this.kinds.get(call.error) ?? 0) + 1);
      if (call.error === 'timeout') this.timeouts.add(call.durationMs);
      else this.errorLatency.add(call.durationMs);
      if (call.retryAfterMs !== undefined) this.retryAfter.add(call.retryAfterMs);
      return;
    }
    this.latency.add(call.durationMs);
    if (call.inputTokens !== undefined) {
      const cached = (call.cacheReadTokens ?? 0) + (call.cacheWriteTokens ?? 0);
      this.inputSum += call.inputTokens;
      this.cachedSum += call.cacheReadTokens ?? 0;
      if (cached > 0) this.prefix.add(cached);
      this.input.add(Math.max(1, call.inputTokens - cached));
    }
    if (call.outputTokens !== undefined) this.output.add(Math.max(1, call.outputTokens));
  }

  result(spanMs: number): TargetFit {
    const z = 1.959964;
    const n = this.calls;
    const p = n > 0 ? this.errors / n : 0;
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = ((z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) || 0;
    const fit: TargetFit = {
      kind: this.kind,
      name: this.name,
      calls: n,
      errors: this.errors,
      errorRate: p,
      errorRateCi95: [Math.max(0, centre - half), Math.min(1, centre + half)],
      mix: Object.fromEntries([...this.kinds].sort((a, b) => b[1] - a[1])),
      latency: fitPositive(this.latency),
      errorLatency: fitPositive(this.errorLatency),
      timeoutAfterMs: this.timeouts.positives > 0 ? Math.exp(this.timeouts.logMoments.mu) : null,
      retryAfterMs: this.retryAfter.positives > 0 ? Math.exp(this.retryAfter.logMoments.mu) : null,
      episodes: this.episodes.fit(spanMs),
    };
    if (this.kind === 'model' && (this.input.count > 0 || this.output.count > 0)) {
      fit.tokens = {
        input: fitPositive(this.input),
        output: fitPositive(this.output),
        cachedShare: this.inputSum > 0 ? this.cachedSum / this.inputSum : 0,
        prefixTokens: this.prefix.positives > 0 ? Math.round(Math.exp(this.prefix.logMoments.mu)) : 0,
      };
    }
    return fit;
  }
}

/** Accumulates parsed telemetry records and fits a workload and an upstream from them. */
export class Fitter {
  private readonly targets = new Map<string, TargetAccumulator>();
  private readonly formats: Partial<Record<FormatName, number>> = {};
  private records = 0;
  private bad = 0;
  private readonly badExamples: string[] = [];
  private skipped = 0;
  private calls = 0;
  private requests = 0;
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private previousStart = Number.NEGATIVE_INFINITY;
  private outOfOrder = 0;
  private readonly arrivalsByHour = new Float64Array(24);
  private readonly tenants = new Map<string, number>();
  private readonly toolRequests = new Map<string, number>();
  private readonly sessionTurns = new PositiveSample('session/turns');
  private readonly sessionCalls = new PositiveSample('session/calls');
  private readonly sessionBatch = new PositiveSample('session/batch');
  private readonly sessionThink = new PositiveSample('session/think');
  private sessionCount = 0;

  constructor(private readonly files: string[]) {}

  /** A record that could not be used: counted, and the first few kept as examples. */
  badRecord(where: string, why: string): void {
    this.bad++;
    if (this.badExamples.length < 10) this.badExamples.push(`${where}: ${why}`);
  }

  addRecord(where: string, format: FormatName, calls: readonly CallRecord[], session: SessionShape | undefined, skipped: number, problems: readonly string[]): void {
    this.records++;
    this.formats[format] = (this.formats[format] ?? 0) + 1;
    this.skipped += skipped;
    for (const problem of problems) this.badRecord(where, problem);
    const start = calls.reduce((m, c) => Math.min(m, c.startMs), Number.POSITIVE_INFINITY);
    if (start < this.previousStart) this.outOfOrder++;
    if (Number.isFinite(start)) this.previousStart = start;
    for (const call of calls) {
      // Names become scenario keys and reach terminals: refuse control characters outright.
      if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(call.target) || call.target.length > 200) {
        this.badRecord(where, 'a model or tool name with control characters or over 200 characters');
        continue;
      }
      this.addCall(call, session === undefined);
    }
    if (session) this.addSession(session);
  }

  private addCall(call: CallRecord, countsAsRequest: boolean): void {
    this.calls++;
    const key = `${call.kind}/${call.target}`;
    let target = this.targets.get(key);
    if (!target) {
      target = new TargetAccumulator(call.kind, call.target);
      this.targets.set(key, target);
    }
    target.add(call);
    this.first = Math.min(this.first, call.startMs);
    this.last = Math.max(this.last, call.startMs + call.durationMs);
    if (call.kind === 'tool') {
      this.toolRequests.set(call.target, (this.toolRequests.get(call.target) ?? 0) + 1);
      return;
    }
    if (countsAsRequest && isFirstAttempt(call)) this.arrival(call.startMs, call.tenant);
  }

  private arrival(startMs: number, tenant: string | undefined): void {
    this.requests++;
    this.arrivalsByHour[new Date(startMs).getUTCHours()]! += 1;
    if (tenant !== undefined) this.tenants.set(tenant, (this.tenants.get(tenant) ?? 0) + 1);
  }

  private addSession(session: SessionShape): void {
    this.sessionCount++;
    this.arrival(session.startMs, undefined);
    this.sessionTurns.add(session.turns);
    for (const c of session.callsPerTurn) this.sessionCalls.add(c);
    for (const b of session.batchSizes) this.sessionBatch.add(b);
    for (const t of session.thinkTimesMs) this.sessionThink.add(t);
  }

  result(): FitResult {
    const spanMs = Number.isFinite(this.first) ? Math.max(1, this.last - this.first) : 0;
    const all = [...this.targets.values()].sort((a, b) => b.calls - a.calls || (a.name < b.name ? -1 : 1));
    const models = all.filter((t) => t.kind === 'model').map((t) => t.result(spanMs));
    const tools = all.filter((t) => t.kind === 'tool').map((t) => t.result(spanMs));
    const toolsPerRequest: Record<string, number> = {};
    for (const [tool, n] of [...this.toolRequests].sort()) toolsPerRequest[tool] = this.requests > 0 ? Math.min(1, n / this.requests) : 0;
    const tenantTotal = [...this.tenants.values()].reduce((s, n) => s + n, 0);
    const tenants: Record<string, number> = {};
    for (const [t, n] of [...this.tenants].sort((a, b) => b[1] - a[1]).slice(0, 1000)) tenants[t] = n / tenantTotal;
    return {
      files: this.files,
      formats: this.formats,
      records: this.records,
      badRecords: this.bad,
      badExamples: this.badExamples,
      skipped: this.skipped,
      calls: this.calls,
      requests: this.requests,
      spanMs,
      arrivalRatePerSec: spanMs > 0 ? this.requests / (spanMs / 1000) : 0,
      diurnal: this.diurnal(spanMs),
      tenants,
      models,
      tools,
      toolsPerRequest,
      sessions: this.sessionCount > 0 ? this.sessionsFit() : null,
      outOfOrder: this.outOfOrder,
    };
  }

  /** A daily cycle, when the span covers two days or more and the hourly rates differ by 1.5x or more. */
  private diurnal(spanMs: number): FitResult['diurnal'] {
    if (spanMs < 2 * 86_400_000) return null;
    const h = this.arrivalsByHour;
    // Smooth over three hours so one noisy hour does not set the peak.
    const smooth = Array.from(h, (_, i) => (h[(i + 23) % 24]! + h[i]! + h[(i + 1) % 24]!) / 3);
    const max = Math.max(...smooth);
    const min = Math.max(Math.min(...smooth), max / 1000);
    if (!(max / min >= 1.5)) return null;
    return { peakToTrough: max / min, peakAtHour: smooth.indexOf(max) };
  }

  private sessionsFit(): SessionsFit {
    return {
      sessions: this.sessionCount,
      turns: fitPositive(this.sessionTurns),
      callsPerTurn: fitPositive(this.sessionCalls),
      toolsPerBatch: fitPositive(this.sessionBatch),
      thinkTime: fitPositive(this.sessionThink),
      meanTurns: this.sessionTurns.mean,
      meanCallsPerTurn: this.sessionCalls.mean,
      meanToolsPerBatch: this.sessionBatch.mean,
    };
  }
}
