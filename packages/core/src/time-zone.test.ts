import { describe, expect, it, vi } from 'vitest';
import { BoundedCache } from './bounded-cache.js';
import { parseCommand } from './command.js';
import {
  canonicalZone,
  dateInZone,
  isTimeZone,
  startOfDay,
  ZONE_CACHE_CAPACITY,
  zoneCacheSize,
  zoneOffset,
} from './time-zone.js';

/** Every mix of upper and lower case of `name`, the n-th one. */
function spelling(name: string, n: number): string {
  let bits = n;
  return [...name]
    .map((c) => {
      const upper = bits & 1;
      bits >>= 1;
      return upper ? c.toUpperCase() : c.toLowerCase();
    })
    .join('');
}

describe('BoundedCache', () => {
  it('holds at most its capacity, dropping the least recently used', () => {
    const cache = new BoundedCache<number, number>(8);
    for (let i = 0; i < 1000; i += 1) {
      cache.set(i, i);
      if (i % 2 === 0) cache.get(0);
      expect(cache.size).toBeLessThanOrEqual(8);
    }
    expect(cache.get(0)).toBe(0);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(999)).toBe(999);
    expect(() => new BoundedCache(1)).toThrow(RangeError);
  });

  it('changes nothing on a hit of a recent entry', () => {
    // A Map re-ordered on every hit rebuilt its hash table per lookup, in the old space
    // (the Map is long-lived): per-command garbage that grew the daemon's heap.
    const cache = new BoundedCache<string, number>(8);
    cache.set('a', 1);
    const deletes = vi.spyOn(Map.prototype, 'delete');
    const sets = vi.spyOn(Map.prototype, 'set');
    try {
      for (let i = 0; i < 100; i += 1) expect(cache.get('a')).toBe(1);
      expect(deletes).not.toHaveBeenCalled();
      expect(sets).not.toHaveBeenCalled();
    } finally {
      deletes.mockRestore();
      sets.mockRestore();
    }
  });
});

describe('time zone caches', () => {
  it('names zones canonically, whatever their spelling', () => {
    expect(canonicalZone('europe/moscow')).toBe('Europe/Moscow');
    expect(canonicalZone('EUROPE/MOSCOW')).toBe('Europe/Moscow');
    expect(canonicalZone('Nowhere/City')).toBeUndefined();
    expect(canonicalZone('Z'.repeat(65_536))).toBeUndefined();
    expect(dateInZone(Date.parse('2025-11-08T22:00:00Z'), 'eUrOpE/mOsCoW')).toBe('2025-11-09');
  });

  it('resolve every letter-case spelling of one zone through one cached entry', () => {
    // Each uncached spelling costs a new Intl.DateTimeFormat, whose ICU memory V8 frees
    // late: a flood of spellings of one zone grew the daemon's RSS by ~6 KB a command.
    const zone = 'America/Argentina/ComodRivadavia';
    const canonical = canonicalZone(zone);
    expect(canonical).toBeDefined();
    const before = zoneCacheSize().spellings;
    for (let n = 0; n < 3000; n += 1) {
      expect(canonicalZone(spelling(zone, n))).toBe(canonical);
    }
    expect(zoneCacheSize().spellings).toBe(before);
    // Only ASCII letters fold: the Kelvin sign is no `k`.
    expect(canonicalZone('Europe/\u212Aiev')).toBeUndefined();
  });

  it('stay bounded under a flood of distinct spellings, valid or not, and cache nothing for rejected ones', () => {
    const before = zoneCacheSize();
    for (let n = 0; n < 8000; n += 1) {
      expect(isTimeZone(spelling('nowhere/city', n))).toBe(false);
    }
    // Rejected spellings leave no trace.
    expect(zoneCacheSize()).toEqual(before);
    const at = Date.parse('2025-03-30T12:00:00Z');
    for (let n = 0; n < 4096; n += 1) {
      const tz = spelling('europe/berlin', n);
      expect(dateInZone(at, tz)).toBe('2025-03-30');
      startOfDay('2025-03-30', tz);
      const r = parseCommand({
        command: 'fetch',
        chat: '@x_y',
        mode: 'days',
        days: 1,
        options: { tz },
      });
      expect(r.ok && r.command.options.tz).toBe('Europe/Berlin');
    }
    const after = zoneCacheSize();
    expect(after.spellings).toBeLessThanOrEqual(ZONE_CACHE_CAPACITY);
    // One zone: a date and a wall-clock formatter, however it was spelled.
    expect(after.formatters - before.formatters).toBeLessThanOrEqual(2);
  });
});

describe('UTC without Intl', () => {
  it('gives the dates and offsets Intl gives, across the years a command may name', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const instants = [0, 86_399_999, 86_400_000, Date.parse('2024-02-29T23:59:59.999Z')];
    for (let ms = 0; ms < 4_102_444_800_000; ms += 7_777_777_777) instants.push(ms);
    for (const ms of instants) {
      expect(dateInZone(ms, 'UTC')).toBe(intl.format(ms));
      expect(zoneOffset(ms, 'UTC')).toBe(0);
    }
    expect(startOfDay('2025-11-07', 'UTC')).toBe(Date.parse('2025-11-07T00:00:00Z'));
  });
});
