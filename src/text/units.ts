/**
 * Reading and writing the units people type into scenario YAML: durations, rates, dollars,
 * token counts and request counts. Every parser takes whatever YAML produced (`unknown`)
 * and returns a plain number or throws a `UnitError`; file and line are the caller's job.
 */

/** Thrown when a scenario value is not a valid quantity of the expected unit. */
export class UnitError extends Error {
  override readonly name = 'UnitError';

  /**
   * @param expected what the field takes, phrased to follow "expected" (`a duration like 250ms`).
   * @param got the value as YAML gave it, kept so callers can inspect it.
   * @param reason why an otherwise well-formed value is refused (`must not be negative`).
   */
  constructor(
    readonly expected: string,
    readonly got: unknown,
    readonly reason?: string,
  ) {
    super(`expected ${expected}, got ${describeValue(got)}${reason === undefined ? '' : ` (${reason})`}`);
  }
}

/** Shows a YAML value the way the user wrote it: strings quoted, containers named in YAML words. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    // A pasted paragraph should not swamp the message.
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

// An unsigned decimal: `10_000`, `1.5`, `.5`, `1e6`. `_` only between digits so `1__0` and
// `_1` stay errors; the sign is matched separately so a negative can get its own message.
const DIGITS = String.raw`\d+(?:_\d+)*`;
const NUMBER = String.raw`(?:${DIGITS}(?:\.${DIGITS})?|\.${DIGITS})(?:[eE][+-]?\d+)?`;
// An amount may also group thousands with commas: `40,000`, `1,500.25`.
const AMOUNT = String.raw`(?:\d{1,3}(?:,\d{3})+(?:\.${DIGITS})?|${NUMBER})`;

/** `K`, `M`, `B` suffixes, case-insensitive: nobody means milli-tokens or milli-requests. */
const MAGNITUDE: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, b: 1e9 };

/**
 * The value of the decimal `text` times the integer `factor` times 10^`shift`, rounded once.
 * Multiplying the digits exactly (BigInt) and letting the decimal parser apply the power of
 * ten makes `1.1s` exactly 1100 and `4%` exactly 0.04, where `1.1 * 1000` would not be.
 */
function scaleDecimal(text: string, factor: number, shift = 0): number {
  const [mantissa = '', exponent = '0'] = text.replace(/[_,]/g, '').split(/[eE]/);
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const fractionDigits = dot < 0 ? 0 : mantissa.length - dot - 1;
  const scaled = BigInt(digits) * BigInt(factor);
  return Number(`${scaled}e${Number(exponent) - fractionDigits + shift}`);
}

/**
 * Narrows a YAML value to a finite number or a trimmed, non-empty string, refusing
 * everything else (booleans, null, lists, mappings, NaN, Infinity) with `fail`.
 */
function readInput(value: unknown, fail: (reason?: string) => UnitError): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw fail();
    return value === 0 ? 0 : value; // fold -0 into 0
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') throw fail();
    return text;
  }
  throw fail();
}

/** Throws `fail` with the sign and size reasons shared by every non-negative unit. */
function checkNonNegativeFinite(value: number, negative: boolean, fail: (reason?: string) => UnitError): void {
  if (negative && value !== 0) throw fail('must not be negative');
  if (!Number.isFinite(value) || value > Number.MAX_SAFE_INTEGER) throw fail('too large');
}

// ---------------------------------------------------------------------------------------
// Durations

const DURATION_EXPECTED = 'a duration like 250ms, 4s, 2m, 1h or 30d';

/** Milliseconds per duration unit, largest first (the order `formatDurationMs` tries them). */
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

// `ms` before `m` so `250ms` is not read as 250 minutes followed by garbage.
const DURATION_PART = new RegExp(`(${NUMBER})(ms|s|m|h|d)`, 'y');
const SIGNED_NUMBER = new RegExp(`^(-?)(${NUMBER})$`);

/** Options for `parseDurationMs`. */
export interface DurationOptions {
  /** Accept zero (written `0`, `0s`, ...), for fields where zero means "none" or "off". */
  allowZero?: boolean;
}

/**
 * Reads a duration such as `250ms`, `4s`, `1.5s`, `2m`, `1h`, `30d` or `1h30m` and returns
 * milliseconds. A bare number is refused because `timeout: 30` is ambiguous; only zero,
 * when `allowZero`, needs no unit. Units in a combined form go from largest to smallest,
 * each at most once; the result must be a whole number of milliseconds.
 */
