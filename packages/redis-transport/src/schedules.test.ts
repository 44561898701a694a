import { commandFromStreamFields, parseCommand } from '@tgfetch/core';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisSchedules, type RedisSchedulesOptions } from './schedules.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const T0 = Date.parse('2025-11-08T12:00:00Z');

function store(now: () => number, more: Partial<RedisSchedulesOptions> = {}) {
  return createRedisSchedules({
    client: ctx.client,
    prefix: `${ctx.prefix}s:`,
    queue: `${ctx.prefix}commands`,
    now,
    ...more,
  });
}

const queued = async () =>
  (await ctx.client.lRange(`${ctx.prefix}commands`, 0, -1)).map((p) => JSON.parse(p));

describe('redis schedules: the model', () => {
  it('adds, reads, lists, updates, pauses, resumes and removes', async () => {
    let now = T0;
    const s = store(() => now);
    expect(await s.add({ name: 'b', chat: '@B', every: '10m' })).toBe('added');
    expect(
      await s.add({ name: 'a', chats: ['x', 'y'], cron: '0 6 * * *', tz: 'Europe/Berlin' }),
    ).toBe('added');
    // The same again (a re-delivered command) changes nothing; another of the name is refused.
    expect(await s.add({ name: 'b', chat: 'b', every: 600 })).toBe('unchanged');
    await expect(s.add({ name: 'b', chat: 'c', every: '10m' })).rejects.toMatchObject({
      code: 'SCHEDULE_EXISTS',
    });
    await expect(s.update({ name: 'zz', chat: 'c', every: '10m' })).rejects.toMatchObject({
      code: 'SCHEDULE_NOT_FOUND',
    });
    await expect(s.add({ name: 'bad', chat: 'c' })).rejects.toMatchObject({
      code: 'SCHEDULE_INVALID_TRIGGER',
    });

    const b = await s.get('b');
    expect(b).toMatchObject({
      schedule: { name: 'b', chats: ['@b'], every: '10m', paused: false },
      nextTick: Date.parse('2025-11-08T12:10:00Z'),
      dueAt: Date.parse('2025-11-08T12:10:00Z'),
      lastRun: undefined,
      revision: 1,
      createdAt: T0,
    });
    const list = await s.list();
    expect(list.map((v) => [v.schedule.name, v.nextTick])).toEqual([
      ['a', Date.parse('2025-11-09T05:00:00Z')],
      ['b', Date.parse('2025-11-08T12:10:00Z')],
    ]);
    expect(await s.nextDue()).toBe(Date.parse('2025-11-08T12:10:00Z'));

    now += 1000;
    expect(await s.add({ name: 'b', chat: 'c', every: '5m' }, { replace: true })).toBe('replaced');
    expect(await s.update({ name: 'b', chat: 'c', every: '5m' })).toBe('unchanged');
    expect((await s.get('b'))?.revision).toBe(2);

    expect(await s.pause('b')).toBe(true);
    expect(await s.pause('b')).toBe(false);
    expect(await s.get('b')).toMatchObject({
      schedule: { paused: true },
      nextTick: undefined,
      dueAt: undefined,
    });
    expect(await s.nextDue()).toBe(Date.parse('2025-11-09T05:00:00Z'));
    now = Date.parse('2025-11-08T13:02:00Z');
    expect(await s.resume('b')).toBe(true);
    expect(await s.resume('b')).toBe(false);
    // Ticks while paused are not run: it goes on from the next one after now.
    expect((await s.get('b'))?.nextTick).toBe(Date.parse('2025-11-08T13:05:00Z'));
    await expect(s.pause('nope')).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
    await expect(s.resume('nope')).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });

    expect(await s.remove('b')).toBe(true);
    expect(await s.remove('b')).toBe(false);
    expect(await s.get('b')).toBeUndefined();
    expect((await s.list()).map((v) => v.schedule.name)).toEqual(['a']);
  });

  it('applies the queue’s schedule commands', async () => {
    const s = store(() => T0);
    const add = { command: 'schedule', action: 'add', name: 'n', chat: 'x', every: '1h' } as const;
    const { parseScheduleCommand } = await import('@tgfetch/core');
    const run = async (input: unknown) => {
      const parsed = parseScheduleCommand(input);
      if (!parsed.ok) throw parsed.error;
      return s.apply(parsed.command);
    };
    expect(await run(add)).toBe('added');
    expect(await run(add)).toBe('unchanged');
    expect(await run({ ...add, every: '2h', replace: true })).toBe('replaced');
    expect(await run({ command: 'schedule', action: 'pause', name: 'n' })).toBe(true);
    expect(await run({ command: 'schedule', action: 'resume', name: 'n' })).toBe(true);
    expect(await run({ command: 'schedule', action: 'remove', name: 'n' })).toBe(true);
  });

  it('holds at most maxSchedules', async () => {
    const s = store(() => T0, { maxSchedules: 2 });
    await s.add({ name: 'a', chat: 'x', every: '1h' });
    await s.add({ name: 'b', chat: 'x', every: '1h' });
    await expect(s.add({ name: 'c', chat: 'x', every: '1h' })).rejects.toMatchObject({
      code: 'SCHEDULE_LIMIT',
    });
    // Replacing one is no new one.
    expect(await s.add({ name: 'b', chat: 'y', every: '1h' }, { replace: true })).toBe('replaced');
  });

  it('says which stored schedule does not read', async () => {
    const s = store(() => T0);
    await s.add({ name: 'a', chat: 'x', every: '1h' });
    await ctx.client.hSet(`${ctx.prefix}s:schedule:a`, 'spec', '{not json');
    await expect(s.get('a')).rejects.toMatchObject({ code: 'SCHEDULE_CORRUPT' });
    // It fails alone: the other due schedules still tick.
    await s.add({ name: 'b', chat: 'x', every: '1h' });
    const run = await s.runDue({ now: T0 + 3_600_000 });
    expect(run.scheduled.map((e) => e.schedule)).toEqual(['b']);
    expect(run.errors.map((e) => [e.schedule, e.error.code])).toEqual([['a', 'SCHEDULE_CORRUPT']]);
    expect(s.stats()).toMatchObject({ ticks: 1, errors: 1 });
  });
});

