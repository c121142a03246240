import { escapeInvisible } from '../text/safe-text.js';
import { formatCompact, formatElapsed, makeScale, px, textWidth, timeTicks, type AxisSpec, type Scale } from './svg-scale.js';
export { formatCompact, formatElapsed, logTicks, niceTicks, timeTicks, type AxisSpec, type AxisTick } from './svg-scale.js';
/**
 * Small, dependency-free SVG chart builders for the HTML reports: line, grouped bar,
 * log-x histogram and step/area timeline charts, each returned as one `<svg>` string.
 *
 * Every chart carries `data-chart="<name>"`, every series `data-series="<name>"` and every
 * plotted value `data-point`, so tests (and curious readers of the DOM) can count what was
 * drawn. Hover titles (`<title>`) give exact values without any script. All text is escaped.
 */

/** Colours in series order: the Okabe-Ito palette (distinct for colour-blind readers), minus its yellow, which vanishes on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'] as const;

/** A horizontal (line charts) or vertical (histograms) reference line with a label. */
export interface ReferenceLine {
  value: number;
  label: string;
}

/** Sizes shared by every chart, in CSS pixels. */
export interface ChartSize {
  width?: number;
  height?: number;
}

/** One point of a line series; `low`/`high` draw an interval whisker. */
export interface LinePoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
}

/** A named line. */
export interface LineSeries {
  name: string;
  points: readonly LinePoint[];
  /** Points only, no line through them (a scatter of configurations). */
  markersOnly?: boolean;
}

/** A line chart: several series over a shared x axis, with optional threshold lines. */
export interface LineChartSpec extends ChartSize {
  name: string;
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: readonly LineSeries[];
  thresholds?: readonly ReferenceLine[];
}

/** A bar series: one value per group, optional interval ends per group. */
export interface BarSeries {
  name: string;
  values: readonly number[];
  low?: readonly number[];
  high?: readonly number[];
}

/** A grouped bar chart: one cluster per group, one bar per series in each. */
export interface BarChartSpec extends ChartSize {
  name: string;
  title: string;
  groups: readonly string[];
  series: readonly BarSeries[];
  y: AxisSpec;
  /** With a single series, colour each group's bar differently (variants keep their colour across charts). */
  colorByGroup?: boolean;
}

/** One histogram bin over (low, high]. */
export interface HistogramBin {
  low: number;
  high: number;
  count: number;
}

/** A histogram on a logarithmic x axis (log-spaced bins), optionally log counts. */
export interface HistogramSpec extends ChartSize {
  name: string;
  title: string;
  bins: readonly HistogramBin[];
  x: AxisSpec;
  y: AxisSpec;
  /** Vertical marker lines, e.g. percentiles. */
  markers?: readonly ReferenceLine[];
}

/** One series of a timeline: a value per time bucket, drawn as a step line or a filled step area. */
export interface TimelineSeries {
  name: string;
  values: readonly number[];
  mode: 'step' | 'area';
}

/** A timeline: values per fixed-width bucket of simulated time. */
export interface TimelineSpec extends ChartSize {
  name: string;
  title: string;
  bucketMs: number;
  series: readonly TimelineSeries[];
  y: AxisSpec;
  /** Vertical marker lines at moments of simulated time (in ms), e.g. when a disturbance ended. */
  markers?: readonly ReferenceLine[];
}

const DEFAULT_WIDTH = 900;
const DEFAULT_HEIGHT = 320;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';
const TICK_FONT_PX = 11;

/**
 * Escapes text for XML content and attribute values; control characters XML forbids become
 * U+FFFD, and C1 controls and bidi overrides are written out (`\u202e`) so names cannot reorder the page.
 */
