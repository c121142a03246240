/** Number formatting shared by the reports. */

export function percent(rate: number, digits = 3): string {
  return `${(rate * 100).toFixed(digits)}%`;
}

export function ms(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(0)} ms`;
}

export function usd(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: value < 100 ? 2 : 0 })}`;
}

export function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function multiplier(value: number): string {
  return `${value.toFixed(3)}x`;
}
