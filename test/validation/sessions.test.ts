import { lawsOf } from '../../src/validation/laws.js';
import { describeLaws } from './law-helpers.js';

// Agent sessions: a turn's success compounds over its calls ((1-p)^k, (1-p^n)^k), the step cap
// stops (1-h)^c of geometric turns, the cached share of a growing conversation follows its sum
// exactly, and Little's law holds for concurrent sessions. Sample sizes and tolerances per law
// (4 binomial SEs over independent one-turn sessions; replications for Little's law).
describeLaws('session laws (the agent loop)', lawsOf('sessions'));