export function escapeXml(text: string): string {
  return escapeInvisible(text)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function colorAt(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Past the palette, series repeat colours with a dash pattern so they stay distinct. */
function dashAt(index: number): string {
  return index < PALETTE.length ? '' : ` stroke-dasharray="${['6 3', '2 3', '8 3 2 3'][Math.floor(index / PALETTE.length - 1) % 3]}"`;
}

/** The plot area and the pieces every chart draws around it. */
interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  legendSvg: string;
}

/** Lays out title, legend rows and margins; the left margin fits the widest y tick label. */
function frame(
  size: ChartSize,
  _title: string,
  legend: readonly { name: string; color: string; dash: string }[],
  yLabels: readonly string[],
  bottomExtra = 0,
  topExtra = 0,
): Frame {
  const width = size.width ?? DEFAULT_WIDTH;
  const height = size.height ?? DEFAULT_HEIGHT;
  // At least room for seven-character labels, so charts stacked on a page line up their plots.
  const left = 34 + Math.max(46, ...yLabels.map((l) => textWidth(l, TICK_FONT_PX)));
  const right = 24;
  let legendSvg = '';
  let x = left;
  let row = 0;
  for (const item of legend) {
    const itemWidth = 26 + textWidth(item.name, 12) + 14;
    if (x + itemWidth > width - right && x > left) {
      row++;
      x = left;
    }
    const y = 44 + row * 18;
    legendSvg += `<g data-legend="${escapeXml(item.name)}"><line x1="${px(x)}" y1="${y - 4}" x2="${px(x + 20)}" y2="${y - 4}" stroke="${item.color}" stroke-width="3"${item.dash}/><text x="${px(x + 26)}" y="${y}" font-size="12">${escapeXml(item.name)}</text></g>`;
    x += itemWidth;
  }
  const legendRows = legend.length ? row + 1 : 0;
  const top = 36 + legendRows * 18 + 12 + topExtra;
  return { width, height: height + legendRows * 18 + bottomExtra + topExtra, left, right, top, bottom: 48 + bottomExtra, legendSvg };
}

function open(name: string, title: string, f: Frame): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" data-chart="${escapeXml(name)}" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${escapeXml(title)}" font-family='${FONT}' font-size="${TICK_FONT_PX}" fill="#222">` +
    `<title>${escapeXml(title)}</title><rect width="${f.width}" height="${f.height}" fill="#fff"/>` +
    `<text x="${f.left}" y="22" font-size="15" font-weight="600">${escapeXml(title)}</text>${f.legendSvg}`
  );
}

/** Gridlines, tick labels and axis titles around the plot area. */
function axes(f: Frame, x: Scale | null, y: Scale, xLabel: string, yLabel: string): string {
  const x0 = f.left;
  const x1 = f.width - f.right;
  const y0 = f.top;
  const y1 = f.height - f.bottom;
  let out = `<g data-axis="y">`;
  for (const t of y.ticks) {
    const yy = px(y.map(t.value));
    out += `<line x1="${x0}" y1="${yy}" x2="${x1}" y2="${yy}" stroke="#e3e3e3"/><text x="${x0 - 6}" y="${px(yy + 4)}" text-anchor="end">${escapeXml(t.label)}</text>`;
  }
  const mid = px((y0 + y1) / 2);
  out += `<text transform="translate(14 ${mid}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(yLabel)}</text></g>`;
  out += `<g data-axis="x"><line x1="${x0}" y1="${y1}" x2="${x1}" y2="${y1}" stroke="#888"/>`;
  if (x) {
    for (const t of x.ticks) {
      const xx = px(x.map(t.value));
      out += `<line x1="${xx}" y1="${y1}" x2="${xx}" y2="${y1 + 5}" stroke="#888"/><text x="${xx}" y="${y1 + 18}" text-anchor="middle">${escapeXml(t.label)}</text>`;
    }
  }
  const labelY = f.height - 10;
  out += `<text x="${px((x0 + x1) / 2)}" y="${labelY}" text-anchor="middle" font-size="12">${escapeXml(xLabel)}</text></g>`;
  return out;
}

