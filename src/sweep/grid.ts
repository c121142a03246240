/**
 * The parameter grid of a sweep: `--param KEY=SPEC` values (ranges, lists, log ranges),
 * their cartesian product with the layer variants, and the shards that split it.
 */

/** A swept value as typed: numbers stay numbers, values with units (`250ms`, `4%`) stay text. */
export type ParamValue = number | string;

/** One swept key and its values, in the order they are run. */
export interface SweepParam {
  /** Dotted scenario key, e.g. `upstream.models.sonnet.errors.rate`. */
  key: string;
  values: ParamValue[];
}

/** One cell of the grid crossed with one variant. */
export interface GridPoint {
  /** Position in the full grid: variant slowest, then the params in `--param` order. */
  index: number;
  params: Record<string, ParamValue>;
  variant: string;
}

/** A shard: the points whose index % `count` == `number` - 1. */
export interface Shard {
  /** 1-based shard number. */
  number: number;
  count: number;
}

/** A malformed `--param`, `--shard` or grid; the message names the option. */
export class SweepSpecError extends Error {
  override name = 'SweepSpecError';
}

/**
 * The most points one sweep may have (values of every param times variants): beyond this a
 * typo such as a step of 0.0001 would queue hours of work before anyone notices.
 */
export const MAX_SWEEP_POINTS = 10_000;

/**
 * The most simulations one sweep may run: points x variants x replications, so
 * `--replications 1000` cannot multiply a grid under the point cap into a week of work.
 * A sharded sweep counts the whole grid, and `merge` refuses parts of a larger one.
 */
export const MAX_SWEEP_RUNS = MAX_SWEEP_POINTS;

/** Refuses a sweep whose points (variants included) times replications pass `MAX_SWEEP_RUNS`. */
export function checkSweepRuns(points: number, replications: number, max: number = MAX_SWEEP_RUNS): void {
  const runs = points * replications;
  if (runs > max) {
    throw new SweepSpecError(`--replications: the sweep would run ${runs} simulations (${points} points x ${replications} replications), more than the ${max} a sweep may run; use fewer values or replications, or split the question into several sweeps`);
  }
}

