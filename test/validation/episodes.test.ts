import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// Error episodes (see episode-laws.ts): the time fraction L / (G + L) and the long-run error
// rate base (1 - f) + r f of one model; retries in long episodes (visible failure over time in
// episodes = e^(-S/L): retrying cannot help); fallback across two models with independent
// episodes (f1 f2). Episodes couple requests in time, so each law is judged over ten
// replications (seeds 1..10) with 2 t(0.975, 9) standard errors of the per-seed values.
describeLaws('episode laws (alternating renewal, exponential lengths, stationary start)', lawsOf('episodes'));
