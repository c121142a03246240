/** Number formatting shared by the reports. */
import { grouped } from './grouped.js';

/**
 * `value` to `digits` decimals, unless that would print a value that is not exactly one
 * of `landmarks` as one of them (`0.000` for 2e-7, `100.00` for 99.99997): then with as
 * many decimals as it takes to show two significant digits of the gap, trailing zeros
 * beyond `digits` dropped (`0.00002`, `99.99997`).
 */
export function fixedNotLandmark(value: number, digits: number, landmarks: readonly number[]): string {
  const text = value.toFixed(digits);
  if (!Number.isFinite(value)) return text;
  const rounded = Number(text);
  const landmark = landmarks.find((l) => rounded === l && value !== l);
  if (landmark === undefined) return text;
  const gap = Math.abs(value - landmark);
  const decimals = Math.max(digits, Math.ceil(-Math.log10(gap)) + 1);
  // Past 20 decimals (no real rate is that small) fall back to scientific notation.
  if (decimals > 20) return value.toExponential(1);
  const longer = value.toFixed(decimals);
  // Keep `digits` decimals at least; drop zeros only from the extra ones.
  const point = longer.indexOf('.');
  let end = longer.length;
  while (end > point + digits + 1 && longer[end - 1] === '0') end--;
  return longer.slice(0, end);
}

/**
 * A rate (0..1) as a percentage to `digits` decimals. A rate that is not exactly 0 or 1
 * never prints as `0.000%` or `100.00%`: it gets the decimals it needs (`0.00002%`, `99.99997%`).
 */
export function percent(rate: number, digits = 3): string {
  return `${fixedNotLandmark(rate * 100, digits, [0, 100])}%`;
}

/** Below this rate a percentage alone is hard to read; `rateWithCount` adds the count. */
const TINY_RATE = 1e-5;

/**
 * A rate with, when it is tiny, how many in how many it was: `0.00002% (2 in 10M)`. The
 * count is the rate times `total`, rounded (the reported rates are exact fractions of it).
 */
export function rateWithCount(rate: number, total: number, digits = 3): string {
  const text = percent(rate, digits);
  if (!(rate > 0 && rate < TINY_RATE && total > 0)) return text;
  return `${text} (${integer(rate * total)} in ${shortCount(total)})`;
}

/** A count with a K/M/B suffix when that is exact to one decimal (`10M`, `2.5M`, `1,234`). */
export function shortCount(value: number): string {
  for (const [suffix, size] of [['B', 1e9], ['M', 1e6], ['K', 1e3]] as const) {
    if (value >= size && Number.isInteger((value / size) * 10)) return `${grouped(value / size, 1)}${suffix}`;
  }
  return integer(value);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration for people: `250 ms`, `3.50 s`, `12.3 s`, then two whole units (`2 min 5 s`,
 * `5 h 51 min`, `3 d 4 h`), so a long wait reads at a glance instead of as `21072.9 s`.
 */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return `${value} ms`;
  const size = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (size < 1000) return `${value.toFixed(0)} ms`;
  if (size < 10_000) return `${sign}${(size / 1000).toFixed(2)} s`;
  if (size < 59_950) return `${sign}${(size / 1000).toFixed(1)} s`;
  const seconds = Math.round(size / SECOND);
  if (seconds < 3600) return `${sign}${twoUnits(seconds * SECOND, MINUTE, 'min', SECOND, 's')}`;
  const minutes = Math.round(size / MINUTE);
  if (minutes < 24 * 60) return `${sign}${twoUnits(minutes * MINUTE, HOUR, 'h', MINUTE, 'min')}`;
  return `${sign}${twoUnits(Math.round(size / HOUR) * HOUR, DAY, 'd', HOUR, 'h')}`;
}

/** `whole` in `big` units and the rest in `small` units, the rest left out when zero. */
function twoUnits(whole: number, big: number, bigName: string, small: number, smallName: string): string {
  const bigCount = Math.floor(whole / big);
  const smallCount = Math.round((whole - bigCount * big) / small);
  return smallCount === 0 ? `${bigCount} ${bigName}` : `${bigCount} ${bigName} ${smallCount} ${smallName}`;
}

export function usd(value: number): string {
  return `$${grouped(value, value < 100 ? 2 : 0)}`;
}

export function integer(value: number): string {
  return grouped(Math.round(value));
}

export function multiplier(value: number): string {
  return `${value.toFixed(3)}x`;
}
