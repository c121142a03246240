import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// Nested retries (see client-laws.ts): n harness attempts around the SDK's loop of s + 1 calls
// make (1 - p^(n(s+1))) / (1 - p) calls and fail visibly with p^(n(s+1)), the retry law with
// n (s + 1) attempts; grid p in {0.3, 0.7}, (n, s) in {(3, 2), (2, 1)}. A fleet of 8 clients
// with independent failures at 4%: the one-client load and visible failure. One seed (42),
// 200,000 independent requests each, 4 standard errors from the law's own per-request variance.
describeLaws('nested retries (SDK inside the harness, independent 529s)', lawsOf('nested-retries'));
describeLaws('a fleet of clients (independent failures: state splitting changes nothing)', lawsOf('fleet'));