/** A line chart: one `data-series` group per line, a `data-point` circle per value, dashed labelled thresholds. */
export function lineChart(spec: LineChartSpec): string {
  const yFormat = spec.y.format ?? formatCompact;
  const xFormat = spec.x.format ?? formatCompact;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [...spec.series.flatMap((s) => s.points.flatMap((p) => [p.y, p.low ?? p.y, p.high ?? p.y])), ...(spec.thresholds ?? []).map((t) => t.value)];
  const provisionalY = makeScale(spec.y, ys, [1, 0], true);
  const legend = spec.series.map((s, i) => ({ name: s.name, color: colorAt(i), dash: dashAt(i) }));
  const f = frame(spec, spec.title, spec.series.length > 1 ? legend : [], provisionalY.ticks.map((t) => t.label));
  const x = makeScale(spec.x, xs, [f.left + 10, f.width - f.right - 10], false);
  const y = makeScale(spec.y, ys, [f.height - f.bottom, f.top], true);
  let out = open(spec.name, spec.title, f) + axes(f, x, y, spec.x.label, spec.y.label);
  spec.series.forEach((series, i) => {
    const color = colorAt(i);
    const points = [...series.points].sort((a, b) => a.x - b.x);
    let d = '';
    let pen = 'M';
    for (const p of points) {
      if (!Number.isFinite(p.y)) {
        pen = 'M';
        continue;
      }
      d += `${pen}${px(x.map(p.x))} ${px(y.map(p.y))}`;
      pen = 'L';
    }
    out += `<g data-series="${escapeXml(series.name)}" stroke="${color}" fill="${color}">`;
    if (!series.markersOnly) out += `<path d="${d}" fill="none" stroke-width="2.2" stroke-linejoin="round"${dashAt(i)}/>`;
    for (const p of points) {
      if (!Number.isFinite(p.y)) continue;
      const cx = px(x.map(p.x));
      if (p.low !== undefined && p.high !== undefined && p.high > p.low) {
        const a = px(y.map(p.low));
        const b = px(y.map(p.high));
        out += `<path data-interval="" d="M${cx} ${a}V${b}M${cx - 4} ${a}h8M${cx - 4} ${b}h8" fill="none" stroke-width="1.2"/>`;
      }
      const interval = p.low !== undefined && p.high !== undefined ? ` (95% CI ${yFormat(p.low)} .. ${yFormat(p.high)})` : '';
      out += `<circle data-point="" cx="${cx}" cy="${px(y.map(p.y))}" r="3.5" stroke="#fff" stroke-width="1"><title>${escapeXml(`${series.name}: ${spec.x.label} = ${xFormat(p.x)}: ${yFormat(p.y)}${interval}`)}</title></circle>`;
    }
    out += `</g>`;
  });
  for (const t of spec.thresholds ?? []) out += horizontalLine(f, y.map(t.value), t.label);
  return `${out}</svg>`;
}

function horizontalLine(f: Frame, yy: number, label: string): string {
  const x1 = f.width - f.right;
  return (
    `<g data-threshold="${escapeXml(label)}"><line x1="${f.left}" y1="${px(yy)}" x2="${x1}" y2="${px(yy)}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="7 5"/>` +
    `<text x="${x1 - 4}" y="${px(yy - 5)}" text-anchor="end" fill="#c0392b" font-size="12" paint-order="stroke" stroke="#fff" stroke-width="3">${escapeXml(label)}</text></g>`
  );
}

