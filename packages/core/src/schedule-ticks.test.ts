import { describe, expect, it } from 'vitest';
import {
  countTicks,
  durationSeconds,
  fnv1a32,
  formatDuration,
  jitterOffset,
  nextTick,
  type TickPattern,
  tickAtOrBefore,
} from './schedule-ticks.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The ticks after `from`, `n` of them, walked with nextTick. */
function ticks(pattern: TickPattern, from: string, n: number): string[] {
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = nextTick(pattern, t);
    if (next === undefined) break;
    out.push(iso(next) as string);
    t = next;
  }
  return out;
}

describe('durations', () => {
  it('reads units and plain seconds, and spells them canonically', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('2d')).toBe(172_800);
    expect(durationSeconds(' 10m ')).toBe(600);
    expect(durationSeconds(45)).toBe(45);
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(90)).toBe('1m30s');
    expect(formatDuration(86_400 + 1)).toBe('1d1s');
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', '0s', '1.5h', '10 m', 'm', '1s1h', '-5s', 'PT1H']) {
      expect(durationSeconds(bad), bad).toBeUndefined();
    }
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(durationSeconds(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('every: multiples of the period since the epoch', () => {
  const every10s: TickPattern = { every: '10s', tz: 'UTC' };

  it('fires on :00, :10, … and never on the instant it is asked from', () => {
    expect(ticks(every10s, '2025-11-08T12:00:03.500Z', 3)).toEqual([
      '2025-11-08T12:00:10.000Z',
      '2025-11-08T12:00:20.000Z',
      '2025-11-08T12:00:30.000Z',
    ]);
    expect(iso(nextTick(every10s, at('2025-11-08T12:00:10Z')))).toBe('2025-11-08T12:00:20.000Z');
    expect(iso(tickAtOrBefore(every10s, at('2025-11-08T12:00:10Z')))).toBe(
      '2025-11-08T12:00:10.000Z',
    );
    expect(iso(tickAtOrBefore(every10s, at('2025-11-08T12:00:19.999Z')))).toBe(
      '2025-11-08T12:00:10.000Z',
    );
  });

  it('is absolute time: a DST switch changes nothing', () => {
    const hourly: TickPattern = { every: '1h', tz: 'Europe/Berlin' };
    expect(ticks(hourly, '2025-03-30T00:30:00Z', 3)).toEqual([
      '2025-03-30T01:00:00.000Z',
      '2025-03-30T02:00:00.000Z',
      '2025-03-30T03:00:00.000Z',
    ]);
  });

  it('counts the ticks of a span', () => {
    expect(countTicks(every10s, at('2025-11-08T12:00:00Z'), at('2025-11-08T12:01:00Z'))).toBe(7);
    expect(countTicks(every10s, at('2025-11-08T12:00:01Z'), at('2025-11-08T12:00:09Z'))).toBe(0);
    expect(countTicks(every10s, at('2025-11-08T12:00:00Z'), at('2025-11-09T12:00:00Z'), 50)).toBe(
      50,
    );
    expect(countTicks(every10s, 10, 0)).toBe(0);
  });
});

describe('cron in a zone, DST-correct', () => {
  it('Europe/Berlin spring forward: 02:30 does not exist on 2025-03-30 and runs at 03:00 CEST', () => {
    const daily: TickPattern = { cron: '30 2 * * *', tz: 'Europe/Berlin' };
    expect(ticks(daily, '2025-03-28T12:00:00Z', 3)).toEqual([
      '2025-03-29T01:30:00.000Z', // 02:30 CET
      '2025-03-30T01:00:00.000Z', // 03:00 CEST, right after the gap
      '2025-03-31T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('Europe/Berlin fall back: 02:30 happens twice on 2025-10-26 and runs once', () => {
    const daily: TickPattern = { cron: '30 2 * * *', tz: 'Europe/Berlin' };
    expect(ticks(daily, '2025-10-25T12:00:00Z', 2)).toEqual([
      '2025-10-26T00:30:00.000Z', // the first 02:30 (CEST)
      '2025-10-27T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('America/New_York spring forward and fall back', () => {
    const daily: TickPattern = { cron: '30 2 * * *', tz: 'America/New_York' };
    expect(ticks(daily, '2025-03-08T12:00:00Z', 2)).toEqual([
      '2025-03-09T07:00:00.000Z', // 03:00 EDT: 02:30 is skipped by the clocks
      '2025-03-10T06:30:00.000Z',
    ]);
    const early: TickPattern = { cron: '30 1 * * *', tz: 'America/New_York' };
    expect(ticks(early, '2025-11-01T12:00:00Z', 2)).toEqual([
      '2025-11-02T05:30:00.000Z', // the first 01:30 (EDT), once
      '2025-11-03T06:30:00.000Z',
    ]);
  });

  it('interval patterns skip the missing hour and run through both passes of the repeated one', () => {
    const half: TickPattern = { cron: '*/30 * * * *', tz: 'America/New_York' };
    // 2025-11-02: 01:00 EDT, 01:30 EDT, 01:00 EST, 01:30 EST, 02:00 EST: one every 30 min of real time.
    expect(ticks(half, '2025-11-02T04:45:00Z', 5)).toEqual([
      '2025-11-02T05:00:00.000Z',
      '2025-11-02T05:30:00.000Z',
      '2025-11-02T06:00:00.000Z',
      '2025-11-02T06:30:00.000Z',
      '2025-11-02T07:00:00.000Z',
    ]);
    const spring: TickPattern = { cron: '30 * * * *', tz: 'Europe/Berlin' };
    // 2025-03-30: 01:30 CET, then 03:30 CEST: 02:30 does not exist.
    expect(ticks(spring, '2025-03-30T00:00:00Z', 2)).toEqual([
      '2025-03-30T00:30:00.000Z',
      '2025-03-30T01:30:00.000Z',
    ]);
  });

  it('tickAtOrBefore agrees with nextTick around every switch', () => {
    const patterns: TickPattern[] = [
      { cron: '30 2 * * *', tz: 'Europe/Berlin' },
      { cron: '*/20 1-3 * * *', tz: 'Europe/Berlin' },
      { cron: '0 0 * * *', tz: 'America/New_York' },
      { cron: '15 */2 * * *', tz: 'America/New_York' },
      { cron: '0 */30 * * * *', tz: 'UTC' },
      { every: '7m', tz: 'UTC' },
    ];
    const starts = [
      '2025-03-08T00:00:00Z',
      '2025-03-29T00:00:00Z',
      '2025-10-25T00:00:00Z',
      '2025-11-01T00:00:00Z',
    ];
    for (const pattern of patterns) {
      for (const start of starts) {
        const begin = at(start);
        const end = begin + 2 * 86_400_000;
        const all: number[] = [];
        for (
          let t = nextTick(pattern, begin - 1);
          t !== undefined && t <= end;
          t = nextTick(pattern, t)
        ) {
          all.push(t);
        }
        for (let now = begin; now < end; now += 11 * 60_000 + 7_123) {
          const expected = all.filter((t) => t <= now).at(-1);
          if (expected === undefined) continue;
          expect(tickAtOrBefore(pattern, now), `${pattern.cron ?? pattern.every} ${iso(now)}`).toBe(
            expected,
          );
          expect(nextTick(pattern, now)).toBeGreaterThan(now);
        }
      }
    }
  });

  it('counts cron ticks by walking them, up to the cap', () => {
    const hourly: TickPattern = { cron: '0 * * * *', tz: 'UTC' };
    expect(countTicks(hourly, at('2025-11-08T00:00:00Z'), at('2025-11-08T05:00:00Z'))).toBe(6);
    expect(countTicks(hourly, at('2025-11-08T00:00:01Z'), at('2025-11-08T05:00:00Z'))).toBe(5);
    expect(countTicks(hourly, at('2025-11-08T00:00:00Z'), at('2025-12-08T00:00:00Z'), 10)).toBe(10);
  });

  it('a pattern that never fires has no next tick', () => {
    expect(nextTick({ cron: '0 0 30 2 *', tz: 'UTC' }, at('2025-01-01T00:00:00Z'))).toBeUndefined();
    expect(nextTick({ tz: 'UTC' }, 0)).toBeUndefined();
    expect(tickAtOrBefore({ tz: 'UTC' }, 0)).toBeUndefined();
  });
});

describe('jitter', () => {
  it('is the same for a name everywhere and stays within its bound', () => {
    expect(jitterOffset('news', 30_000)).toBe(jitterOffset('news', 30_000));
    expect(jitterOffset('news', 0)).toBe(0);
    expect(jitterOffset('news', Number.NaN)).toBe(0);
    const offsets = Array.from({ length: 1000 }, (_, i) => jitterOffset(`schedule-${i}`, 10_000));
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(10_000);
    // Spread, not bunched: each tenth of the window holds some.
    const tenths = new Set(offsets.map((o) => Math.floor(o / 1000)));
    expect(tenths.size).toBe(10);
  });

  it('is FNV-1a', () => {
    // The reference values of the 32-bit FNV-1a test suite.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});
