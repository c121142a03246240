import { makeDistribution, type Distribution } from '../engine/distributions.js';
import type { RandomSource } from '../layers/types.js';
import type { RandomStreams } from '../engine/random.js';
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
  }

  /** Gap to the next Poisson arrival, in ms. */
  nextGapMs(): number {
    return -Math.log(1 - this.arrivalRandom()) / this.ratePerMs;
  }

  /** Fills `out` with a new request's attributes (no allocation). */
  draw(out: RequestDraw): void {
    out.tenant = pick(this.tenantCumulative, this.tenantRandom());
    out.difficulty = pick(this.difficultyCumulative, this.difficultyRandom());
    out.inputTokens = Math.max(1, Math.round(this.inputTokens.quantile(this.tokenRandom())));
    out.outputTokens = Math.max(1, Math.round(this.outputTokens.quantile(this.tokenRandom())));
  }
}

/** Running sums of shares, with the last forced to 1 so rounding never drops a draw off the end. */
export function cumulative(shares: readonly number[]): Float64Array {
  const out = new Float64Array(shares.length);
  let sum = 0;
  for (let i = 0; i < shares.length; i++) out[i] = sum += shares[i]!;
  if (shares.length > 0) out[shares.length - 1] = 1;
  return out;
}

/** Index of the first cumulative share above `u`: a categorical draw. */
export function pick(cumulativeShares: Float64Array, u: number): number {
  let i = 0;
  while (i < cumulativeShares.length - 1 && u >= cumulativeShares[i]!) i++;
  return i;
}
