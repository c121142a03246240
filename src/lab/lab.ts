import { stringify } from 'yaml';
import { formatMetricDelta, formatMetricValue, headlineMetric, type HeadlineKey, type HeadlineValues } from '../metrics/headline.js';
import { round } from '../metrics/results.js';
import { LADDER_ORDER, layersPresent, type LayerName } from '../report/variants.js';
import { mergeChain, resolveExtendsChain } from '../scenario/compose.js';
import { parseScenarioText, snapshotScenario } from '../scenario/load.js';
import { isMapping } from '../scenario/paths.js';
import { parseYamlSource } from '../scenario/yaml-source.js';
import { runSweepTasks, type SweepTask } from '../sweep/run.js';
import { safeText } from '../text/safe-text.js';

/**
 * The lab: every on/off combination of a scenario's layers, each at a set of upstream
 * error rates, run for real (same seed, so every difference is the configuration's), and
 * the figures a page needs to show any combination at once. Nothing on the page is
 * computed in the browser but the choice of which precomputed run to show.
 */

/** The most layers a lab combines: every ladder layer (2^7 = 128 combinations). */
export const MAX_LAB_LAYERS = LADDER_ORDER.length;
/** The most error rates one lab runs. */
export const MAX_LAB_RATES = 20;
/** The error rates when none are given: from none to a third of calls failing. */
export const DEFAULT_LAB_RATES = [0, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32];

/** The figures the page shows, in the order it shows them. */
export const LAB_METRICS: readonly HeadlineKey[] = ['visibleFailureRate', 'latencyP95', 'monthlyCost', 'latencyP99', 'loadMultiplier', 'wastedTokens'];
/** The three the page leads with, and explains each layer's effect on. */
export const LAB_HEADLINE: readonly HeadlineKey[] = ['visibleFailureRate', 'latencyP95', 'monthlyCost'];

/** What one layer does, in a sentence (the page shows it beside the layer's settings). */
export const LAYER_PURPOSE: Record<LayerName, string> = {
  capacity: 'Admission control: per-tenant quotas, a token budget and a bounded queue turn overload into fast rejections.',
  routing: 'Classifies each request, sends it to its tier\'s model, falls back along a chain, and re-asks a stronger model when an eval fails.',
  breaker: 'Stops calling a target whose recent failure rate crossed a threshold, for a cool-down, so failing calls fail fast.',
  retry: 'Calls a failed target again after a backoff, for retryable errors.',
  hedge: 'Sends a second copy of a slow call after a delay; the first answer wins and the other is abandoned (and billed).',
  scope: 'Refuses tool calls outside the allow list and escalates them to a person.',
  cache: 'Caches the stable prompt prefix, so repeated prefixes are billed at the cached rate.',
  session: 'Limits an agent session: steps per turn, tokens per session, turn duration, and a loop guard that stops calling a tool that keeps failing.',
};

/** What a lab runs. */
export interface LabOptions {
  file: string;
  /** `--set` overrides, applied before the layer and error-rate choices. */
  set: readonly string[];
  errorRates: readonly number[];
  seed?: number;
  requests?: number;
}

/** One run's figures: raw, formatted as the CLI prints them, and each layer's effect. */
export interface LabCell {
  /** Bit i set: `layers[i]` on. */
  mask: number;
  rate: number;
  metrics: Record<HeadlineKey, number>;
  text: Record<HeadlineKey, string>;
  /**
   * For each layer on in this cell: what it changes, this cell minus the same cell with that
   * layer off, per headline metric: the formatted difference and whether it is better.
   */
  effects: Record<string, Record<HeadlineKey, { text: string; tone: 'better' | 'worse' | 'same' }>>;
}

/** Everything the page (and `lab --format json`) carries. */
export interface LabData {
  scenario: string;
  seed: number;
  requests: number;
  /** The models whose error rate the slider sets. */
  models: string[];
  layers: LayerName[];
  /** Which layers the scenario has on as written: the page starts there. */
  enabled: LayerName[];
  /** Each layer's purpose and its settings as written. */
  notes: Record<string, { purpose: string; settings: string }>;
  errorRates: number[];
  /** The slider's starting position: the rate nearest the scenario's own. */
  startRate: number;
  labels: Record<HeadlineKey, string>;
  /** Cell `mask * errorRates.length + rate index`. */
  cells: LabCell[];
}

/** A validated lab, ready to run. */
export interface LabPlan {
  data: Omit<LabData, 'cells'>;
  tasks: SweepTask[];
}

/** A bad lab request; the message names the option. */
export class LabSpecError extends Error {
  override name = 'LabSpecError';
}

