import { describe, expect, it } from 'vitest';
import { MAX_SCHEDULE_CHATS } from './schedule-schema.js';
import { parseSchedule, type Schedule } from './schedules.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');

function ok(input: unknown, timeZone?: string): Schedule {
  const result = parseSchedule(input, { now: NOW, ...(timeZone ? { timeZone } : {}) });
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.schedule;
}

function codes(input: unknown): Array<[string, string]> {
  const result = parseSchedule(input, { now: NOW });
  if (result.ok) throw new Error('expected the schedule to be rejected');
  expect(result.error.code).toBe(result.error.issues[0]?.code);
  expect(result.error.name).toBe('ScheduleError');
  expect(result.error.retryable).toBe(false);
  return result.error.issues.map((i) => [i.code, i.path]);
}

describe('parseSchedule', () => {
  it('normalises a schedule: canonical chats, duration, zone and defaults', () => {
    expect(
      ok({ name: 'news', chats: ['https://t.me/Ru_Python', '-1001234567890'], every: 5400 }),
    ).toEqual({
      name: 'news',
      chats: ['@ru_python', '-1001234567890'],
      days: 1,
      every: '1h30m',
      tz: 'UTC',
      options: {},
      paused: false,
    });
  });

  it('takes one chat, a cron pattern, a zone, options and the rest of a fetch', () => {
    expect(
      ok({
        name: 'daily.berlin',
        chat: '@News',
        cron: ' 0 6 * * * ',
        tz: 'europe/berlin',
        days: 3,
        options: { force: true, include_today: true, tz: 'asia/tokyo' },
        strategy: 'per_day',
        limit: 500,
        paused: true,
        unknown_field: 'ignored as in commands',
      }),
    ).toEqual({
      name: 'daily.berlin',
      chats: ['@news'],
      days: 3,
      cron: '0 6 * * *',
      tz: 'Europe/Berlin',
      options: { force: true, include_today: true, tz: 'Asia/Tokyo' },
      strategy: 'per_day',
      limit: 500,
      paused: true,
    });
  });

  it('a schedule without a zone takes options.tz, else the caller’s default', () => {
    expect(ok({ name: 'a', chat: 'x', every: '1h', options: { tz: 'Asia/Tokyo' } }).tz).toBe(
      'Asia/Tokyo',
    );
    expect(ok({ name: 'a', chat: 'x', every: '1h' }, 'America/New_York').tz).toBe(
      'America/New_York',
    );
  });

  it('since_last_run catches up at most max_days (7 unless said)', () => {
    const s = ok({ name: 'a', chat: 'x', every: '1d', days: 'since_last_run' });
    expect(s.days).toBe('since_last_run');
    expect(s.max_days).toBe(7);
    expect(
      ok({ name: 'a', chat: 'x', every: '1d', days: 'since_last_run', max_days: 30 }).max_days,
    ).toBe(30);
  });

  it('rejects each field with its own code and path', () => {
    expect(codes({ name: '-bad', chat: 'x', every: '1h' })).toEqual([
      ['SCHEDULE_INVALID_NAME', 'name'],
    ]);
    expect(codes({ name: 'a'.repeat(65), chat: 'x', every: '1h' })).toEqual([
      ['SCHEDULE_INVALID_NAME', 'name'],
    ]);
    expect(codes({ chat: 'x', every: '1h' })).toEqual([['SCHEDULE_MISSING_FIELD', 'name']]);
    expect(codes({ name: 'a', every: '1h' })).toEqual([['SCHEDULE_MISSING_FIELD', 'chats']]);
    expect(codes({ name: 'a', chat: 'x', chats: ['y'], every: '1h' })).toEqual([
      ['SCHEDULE_INVALID_CHATS', 'chats'],
    ]);
    expect(codes({ name: 'a', chats: ['x', '@X'], every: '1h' })).toEqual([
      ['SCHEDULE_INVALID_CHATS', 'chats.1'],
    ]);
    expect(codes({ name: 'a', chats: ['x', '../etc'], every: '1h' })).toEqual([
      ['SCHEDULE_INVALID_CHATS', 'chats.1'],
    ]);
    expect(codes({ name: 'a', chats: [], every: '1h' })).toEqual([
      ['SCHEDULE_INVALID_CHATS', 'chats'],
    ]);
    const many = Array.from({ length: MAX_SCHEDULE_CHATS + 1 }, (_, i) => `chat${i}`);
    expect(codes({ name: 'a', chats: many, every: '1h' })).toEqual([
      ['SCHEDULE_INVALID_CHATS', 'chats'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', days: 0 })).toEqual([
      ['SCHEDULE_INVALID_DAYS', 'days'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', days: 'all' })).toEqual([
      ['SCHEDULE_INVALID_DAYS', 'days'],
    ]);
    expect(
      codes({ name: 'a', chat: 'x', every: '1h', days: 366, options: { include_today: true } }),
    ).toEqual([['SCHEDULE_INVALID_DAYS', 'days']]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', max_days: 3 })).toEqual([
      ['SCHEDULE_INVALID_DAYS', 'max_days'],
    ]);
    expect(codes({ name: 'a', chat: 'x' })).toEqual([['SCHEDULE_INVALID_TRIGGER', '']]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', cron: '* * * * *' })).toEqual([
      ['SCHEDULE_INVALID_TRIGGER', 'cron'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1.5h' })).toEqual([
      ['SCHEDULE_INVALID_EVERY', 'every'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '367d' })).toEqual([
      ['SCHEDULE_INVALID_EVERY', 'every'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: true })).toEqual([
      ['SCHEDULE_INVALID_EVERY', 'every'],
    ]);
    expect(codes({ name: 'a', chat: 'x', cron: 'every day' })).toEqual([
      ['SCHEDULE_INVALID_CRON', 'cron'],
    ]);
    expect(codes({ name: 'a', chat: 'x', cron: '61 * * * *' })).toEqual([
      ['SCHEDULE_INVALID_CRON', 'cron'],
    ]);
    expect(codes({ name: 'a', chat: 'x', cron: '0 0 30 2 *' })).toEqual([
      ['SCHEDULE_INVALID_CRON', 'cron'],
    ]);
    expect(codes({ name: 'a', chat: 'x', cron: '* * * * * * *' })).toEqual([
      ['SCHEDULE_INVALID_CRON', 'cron'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', tz: 'Mars/Olympus' })).toEqual([
      ['SCHEDULE_INVALID_TIME_ZONE', 'tz'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', options: { tz: '+03:00' } })).toEqual([
      ['SCHEDULE_INVALID_TIME_ZONE', 'options.tz'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', options: { force: 'yes' } })).toEqual([
      ['SCHEDULE_INVALID_FIELD', 'options.force'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', strategy: 'auto' })).toEqual([
      ['SCHEDULE_INVALID_FIELD', 'strategy'],
    ]);
    expect(codes({ name: 'a', chat: 'x', every: '1h', paused: 1 })).toEqual([
      ['SCHEDULE_INVALID_FIELD', 'paused'],
    ]);
    expect(codes([])).toEqual([['SCHEDULE_NOT_JSON', '']]);
    expect(codes(null)).toEqual([['SCHEDULE_NOT_JSON', '']]);
  });

  it('reports every issue at once', () => {
    expect(codes({ name: '', chat: 'x', every: '0s', limit: 0 })).toEqual([
      ['SCHEDULE_INVALID_NAME', 'name'],
      ['SCHEDULE_INVALID_FIELD', 'limit'],
    ]);
  });

  it('a bad default zone is an issue, not a throw', () => {
    const result = parseSchedule({ name: 'a', chat: 'x', every: '1h' }, { timeZone: 'Nowhere' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('SCHEDULE_INVALID_TIME_ZONE');
  });
});
