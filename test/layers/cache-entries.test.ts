import { describe, expect, it } from 'vitest';
import { CacheEntries } from '../../src/layers/cache-entries.js';

describe('CacheEntries', () => {
  it('answers -Infinity for a key never written, small or large, integer or not', () => {
    const entries = new CacheEntries();
    for (const key of [0, 5, 4095, 4096, 1e9, -1, 2.5]) expect(entries.expiresAtMs(key)).toBe(-Infinity);
  });

  it('keeps the same entries for keys in the typed arrays (grown past their first size) and in the maps', () => {
    const entries = new CacheEntries();
    const keys = [0, 3, 15, 16, 700, 4095, 4096, 70_000, -3, 0.5];
    keys.forEach((key, i) => entries.write(key, 10 * i, 10 * i + 300_000));
    keys.forEach((key, i) => {
      expect(entries.readableFromMs(key)).toBe(10 * i);
      expect(entries.expiresAtMs(key)).toBe(10 * i + 300_000);
    });
    entries.extend(700, 1_000_000);
    entries.extend(70_000, 2_000_000);
    expect(entries.expiresAtMs(700)).toBe(1_000_000);
    expect(entries.expiresAtMs(70_000)).toBe(2_000_000);
  });

  it('forgets a deleted entry, dense or not, and leaves the others', () => {
    const entries = new CacheEntries();
    entries.write(2, 1, 100);
    entries.write(9, 1, 100);
    entries.write(10_000, 1, 100);
    entries.delete(2);
    entries.delete(10_000);
    entries.delete(50); // never written: nothing happens
    expect(entries.expiresAtMs(2)).toBe(-Infinity);
    expect(entries.expiresAtMs(10_000)).toBe(-Infinity);
    expect(entries.expiresAtMs(9)).toBe(100);
  });
});
