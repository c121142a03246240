import { makeDistribution, type Distribution } from '../random/distributions.js';
import type { RandomSource } from '../layers/types.js';
import type { RandomStreams } from '../random/random.js';
import { cumulative, pick } from '../random/categorical.js';
import type { ParsedScenario } from '../scenario/schema.js';
import { TraceArrivals, type TraceArrival } from './trace-arrivals.js';

/** The attributes of one user request, drawn at its arrival. */
export interface RequestDraw {
  tenant: number;
  /** True difficulty: 0 trivial, 1 standard, 2 complex. */
  difficulty: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Draws arrivals and request attributes. Each attribute has its own stream, so a
 * change in how one is drawn never shifts another, and none depends on the layers.
 */
export class Workload {
  /** Mean arrival rate in requests per millisecond. */
  readonly ratePerMs: number;
  readonly tenantNames: readonly string[];
  private readonly tenantCumulative: Float64Array;
  private readonly difficultyCumulative: Float64Array;
  private readonly inputTokens: Distribution;
  private readonly outputTokens: Distribution;
  private readonly arrivalRandom: RandomSource;
  private readonly tenantRandom: RandomSource;
  private readonly difficultyRandom: RandomSource;
  private readonly tokenRandom: RandomSource;
  private readonly thinningRandom: RandomSource;
  /** Whether the arrival rate varies in time (diurnal cycle, bursts, tenant schedules). */
  readonly shaped: boolean;
  private readonly shares: Float64Array;
  private readonly diurnalAmplitude: number;
  private readonly diurnalPeakMs: number;
  private readonly bursts: readonly Window[];
  private readonly schedules: readonly (Window & { tenant: number })[];
  private readonly maxRatePerMs: number;
  private readonly tenantWeights: Float64Array;
  /** A replayed log's arrivals, when `workload.arrival.trace` is set. */
  private readonly trace: TraceArrivals | null;
  /** Replayed arrivals scheduled but not yet drawn (at most two: the current and the next). */
  private readonly traceQueue: TraceArrival[] = [];
  private readonly durationMs: number;

  constructor(scenario: ParsedScenario, streams: RandomStreams) {
    const { workload } = scenario;
    this.ratePerMs = workload.requests / scenario.duration;
    this.tenantNames = Object.keys(workload.tenants);
    this.tenantCumulative = cumulative(Object.values(workload.tenants));
    const d = workload.difficulty;
    this.difficultyCumulative = cumulative([d.trivial ?? 0, d.standard ?? 0, d.complex ?? 0]);
    this.inputTokens = makeDistribution(workload.tokens.input);
    this.outputTokens = makeDistribution(workload.tokens.output);
    this.arrivalRandom = streams.stream('arrivals');
    this.tenantRandom = streams.stream('tenants');
    this.difficultyRandom = streams.stream('difficulty');
    this.tokenRandom = streams.stream('tokens');
    this.thinningRandom = streams.stream('arrival-thinning');

    const arrival = workload.arrival;
    const shape = typeof arrival === 'object' ? arrival : null;
    this.shares = Float64Array.from(Object.values(workload.tenants));
    this.tenantWeights = new Float64Array(this.shares.length);
    // f(t) = 1 + a cos(2 pi (t - peak) / 24h) has mean 1 and peak/trough (1 + a) / (1 - a).
    const ratio = shape?.diurnal?.peakToTrough ?? 1;
    this.diurnalAmplitude = (ratio - 1) / (ratio + 1);
    this.diurnalPeakMs = shape?.diurnal?.peakAt ?? 0;
    this.bursts = (shape?.bursts ?? []).map((b) => ({ startMs: b.at, endMs: b.at + b.for, multiplier: b.multiplier }));
    this.schedules = workload.schedules.map((s) => ({
      tenant: this.tenantNames.indexOf(s.tenant),
      startMs: s.at,
      endMs: s.at + s.for,
      multiplier: s.multiplier,
    }));
    this.trace = shape?.trace !== undefined ? new TraceArrivals(shape.trace) : null;
    this.durationMs = scenario.duration;
    this.shaped = this.diurnalAmplitude > 0 || this.bursts.length > 0 || this.schedules.length > 0 || this.trace !== null;
    // An upper bound of the rate for thinning: every peak at once.
    const burstPeak = Math.max(1, ...this.bursts.map((b) => b.multiplier));
    let tenantPeak = 0;
    this.shares.forEach((share, k) => {
      const peak = Math.max(1, ...this.schedules.filter((s) => s.tenant === k).map((s) => s.multiplier));
      tenantPeak += share * peak;
    });
    this.maxRatePerMs = this.ratePerMs * (1 + this.diurnalAmplitude) * burstPeak * tenantPeak;
  }

