import { formatMetricDelta, formatMetricValue, headlineMetric, shownMetrics, type HeadlineKey } from '../metrics/headline.js';
import { axisFormat, metaLine, page, section, table, type Cell } from '../report/html.js';
import { escapeXml, lineChart, type LinePoint } from '../report/svg.js';
import { integer } from '../text/format.js';
import type { EvaluatedConfig, Front, TunedConfig, TuneResult } from './result.js';

/**
 * The HTML report of a tune (`--report FILE.html`): the best configuration with its
 * intervals and margins, then per constrained metric a chart of every evaluated
 * configuration, objective against that metric, with the Pareto front drawn through and the
 * limit as a dashed line; then every configuration evaluated. Self-contained like the
 * other reports: inline SVG, no script, no network.
 */
export function renderTuneHtml(result: TuneResult): string {
  const objective = headlineMetric(result.objective.metric);
  const meta = [
    metaLine([
      ['scenario', result.scenario],
      [result.objective.direction, objective.label],
      ['subject to', result.constraints.length > 0 ? result.constraints.map((k) => `${k.metric} ${k.bound}`).join(', ') : 'no constraints'],
    ]),
    metaLine([
      ['seeds', result.maxReplications > 1 ? `${result.seed}..${result.seed + result.maxReplications - 1} (common to every configuration)` : String(result.seed)],
      ['requests', `${integer(result.requests)} a run`],
      ['runs', `${result.runs} of ${result.budget} in ${result.rounds} rounds`],
      ['configurations', `${result.evaluated.length} of ${result.cells} evaluated`],
    ]),
  ];
  const parts: string[] = [];
  if (result.best) {
    parts.push(`<h2>Best: ${escapeXml(paramsLine(result.best.params))}</h2>`, configTable(result, result.best));
    if (result.runnersUp.length > 0) {
      parts.push('<h2>Runners-up (feasible, not significantly worse on the same seeds)</h2>', runnersUpTable(result));
    }
  } else {
    parts.push('<h2>No configuration met every constraint at 95% confidence</h2>');
    if (result.nearestMiss?.overall) parts.push(`<p class="meta">Nearest overall: ${escapeXml(paramsLine(result.nearestMiss.overall.params))}</p>`, configTable(result, result.nearestMiss.overall));
  }
  for (const front of result.frontier) parts.push(frontSection(result, front));
  parts.push(`<details><summary>Every configuration evaluated (${result.evaluated.length})</summary>${evaluatedTable(result)}</details>`);
  return page(`Tune: ${result.scenario}`, meta, parts.join('\n'));
}

