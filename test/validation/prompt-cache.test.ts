import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// The seed's prompt-cache arithmetic from monthlyPrefixCost: an 8K prefix on 1M calls a day at
// $3/MTok is $720,000 a month uncached and $72,000 read at 10%; simulated at 200,000 requests
// (seed 42) and scaled to the month. Both are deterministic: the tolerance is the cents of
// rounding plus, for the cached bill, the one cold write of the run scaled to the month. The
// write premium amortised over reuses at lambda x TTL = 3: 500,000 requests, 4 standard errors
// of a per-call price multiplier that is 1.25 on a miss (probability e^-3) and 0.1 on a hit.
describeLaws('prompt-cache laws (anthropic preset, 5-minute TTL)', lawsOf('prompt-cache'));
