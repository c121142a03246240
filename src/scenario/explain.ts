import { stringify } from 'yaml';
import { z } from 'zod';
import type { UnitKind } from './fields.js';
import { isMapping } from './paths.js';
import { scenarioSchema, type ParsedScenario } from './schema.js';
import { formatCount, formatDurationMs, formatMoneyUsd, formatRate, formatTokenCount } from '../text/units.js';
import { resolveCacheOptions } from '../layers/prompt-cache.js';

const FORMAT: Record<UnitKind, (value: number) => string> = {
  duration: formatDurationMs,
  rate: formatRate,
  money: formatMoneyUsd,
  tokens: formatTokenCount,
  count: formatCount,
};

/**
 * The fully defaulted scenario as YAML, every value in the units a person writes
 * (`250ms`, `4%`, `$3`, `8K`), followed by the order a request meets the layers and
 * which of them this scenario turns on. The YAML loads back to the same scenario.
 */
export function explainScenario(scenario: ParsedScenario & { name: string }, file: string): string {
  const { name, ...rest } = withImplicitDefaults(scenario);
  const human = humanize(scenarioSchema, { name, ...rest });
  const header = `# Every value a run of ${file} uses, defaults filled in (harness-sim explain).\n`;
  return header + stringify(human, { lineWidth: 0 }) + layerOrder(scenario) + episodeRates(scenario) + cachePrices(scenario);
}

/**
 * Fills the defaults the schema leaves undefined so validation can tell them from a written
 * value (`capacity.perKey.unlisted`: deny); the run is the same either way.
 */
export function withImplicitDefaults<S extends ParsedScenario>(scenario: S): S {
  const perKey = scenario.layers.capacity?.perKey;
  if (!perKey || perKey.unlisted !== undefined) return scenario;
  const capacity = { ...scenario.layers.capacity!, perKey: { ...perKey, unlisted: 'deny' as const } };
  return { ...scenario, layers: { ...scenario.layers, capacity } };
}

/**
 * For each target with error episodes, the average error rate they imply: a call at a
 * random time is in an episode with probability f = lasting / every, so the
 * long-run rate is base x (1 - f) + episode rate x f. Nothing when no target has episodes.
 */
function episodeRates(scenario: ParsedScenario): string {
  const targets = [...Object.entries(scenario.upstream.models), ...Object.entries(scenario.upstream.tools)];
  const lines = targets.flatMap(([name, target]) => {
    const e = target.errors.episodes;
    if (!e) return [];
    const f = e.lasting / e.every;
    const average = target.errors.rate * (1 - f) + e.rate * f;
    const pct = (x: number) => `${+(x * 100).toPrecision(4)}%`;
    return [`  ${JSON.stringify(name)}: ${pct(target.errors.rate)} x (1 - ${pct(f)}) + ${pct(e.rate)} x ${pct(f)} = ${pct(average)} on average`];
  });
  if (lines.length === 0) return '';
  const text = ['', 'Error episodes: f = lasting / every is the time in episodes; base x (1 - f) + episode rate x f the average error rate:', ...lines];
  return text.map((line) => (line ? `# ${line}` : '#')).join('\n') + '\n';
}

/**
 * With the prompt cache on, what each model's calls are priced by: the preset's multipliers
 * and minimum, the 1-hour cache's 2x write price, and `layers.cache.models` on top.
 */
function cachePrices(scenario: ParsedScenario): string {
  const cache = scenario.layers.cache;
  if (!cache?.enabled) return '';
  const base = { preset: cache.preset, ttlMs: cache.ttl, writeMultiplier: cache.writeMultiplier, readMultiplier: cache.readMultiplier, minCacheableTokens: cache.minCacheableTokens };
  const lines = Object.keys(scenario.upstream.models).map((model) => {
    const o = resolveCacheOptions(base, cache.models?.[model]);
    return `  ${JSON.stringify(model)}: writes ${o.writeMultiplier}x, reads ${o.readMultiplier}x the input price; prompts under ${formatTokenCount(o.minCacheableTokens)} tokens are not cached`;
  });
  const ttl = formatDurationMs(resolveCacheOptions(base).ttlMs);
  const text = ['', `Prompt cache (${cache.preset}, TTL ${ttl}; an entry is readable once the response that wrote it has begun), per model:`, ...lines];
  return text.map((line) => (line ? `# ${line}` : '#')).join('\n') + '\n';
}

