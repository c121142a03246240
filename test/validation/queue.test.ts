import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// Finite-capacity upstream against queueing theory: M/M/1/K (K = 10, rho = 0.9) blocking
// 0.050814 and mean sojourn; M/M/2 (lambda = 8/s, mu = 10/s) Erlang C 0.228571, mean wait
// Wq = 19.048 ms (read as W - 1/mu) and the sojourn p95. Requests queue behind one another, so
// the tolerance comes from 10 independent replications (seeds 1..10, 500,000 requests each):
// 2 t(0.975, 9) standard errors of their mean (4.5 SE), plus the HDR rounding for the p95.
describeLaws('queue laws (capacity: concurrency and queue, exponential service)', lawsOf('queue'));
