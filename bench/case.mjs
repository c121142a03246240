// One benchmark case in a fresh process: prints a JSON line with wall time, events and peak RSS.
// Usage: node bench/case.mjs <scenario.yaml | floor> <requests>
import { performance } from 'node:perf_hooks';
import { simulate } from '../dist/engine/simulator.js';
import { loadScenarioFile } from '../dist/scenario/load.js';
import { RandomStreams } from '../dist/random/random.js';
import { Lognormal } from '../dist/random/distributions.js';
import { LatencyHistogram } from '../dist/metrics/latency-histogram.js';

const [target, requestsArg] = process.argv.slice(2);
const requests = Number(requestsArg);
const started = performance.now();
let events = 0;
/** Model calls made (with sessions, each session makes tens); requests otherwise. */
let modelCalls = requests;
if (target === 'floor') {
  // The unavoidable work of the retry-only case: the same variates per request
  // (gap, tenant, difficulty, 2 token draws, fail draw, latency draw) and one histogram record.
  const streams = new RandomStreams(1);
  const arrivals = streams.stream('arrivals');
  const tenants = streams.stream('tenants');
  const difficulty = streams.stream('difficulty');
  const tokens = streams.stream('tokens');
  const fail = streams.keyed('fail');
  const lat = streams.keyed('lat');
  const tokenDist = new Lognormal(1200, 6000);
  const latency = new Lognormal(800, 2500);
  const histogram = new LatencyHistogram();
  let sink = 0;
  for (let i = 0; i < requests; i++) {
    sink += -Math.log(1 - arrivals()) + tenants() + difficulty();
    sink += tokenDist.quantile(tokens()) + tokenDist.quantile(tokens());
    sink += fail.at(i, 0, 0);
    histogram.record(latency.quantile(lat.at(i, 0, 0)));
  }
  if (sink === 42) console.error('');
  events = requests * 2;
} else {
  const { scenario } = loadScenarioFile(target);
  const output = simulate(scenario, { requests });
  events = output.events;
  modelCalls = output.metrics.modelCalls;
}
const wallMs = performance.now() - started;
console.log(JSON.stringify({ wallMs, events, modelCalls, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