/** Walks the schema beside the parsed value, writing numbers of a known unit back in human form. */
function humanize(schema: unknown, value: unknown): unknown {
  let node = schema;
  for (let i = 0; i < 20; i++) {
    const unit = unitOf(node);
    if (unit !== undefined) return typeof value === 'number' ? format(unit, value) : value;
    const def = defOf(node);
    if (!def) return value;
    if (def.type === 'optional' || def.type === 'prefault' || def.type === 'default' || def.type === 'nullable') node = def.innerType;
    else if (def.type === 'object' && isMapping(value)) return mapEntries(value, (key) => (def.shape as Record<string, unknown>)[key]);
    else if (def.type === 'record' && isMapping(value)) return mapEntries(value, () => def.valueType);
    else if (def.type === 'array' && Array.isArray(value)) return value.map((item) => humanize(def.element, item));
    else if (def.type === 'union' && isMapping(value)) return humanize(matchingOption(def.options as unknown[], value), value);
    else return value;
  }
  return value;
}

function mapEntries(value: Record<string, unknown>, schemaFor: (key: string) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, humanize(schemaFor(key), inner)]));
}

/** The union member an object value came from: every key known to it, literal keys equal. */
function matchingOption(options: unknown[], value: Record<string, unknown>): unknown {
  return options.find((option) => {
    const def = defOf(option);
    if (def?.type !== 'object') return false;
    const shape = def.shape as Record<string, unknown>;
    return Object.keys(value).every((key) => {
      const field = defOf(shape[key]);
      if (!field) return false;
      return field.type !== 'literal' || (field.values as unknown[]).includes(value[key]);
    });
  });
}

function unitOf(schema: unknown): UnitKind | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  const unit = z.globalRegistry.get(schema)?.unit;
  return typeof unit === 'string' && unit in FORMAT ? (unit as UnitKind) : undefined;
}

function format(unit: UnitKind, value: number): string | number {
  try {
    const text = FORMAT[unit](value);
    return /^\d+$/.test(text) ? value : text; // `300` tokens stays a YAML number, not "300"
  } catch {
    return value; // a value the formatter cannot write exactly is shown as the plain number
  }
}

function defOf(schema: unknown): (Record<string, unknown> & { type: string }) | undefined {
  return (schema as { _zod?: { def?: Record<string, unknown> & { type: string } } } | undefined)?._zod?.def;
}

/**
 * The order a request meets the layers (as in the comment atop `src/engine/harness.ts`
 * and AGENTS.md), each marked on or off for this scenario.
 */
function layerOrder(scenario: ParsedScenario): string {
  const { layers } = scenario;
  const capacity = layers.capacity?.enabled === true ? layers.capacity : undefined;
  const routing = layers.routing?.enabled === true ? layers.routing : undefined;
  const retry = layers.retry?.enabled === true;
  const breaker = layers.breaker?.enabled === true;
  const hasTools = Object.keys(scenario.workload.tools).length > 0;
  const sdkRetries = layers.retry?.sdk?.maxRetries ?? 0;
  const mark = (on: unknown) => (on ? '[x]' : '[ ]');
  const lines = [
    '',
    'The order a request meets the layers ([x] = on in this scenario):',
    `${mark(capacity?.perKey)} capacity: per-key limit`,
    `${mark(capacity?.tokenBudget)} capacity: token budget`,
    `${mark(capacity?.backpressure)} capacity: backpressure`,
    `${mark(routing?.classifier)} routing: classifier`,
    `${mark(routing?.tiers)} routing: tier`,
    '    per target:',
    `${mark(breaker)}   breaker${breaker && layers.breaker?.slowCall ? ' (slow calls count too)' : ''}`,
    `      call (${mark(layers.cache?.enabled === true)} prompt cache prices every model call; ${mark(layers.timeout?.enabled === true)} client timeout)${sdkRetries > 0 ? ` with the SDK's own ${sdkRetries} retries inside` : ''}${layers.hedge?.enabled === true ? `; hedged after ${formatDurationMs(layers.hedge.after)}` : ''}`,
    `${mark(retry)}   retry${retry && layers.retry?.budget ? ' (with a retry budget)' : ''}`,
    `${mark(routing && routing.fallback.length > 0)}   fallback`,
    `${mark(routing?.qualityFallback)} quality fallback`,
    '    tools, in order:',
    `${mark(hasTools && layers.scope?.enabled === true)}   scope`,
    `${mark(hasTools && breaker)}   tool breaker`,
    '      call',
    `${mark(hasTools && retry)}   retry`,
    'A layer whose block is absent under `layers:` is off.',
    ...(scenario.workload.clients > 1 ? [`Each of the ${scenario.workload.clients} clients has its own breakers, retry budget, rate limits and backpressure.`] : []),
  ];
  return lines.map((line) => (line ? `# ${line}` : '#')).join('\n') + '\n';
}
