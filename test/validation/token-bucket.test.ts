import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// Token-bucket quotas admit min(lambda, r) per second: a per-key quota and a provider's rpm
// quota (r = 10/s, burst 600) at lambda = 20/s admit 10/s after their burst, and the per-key
// quota at lambda = 5/s admits everything. Five replications (seeds 1..5, 100,000 requests
// each), 2 t(0.975, 4) standard errors, plus the bounded bias of a drained bucket's final level
// (at most ~10 tokens) and the run's end one call after the last arrival.
describeLaws('token-bucket laws (per-key quota, provider rpm)', lawsOf('token-bucket'));