function paramsLine(params: Record<string, number | string>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'the scenario as written' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

function configTable(result: TuneResult, config: TunedConfig): string {
  const order: HeadlineKey[] = [result.objective.metric, ...result.constraints.map((k) => k.metric), ...shownMetrics('turnSuccessRate' in config.metrics).map((m) => m.key)];
  const rows = order
    .filter((k, i) => order.indexOf(k) === i)
    .map((key): Cell[] => {
      const metric = headlineMetric(key);
      const f = (v: number) => formatMetricValue(metric.unit, v);
      const d = (v: number) => formatMetricDelta(metric.unit, v);
      const interval = config.intervals[key];
      const margins = config.margins.filter((m) => m.metric === key);
      const marginText = margins
        .map((m) => `${m.bound}: ${d(m.margin.mean)}${m.margin.halfWidth === null ? '' : ` (${d(m.margin.low)} .. ${d(m.margin.high)})`} ${m.verdict}`)
        .join('; ');
      const failed = margins.some((m) => m.verdict !== 'met');
      return [metric.label, f(config.metrics[key]), interval.halfWidth === null ? '-' : `${f(interval.low)} .. ${f(interval.high)}`, failed ? { text: marginText, className: 'fail' } : marginText];
    });
  return table(['metric', 'mean', '95% CI', `margin to the constraint (${config.replications} replications)`], rows);
}

function runnersUpTable(result: TuneResult): string {
  const metric = headlineMetric(result.objective.metric);
  const d = (v: number) => formatMetricDelta(metric.unit, v);
  return table(
    ['#', ...result.params, 'runs', metric.label, 'vs best (95% CI)'],
    result.runnersUp.map((c) => [
      String(c.index),
      ...result.params.map((k) => String(c.params[k])),
      String(c.replications),
      formatMetricValue(metric.unit, c.metrics[metric.key]),
      c.versusBest ? `${d(c.versusBest.mean)} (${d(c.versusBest.low)} .. ${d(c.versusBest.high)})` : '',
    ]),
  );
}

/** One chart: every configuration meeting the other constraints, the front through them, the limit. */
function frontSection(result: TuneResult, front: Front): string {
  const objective = headlineMetric(result.objective.metric);
  const metric = headlineMetric(front.metric);
  const others = result.constraints.filter((k) => k.metric !== front.metric);
  const eligible = result.evaluated.filter((e) => others.every((k) => holds(k.operator, k.limit, e.metrics[k.metric])));
  const point = (e: { metrics?: Record<HeadlineKey, number>; objective?: number; value?: number }): LinePoint => ({ x: e.objective ?? e.metrics![result.objective.metric], y: e.value ?? e.metrics![front.metric] });
  const onFront = new Set(front.points.map((p) => p.index));
  const series = [
    { name: 'Pareto front', points: front.points.map(point) },
    { name: 'other configurations', points: eligible.filter((e) => !onFront.has(e.index)).map(point), markersOnly: true },
    ...(result.best ? [{ name: 'best', points: [{ x: result.best.metrics[result.objective.metric], y: result.best.metrics[front.metric] }], markersOnly: true }] : []),
  ].filter((s) => s.points.length > 0);
  const chart = lineChart({
    name: `tune-front-${front.metric}`,
    title: `${objective.label} vs ${metric.label}`,
    x: { label: objective.label, format: axisFormat(objective.unit) },
    y: { label: metric.label, format: axisFormat(metric.unit) },
    series,
    thresholds: result.constraints.filter((k) => k.metric === front.metric).map((k) => ({ value: k.limit, label: `limit ${k.operator} ${axisFormat(metric.unit)(k.limit)}` })),
  });
  const rows = front.points.map((p): Cell[] => [
    String(p.index),
    ...result.params.map((k) => String(p.params[k])),
    formatMetricValue(objective.unit, p.objective),
    formatMetricValue(metric.unit, p.value),
    p.feasibility === 'met' ? p.feasibility : { text: p.feasibility, className: 'fail' },
  ]);
  const note = `<p class="meta">Configurations whose means meet ${others.length > 0 ? escapeXml(others.map((k) => `${k.metric} ${k.bound}`).join(', ')) : 'every other constraint'}; the front is those no other beats on both axes.</p>`;
  return section(chart, note + table(['#', ...result.params, objective.label, metric.label, 'constraints (95%)'], rows));
}

function evaluatedTable(result: TuneResult): string {
  const objective = headlineMetric(result.objective.metric);
  const keys: HeadlineKey[] = [result.objective.metric, ...result.constraints.map((k) => k.metric).filter((k) => k !== result.objective.metric)];
  const shown = keys.filter((k, i) => keys.indexOf(k) === i);
  return table(
    ['#', ...result.params, 'runs', 'status', ...shown.map((k) => headlineMetric(k).label)],
    result.evaluated.map((e: EvaluatedConfig): Cell[] => [
      String(e.index),
      ...result.params.map((k) => String(e.params[k])),
      String(e.replications),
      e.reason ?? (e.status === 'alive' ? `in the race (${e.feasibility})` : e.status),
      ...shown.map((k) => formatMetricValue(headlineMetric(k).unit, e.metrics[k])),
    ]),
  ).replace('<table>', `<table data-objective="${escapeXml(objective.key)}">`);
}

function holds(operator: string, limit: number, value: number): boolean {
  return operator === '<' ? value < limit : operator === '<=' ? value <= limit : operator === '>' ? value > limit : value >= limit;
}