describe('redis schedules: ticks', () => {
  it('pushes a tick’s commands as the producer does, once, and records the run', async () => {
    const s = store(() => T0, { workerId: 'host-1' });
    await s.add({ name: 'news', chats: ['@A', 'b'], every: '10s', days: 2 });
    expect((await s.runDue({ now: T0 + 9_999 })).scheduled).toEqual([]);
    const run = await s.runDue({ now: T0 + 10_250 });
    expect(run).toMatchObject({ deferred: [], lost: 0, errors: [], more: false });
    expect(run.scheduled).toEqual([
      {
        event: 'scheduled',
        schedule: 'news',
        tick: '2025-11-08T12:00:10.000Z',
        command_ids: ['sched:news:20251108T120010Z:@a', 'sched:news:20251108T120010Z:@b'],
        chats: ['@a', '@b'],
        missed: 0,
        late_ms: 250,
        ts: '2025-11-08T12:00:10.250Z',
        worker_id: 'host-1',
      },
    ]);
    const commands = await queued();
    expect(commands.map((c) => [c.command_id, c.mode, c.from, c.to, c.options.tz])).toEqual([
      ['sched:news:20251108T120010Z:@a', 'range', '2025-11-06', '2025-11-07', 'UTC'],
      ['sched:news:20251108T120010Z:@b', 'range', '2025-11-06', '2025-11-07', 'UTC'],
    ]);
    for (const command of commands) {
      expect(parseCommand(JSON.stringify(command), { now: T0 + 20_000 })).toEqual({
        ok: true,
        command,
      });
    }
    // Asked again within the same tick: nothing more.
    expect((await s.runDue({ now: T0 + 15_000 })).scheduled).toEqual([]);
    expect(await s.get('news')).toMatchObject({
      nextTick: T0 + 20_000,
      lastRun: {
        tick: T0 + 10_000,
        pushedAt: T0 + 10_250,
        missed: 0,
        commandIds: commands.map((c) => c.command_id),
      },
      lastOutcome: { status: 'pending' },
    });
    expect(s.stats()).toEqual({ ticks: 1, commands: 2, skipped: 0, late: 0, lost: 0, errors: 0 });
  });

  it('collapses the ticks missed while no scheduler ran into one run of the latest', async () => {
    const s = store(() => T0);
    await s.add({ name: 'n', chat: 'x', every: '10s' });
    const run = await s.runDue({ now: T0 + 95_000 });
    expect(run.scheduled.map((e) => [e.tick, e.missed])).toEqual([['2025-11-08T12:01:30.000Z', 8]]);
    expect(await queued()).toHaveLength(1);
    expect((await s.get('n'))?.nextTick).toBe(T0 + 100_000);
  });

  it('since_last_run covers the days since the previous run', async () => {
    const s = store(() => T0);
    await s.add({ name: 'n', chat: 'x', cron: '0 6 * * *', days: 'since_last_run' });
    await s.runDue({ now: Date.parse('2025-11-09T06:00:01Z') });
    await s.runDue({ now: Date.parse('2025-11-12T06:00:01Z') });
    expect((await queued()).map((c) => [c.mode, c.date ?? c.from, c.to])).toEqual([
      ['date', '2025-11-08', undefined],
      ['range', '2025-11-09', '2025-11-11'],
    ]);
  });

  it('a paused schedule does not tick', async () => {
    let now = T0;
    const s = store(() => now);
    await s.add({ name: 'n', chat: 'x', every: '10s', paused: true });
    expect((await s.runDue({ now: T0 + 60_000 })).scheduled).toEqual([]);
    now = T0 + 60_000;
    await s.resume('n');
    expect((await s.runDue({ now: T0 + 65_000 })).scheduled).toEqual([]);
    expect((await s.runDue({ now: T0 + 70_000 })).scheduled).toHaveLength(1);
    await s.pause('n');
    expect((await s.runDue({ now: T0 + 200_000 })).scheduled).toEqual([]);
    expect(await queued()).toHaveLength(1);
  });

  it('a full queue leaves the tick due, counted skipped, and late once pushed', async () => {
    const s = store(() => T0, { maxQueueLength: 3, lateAfterMs: 5_000 });
    await s.add({ name: 'n', chats: ['a', 'b'], every: '10s' });
    await ctx.client.rPush(`${ctx.prefix}commands`, ['other-1', 'other-2']);
    // Two commands do not fit beside two: nothing is pushed, nothing advances.
    const full = await s.runDue({ now: T0 + 10_000 });
    expect(full).toMatchObject({ scheduled: [], deferred: ['n'] });
    expect(await ctx.client.lLen(`${ctx.prefix}commands`)).toBe(2);
    expect((await s.get('n'))?.nextTick).toBe(T0 + 10_000);
    await s.runDue({ now: T0 + 15_000 });
    expect(s.stats()).toMatchObject({ ticks: 0, skipped: 2 });
    await ctx.client.lPop(`${ctx.prefix}commands`);
    await ctx.client.lPop(`${ctx.prefix}commands`);
    const pushed = await s.runDue({ now: T0 + 38_000 });
    expect(pushed.scheduled.map((e) => [e.tick, e.missed, e.late_ms])).toEqual([
      ['2025-11-08T12:00:30.000Z', 2, 8_000],
    ]);
    expect(s.stats()).toMatchObject({ ticks: 1, commands: 2, skipped: 2, late: 1 });
  });

  it('pushes onto a stream queue as the stream producer does', async () => {
    const stream = `${ctx.prefix}stream`;
    const s = store(() => T0, { transport: 'stream', queue: stream });
    await s.add({ name: 'n', chat: 'x', every: '10s' });
    await s.runDue({ now: T0 + 10_000 });
    const entries = await ctx.client.xRange(stream, '-', '+');
    expect(entries).toHaveLength(1);
    const command = commandFromStreamFields(entries?.[0]?.message ?? {});
    expect(JSON.parse(command)).toMatchObject({ command_id: 'sched:n:20251108T120010Z:@x' });
  });

  it('spreads schedules of one instant over the jitter window, the same on every scheduler', async () => {
    // Added mid-minute: each one's first tick is the next minute's.
    const a = store(() => T0 + 30_000, { jitterMs: 5_000 });
    const names = Array.from({ length: 20 }, (_, i) => `s${i}`);
    for (const name of names) await a.add({ name, chat: 'x', every: '1m' });
    const views = await a.list();
    const offsets = views.map((v) => (v.dueAt ?? 0) - (v.nextTick ?? 0));
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(5_000);
    expect(new Set(offsets).size).toBeGreaterThan(10);
    const tick = T0 + 60_000;
    const b = store(() => T0 + 30_000, { jitterMs: 5_000 });
    const halfway = await b.runDue({ now: tick + 2_500 });
    // Only those whose delay has passed; each pushed for its tick, not early.
    const early = views.filter((v) => (v.dueAt ?? 0) - tick <= 2_500).map((v) => v.schedule.name);
    expect(halfway.scheduled.map((e) => e.schedule).sort()).toEqual(early.sort());
    expect(halfway.scheduled.every((e) => e.tick === new Date(tick).toISOString())).toBe(true);
    const rest = await a.runDue({ now: tick + 5_000 });
    expect(rest.scheduled).toHaveLength(names.length - early.length);
  });
});

