/**
 * `value.toLocaleString('en-US', { minimumFractionDigits, maximumFractionDigits })`, the
 * same characters, without ICU: the first `toLocaleString` of a process loads ICU's number
 * formatting, about a fifth of a small run's start-up. Like ICU, it rounds the shortest
 * decimal that reads back as the value (what `String(value)` shows), half away from zero,
 * and groups the integer digits by three; `test/text/grouped.test.ts` checks it against
 * `toLocaleString` over random doubles. Non-finite values are left to `toLocaleString`.
 */
export function grouped(value: number, maximumFractionDigits = 0, minimumFractionDigits = 0): string {
  if (!Number.isFinite(value)) return value.toLocaleString('en-US', { minimumFractionDigits, maximumFractionDigits });
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const point = Number(exponent) + 1;
  // The decimal as integer and fraction digit strings, zeros added where the point lies outside the digits.
  let whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  let fraction = point <= 0 ? '0'.repeat(-point) + digits : digits.slice(point);
  if (fraction.length > maximumFractionDigits) {
    const up = fraction.charCodeAt(maximumFractionDigits) >= 53; // '5'
    fraction = fraction.slice(0, maximumFractionDigits);
    if (up) [whole, fraction] = increment(whole, fraction);
  }
  fraction = fraction.replace(/0+$/, '');
  if (fraction.length < minimumFractionDigits) fraction = fraction.padEnd(minimumFractionDigits, '0');
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const groups = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction.length > 0 ? `${sign}${groups}.${fraction}` : `${sign}${groups}`;
}

/** Adds one unit in the last place of `whole`.`fraction` (decimal digit strings). */
function increment(whole: string, fraction: string): [string, string] {
  const all = (whole + fraction).split('');
  let i = all.length - 1;
  while (i >= 0 && all[i] === '9') all[i--] = '0';
  if (i < 0) all.unshift('1');
  else all[i] = String(Number(all[i]) + 1);
  const cut = all.length - fraction.length;
  return [all.slice(0, cut).join(''), all.slice(cut).join('')];
}