/** A grouped bar chart: one `data-series` group per series, a `data-point` rect per bar, value labels when bars are wide enough. */
export function barChart(spec: BarChartSpec): string {
  const yFormat = spec.y.format ?? formatCompact;
  const values = spec.series.flatMap((s) => [...s.values, ...(s.low ?? []), ...(s.high ?? [])]);
  const provisionalY = makeScale(spec.y, values, [1, 0], true);
  const byGroup = spec.colorByGroup && spec.series.length === 1;
  const legend = spec.series.map((s, i) => ({ name: s.name, color: colorAt(i), dash: '' }));
  const width = spec.width ?? DEFAULT_WIDTH;
  const bandGuess = (width - 120) / Math.max(1, spec.groups.length);
  const longest = Math.max(0, ...spec.groups.map((g) => textWidth(g, TICK_FONT_PX)));
  const rotate = longest > bandGuess - 6;
  const f = frame(spec, spec.title, spec.series.length > 1 ? legend : [], provisionalY.ticks.map((t) => t.label), rotate ? Math.min(110, longest * 0.6) : 0);
  const y = makeScale(spec.y, values, [f.height - f.bottom, f.top], true);
  let out = open(spec.name, spec.title, f) + axes(f, null, y, '', spec.y.label);
  const x0 = f.left;
  const band = (f.width - f.right - x0) / Math.max(1, spec.groups.length);
  const barWidth = (band * 0.76) / Math.max(1, spec.series.length);
  const base = spec.y.zero === false ? f.height - f.bottom : y.map(0);
  spec.groups.forEach((group, g) => {
    const cx = px(x0 + band * (g + 0.5));
    const labelY = f.height - f.bottom + 16;
    out += rotate
      ? `<text data-group="${escapeXml(group)}" transform="translate(${cx} ${labelY}) rotate(-30)" text-anchor="end">${escapeXml(group)}</text>`
      : `<text data-group="${escapeXml(group)}" x="${cx}" y="${labelY}" text-anchor="middle">${escapeXml(group)}</text>`;
  });
  spec.series.forEach((series, s) => {
    out += `<g data-series="${escapeXml(series.name)}" fill="${colorAt(s)}">`;
    series.values.forEach((value, g) => {
      const left = x0 + band * g + band * 0.12 + barWidth * s;
      const top = y.map(value);
      const color = byGroup ? ` fill="${colorAt(g)}"` : '';
      const title = `${series.name} ${spec.groups[g] ?? ''}: ${yFormat(value)}${series.low && series.high ? ` (95% CI ${yFormat(series.low[g]!)} .. ${yFormat(series.high[g]!)})` : ''}`;
      out += `<rect data-point="" x="${px(left)}" y="${px(Math.min(top, base))}" width="${px(barWidth * 0.92)}" height="${px(Math.abs(base - top))}"${color}><title>${escapeXml(title)}</title></rect>`;
      const mid = px(left + barWidth * 0.46);
      if (series.low && series.high && series.high[g]! > series.low[g]!) {
        const a = px(y.map(series.low[g]!));
        const b = px(y.map(series.high[g]!));
        out += `<path data-interval="" d="M${mid} ${a}V${b}M${mid - 4} ${a}h8M${mid - 4} ${b}h8" stroke="#333" fill="none"/>`;
      }
      const label = yFormat(value);
      if (textWidth(label, 10) <= barWidth * 1.1) {
        const over = series.high ? Math.min(y.map(series.high[g]!), top) : top;
        out += `<text x="${mid}" y="${px(over - 5)}" text-anchor="middle" font-size="10" fill="#333">${escapeXml(label)}</text>`;
      }
    });
    out += `</g>`;
  });
  return `${out}</svg>`;
}

/** A histogram on a log x axis: a `data-point` rect per bin, dashed labelled markers (percentiles). */
export function histogramChart(spec: HistogramSpec): string {
  const xFormat = spec.x.format ?? formatCompact;
  const yFormat = spec.y.format ?? formatCompact;
  const bins = spec.bins.filter((b) => b.low > 0 && b.high > b.low);
  const counts = bins.map((b) => b.count).filter((c) => !spec.y.log || c > 0);
  const minPositive = Math.min(...bins.map((b) => b.count).filter((c) => c > 0), 1);
  const yAxis: AxisSpec = spec.y.log
    ? { ...spec.y, domain: spec.y.domain ?? [minPositive / 2, 10 ** Math.ceil(Math.log10(Math.max(...counts, 1)) + 1e-9) || 10], ticks: spec.y.ticks }
    : spec.y;
  const yValues = spec.y.log ? [...counts, minPositive / 2] : counts;
  // Counts on a log axis are labelled at powers of ten only: "2 requests" ticks add noise.
  const yScaleOver = (range: readonly [number, number]): Scale => {
    const scale = makeScale(yAxis, yValues, range, true);
    return spec.y.log ? { map: scale.map, ticks: scale.ticks.filter((t) => Math.abs(Math.log10(t.value) % 1) < 1e-9) } : scale;
  };
  const f = frame(spec, spec.title, [], yScaleOver([1, 0]).ticks.map((t) => t.label), 0, markerBand(spec.markers));
  const edges = [...bins.map((b) => b.low), ...bins.map((b) => b.high), ...(spec.markers ?? []).map((m) => m.value).filter((v) => v > 0)];
  const x = makeScale({ ...spec.x, log: true }, edges, [f.left, f.width - f.right], false);
  const y = yScaleOver([f.height - f.bottom, f.top]);
  let out = open(spec.name, spec.title, f) + axes(f, x, y, spec.x.label, spec.y.label);
  const baseline = f.height - f.bottom;
  out += `<g data-series="${escapeXml(spec.y.label)}" fill="${PALETTE[0]}">`;
  for (const bin of bins) {
    const left = x.map(bin.low);
    const right = x.map(bin.high);
    const top = bin.count > 0 ? y.map(bin.count) : baseline;
    out += `<rect data-point="" x="${px(left + 0.5)}" y="${px(top)}" width="${px(Math.max(0.5, right - left - 1))}" height="${px(baseline - top)}"><title>${escapeXml(`${xFormat(bin.low)} .. ${xFormat(bin.high)}: ${yFormat(bin.count)}`)}</title></rect>`;
  }
  out += `</g>`;
  out += verticalMarkers(f, x, (spec.markers ?? []).filter((m) => m.value > 0));
  return `${out}</svg>`;
}

