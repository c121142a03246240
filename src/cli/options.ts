import { parseCount } from '../text/units.js';
import { UsageError } from './errors.js';

/** Parses `--requests 1M` style volumes. */
export function requestsOption(value: string): number {
  try {
    const n = parseCount(value);
    if (n < 1) throw new Error('must be at least 1');
    return n;
  } catch (error) {
    throw new UsageError(`--requests: ${(error as Error).message}`);
  }
}

/** Parses `--seed 42`. */
export function seedOption(value: string): number {
  const n = Number(value);
  // Number('') and Number(' ') are 0: only digits make a seed.
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new UsageError(`--seed: expected an integer from 0 to 4294967295, got "${value}"`);
  return n;
}

/** Checks a `--format` value against the allowed set. */
export function formatOption<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new UsageError(`--format: expected one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/** A parser for a fraction in (0, 1] written as `0.1` or `10%`, named `flag` in its error. */
function fractionOption(flag: string, examples: string) {
  return (value: string): number => {
    const fraction = value.trim().endsWith('%') ? Number(value.trim().slice(0, -1)) / 100 : Number(value);
    if (!(fraction > 0 && fraction <= 1)) throw new UsageError(`${flag}: expected a fraction in (0, 1] such as ${examples}, got "${value}"`);
    return fraction;
  };
}

/** Parses `--sample 0.1` (or `10%`): the simulated fraction of the traffic, in (0, 1]. */
export const sampleOption = fractionOption('--sample', '0.1 or 10%');

/** Parses `--calls-sample 0.01` (or `1%`): the fraction of requests whose calls `--calls-out` keeps, in (0, 1]. */
export const callsSampleOption = fractionOption('--calls-sample', '0.01 or 1%');
