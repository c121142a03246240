import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { formatMetricDelta, formatMetricValue, headlineMetric, shownMetrics, type HeadlineKey } from '../metrics/headline.js';
import type { Interval } from '../report/confidence.js';
import { integer } from '../text/format.js';
import type { ParamValue } from '../sweep/grid.js';
import { safeText as printable } from '../text/safe-text.js';
import type { Front, Margin, TunedConfig, TuneResult } from './result.js';

/**
 * The terminal report of a tune: what was asked, what it cost, the best configuration with
 * 95% intervals on every headline metric and on its margin to each constraint, the
 * runners-up, the Pareto fronts, or (when nothing met the constraints) the nearest misses.
 */

/** No rule between rows: the first column separates them. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** The most rows a runners-up or front table shows; `--format json` has them all. */
const MAX_ROWS = 10;

/** Renders the result for a terminal (colour only where `color`). */
export function renderTuneTable(result: TuneResult, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines: string[] = [c.bold(title(result)), summary(result)];
  if (result.best) {
    lines.push('', c.bold(`best: ${paramsText(result.best.params)}`) + `  (#${result.best.index}, ${plural(result.best.replications, 'replication')})`);
    lines.push(configTable(result, result.best, c));
    if (result.undecided.length > 0) {
      lines.push(
        c.yellow(
          `${plural(result.undecided.length, 'configuration')} beat the best on the same seeds and meet the constraints by their means, but not yet at 95% (raise --budget or --replications): ${result.undecided
            .slice(0, 3)
            .map((u) => paramsText(u.params))
            .join('; ')}${result.undecided.length > 3 ? '; ...' : ''}`,
        ),
      );
    }
    lines.push('', runnersUp(result, c));
  } else {
    lines.push('', c.red(c.bold('no configuration met every constraint at 95% confidence')), nearestMiss(result, c));
  }
  for (const front of result.frontier) lines.push('', frontTable(result, front, c));
  return lines.join('\n');
}

/** The first line: scenario, objective, constraints. */
export function title(result: TuneResult): string {
  const objective = `${result.objective.direction} ${result.objective.metric}`;
  const subject = result.constraints.length > 0 ? `  subject to ${result.constraints.map((k) => `${k.metric} ${k.bound}`).join(', ')}` : '';
  return `tune ${printable(result.scenario)}  ${objective}${subject}`;
}

/** The second line: seeds, volume, budget spent, configurations evaluated, why it stopped. */
function summary(result: TuneResult): string {
  const seeds = result.maxReplications > 1 ? `seeds ${result.seed}..${result.seed + result.maxReplications - 1} (common to every configuration)` : `seed ${result.seed} (no replications: no confidence intervals)`;
  const stopped = result.stoppedBy === 'budget' ? 'stopped: budget spent' : 'stopped: nothing left to refine or race';
  return `${seeds}  ${integer(result.requests)} requests a run  ${result.runs} of ${result.budget} runs in ${result.rounds} rounds  ${result.evaluated.length} of ${result.cells} configurations evaluated  ${stopped}`;
}

/** Every headline metric of a configuration with its interval, and the margin of each constrained one. */
function configTable(result: TuneResult, config: TunedConfig, c: InstanceType<typeof Chalk>): string {
  const table = new Table({ head: ['metric', 'mean', '95% CI', 'constraint', 'margin (95% CI)'].map((h) => c.bold(h)), style: { head: [], border: [] }, chars: COMPACT });
  const order: HeadlineKey[] = [result.objective.metric, ...result.constraints.map((k) => k.metric), ...shownMetrics('turnSuccessRate' in config.metrics).map((m) => m.key)];
  for (const key of order.filter((k, i) => order.indexOf(k) === i)) {
    const metric = headlineMetric(key);
    const interval = config.intervals[key];
    const f = (v: number) => formatMetricValue(metric.unit, v);
    const margins = config.margins.filter((m) => m.metric === key);
    const label = key === result.objective.metric ? `${metric.label} (${result.objective.direction === 'minimize' ? 'minimised' : 'maximised'})` : metric.label;
    table.push([
      key === result.objective.metric ? c.bold(label) : label,
      f(config.metrics[key]),
      intervalText(interval, f),
      margins.map((m) => m.bound).join('\n'),
      margins.map((m) => marginText(m, c)).join('\n'),
    ]);
  }
  return table.toString();
}

