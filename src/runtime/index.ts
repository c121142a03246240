/**
 * harness-sim's runtime: the layers a scenario simulates, run in real time around your own
 * model calls. `import { createHarness, loadHarnessConfig } from 'harness-sim'`.
 *
 * Importing this module loads the layer classes and nothing of the CLI, the reports or the
 * sweep; the YAML reader and the schema load on the first `createHarness` or
 * `loadHarnessConfig` (see `npm run import-time`).
 */
export { createHarness, Harness, TimeoutError } from './harness.js';
export type { AttemptContext, CallOptions, DifficultyName, HarnessOptions } from './harness.js';
export { loadHarnessConfig } from './config.js';
export type { HarnessConfig } from './config.js';
export { classifyError, retryAfterMs, HttpStatusError } from './classify-error.js';
export type { ErrorClass, ErrorKind } from './classify-error.js';
export { HarnessError } from './errors.js';
export type { HarnessErrorReason, RejectedBy } from './errors.js';
export type { HarnessEventName, HarnessEvents, HarnessListener } from './events.js';
export type { HarnessMetrics, LatencySummary, TargetCounts } from './counters.js';
export { systemClock, systemTimers, scaledTimers, sleep } from './timers.js';
export type { Timers, TimerHandle } from './timers.js';
export { mathRandom, cryptoRandom } from './random.js';
export type { Clock, RandomSource } from '../layers/types.js';
export type { LayersConfig, LayersInput } from '../scenario/layers-schema.js';