  /** Time of the next arrival after `nowMs` (Lewis-Shedler thinning when the rate is shaped). */
  nextArrivalMs(nowMs: number): number {
    if (!this.shaped) return nowMs + this.nextGapMs();
    if (this.trace !== null) return this.nextTraceArrivalMs();
    let t = nowMs;
    for (;;) {
      t += -Math.log(1 - this.arrivalRandom()) / this.maxRatePerMs;
      if (this.thinningRandom() * this.maxRatePerMs < this.rateAt(t)) return t;
    }
  }

  /** The next replayed arrival's time, or Infinity when the trace (or the scenario's duration) is over. */
  private nextTraceArrivalMs(): number {
    const next = this.trace!.next();
    if (next === null || next.atMs >= this.durationMs) return Number.POSITIVE_INFINITY;
    this.traceQueue.push(next);
    return next.atMs;
  }

  /** Releases the replayed trace's file, if any. */
  close(): void {
    this.trace?.close();
  }

  /** Records the trace had that were not usable, and arrivals replayed late (out of order beyond the buffer). */
  traceProblems(): { file: string; bad: number; late: number } | null {
    return this.trace === null ? null : { file: this.trace.file, bad: this.trace.bad, late: this.trace.late };
  }

  /** The arrival rate at `timeMs`, in requests per ms. */
  rateAt(timeMs: number): number {
    let rate = this.ratePerMs;
    if (this.diurnalAmplitude > 0) rate *= 1 + this.diurnalAmplitude * Math.cos((2 * Math.PI * (timeMs - this.diurnalPeakMs)) / DAY_MS);
    for (let i = 0; i < this.bursts.length; i++) {
      const b = this.bursts[i]!;
      if (timeMs >= b.startMs && timeMs < b.endMs) rate *= b.multiplier;
    }
    if (this.schedules.length > 0) rate *= this.tenantFactor(timeMs);
    return rate;
  }

  /** Sum over tenants of share x schedule multiplier at `timeMs`; fills `tenantWeights`. */
  private tenantFactor(timeMs: number): number {
    const w = this.tenantWeights;
    w.set(this.shares);
    for (let i = 0; i < this.schedules.length; i++) {
      const s = this.schedules[i]!;
      if (timeMs >= s.startMs && timeMs < s.endMs) w[s.tenant]! *= s.multiplier;
    }
    let total = 0;
    for (let k = 0; k < w.length; k++) total += w[k]!;
    return total;
  }

  /** Windows in which the load is disturbed (bursts and tenant schedules), for recovery analysis. */
  disturbances(): { startMs: number; endMs: number }[] {
    return [...this.bursts, ...this.schedules].map((w) => ({ startMs: w.startMs, endMs: w.endMs }));
  }

  /** Gap to the next Poisson arrival, in ms. */
  nextGapMs(): number {
    return -Math.log(1 - this.arrivalRandom()) / this.ratePerMs;
  }

  /** Fills `out` with the attributes of a request arriving at `nowMs` (no allocation). */
  draw(out: RequestDraw, nowMs = 0): void {
    out.tenant = this.schedules.length > 0 ? this.pickScheduledTenant(nowMs) : pick(this.tenantCumulative, this.tenantRandom());
    out.difficulty = pick(this.difficultyCumulative, this.difficultyRandom());
    out.inputTokens = Math.max(1, Math.round(this.inputTokens.quantile(this.tokenRandom())));
    out.outputTokens = Math.max(1, Math.round(this.outputTokens.quantile(this.tokenRandom())));
    if (this.trace !== null) this.applyTrace(out);
  }

  /** What the log says about the arrival being drawn replaces the drawn values (same draws consumed either way). */
  private applyTrace(out: RequestDraw): void {
    const arrival = this.traceQueue.shift();
    if (!arrival) return;
    if (arrival.tenant !== undefined) {
      const tenant = this.tenantNames.indexOf(arrival.tenant);
      if (tenant >= 0) out.tenant = tenant;
    }
    if (arrival.inputTokens !== undefined) out.inputTokens = arrival.inputTokens;
    if (arrival.outputTokens !== undefined) out.outputTokens = arrival.outputTokens;
  }

  /** Fills the tenant and difficulty of an agent session arriving at `nowMs` (its tokens come from its plan). */
  drawSession(out: RequestDraw, nowMs = 0): void {
    out.tenant = this.schedules.length > 0 ? this.pickScheduledTenant(nowMs) : pick(this.tenantCumulative, this.tenantRandom());
    out.difficulty = pick(this.difficultyCumulative, this.difficultyRandom());
  }

  /** A tenant drawn in proportion to share x its schedule multiplier at `nowMs`. */
  private pickScheduledTenant(nowMs: number): number {
    const total = this.tenantFactor(nowMs);
    let u = this.tenantRandom() * total;
    const w = this.tenantWeights;
    for (let k = 0; k < w.length - 1; k++) {
      if (u < w[k]!) return k;
      u -= w[k]!;
    }
    return w.length - 1;
  }
}

const DAY_MS = 24 * 3600 * 1000;

interface Window {
  startMs: number;
  endMs: number;
  multiplier: number;
}
