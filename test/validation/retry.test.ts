import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// Retries under independent failures, on a grid of p in {0.04, 0.3, 0.7} and n in {1, 2, 3, 5}:
// load multiplier (1 - p^n) / (1 - p) and visible failure p^n (the seed: 2.19x and 34.3% at
// p = 0.7, n = 3). One seed (42), 200,000 independent requests per grid point; the tolerance is
// 4 standard errors from the law's own per-request variance (the truncated geometric for the
// load, the binomial for the failure share). With n = 1 the load is exactly 1 (zero variance).
describeLaws('retry laws (independent failures, 429 only, no retry-after, no breaker)', lawsOf('retry'));