// A decimal number and an optional unit suffix: `0.01`, `1e-3`, `250ms`, `4%`.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([A-Za-z%]*)$/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses `KEY=SPEC` as given to `--param`. */
export function parseParamOption(text: string): SweepParam {
  const equals = text.indexOf('=');
  const key = equals < 0 ? '' : text.slice(0, equals).trim();
  if (equals < 0 || key === '') {
    throw new SweepSpecError(`--param: expected KEY=SPEC such as upstream.models.sonnet.errors.rate=0..0.9:0.1, got ${JSON.stringify(text)}`);
  }
  try {
    return { key, values: parseParamValues(text.slice(equals + 1)) };
  } catch (error) {
    if (error instanceof SweepSpecError) throw new SweepSpecError(`--param ${key}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads a SPEC: a range `0.01..0.2:0.01` (inclusive), a log range `1e-3..1e-1:x10`, or a
 * list `0.01,0.04,0.1` (a single value is a list of one). Ranges may carry one unit on all
 * three parts (`250ms..1000ms:250ms`, `1%..5%:1%`); list items may each carry their own.
 */
export function parseParamValues(spec: string): ParamValue[] {
  const text = spec.trim();
  if (text === '') throw new SweepSpecError('expected a range (0..0.9:0.1), a log range (1e-3..1e-1:x10) or a list (250ms,1s), got nothing');
  const values = text.includes('..') ? parseRange(text) : parseList(text);
  if (values.length > MAX_SWEEP_POINTS) throw new SweepSpecError(`gives ${values.length} values, more than the ${MAX_SWEEP_POINTS} a sweep may run`);
  return values;
}

function parseList(text: string): ParamValue[] {
  return text.split(',').map((item) => {
    const value = item.trim();
    if (value === '') throw new SweepSpecError(`expected comma-separated values such as 0.01,0.04,0.1, got an empty item in ${JSON.stringify(text)}`);
    return PLAIN_NUMBER.test(value) ? Number(value) : value;
  });
}

function parseRange(text: string): ParamValue[] {
  const match = /^(.*?)\.\.(.*?):(.*)$/.exec(text);
  if (match === null) throw new SweepSpecError(`expected START..END:STEP such as 0..0.9:0.1 or 1e-3..1e-1:x10, got ${JSON.stringify(text)}`);
  const [, startText = '', endText = '', stepText = ''] = match.map((part) => part.trim());
  const logFactor = /^x(.*)$/i.exec(stepText);
  const start = quantity(startText, 'start');
  const end = quantity(endText, 'end');
  const step = logFactor ? quantity(logFactor[1]!.trim(), 'factor') : quantity(stepText, 'step');
  const units = [start.unit, end.unit, ...(logFactor && step.unit === '' ? [] : [step.unit])];
  if (units.some((unit) => unit !== start.unit)) {
    throw new SweepSpecError(`expected START, END${logFactor ? '' : ' and STEP'} in one unit (such as 250ms..1000ms:250ms), got ${JSON.stringify(text)}`);
  }
  if (end.value < start.value) throw new SweepSpecError(`expected END at or above START, got ${JSON.stringify(text)}`);
  const numbers = logFactor ? logValues(start.value, end.value, step.value, text) : linearValues(start, end.value, step, text);
  return start.unit === '' ? numbers : numbers.map((n) => `${n}${start.unit}`);
}

interface Quantity {
  value: number;
  unit: string;
  /** Decimal places the number was written with (`1e-3` has 3), to round the steps to. */
  decimals: number;
}

function quantity(text: string, part: string): Quantity {
  const match = QUANTITY.exec(text);
  if (match === null) throw new SweepSpecError(`expected a number for the range ${part}, got ${JSON.stringify(text)}`);
  const [mantissa = '', exponent = '0'] = match[1]!.split(/[eE]/);
  const dot = mantissa.indexOf('.');
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return { value: Number(match[1]), unit: match[2]!, decimals: Math.max(0, fraction - Number(exponent)) };
}

/**
 * `start + i * step` up to `end` inclusive, each rounded to the decimals of start and step,
 * so `0.1 + 0.2` prints as 0.3. The count allows a billionth of a step of float error at
 * the end, which keeps `0..0.9:0.1` at ten values.
 */
function linearValues(start: Quantity, end: number, step: Quantity, text: string): number[] {
  if (!(step.value > 0)) throw new SweepSpecError(`expected a STEP above 0, got ${JSON.stringify(text)}`);
  const count = Math.floor((end - start.value) / step.value + 1e-9) + 1;
  if (count > MAX_SWEEP_POINTS) throw new SweepSpecError(`gives ${count} values, more than the ${MAX_SWEEP_POINTS} a sweep may run`);
  const decimals = Math.min(100, Math.max(start.decimals, step.decimals));
  return Array.from({ length: count }, (_, i) => Number((start.value + i * step.value).toFixed(decimals)) + 0);
}

/** `start * factor^i` up to `end` inclusive, to 12 significant digits (`1e-3 * 10^2` is 0.1). */
function logValues(start: number, end: number, factor: number, text: string): number[] {
  if (!(start > 0)) throw new SweepSpecError(`expected a log range to start above 0, got ${JSON.stringify(text)}`);
  if (!(factor > 1)) throw new SweepSpecError(`expected a factor above 1 after x, got ${JSON.stringify(text)}`);
  const values: number[] = [];
  for (let i = 0; ; i++) {
    const value = Number((start * factor ** i).toPrecision(12));
    if (value > end * (1 + 1e-9)) break;
    values.push(value);
    if (values.length > MAX_SWEEP_POINTS) throw new SweepSpecError(`gives more than the ${MAX_SWEEP_POINTS} values a sweep may run`);
  }
  return values;
}

/**
 * Every combination of the params' values, the first param varying slowest (like nested
 * loops written in `--param` order). No params gives one empty combination.
 */
export function cartesian(params: readonly SweepParam[]): Record<string, ParamValue>[] {
  let cells: Record<string, ParamValue>[] = [{}];
  for (const param of params) {
    cells = cells.flatMap((cell) => param.values.map((value) => ({ ...cell, [param.key]: value })));
  }
  return cells;
}

/**
 * The full grid: each variant (slowest) crossed with every cell, numbered in that order, so
 * one variant's points form one run of rows (and one series in a chart).
 */
export function buildGrid(params: readonly SweepParam[], variants: readonly string[]): GridPoint[] {
  const seen = new Set<string>();
  for (const param of params) {
    if (seen.has(param.key)) throw new SweepSpecError(`--param ${param.key}: given twice; list every value in one --param`);
    seen.add(param.key);
  }
  const total = variants.length * params.reduce((n, p) => n * p.values.length, 1);
  if (total > MAX_SWEEP_POINTS) {
    throw new SweepSpecError(`--param: the grid has ${total} points (${[...params.map((p) => p.values.length), variants.length].join(' x ')}), more than the ${MAX_SWEEP_POINTS} a sweep may run`);
  }
  const cells = cartesian(params);
  return variants.flatMap((variant, v) => cells.map((cell, c) => ({ index: v * cells.length + c, params: cell, variant })));
}

/** Parses `--shard i/n` (1-based): 1 <= i <= n. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const number = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(count) || count < 1 || number < 1 || number > count) {
    throw new SweepSpecError(`--shard: expected i/n with 1 <= i <= n, such as 1/4, got ${JSON.stringify(text)}`);
  }
  return { number, count };
}

/** Whether the point at `index` belongs to `shard` (round-robin, so shards get mixed points). */
export function inShard(index: number, shard: Shard): boolean {
  return index % shard.count === shard.number - 1;
}

/** `i/n`, as stored in a part's `shard` field. */
export function shardText(shard: Shard): string {
  return `${shard.number}/${shard.count}`;
}
