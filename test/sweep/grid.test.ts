import { describe, expect, it } from 'vitest';
import {
  buildGrid,
  cartesian,
  checkSweepRuns,
  inShard,
  MAX_SWEEP_POINTS,
  parseParamOption,
  parseParamValues,
  parseShard,
  SweepSpecError,
} from '../../src/sweep/grid.js';

describe('parseParamValues', () => {
  it('reads an inclusive range and rounds each step to the decimals written, so 0.1 + 0.2 is 0.3', () => {
    // Unrounded, 3 * 0.1 is 0.30000000000000004.
    expect(parseParamValues('0..0.9:0.1')).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });

  it('keeps the end of a fine float range that accumulated error would drop', () => {
    const values = parseParamValues('0.01..0.2:0.01');
    expect(values).toHaveLength(20);
    expect(values[0]).toBe(0.01);
    expect(values[5]).toBe(0.06); // 0.01 + 5 * 0.01 is 0.060000000000000005 unrounded
    expect(values[6]).toBe(0.07); // and this one 0.06999999999999999
    expect(values[19]).toBe(0.2);
  });

  it('stops a range at the last step that does not pass the end', () => {
    expect(parseParamValues('1..10:4')).toEqual([1, 5, 9]);
  });

  it('reads a range whose three parts share a unit and keeps the unit on each value', () => {
    expect(parseParamValues('250ms..1000ms:250ms')).toEqual(['250ms', '500ms', '750ms', '1000ms']);
    expect(parseParamValues('1%..3%:1%')).toEqual(['1%', '2%', '3%']);
  });

  it('reads a log range as start times a factor, to twelve significant digits', () => {
    expect(parseParamValues('1e-3..1e-1:x10')).toEqual([0.001, 0.01, 0.1]);
    expect(parseParamValues('1..20:x2')).toEqual([1, 2, 4, 8, 16]);
  });

  it('reads a list, keeping numbers as numbers and values with units as written', () => {
    expect(parseParamValues('0.01, 0.04,0.1')).toEqual([0.01, 0.04, 0.1]);
    expect(parseParamValues('250ms,1s')).toEqual(['250ms', '1s']);
    expect(parseParamValues('4%')).toEqual(['4%']);
    expect(parseParamValues('1e-3')).toEqual([0.001]);
  });

  it.each([
    ['', /got nothing/],
    ['0..1', /expected START\.\.END:STEP/],
    ['0..1:0', /STEP above 0/],
    ['0..1:-0.1', /STEP above 0/],
    ['1..0:0.1', /END at or above START/],
    ['a..1:0.1', /number for the range start/],
    ['250ms..1s:250ms', /in one unit/],
    ['0..1e-3:x10', /start above 0/],
    ['1..100:x1', /factor above 1/],
    ['0.1,,0.2', /empty item/],
    [`0..${MAX_SWEEP_POINTS}:1`, /more than the 10000/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseParamValues(spec)).toThrow(SweepSpecError);
    expect(() => parseParamValues(spec)).toThrow(message);
  });
});

describe('parseParamOption', () => {
  it('splits the key from the spec at the first =', () => {
    expect(parseParamOption('upstream.models.sonnet.errors.rate=0..0.2:0.1')).toEqual({ key: 'upstream.models.sonnet.errors.rate', values: [0, 0.1, 0.2] });
  });

  it('names the --param key in a spec error', () => {
    expect(() => parseParamOption('layers.retry.maxAttempts=3..1:1')).toThrow(/^--param layers\.retry\.maxAttempts: expected END at or above START/);
  });

  it('refuses a param without a key', () => {
    expect(() => parseParamOption('=1,2')).toThrow(/expected KEY=SPEC/);
    expect(() => parseParamOption('0.1,0.2')).toThrow(/expected KEY=SPEC/);
  });
});

describe('cartesian and buildGrid', () => {
  const a = { key: 'a', values: [1, 2] };
  const b = { key: 'b', values: ['x', 'y', 'z'] };

  it('varies the first param slowest', () => {
    expect(cartesian([a, b])).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
  });

  it('puts the variant outermost and numbers the points in that order', () => {
    const grid = buildGrid([a], ['retry', 'retry+breaker']);
    expect(grid).toEqual([
      { index: 0, params: { a: 1 }, variant: 'retry' },
      { index: 1, params: { a: 2 }, variant: 'retry' },
      { index: 2, params: { a: 1 }, variant: 'retry+breaker' },
      { index: 3, params: { a: 2 }, variant: 'retry+breaker' },
    ]);
  });

  it('refuses the same key swept twice and a grid past the point limit', () => {
    expect(() => buildGrid([a, { key: 'a', values: [3] }], ['all'])).toThrow(/--param a: given twice/);
    const big = { key: 'c', values: Array.from({ length: 101 }, (_, i) => i) };
    expect(() => buildGrid([big, { key: 'd', values: big.values }], ['all'])).toThrow(/10201 points \(101 x 101 x 1\)/);
  });

  it('counts replications in the cap: points (variants included) x replications', () => {
    expect(() => checkSweepRuns(100, 100)).not.toThrow();
    expect(() => checkSweepRuns(101, 100)).toThrow(/--replications: the sweep would run 10100 simulations \(101 points x 100 replications\), more than the 10000/);
    expect(() => checkSweepRuns(MAX_SWEEP_POINTS, 2)).toThrow(SweepSpecError);
  });
});

describe('shards', () => {
  it('reads i/n and refuses a shard number outside 1..n', () => {
    expect(parseShard('2/4')).toEqual({ number: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b']) expect(() => parseShard(bad), bad).toThrow(/--shard: expected i\/n/);
  });

  it('gives every index to exactly one shard, round robin', () => {
    const shards = [1, 2, 3].map((number) => ({ number, count: 3 }));
    for (let index = 0; index < 10; index++) {
      expect(shards.filter((s) => inShard(index, s)).map((s) => s.number)).toEqual([(index % 3) + 1]);
    }
  });
});