/** Checks the scenario and lists one task per (layer combination, error rate). */
export function planLab(options: LabOptions): LabPlan {
  // Read once: every run loads from this snapshot, so editing the file meanwhile changes nothing.
  const { sources, scenario } = snapshotScenario(options.file, { overrides: options.set });
  const text = sources.get(options.file)!;
  const layers = layersPresent(scenario);
  if (layers.length === 0) throw new LabSpecError(`lab: ${options.file} has no harness layers to switch (give it a layers: block with retry, breaker, ...)`);
  if (layers.length > MAX_LAB_LAYERS) throw new LabSpecError(`lab: at most ${MAX_LAB_LAYERS} layers`);
  const models = Object.keys(scenario.upstream.models);
  const rateOverrides = (rate: number) => models.map((m) => ({ key: `upstream.models.${m}.errors.rate`, value: rate }));
  // Every rate must give a valid scenario: check each once, before anything runs.
  for (const rate of options.errorRates) parseScenarioText(text, options.file, { overrides: [...options.set, ...rateOverrides(rate)], sources });
  const own = scenario.upstream.models[models[0]!]!.errors.rate;
  const startRate = options.errorRates.reduce((best, r, i) => (Math.abs(r - own) < Math.abs(options.errorRates[best]! - own) ? i : best), 0);
  const seed = options.seed ?? scenario.seed;
  const tasks: SweepTask[] = [];
  for (let mask = 0; mask < 2 ** layers.length; mask++) {
    const on = layers.filter((_, i) => mask & (1 << i));
    for (const rate of options.errorRates) {
      tasks.push({
        file: options.file,
        sources,
        overrides: [...options.set, ...rateOverrides(rate)],
        ...(options.requests !== undefined ? { requests: options.requests } : {}),
        seed,
        variant: on.length === 0 ? 'none' : on.join('+'),
      });
    }
  }
  const enabled = layers.filter((name) => scenario.layers[name]?.enabled === true);
  return {
    data: {
      scenario: safeText(scenario.name),
      seed,
      requests: options.requests ?? scenario.workload.requests,
      models: models.map(safeText),
      layers,
      enabled,
      notes: layerNotes(text, options.file, layers),
      errorRates: [...options.errorRates],
      startRate,
      labels: Object.fromEntries(LAB_METRICS.map((k) => [k, headlineMetric(k).label])) as Record<HeadlineKey, string>,
    },
    tasks,
  };
}

/** Runs every task (on `jobs` threads; the figures do not depend on it) and assembles the data. */
export async function executeLab(plan: LabPlan, jobs: number, onDone?: (done: number, total: number) => void): Promise<LabData> {
  let done = 0;
  const values = await runSweepTasks(plan.tasks, Math.max(1, Math.min(jobs, plan.tasks.length)), () => onDone?.(++done, plan.tasks.length));
  return labData(plan.data, values);
}

/** The cells from the runs' figures, in task order (mask slowest, then rate). */
export function labData(header: Omit<LabData, 'cells'>, values: readonly HeadlineValues[]): LabData {
  const rates = header.errorRates.length;
  const cells: LabCell[] = values.map((run, i) => {
    const metrics = Object.fromEntries(LAB_METRICS.map((k) => [k, round(run[k])])) as Record<HeadlineKey, number>;
    const text = Object.fromEntries(LAB_METRICS.map((k) => [k, formatMetricValue(headlineMetric(k).unit, run[k])])) as Record<HeadlineKey, string>;
    return { mask: Math.floor(i / rates), rate: header.errorRates[i % rates]!, metrics, text, effects: {} };
  });
  for (const cell of cells) {
    header.layers.forEach((layer, bit) => {
      if (!(cell.mask & (1 << bit))) return;
      const without = cells[(cell.mask & ~(1 << bit)) * rates + header.errorRates.indexOf(cell.rate)]!;
      cell.effects[layer] = Object.fromEntries(
        LAB_HEADLINE.map((key) => {
          const metric = headlineMetric(key);
          const delta = cell.metrics[key] - without.metrics[key];
          const tone = delta === 0 ? 'same' : delta < 0 === metric.lowerIsBetter ? 'better' : 'worse';
          return [key, { text: formatMetricDelta(metric.unit, delta), tone }];
        }),
      ) as LabCell['effects'][string];
    });
  }
  return { ...header, cells };
}

/** Each layer's purpose and its block as written (flow YAML, without `enabled`), names escaped. */
function layerNotes(text: string, file: string, layers: readonly LayerName[]): Record<string, { purpose: string; settings: string }> {
  const raw = mergeChain(resolveExtendsChain(parseYamlSource(text, file), () => ({})));
  const blocks = isMapping(raw.layers) ? raw.layers : {};
  return Object.fromEntries(
    layers.map((layer) => {
      const block = blocks[layer];
      const settings = isMapping(block) ? Object.fromEntries(Object.entries(block).filter(([k]) => k !== 'enabled')) : {};
      const written = Object.keys(settings).length === 0 ? 'defaults' : stringify(settings, { collectionStyle: 'flow' }).replace(/\s*\n\s*/g, ' ').trim();
      return [layer, { purpose: LAYER_PURPOSE[layer], settings: safeText(written.length > 400 ? `${written.slice(0, 400)}...` : written) }];
    }),
  );
}