describe('redis schedules: outcomes', () => {
  it('records how the last run’s commands ended, and nothing else', async () => {
    const s = store(() => T0);
    await s.add({ name: 'n', chats: ['a', 'b'], every: '10s' });
    const [run] = (await s.runDue({ now: T0 + 10_000 })).scheduled;
    const [first, second] = run?.command_ids ?? [];
    expect(await s.recordOutcome({ event: 'started', command_id: first as string })).toBe(true);
    expect((await s.get('n'))?.lastOutcome).toEqual({
      status: 'pending',
      commands: [
        { commandId: first, status: 'running' },
        { commandId: second, status: 'pending' },
      ],
    });
    expect(await s.recordOutcome({ event: 'completed', command_id: first as string })).toBe(true);
    // A late 'started' does not undo an end.
    expect(await s.recordOutcome({ event: 'started', command_id: first as string })).toBe(false);
    expect(
      await s.recordOutcome({
        event: 'failed',
        command_id: second as string,
        error: { code: 'CHAT_NOT_FOUND' },
      }),
    ).toBe(true);
    expect((await s.get('n'))?.lastOutcome).toEqual({
      status: 'failed',
      commands: [
        { commandId: first, status: 'completed' },
        { commandId: second, status: 'failed', code: 'CHAT_NOT_FOUND' },
      ],
    });
    expect(await s.recordOutcome({ event: 'completed', command_id: 'not-a-scheduled-one' })).toBe(
      false,
    );
    expect(await s.recordOutcome({ event: 'progress', command_id: first as string })).toBe(false);
    // A new run starts afresh; the old run's events are no longer its.
    await s.runDue({ now: T0 + 20_000 });
    expect(await s.recordOutcome({ event: 'completed', command_id: first as string })).toBe(false);
    expect((await s.get('n'))?.lastOutcome?.status).toBe('pending');
  });
});
