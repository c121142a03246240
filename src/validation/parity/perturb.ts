import { makeDistribution, type DistributionSpec } from '../../random/distributions.js';
import type { ParsedScenario } from '../../scenario/schema.js';

/** Probabilities of the quantile table a shifted lognormal or exponential becomes: even steps, then a fine tail. */
const GRID = [...Array.from({ length: 400 }, (_, i) => i / 400), 0.9975, 0.999, 0.9995, 0.9999];
/** The table's top: the 99.995th percentile stands for the maximum (an unbounded tail must end somewhere). */
const TOP = 0.99995;

/** The distribution of `X + ms`: exact for constant, uniform and empirical; a 405-point table otherwise. */
export function shifted(spec: DistributionSpec, ms: number): DistributionSpec {
  if (!(ms > 0)) return spec;
  switch (spec.dist) {
    case 'constant':
      return { dist: 'constant', value: spec.value + ms };
    case 'uniform':
      return { dist: 'uniform', min: spec.min + ms, max: spec.max + ms };
    case 'empirical':
      return { dist: 'empirical', quantiles: Object.fromEntries(Object.entries(spec.quantiles).map(([p, v]) => [p, v + ms])) };
    default: {
      const d = makeDistribution(spec);
      const quantiles: Record<string, number> = {};
      for (const p of GRID) quantiles[String(p)] = d.quantile(p) + ms;
      quantiles['1'] = d.quantile(TOP) + ms;
      return { dist: 'empirical', quantiles };
    }
  }
}

/**
 * The scenario as the real run met it: every model call slower by the measured mean transport
 * (`transportMs`: sockets, parsing, the server's timer firing late), and every error answer
 * also by the mean timer lateness (`latenessMs`), which stands for the retry wait that
 * follows it firing late. The parity check accepts a figure anywhere between this
 * simulation's band and the plain one's, so real-time noise widens the interval only in the
 * direction it pushes, and only by what was measured.
 */
export function perturbed(scenario: ParsedScenario, transportMs: number, latenessMs: number): ParsedScenario {
  const models = Object.fromEntries(
    Object.entries(scenario.upstream.models).map(([name, target]) => [
      name,
      {
        ...target,
        latency: shifted(target.latency, transportMs),
        errors: { ...target.errors, latency: shifted(target.errors.latency, transportMs + latenessMs), timeoutAfter: target.errors.timeoutAfter + transportMs + latenessMs },
      },
    ]),
  );
  return { ...scenario, upstream: { ...scenario.upstream, models } } as ParsedScenario;
}