/** A timeline: step lines or filled step areas through simulated time, a `data-point` per bucket (hover for its value). */
export function timelineChart(spec: TimelineSpec): string {
  const yFormat = spec.y.format ?? formatCompact;
  const buckets = Math.max(0, ...spec.series.map((s) => s.values.length));
  const spanMs = Math.max(1, buckets) * spec.bucketMs;
  const values = spec.series.flatMap((s) => s.values);
  const provisionalY = makeScale(spec.y, values, [1, 0], true);
  const legend = spec.series.map((s, i) => ({ name: s.name, color: colorAt(i), dash: '' }));
  const f = frame(spec, spec.title, spec.series.length > 1 ? legend : [], provisionalY.ticks.map((t) => t.label), 0, markerBand(spec.markers));
  const ticks = timeTicks(spanMs).map((t) => ({ value: t, label: formatElapsed(t) }));
  const x = makeScale({ label: 'simulated time', ticks, domain: [0, spanMs] }, [], [f.left, f.width - f.right], false);
  const y = makeScale(spec.y, values, [f.height - f.bottom, f.top], true);
  let out = open(spec.name, spec.title, f);
  out += axes(f, x, y, 'simulated time', spec.y.label);
  const baseline = px(y.map(0));
  spec.series.forEach((series, i) => {
    const color = colorAt(i);
    let d = '';
    series.values.forEach((v, b) => {
      const yy = px(y.map(v));
      d += b === 0 ? `M${px(x.map(0))} ${yy}` : `V${yy}`;
      d += `H${px(x.map((b + 1) * spec.bucketMs))}`;
    });
    out += `<g data-series="${escapeXml(series.name)}" stroke="${color}">`;
    if (series.mode === 'area' && d) out += `<path d="${d}V${baseline}H${px(x.map(0))}Z" fill="${color}" fill-opacity="0.22" stroke="none"/>`;
    out += `<path d="${d}" fill="none" stroke-width="1.6"/>`;
    series.values.forEach((v, b) => {
      const left = x.map(b * spec.bucketMs);
      const right = x.map((b + 1) * spec.bucketMs);
      const top = Math.min(y.map(v), baseline - 2);
      out += `<rect data-point="" x="${px(left)}" y="${px(top)}" width="${px(Math.max(0.3, right - left))}" height="${px(baseline - top)}" fill="${color}" fill-opacity="0" stroke="none"><title>${escapeXml(`${series.name}, ${formatElapsed(b * spec.bucketMs)} .. ${formatElapsed((b + 1) * spec.bucketMs)}: ${yFormat(v)}`)}</title></rect>`;
    });
    out += `</g>`;
  });
  out += verticalMarkers(f, x, spec.markers ?? []);
  return `${out}</svg>`;
}

/** Height of the band above the plot that holds marker labels: one row per marker. */
function markerBand(markers: readonly ReferenceLine[] | undefined): number {
  return (markers?.length ?? 0) * 14;
}

/**
 * Dashed vertical lines whose labels sit in the band above the plot, one row each, so
 * neither neighbouring labels nor the data hide them; a label near the right edge ends at its line.
 */
function verticalMarkers(f: Frame, x: Scale, markers: readonly ReferenceLine[]): string {
  let out = '';
  markers.forEach((m, i) => {
    const xx = px(x.map(m.value));
    const rowY = f.top - 4 - (markers.length - 1 - i) * 14;
    const anchor = xx > f.width - f.right - 140 ? ' text-anchor="end"' : '';
    const tx = anchor ? xx - 4 : xx + 4;
    out +=
      `<g data-marker="${escapeXml(m.label)}"><line x1="${xx}" y1="${rowY - 10}" x2="${xx}" y2="${f.height - f.bottom}" stroke="#c0392b" stroke-width="1.3" stroke-dasharray="5 4"/>` +
      `<text x="${px(tx)}" y="${rowY}"${anchor} fill="#c0392b" font-size="11">${escapeXml(m.label)}</text></g>`;
  });
  return out;
}