export function parseDurationMs(value: unknown, { allowZero = false }: DurationOptions = {}): number {
  const fail = (reason?: string) => new UnitError(DURATION_EXPECTED, value, reason);
  const input = readInput(value, fail);
  const bare = typeof input === 'number' ? input : bareNumber(input);
  if (bare !== undefined) {
    checkNonNegativeFinite(Math.abs(bare), bare < 0, fail);
    if (bare === 0 && allowZero) return 0;
    if (bare === 0) throw fail('must be greater than zero');
    throw fail('add a unit, e.g. 250ms');
  }
  const text = String(input); // a string with units, since bare numbers returned above
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  if (body === '') throw fail();
  let totalMs = 0;
  let previousUnitMs = Infinity;
  for (let position = 0; position < body.length; position = DURATION_PART.lastIndex) {
    DURATION_PART.lastIndex = position;
    const match = DURATION_PART.exec(body);
    if (match === null) throw fail();
    const unitMs = DURATION_UNIT_MS[match[2]];
    if (unitMs >= previousUnitMs) throw fail(); // `30m1h`, `1s1s`: refuse rather than guess
    totalMs += scaleDecimal(match[1], unitMs);
    previousUnitMs = unitMs;
  }
  checkNonNegativeFinite(totalMs, negative, fail);
  if (totalMs === 0 && !allowZero) throw fail('must be greater than zero');
  if (!Number.isInteger(totalMs)) throw fail('1ms is the smallest step');
  return totalMs;
}

/** The value of a string that is only a (signed) number, or undefined if it has more. */
function bareNumber(text: string): number | undefined {
  const match = SIGNED_NUMBER.exec(text);
  if (match === null) return undefined;
  const magnitude = scaleDecimal(match[2], 1);
  return match[1] === '-' ? -magnitude : magnitude;
}

/**
 * Writes milliseconds in the largest unit that divides them exactly (250 -> `250ms`,
 * 4000 -> `4s`, 90000 -> `90s`), so `parseDurationMs` reads back the same number.
 * Throws a RangeError for negative, fractional or non-finite input, which no parser yields.
 */
export function formatDurationMs(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`formatDurationMs needs a whole, non-negative number of ms, got ${ms}`);
  }
  if (ms === 0) return '0s';
  for (const [unit, unitMs] of Object.entries(DURATION_UNIT_MS)) {
    if (ms % unitMs === 0) return `${ms / unitMs}${unit}`;
  }
  return `${ms}ms`; // unreachable: 1ms divides every integer
}

// ---------------------------------------------------------------------------------------
// Rates

const RATE_EXPECTED = 'a rate between 0 and 1 (or 0% to 100%)';
const RATE_TEXT = new RegExp(`^(-?)(${NUMBER})(%?)$`);

/**
 * Reads a fraction in [0, 1], written `0.04`, `"0.04"`, `"4%"` or `"0.5%"`. A plain number
 * above 1 is refused with a hint to add `%`, since `4` most likely meant 4%.
 */
export function parseRate(value: unknown): number {
  const fail = (reason?: string) => new UnitError(RATE_EXPECTED, value, reason);
  const input = readInput(value, fail);
  let rate: number;
  let percent = false;
  if (typeof input === 'number') {
    rate = input;
  } else {
    const match = RATE_TEXT.exec(input);
    if (match === null) throw fail();
    percent = match[3] === '%';
    rate = scaleDecimal(match[2], 1, percent ? -2 : 0);
    if (match[1] === '-') rate = -rate;
  }
  checkNonNegativeFinite(Math.abs(rate), rate < 0, fail);
  if (rate > 1) {
    const asPercent = typeof input === 'number' ? String(input) : input;
    throw fail(!percent && rate <= 100 ? `for a percentage write ${asPercent}%` : undefined);
  }
  return rate + 0; // fold -0 (from `-0%`) into 0
}

/**
 * Writes a rate as a percentage (0.04 -> `4%`, 0.005 -> `0.5%`) when that reads back
 * exactly, else as the plain fraction. Throws a RangeError outside [0, 1].
 */
export function formatRate(rate: number): string {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`formatRate needs a rate in [0, 1], got ${rate}`);
  // Shifting the shortest decimal of `rate` two places is exact as text; the check guards
  // the rare 17-digit case where the shifted number prints differently.
  const percent = `${scaleDecimal(String(rate), 1, 2)}%`;
  return parseRate(percent) === rate ? percent : String(rate);
}

// ---------------------------------------------------------------------------------------
// Dollars, token counts, request counts

const MONEY_EXPECTED = 'an amount in US dollars like $3, $0.30, $40,000 or $1.2K';
// The sign may come before or after the dollar sign: `-$3`, `$-3`.
const MONEY_TEXT = new RegExp(`^(-?\\$?|\\$-)(${AMOUNT})([kmb]?)$`, 'i');