function marginText(margin: Margin, c: InstanceType<typeof Chalk>): string {
  const unit = headlineMetric(margin.metric).unit;
  const d = (v: number) => formatMetricDelta(unit, v);
  const range = margin.margin.halfWidth === null ? '' : ` (${d(margin.margin.low)} .. ${d(margin.margin.high)})`;
  const verdict = margin.verdict === 'met' ? c.green('met') : margin.verdict === 'missed' ? c.red('missed') : c.yellow('undecided');
  return `${d(margin.margin.mean)}${range} ${verdict}`;
}

function runnersUp(result: TuneResult, c: InstanceType<typeof Chalk>): string {
  if (result.runnersUp.length === 0) {
    return result.maxReplications > 1 ? 'runners-up: none; every other feasible configuration is worse at 95% confidence (or not raced far enough to tell)' : 'runners-up: need --replications 2 or more to tell';
  }
  const metric = headlineMetric(result.objective.metric);
  const table = new Table({ head: ['#', ...result.params, 'runs', metric.label, 'vs best (95% CI)'].map((h) => c.bold(h)), style: { head: [], border: [] }, chars: COMPACT });
  for (const config of result.runnersUp.slice(0, MAX_ROWS)) {
    const versus = config.versusBest!;
    const d = (v: number) => formatMetricDelta(metric.unit, v);
    table.push([String(config.index), ...result.params.map((k) => valueText(config.params[k]!)), String(config.replications), formatMetricValue(metric.unit, config.metrics[metric.key]), `${d(versus.mean)} (${d(versus.low)} .. ${d(versus.high)})`]);
  }
  const more = result.runnersUp.length > MAX_ROWS ? `\n(${result.runnersUp.length - MAX_ROWS} more in --format json)` : '';
  return `${c.bold('runners-up')}: feasible, and not significantly ${result.objective.direction === 'minimize' ? 'costlier' : 'worse'} than the best on the same seeds\n${table.toString()}${more}`;
}

function nearestMiss(result: TuneResult, c: InstanceType<typeof Chalk>): string {
  const miss = result.nearestMiss!;
  const lines = miss.constraints.map((k) => {
    const f = (v: number) => formatMetricValue(headlineMetric(k.metric).unit, v);
    return `  ${k.metric} ${k.bound}: closest ${f(k.value.mean)}${k.value.halfWidth === null ? '' : ` (95% CI ${f(k.value.low)} .. ${f(k.value.high)})`} at ${paramsText(k.params)} (#${k.index})`;
  });
  const parts = [c.bold('nearest miss per constraint:'), ...lines];
  if (miss.overall) {
    parts.push(c.bold(`nearest overall: ${paramsText(miss.overall.params)}`) + `  (#${miss.overall.index}, ${plural(miss.overall.replications, 'replication')})`);
    parts.push(configTable(result, miss.overall, c));
  }
  return parts.join('\n');
}

function frontTable(result: TuneResult, front: Front, c: InstanceType<typeof Chalk>): string {
  const objective = headlineMetric(result.objective.metric);
  const metric = headlineMetric(front.metric);
  const table = new Table({ head: ['#', ...result.params, objective.label, metric.label, 'constraints'].map((h) => c.bold(h)), style: { head: [], border: [] }, chars: COMPACT });
  const verdict = (v: string) => (v === 'met' ? c.green('met') : v === 'missed' ? c.red('missed') : c.yellow('undecided'));
  for (const point of front.points.slice(0, MAX_ROWS)) {
    table.push([String(point.index), ...result.params.map((k) => valueText(point.params[k]!)), formatMetricValue(objective.unit, point.objective), formatMetricValue(metric.unit, point.value), verdict(point.feasibility)]);
  }
  const more = front.points.length > MAX_ROWS ? `\n(${front.points.length - MAX_ROWS} more in --format json)` : '';
  const heading = `${c.bold(`Pareto front: ${objective.label} vs ${metric.label}`)} (configurations meeting the other constraints by their means)`;
  if (front.points.length === 0) return `${heading}: none; no configuration evaluated meets the other constraints`;
  return `${heading}\n${table.toString()}${more}`;
}

/** `key=value  key=value`, each printable. */
export function paramsText(params: Record<string, ParamValue>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '(the scenario as written)' : entries.map(([k, v]) => `${printable(k)}=${valueText(v)}`).join('  ');
}

function valueText(value: ParamValue): string {
  return printable(String(value));
}

function intervalText(interval: Interval, f: (v: number) => string): string {
  return interval.halfWidth === null ? '-' : `${f(interval.low)} .. ${f(interval.high)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
