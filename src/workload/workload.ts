import { makeDistribution, type Distribution } from '../random/distributions.js';
import type { RandomSource } from '../layers/types.js';
import type { RandomStreams } from '../random/random.js';
import { cumulative, pick } from '../random/categorical.js';
import type { ParsedScenario } from '../scenario/schema.js';

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
    this.shaped = this.diurnalAmplitude > 0 || this.bursts.length > 0 || this.schedules.length > 0;
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
    let t = nowMs;
    for (;;) {
      t += -Math.log(1 - this.arrivalRandom()) / this.maxRatePerMs;
      if (this.thinningRandom() * this.maxRatePerMs < this.rateAt(t)) return t;
    }
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
