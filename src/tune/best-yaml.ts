import { isDeepStrictEqual } from 'node:util';
import { isScalar, parseDocument, stringify } from 'yaml';
import { formatMetricValue, headlineMetric } from '../metrics/headline.js';
import { mergeChain, resolveExtendsChain } from '../scenario/compose.js';
import { parseScenarioText } from '../scenario/load.js';
import { applyOverrides, parseOverrides, type AppliedOverride, type ScenarioOverride } from '../scenario/overrides.js';
import { parseYamlSource } from '../scenario/yaml-source.js';
import { pointOverrides } from '../sweep/run.js';
import { integer } from '../text/format.js';
import type { TuneResult, TunedConfig } from './result.js';
import { safeText } from '../text/safe-text.js';

/**
 * `tune --out best.yaml`: the whole scenario with the chosen values written in and a
 * comment saying how they were chosen. A file without `extends` keeps its own text, order
 * and comments, with only the tuned keys (and `--set` ones) changed; a file that extends a
 * base is written flattened, since its relative `extends` would not hold from elsewhere.
 * The text is read back and must give exactly the scenario that was tuned.
 */

/** What the writer needs besides the result. */
export interface BestScenarioSource {
  /** The scenario file as tuned, and its text. */
  file: string;
  text: string;
  /** `--set` overrides the tune applied before each configuration's params. */
  set: readonly string[];
  /** Where the scenario is written, for the command that checks it. */
  out: string;
}

/** The YAML text of the best scenario. Throws if the text would not read back as the tuned scenario. */
export function bestScenarioYaml(source: BestScenarioSource, result: TuneResult, best: TunedConfig): string {
  const overrides: ScenarioOverride[] = [...source.set, ...pointOverrides({ index: best.index, params: best.params, variant: 'all' })];
  const { overrides: applied } = parseOverrides(overrides);
  const tuned = parseScenarioText(source.text, source.file, { overrides });
  const readsBack = (text: string) => {
    try {
      return isDeepStrictEqual(parseScenarioText(text, source.file), tuned);
    } catch {
      return false;
    }
  };
  const child = parseYamlSource(source.text, source.file);
  if (child.value.extends === undefined) {
    const preserved = preservingText(source.text, applied, tuned.name, header(source, result, best));
    if (preserved !== null && readsBack(preserved)) return preserved;
  }
  // Flattened: the merged chain with the overrides applied, as plain YAML.
  const merged = mergeChain(resolveExtendsChain(child, () => ({})));
  applyOverrides(merged, applied);
  if (merged.name === undefined) merged.name = tuned.name;
  const why = child.value.extends === undefined ? '' : ' Flattened from its base (extends), which a copy elsewhere could not find.';
  const comment = header(source, result, best, why)
    .split('\n')
    .map((line) => `#${line}`)
    .join('\n');
  const flattened = `${comment}\n${stringify(merged)}`;
  if (!readsBack(flattened)) throw new Error('the best scenario written would not read back as the scenario tuned');
  return flattened;
}

/**
 * The file's own text with the overrides set in place and the comment on top, keeping its
 * order and comments; null where the YAML document cannot take a value in place.
 */
function preservingText(text: string, applied: readonly AppliedOverride[], name: string, comment: string): string | null {
  try {
    const doc = parseDocument(text);
    for (const { path, value } of applied) {
      // `retry:` with nothing after it is an empty block: make it a mapping to set a key in.
      for (let i = 1; i < path.length; i++) {
        const node = doc.getIn(path.slice(0, i), true);
        if (isScalar(node) && node.value === null) doc.setIn(path.slice(0, i), doc.createNode({}));
      }
      doc.setIn(path, doc.createNode(value));
    }
    if (!doc.has('name')) doc.set('name', name);
    doc.commentBefore = [comment, doc.commentBefore].filter(Boolean).join('\n');
    return doc.toString();
  } catch {
    return null;
  }
}

/** The comment above the scenario: how it was chosen, what it measured, how to check it. */
function header(source: BestScenarioSource, result: TuneResult, best: TunedConfig, extra = ''): string {
  const objective = headlineMetric(result.objective.metric);
  const f = (key: typeof objective.key, v: number) => formatMetricValue(headlineMetric(key).unit, v);
  const seeds = best.replications > 1 ? `seeds ${result.seed}..${result.seed + best.replications - 1}` : `seed ${result.seed}`;
  const constraints = result.constraints.length > 0 ? ` subject to ${result.constraints.map((k) => `${k.metric} ${k.bound}`).join(', ')}` : '';
  const interval = best.intervals[objective.key];
  const margins = best.margins.map((m) => `${m.metric} ${f(m.metric, best.metrics[m.metric])} (limit ${m.bound}, ${m.verdict} at 95%)`).join('; ');
  const set = Object.entries(best.params).map(([k, v]) => `${k}=${v}`);
  const asserts = result.constraints.map((k) => `--assert '${k.metric} ${k.bound}'`).join(' ');
  const lines = [
    ` Chosen by harness-sim tune from ${source.file}: ${result.objective.direction} ${objective.key}${constraints}.`,
    ` Set here: ${[...source.set, ...set].join(', ') || 'nothing (the scenario as written won)'} (configuration #${best.index} of ${result.cells}).`,
    ` Measured over ${seeds} (${integer(result.requests)} requests each): ${objective.key} ${f(objective.key, best.metrics[objective.key])}${interval.halfWidth === null ? '' : ` (95% CI ${f(objective.key, interval.low)} .. ${f(objective.key, interval.high)})`}${margins ? `; ${margins}` : ''}.`,
    ` ${result.runs} of ${result.budget} runs, ${result.evaluated.length} configurations evaluated, ${result.runnersUp.length} runners-up not significantly worse.${extra}`,
    ` Check on fresh seeds: harness-sim run ${source.out} --seed ${result.seed + 1000} --replications ${Math.max(2, best.replications)} --requests ${result.requests} ${asserts}`.trimEnd(),
  ];
  return lines.map((line) => safeText(line)).join('\n');
}
