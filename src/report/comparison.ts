import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { round, type RunResult } from '../metrics/results.js';
import { confidenceInterval, headlineSeries, isSignificant, roundInterval, summarise, type Interval } from './confidence.js';
import { integer, ms } from '../text/format.js';
import { safeText } from '../text/safe-text.js';
import { formatMetricDelta, formatMetricValue, formatRelative, HEADLINE_METRICS, shownMetrics, type HeadlineKey, type HeadlineMetric } from '../metrics/headline.js';
import { grouped } from '../text/grouped.js';

/**
 * Side-by-side comparison of variants run under the same seeds. Because the runs share
 * common random numbers, the per-seed differences against the baseline (the first variant)
 * are paired, and their interval is far narrower than the two variants' intervals suggest.
 */

/** The runs of one variant, one per seed, in the same seed order for every variant. */
export interface VariantRuns {
  label: string;
  results: readonly RunResult[];
}

/** How one metric of a variant moved against the baseline. */
export interface MetricDelta {
  /** Mean of the per-seed differences (variant minus baseline). */
  absolute: number;
  /** `absolute` over the baseline mean; null when the baseline is 0 and the variant is not. */
  relative: number | null;
  /** The paired differences' 95% interval (degenerate with one seed). */
  interval: Interval;
  /** False when the paired interval contains 0; null with one seed. */
  significant: boolean | null;
  /** Whether the move is an improvement, a regression, or no move at all. */
  direction: 'better' | 'worse' | 'same';
}

/** One column of the comparison. */
export interface ComparedVariant {
  label: string;
  /** The harness layers this variant had on (from its first run). */
  layersOn: readonly string[];
  values: Record<HeadlineKey, Interval>;
  /** Null for the baseline. */
  delta: Record<HeadlineKey, MetricDelta> | null;
}

/** Compares every variant with the first, metric by metric, pairing runs by seed. */
export function compareVariants(variants: readonly VariantRuns[]): ComparedVariant[] {
  if (variants.length === 0) throw new RangeError('compareVariants needs at least one variant');
  const baseline = headlineSeries(variants[0]!.results);
  const baselineMeans = summarise(variants[0]!.results);
  return variants.map((variant, index) => {
    const values = summarise(variant.results);
    const layersOn = variant.results[0]?.layersOn ?? [];
    if (index === 0) return { label: variant.label, layersOn, values, delta: null };
    const series = headlineSeries(variant.results);
    const delta = {} as Record<HeadlineKey, MetricDelta>;
    for (const metric of HEADLINE_METRICS) {
      const base = baseline[metric.key];
      const differences = series[metric.key].map((value, i) => value - base[i]!);
      delta[metric.key] = metricDelta(metric, confidenceInterval(differences), baselineMeans[metric.key].mean);
    }
    return { label: variant.label, layersOn, values, delta };
  });
}

function metricDelta(metric: HeadlineMetric, interval: Interval, baselineMean: number): MetricDelta {
  const absolute = interval.mean;
  const relative = absolute === 0 ? 0 : baselineMean === 0 ? null : absolute / Math.abs(baselineMean);
  const direction = absolute === 0 ? 'same' : (absolute < 0) === metric.lowerIsBetter ? 'better' : 'worse';
  return { absolute, relative, interval, significant: isSignificant(interval), direction };
}

/** Context printed above a comparison. */
export interface ComparisonHeader {
  seeds: readonly number[];
  requests: number;
  /** How monthly figures were scaled from the simulated span, when it was shorter than 30 days. */
  monthlyExtrapolation?: RunResult['monthlyExtrapolation'];
  /** `--sample`: the simulated fraction of each variant's traffic (figures scaled back). */
  sample?: number;
  /** What `--requests` cut off in any variant (`RunResult.warnings`), once each. */
  warnings?: readonly string[];
  /** True when every label already names its layers (`--ladder`, `--layers none,retry`): the "layers on" row would repeat them. */
  layersInLabels?: boolean;
}

/** The comparison as a table: one row per headline metric, one column per variant. */
export function renderComparisonTable(compared: readonly ComparedVariant[], header: ComparisonHeader, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const table = new Table({ head: [c.bold('metric'), ...compared.map((v) => c.bold(safeText(v.label)))], style: { head: [], border: [] } });
  if (!header.layersInLabels) table.push(['layers on', ...compared.map((v) => layersCell(v))]);
  for (const metric of metricsOf(compared)) {
    table.push([metric.label, ...compared.map((v) => cell(metric, v, c, '\n'))]);
  }
  return `${title(compared, header)}\n${table.toString()}${footnote(header, '\n')}`;
}

