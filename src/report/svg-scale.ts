/**
 * Scales and ticks for the SVG charts (`svg.ts`): nice linear, log and elapsed-time ticks,
 * compact number labels, and the mapping from data values to pixels along one axis. Apart
 * from the chart builders so the arithmetic can be read (and tested) alone.
 */
/** One labelled tick on an axis. */
export interface AxisTick {
  value: number;
  label: string;
}

/** How an axis is labelled, scaled and ticked. */
export interface AxisSpec {
  label: string;
  /** Tick and tooltip text; plain compact numbers by default. */
  format?: (value: number) => string;
  /** Logarithmic scale; every plotted value must then be positive. */
  log?: boolean;
  /** Explicit ticks (categories, swept values); computed from the data otherwise. */
  ticks?: readonly AxisTick[];
  /** Explicit domain; computed from the data (and ticks) otherwise. */
  domain?: readonly [number, number];
  /** Linear y axes start at zero unless this is false, so heights compare honestly. */
  zero?: boolean;
  /** Whole numbers only (counts): no `0.5 open breakers` ticks. */
  integer?: boolean;
}

/**
 * Round tick values covering [min, max] at a 1, 2 or 5 x 10^k step (Heckbert's "nice
 * numbers"), aiming for about `target` ticks; the first is <= min and the last >= max.
 */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`niceTicks needs finite bounds, got ${min} and ${max}`);
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    if (min === 0) max = 1;
    else if (min > 0) min = 0;
    else max = 0;
  }
  const step = niceNumber((max - min) / Math.max(1, target - 1));
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)) + 0);
  return ticks;
}

/** The 1, 2, 5 or 10 x 10^k nearest to `value` (rounding in log terms, so 0.25 gives 0.2 and 3.1 gives 5). */
function niceNumber(value: number): number {
  const exponent = Math.floor(Math.log10(value));
  const fraction = value / 10 ** exponent;
  const nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return nice * 10 ** exponent;
}

/**
 * Ticks of a log axis covering [min, max] (both > 0): every power of ten from the one at
 * or below `min` to the one at or above `max`, with 2 and 5 between them when the span is
 * two decades or less, so a short axis still has labels.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(max)) throw new RangeError(`logTicks needs positive finite bounds, got ${min} and ${max}`);
  if (min > max) [min, max] = [max, min];
  const low = Math.floor(Math.log10(min) + 1e-9);
  let high = Math.ceil(Math.log10(max) - 1e-9);
  if (high === low) high++;
  const multiples = high - low <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) {
    for (const m of multiples) {
      if (e === high && m > 1) break;
      ticks.push(Number((m * 10 ** e).toPrecision(12)));
    }
  }
  return ticks;
}

/** Compact tick text: `1.5K`, `2M`, `0.25`. */
export function formatCompact(value: number): string {
  const size = Math.abs(value);
  for (const [suffix, scale] of [['B', 1e9], ['M', 1e6], ['K', 1e3]] as const) {
    if (size >= scale) return `${Number((value / scale).toPrecision(4))}${suffix}`;
  }
  return String(Number(value.toPrecision(6)));
}

/** Pleasant time-axis steps, in ms: seconds to days. */
const TIME_STEPS_MS = [1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3, 86400e3];

/** Prints simulated time for an axis: `0`, `45 s`, `10 min`, `1.5 h`. */
export function formatElapsed(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 60e3) return `${Number((ms / 1e3).toPrecision(3))} s`;
  if (ms < 3600e3) return `${Number((ms / 60e3).toPrecision(3))} min`;
  return `${Number((ms / 3600e3).toPrecision(3))} h`;
}

/** Ticks over [0, spanMs] at a clock-friendly step, at most about `target` of them. */
export function timeTicks(spanMs: number, target = 8): number[] {
  const step = TIME_STEPS_MS.find((s) => spanMs / s <= target) ?? niceNumber(spanMs / target);
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs + 1e-6; t += step) ticks.push(t);
  return ticks;
}

/** A mapping from data values to pixels along one axis. */
export interface Scale {
  map(value: number): number;
  ticks: AxisTick[];
}

export function makeScale(axis: AxisSpec, values: readonly number[], range: readonly [number, number], isY: boolean): Scale {
  const format = axis.format ?? formatCompact;
  const finite = values.filter((v) => Number.isFinite(v) && (!axis.log || v > 0));
  if (axis.log) {
    if (values.some((v) => Number.isFinite(v) && v <= 0)) throw new RangeError(`a log axis (${axis.label}) cannot show values <= 0`);
    const lo = finite.length ? Math.min(...finite) : 1;
    const hi = finite.length ? Math.max(...finite) : 10;
    const tickValues = axis.ticks?.map((t) => t.value) ?? logTicks(lo, hi);
    const domain = axis.domain ?? [Math.min(lo, tickValues[0]!), Math.max(hi, tickValues[tickValues.length - 1]!)];
    const l0 = Math.log10(domain[0]);
    const l1 = Math.log10(domain[1]);
    const map = (v: number) => range[0] + ((Math.log10(v) - l0) / (l1 - l0 || 1)) * (range[1] - range[0]);
    const ticks = axis.ticks ? [...axis.ticks] : tickValues.filter((v) => v >= domain[0] * (1 - 1e-9) && v <= domain[1] * (1 + 1e-9)).map((v) => ({ value: v, label: format(v) }));
    return { map, ticks };
  }
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (isY && axis.zero !== false) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  let domain: readonly [number, number];
  let ticks: AxisTick[];
  if (axis.ticks) {
    ticks = [...axis.ticks];
    domain = axis.domain ?? [Math.min(lo, ...ticks.map((t) => t.value)), Math.max(hi, ...ticks.map((t) => t.value))];
  } else if (isY) {
    // y: the domain snaps out to the nice ticks so the top gridline bounds the data.
    const nice = niceTicks(lo, axis.integer ? Math.max(hi, lo + 1) : hi);
    const tickValues = axis.integer ? nice.filter(Number.isInteger) : nice;
    domain = axis.domain ?? [nice[0]!, nice[nice.length - 1]!];
    ticks = tickValues.map((v) => ({ value: v, label: format(v) }));
  } else {
    // x: the domain is the data's extent, ticks fall inside it.
    domain = axis.domain ?? (lo === hi ? [lo - 1, hi + 1] : [lo, hi]);
    ticks = niceTicks(domain[0], domain[1], 6)
      .filter((v) => v >= domain[0] - 1e-9 && v <= domain[1] + 1e-9)
      .map((v) => ({ value: v, label: format(v) }));
  }
  const span = domain[1] - domain[0] || 1;
  const map = (v: number) => range[0] + ((v - domain[0]) / span) * (range[1] - range[0]);
  return { map, ticks };
}

/** Rounds a pixel coordinate to 0.01 so the SVG text stays short and stable. */
export function px(value: number): number {
  return Math.round(value * 100) / 100;
}

export function textWidth(text: string, fontPx: number): number {
  return text.length * fontPx * 0.6;
}
