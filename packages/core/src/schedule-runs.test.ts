import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './command.js';
import { ScheduledEventSchema, scheduledEvent } from './schedule-event.js';
import {
  commandsForTick,
  parseScheduleCommandId,
  scheduleCommandId,
  tickDays,
} from './schedule-runs.js';
import { parseSchedule, type Schedule } from './schedules.js';

const at = (iso: string) => Date.parse(iso);

function schedule(input: Record<string, unknown>): Schedule {
  const chats = 'chats' in input ? {} : { chat: 'x' };
  const result = parseSchedule({ name: 'news', every: '1h', ...chats, ...input });
  if (!result.ok) throw result.error;
  return result.schedule;
}

describe('command ids', () => {
  it('name the schedule, the tick and the chat, and read back', () => {
    const id = scheduleCommandId('news', at('2025-11-08T06:00:00Z'), '@ru_python');
    expect(id).toBe('sched:news:20251108T060000Z:@ru_python');
    expect(parseScheduleCommandId(id)).toEqual({ name: 'news', tick: at('2025-11-08T06:00:00Z') });
  });

  it('stay within 128 characters: a long chat becomes its hash, still one per chat', () => {
    const name = 'n'.repeat(64);
    const tick = at('2025-11-08T06:00:00Z');
    const a = scheduleCommandId(name, tick, `@${'a'.repeat(64)}`);
    const b = scheduleCommandId(name, tick, `@${'b'.repeat(64)}`);
    expect(a.length).toBeLessThanOrEqual(128);
    expect(a).not.toBe(b);
    expect(a).toMatch(/:#[0-9a-f]{8}$/);
    expect(parseScheduleCommandId(a)?.name).toBe(name);
  });

  it('other ids are nobody’s', () => {
    for (const id of [
      'abc',
      'sched:news:2025-11-08:@x',
      'sched::20251108T060000Z:@x',
      'sched:n:20251399T990000Z:@x',
    ]) {
      expect(parseScheduleCommandId(id), id).toBeUndefined();
    }
  });
});

describe('the days of a tick', () => {
  it('days N: the N complete days before the tick’s day, in the schedule’s zone', () => {
    // 23:30 UTC on Nov 8 is already Nov 9 in Berlin.
    const s = schedule({ tz: 'Europe/Berlin', days: 2 });
    expect(tickDays(s, at('2025-11-08T23:30:00Z'))).toEqual({
      from: '2025-11-07',
      to: '2025-11-08',
    });
    const withToday = schedule({ days: 1, options: { include_today: true } });
    expect(tickDays(withToday, at('2025-11-08T06:00:00Z'))).toEqual({
      from: '2025-11-07',
      to: '2025-11-08',
    });
  });

  it('options.tz cuts the days when it names another zone than the pattern’s', () => {
    const s = schedule({ tz: 'UTC', options: { tz: 'Asia/Tokyo' } });
    expect(tickDays(s, at('2025-11-08T20:00:00Z'))).toEqual({
      from: '2025-11-08',
      to: '2025-11-08',
    });
  });

  it('since_last_run: from the previous run’s day to yesterday, at most max_days', () => {
    const s = schedule({ days: 'since_last_run', max_days: 5 });
    const tick = at('2025-11-08T06:00:00Z');
    expect(tickDays(s, tick)).toEqual({ from: '2025-11-07', to: '2025-11-07' });
    expect(tickDays(s, tick, at('2025-11-07T06:00:00Z'))).toEqual({
      from: '2025-11-07',
      to: '2025-11-07',
    });
    expect(tickDays(s, tick, at('2025-11-05T06:00:00Z'))).toEqual({
      from: '2025-11-05',
      to: '2025-11-07',
    });
    expect(tickDays(s, tick, at('2025-10-01T06:00:00Z'))).toEqual({
      from: '2025-11-03',
      to: '2025-11-07',
    });
    // A run earlier today: yesterday still (a complete day is skipped by the worker).
    expect(tickDays(s, tick, at('2025-11-08T05:00:00Z'))).toEqual({
      from: '2025-11-07',
      to: '2025-11-07',
    });
  });
});

describe('commandsForTick', () => {
  it('one normalised fetch command per chat, as the producer would push it', () => {
    const s = schedule({
      chats: ['@A', 'b'],
      days: 3,
      tz: 'Europe/Berlin',
      options: { force: true },
    });
    const tick = at('2025-11-08T05:00:00Z');
    const commands = commandsForTick(s, tick);
    expect(commands).toEqual([
      {
        command: 'fetch',
        command_id: 'sched:news:20251108T050000Z:@a',
        chat: '@a',
        strategy: 'batch',
        options: { force: true, include_today: false, tz: 'Europe/Berlin' },
        requested_by: 'schedule:news',
        timestamp: '2025-11-08T05:00:00.000Z',
        mode: 'range',
        from: '2025-11-05',
        to: '2025-11-07',
      },
      expect.objectContaining({ command_id: 'sched:news:20251108T050000Z:@b', chat: '@b' }),
    ]);
    // What a worker reads back is the same command.
    for (const command of commands) {
      const reread = parseCommand(JSON.stringify(command), { now: tick + 60_000 });
      expect(reread).toEqual({ ok: true, command });
    }
  });

  it('one day is mode date; limit and strategy are carried', () => {
    const [command] = commandsForTick(
      schedule({ strategy: 'per_day', limit: 10 }),
      at('2025-11-08T05:00:00Z'),
    );
    expect(command).toMatchObject({
      mode: 'date',
      date: '2025-11-07',
      strategy: 'per_day',
      limit: 10,
    });
  });

  it('the same tick makes the same commands; another tick other ids', () => {
    const s = schedule({ chats: ['a', 'b', 'c'] });
    const tick = at('2025-11-08T05:00:00Z');
    expect(commandsForTick(s, tick)).toEqual(commandsForTick(s, tick));
    const ids = new Set(
      [tick, tick + 3_600_000].flatMap((t) => commandsForTick(s, t).map((c) => c.command_id)),
    );
    expect(ids.size).toBe(6);
  });
});

describe('the scheduled event', () => {
  it('is built whole and matches its schema', () => {
    const event = scheduledEvent({
      schedule: 'news',
      tick: at('2025-11-08T05:00:00Z'),
      command_ids: ['sched:news:20251108T050000Z:@a'],
      chats: ['@a'],
      missed: 2,
      late_ms: 12.6,
      pushedAt: at('2025-11-08T05:00:01Z'),
      worker_id: 'host-1',
    });
    expect(event).toEqual({
      event: 'scheduled',
      schedule: 'news',
      tick: '2025-11-08T05:00:00.000Z',
      command_ids: ['sched:news:20251108T050000Z:@a'],
      chats: ['@a'],
      missed: 2,
      late_ms: 13,
      ts: '2025-11-08T05:00:01.000Z',
      worker_id: 'host-1',
    });
    expect(v.safeParse(ScheduledEventSchema, event).success).toBe(true);
  });
});
