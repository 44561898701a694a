import { describe, expect, it } from 'vitest';
import { type FetchCommand, parseCommand } from './command.js';
import { planDays } from './plan.js';
import {
  addDays,
  dateInZone,
  daysBetween,
  isIsoDate,
  isTimeZone,
  startOfDay,
} from './time-zone.js';

const HOUR = 3_600_000;

function command(input: Record<string, unknown>, now: number): FetchCommand {
  const result = parseCommand({ command: 'fetch', chat: 'plan_chat', ...input }, { now });
  if (!result.ok) throw result.error;
  return result.command;
}

describe('time zones through Intl', () => {
  it('knows real dates and zones', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-04-31')).toBe(false);
    expect(isIsoDate('2025-00-10')).toBe(false);
    expect(isIsoDate('1969-12-31')).toBe(false);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Nowhere/Land')).toBe(false);
  });

  it('finds local midnight', () => {
    expect(new Date(startOfDay('2025-11-07', 'UTC')).toISOString()).toBe(
      '2025-11-07T00:00:00.000Z',
    );
    expect(new Date(startOfDay('2025-11-07', 'Europe/Moscow')).toISOString()).toBe(
      '2025-11-06T21:00:00.000Z',
    );
    expect(new Date(startOfDay('2025-11-07', 'Asia/Kolkata')).toISOString()).toBe(
      '2025-11-06T18:30:00.000Z',
    );
    expect(new Date(startOfDay('2025-11-07', 'Pacific/Kiritimati')).toISOString()).toBe(
      '2025-11-06T10:00:00.000Z',
    );
    expect(new Date(startOfDay('2025-11-07', 'Pacific/Pago_Pago')).toISOString()).toBe(
      '2025-11-07T11:00:00.000Z',
    );
  });

  it('starts a day whose midnight falls into a DST gap at the switch', () => {
    // Santiago (Chile) moved clocks from 00:00 to 01:00 on 2024-09-08.
    const start = startOfDay('2024-09-08', 'America/Santiago');
    expect(new Date(start).toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(dateInZone(start - 1000, 'America/Santiago')).toBe('2024-09-07');
    expect(dateInZone(start, 'America/Santiago')).toBe('2024-09-08');
  });

  it('starts every day of two years at its first local instant, in zones with odd rules', () => {
    const zones = [
      'America/New_York',
      'Europe/Moscow',
      'Australia/Lord_Howe',
      'America/Santiago',
      'Asia/Tehran',
      'Pacific/Chatham',
      'America/St_Johns',
      'Africa/Casablanca',
      'America/Havana',
    ];
    for (const zone of zones) {
      for (let date = '2024-01-01'; date <= '2025-12-31'; date = addDays(date, 1)) {
        const start = startOfDay(date, zone);
        expect(dateInZone(start, zone), `${zone} ${date}`).toBe(date);
        expect(dateInZone(start - 1000, zone) < date, `${zone} ${date}`).toBe(true);
      }
    }
  });

  it('does calendar arithmetic across months and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });
});

describe('planDays', () => {
  const now = Date.parse('2025-11-08T12:00:00Z');

  it('plans one day for mode date', () => {
    const days = planDays(command({ mode: 'date', date: '2025-11-07' }, now), { now });
    expect(days).toEqual([
      {
        date: '2025-11-07',
        start: Date.parse('2025-11-07T00:00:00Z'),
        end: Date.parse('2025-11-08T00:00:00Z'),
        ended: true,
      },
    ]);
  });

  it('plans the N complete days before today for mode days', () => {
    const days = planDays(command({ mode: 'days', days: 3 }, now), { now });
    expect(days.map((d) => d.date)).toEqual(['2025-11-05', '2025-11-06', '2025-11-07']);
    expect(days.every((d) => d.ended)).toBe(true);
  });

  it('adds today, never ended, with include_today', () => {
    const days = planDays(
      command({ mode: 'days', days: 2, options: { include_today: true } }, now),
      { now },
    );
    expect(days.map((d) => [d.date, d.ended])).toEqual([
      ['2025-11-06', true],
      ['2025-11-07', true],
      ['2025-11-08', false],
    ]);
  });

  it('plans both ends of a range, inclusive, back to back', () => {
    const days = planDays(command({ mode: 'range', from: '2025-10-30', to: '2025-11-02' }, now), {
      now,
    });
    expect(days.map((d) => d.date)).toEqual([
      '2025-10-30',
      '2025-10-31',
      '2025-11-01',
      '2025-11-02',
    ]);
    for (let i = 1; i < days.length; i++) expect(days[i]!.start).toBe(days[i - 1]!.end);
  });

  it('cuts days in the configured zone, and options.tz wins over it', () => {
    const c = command({ mode: 'date', date: '2025-11-07' }, now);
    const [moscow] = planDays(c, { now, timeZone: 'Europe/Moscow' });
    expect(moscow!.start).toBe(Date.parse('2025-11-06T21:00:00Z'));
    const tokyo = command({ mode: 'date', date: '2025-11-07', options: { tz: 'Asia/Tokyo' } }, now);
    expect(planDays(tokyo, { now, timeZone: 'Europe/Moscow' })[0]!.start).toBe(
      Date.parse('2025-11-06T15:00:00Z'),
    );
  });

  it('gives 23 and 25 hour days on the New York DST switches', () => {
    const later = Date.parse('2026-01-01T00:00:00Z');
    const zone = { now: later, timeZone: 'America/New_York' };
    const spring = planDays(
      command({ mode: 'range', from: '2025-03-08', to: '2025-03-10' }, later),
      zone,
    );
    expect(spring.map((d) => (d.end - d.start) / HOUR)).toEqual([24, 23, 24]);
    const fall = planDays(
      command({ mode: 'range', from: '2025-11-01', to: '2025-11-03' }, later),
      zone,
    );
    expect(fall.map((d) => (d.end - d.start) / HOUR)).toEqual([24, 25, 24]);
    expect(new Date(fall[1]!.start).toISOString()).toBe('2025-11-02T04:00:00.000Z');
    expect(new Date(fall[1]!.end).toISOString()).toBe('2025-11-03T05:00:00.000Z');
  });

  it('means the days before today in the zone, not in UTC', () => {
    // 2025-11-08 23:30 UTC is already 2025-11-09 in Moscow: yesterday there is 2025-11-08.
    const late = Date.parse('2025-11-08T23:30:00Z');
    const c = command({ mode: 'days', days: 1 }, late);
    expect(planDays(c, { now: late, timeZone: 'Europe/Moscow' }).map((d) => d.date)).toEqual([
      '2025-11-08',
    ]);
    expect(planDays(c, { now: late }).map((d) => d.date)).toEqual(['2025-11-07']);
  });

  it('marks a day not ended until its last instant has passed', () => {
    const c = command({ mode: 'date', date: '2025-11-08' }, now);
    expect(planDays(c, { now })[0]!.ended).toBe(false);
    const justAfter = Date.parse('2025-11-09T00:00:00Z');
    expect(planDays(c, { now: justAfter })[0]!.ended).toBe(true);
  });
});