/** Reads dollars: `$3`, `3`, `"3.75"`, `$0.30`, `$40,000`, `$1.2K`, `$2M`; never negative. */
export function parseMoneyUsd(value: unknown): number {
  const fail = (reason?: string) => new UnitError(MONEY_EXPECTED, value, reason);
  return readAmount(value, MONEY_TEXT, fail);
}

/**
 * Writes dollars for YAML: whole amounts with thousands commas (`$40,000`), cents with two
 * decimals (`$0.30`), anything finer in full. Throws a RangeError outside what the parser reads.
 */
export function formatMoneyUsd(usd: number): string {
  // The parser's ceiling: past 2^53 dollars, not even whole dollars are exact.
  if (!(usd >= 0 && usd <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`formatMoneyUsd needs an amount in [0, ${Number.MAX_SAFE_INTEGER}], got ${usd}`);
  }
  if (Number.isInteger(usd)) return `$${String(usd).replace(/\B(?=(\d{3})+$)/g, ',')}`;
  const cents = usd.toFixed(2);
  return `$${Number(cents) === usd ? cents : String(usd)}`;
}

const TOKENS_EXPECTED = 'a token count like 1500, 8K or 1.2M';
const COUNT_EXPECTED = 'a count like 250K, 1.5M, 10M, 1e6 or 1B';
const MAGNITUDE_TEXT = new RegExp(`^(-?)(${AMOUNT})([kmb]?)$`, 'i');

/** Reads a token count: `1500`, `8K`, `8k`, `7.7K`, `1.2M`; rounded to a whole token. */
export function parseTokenCount(value: unknown): number {
  const fail = (reason?: string) => new UnitError(TOKENS_EXPECTED, value, reason);
  return Math.round(readAmount(value, MAGNITUDE_TEXT, fail));
}

/**
 * Reads a request volume: `10000000`, `1e6`, `250K`, `1.5M`, `10M`, `1B`. It must come out
 * whole (`1.5K` is fine, `1.5` is not): there is no such thing as half a request.
 */
export function parseCount(value: unknown): number {
  const fail = (reason?: string) => new UnitError(COUNT_EXPECTED, value, reason);
  const count = readAmount(value, MAGNITUDE_TEXT, fail);
  if (!Number.isInteger(count)) throw fail('must be a whole number');
  return count;
}

/**
 * Writes a whole count with the largest `K`/`M`/`B` suffix that keeps at most one decimal
 * (1500 -> `1.5K`, 8192 -> `8192`, 1200000 -> `1.2M`), which the count parsers read back.
 * Throws a RangeError for negative, fractional or unsafe input.
 */
export function formatTokenCount(tokens: number): string {
  if (!Number.isSafeInteger(tokens) || tokens < 0) {
    throw new RangeError(`formatTokenCount needs a whole, non-negative count, got ${tokens}`);
  }
  for (const [suffix, size] of [['B', 1e9], ['M', 1e6], ['K', 1e3]] as const) {
    // `tokens / (size / 10)` is an exact integer here, so dividing it by 10 prints cleanly.
    if (tokens >= size && tokens % (size / 10) === 0) return `${tokens / (size / 10) / 10}${suffix}`;
  }
  return String(tokens);
}

/** Same rules as `formatTokenCount`, for request volumes (`10M`, `250K`). */
export const formatCount = formatTokenCount;

/**
 * Reads a non-negative amount: a YAML number, or text matching `pattern` whose groups are
 * (sign prefix, digits, magnitude suffix).
 */
function readAmount(value: unknown, pattern: RegExp, fail: (reason?: string) => UnitError): number {
  const input = readInput(value, fail);
  let amount: number;
  let negative: boolean;
  if (typeof input === 'number') {
    amount = Math.abs(input);
    negative = input < 0;
  } else {
    const match = pattern.exec(input);
    if (match === null) throw fail();
    amount = scaleDecimal(match[2], MAGNITUDE[match[3].toLowerCase()]);
    negative = match[1].includes('-');
  }
  checkNonNegativeFinite(amount, negative, fail);
  return amount;
}

// ---------------------------------------------------------------------------------------
// Plain integers

/**
 * Reads a whole number of at least 1 (`maxAttempts: 3`, or `"3"`), naming the field
 * `name` in the error since the value carries no unit to explain itself.
 */
export function parsePositiveInt(value: unknown, name: string): number {
  const fail = (reason?: string) => new UnitError(`${name} to be a whole number of 1 or more`, value, reason);
  const input = readInput(value, fail);
  const number = typeof input === 'number' ? input : bareNumber(input);
  if (number === undefined) throw fail();
  if (!Number.isFinite(number)) throw fail('too large');
  if (!Number.isInteger(number)) throw fail('must be a whole number');
  if (number < 1) throw fail('must be at least 1');
  if (!Number.isSafeInteger(number)) throw fail('too large');
  return number;
}