/** The comparison as a Markdown table, for PR comments and step summaries. */
export function renderComparisonMarkdown(compared: readonly ComparedVariant[], header: ComparisonHeader): string {
  const plain = new Chalk({ level: 0 });
  const escape = (text: string) => safeText(text).replace(/\|/g, '\\|');
  const lines = [
    `**${escape(title(compared, header))}**`,
    '',
    `| metric | ${compared.map((v) => escape(v.label)).join(' | ')} |`,
    `|---|${compared.map(() => '---:').join('|')}|`,
    ...(header.layersInLabels ? [] : [`| layers on | ${compared.map((v) => escape(layersCell(v))).join(' | ')} |`]),
    ...metricsOf(compared).map((metric) => `| ${metric.label} | ${compared.map((v) => escape(cell(metric, v, plain, '<br>'))).join(' | ')} |`),
  ];
  return lines.join('\n') + footnote(header, '\n\n');
}

/** The comparison's JSON: per variant the means, intervals (when replicated) and deltas. */
export function comparisonJson(compared: readonly ComparedVariant[], header: ComparisonHeader) {
  const replicated = header.seeds.length > 1;
  const shown = metricsOf(compared);
  return {
    baseline: compared[0]!.label,
    seeds: header.seeds,
    requests: header.requests,
    replications: header.seeds.length,
    ...(header.monthlyExtrapolation ? { monthlyExtrapolation: header.monthlyExtrapolation } : {}),
    ...(header.sample !== undefined ? { sample: header.sample } : {}),
    ...(header.warnings ? { warnings: [...header.warnings] } : {}),
    variants: compared.map((v) => ({
      label: v.label,
      layersOn: v.layersOn,
      metrics: Object.fromEntries(shown.map((m) => [m.key, round(v.values[m.key].mean)])),
      ...(replicated ? { intervals: Object.fromEntries(shown.map((m) => [m.key, roundInterval(v.values[m.key])])) } : {}),
      delta: v.delta
        ? Object.fromEntries(
            shown.map((m) => {
              const d = v.delta![m.key];
              return [
                m.key,
                {
                  absolute: round(d.absolute),
                  relative: d.relative === null ? null : round(d.relative),
                  direction: d.direction,
                  ...(replicated ? { low: round(d.interval.low), high: round(d.interval.high), significant: d.significant } : {}),
                },
              ];
            }),
          )
        : null,
    })),
  };
}

/** The metrics to show: the session figures only when a variant ran sessions. */
function metricsOf(compared: readonly ComparedVariant[]): readonly HeadlineMetric[] {
  return shownMetrics(compared.some((v) => !Number.isNaN(v.values.turnSuccessRate.mean)));
}

function layersCell(variant: ComparedVariant): string {
  return variant.layersOn.length > 0 ? variant.layersOn.join(', ') : 'none';
}

/** Under the table: how the monthly cost was extrapolated, when the simulated span is short of a month. */
function footnote(header: ComparisonHeader, separator: string): string {
  const e = header.monthlyExtrapolation;
  if (!e) return '';
  return `${separator}monthly cost: extrapolated x${grouped(Number(e.factor.toPrecision(4)), 3)} from ${ms(e.simulatedSeconds * 1000)} of simulated arrivals`;
}

function title(compared: readonly ComparedVariant[], header: ComparisonHeader): string {
  const { seeds } = header;
  const span = seeds.length > 1 ? `seeds ${seeds[0]}..${seeds[seeds.length - 1]} (mean ± 95% CI; n.s. = paired difference not significant)` : `seed ${seeds[0]}`;
  const sampled = header.sample !== undefined ? ` (${Number((header.sample * 100).toPrecision(6))}% sampled, scaled back)` : '';
  return `compare  ${span}  ${integer(header.requests)} requests${sampled}  deltas against ${safeText(compared[0]!.label)}`;
}

/** A variant's cell: its value (± half-width when replicated), then its delta against the baseline. */
function cell(metric: HeadlineMetric, variant: ComparedVariant, c: ChalkInstance, newline: string): string {
  const value = variant.values[metric.key];
  const lines = [formatMetricValue(metric.unit, value.mean) + (value.halfWidth === null ? '' : ` ± ${formatMetricValue(metric.unit, value.halfWidth)}`)];
  const delta = variant.delta?.[metric.key];
  if (delta) {
    const text = `${formatMetricDelta(metric.unit, delta.absolute)} (${formatRelative(delta.relative)})${delta.significant === false ? ' n.s.' : ''}`;
    const paint = delta.significant === false || delta.direction === 'same' ? c.dim : delta.direction === 'better' ? c.green : c.red;
    lines.push(paint(text));
  }
  return lines.join(newline);
}
