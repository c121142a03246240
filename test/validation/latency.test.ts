import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// A lognormal latency given by p50 800 ms and p95 2,500 ms: the run's p50, p95 and p99 are
// sample quantiles of it and its mean is p50 exp(sigma^2 / 2). One seed (42), 500,000 requests;
// tolerance 4 standard errors of a sample quantile (sqrt(q (1 - q) / N) / density) or of the
// mean, plus the 1/1024 relative rounding of the HDR histogram for the percentiles.
describeLaws('latency laws (lognormal model, no errors)', lawsOf('latency'));
