import { describe, expect, it } from 'vitest';
import { type RetryNotice, runFetch } from './engine.js';
import { commandFor, memoryPorts } from './engine-fixture.js';
import { AbortError, FatalError, FloodWaitError, TransientError } from './errors.js';
import type { FetchEvent } from './events.js';
import { createMemoryLock } from './memory/lock.js';
import type { MemorySourceOptions } from './memory/source.js';
import type { TgMessage } from './message.js';
import type { MessageSource } from './ports.js';
import { runCommand } from './run-command.js';
import { makeMessages } from './testing/messages.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHAT = '@engine';
// 40 days of history up to now, one message every 37 minutes: ~39 a day.
const HISTORY = makeMessages({
  chat: CHAT,
  start: Date.parse('2025-09-30T00:10:00Z'),
  count: 1500,
  step: 37 * 60_000,
});

const command = (input: Record<string, unknown>) => commandFor(CHAT, NOW, input);
const setup = (sourceOptions: MemorySourceOptions = {}, messages: TgMessage[] = HISTORY) =>
  memoryPorts(CHAT, messages, NOW, sourceOptions);

const inDay = (date: string) => HISTORY.filter((m) => m.date.startsWith(date)).map((m) => m.id);
const kinds = (events: FetchEvent[]) =>
  events.map((e) => (e.event === 'progress' ? `progress:${e.date}` : e.event));

describe('runFetch', () => {
  it('fetches each day whole, announces it, and records it complete', async () => {
    const t = setup();
    const result = await runFetch(command({ mode: 'days', days: 3 }), t.ports, t.options);
    expect(result.event).toBe('completed');
    expect(kinds(t.events.events)).toEqual([
      'started',
      'progress:2025-11-07',
      'progress:2025-11-06',
      'progress:2025-11-05',
      'completed',
    ]);
    for (const date of ['2025-11-05', '2025-11-06', '2025-11-07']) {
      const day = await t.store.readDay(CHAT, date);
      expect(day?.messages.map((m) => m.id)).toEqual(inDay(date));
      expect(day).toMatchObject({ complete: true, time_zone: 'UTC', count: inDay(date).length });
    }
    const done = await t.progress.completed(CHAT, ['2025-11-05', '2025-11-06', '2025-11-07']);
    expect(done.size).toBe(3);
    const total = ['05', '06', '07'].reduce((n, d) => n + inDay(`2025-11-${d}`).length, 0);
    expect(result).toMatchObject({
      command_id: 'c1',
      chat: CHAT,
      mode: 'days',
      params: { days: 3 },
      processed: total,
      errors: 0,
      status: 'completed',
      worker_id: 'w-test',
    });
    if (result.event !== 'completed') throw new Error('unreachable');
    expect(result.days.map((d) => [d.date, d.skipped, d.complete, d.outcome])).toEqual([
      ['2025-11-07', false, true, 'stored'],
      ['2025-11-06', false, true, 'stored'],
      ['2025-11-05', false, true, 'stored'],
    ]);
    // One order for started.dates, progress and completed.days: newest first.
    expect(t.events.events[0]).toMatchObject({
      event: 'started',
      status: 'running',
      dates: ['2025-11-07', '2025-11-06', '2025-11-05'],
    });
    expect(result.processed).toBe(result.days.reduce((n, d) => n + d.count, 0));
  });

  it('makes one walk for batch and one per day for per_day, storing identical days', async () => {
    const batch = setup();
    const perDay = setup();
    await runFetch(
      command({ mode: 'range', from: '2025-10-01', to: '2025-10-20', strategy: 'batch' }),
      batch.ports,
      batch.options,
    );
    await runFetch(
      command({ mode: 'range', from: '2025-10-01', to: '2025-10-20', strategy: 'per_day' }),
      perDay.ports,
      perDay.options,
    );
    expect(batch.source.requests).toHaveLength(1);
    expect(perDay.source.requests).toHaveLength(20);
    const sort = (days: ReturnType<typeof batch.store.days>) =>
      [...days].sort((a, b) => a.date.localeCompare(b.date));
    expect(sort(batch.store.days())).toEqual(sort(perDay.store.days()));
    expect(batch.store.days()).toHaveLength(20);
    expect(kinds(batch.events.events)).toEqual(kinds(perDay.events.events));
  });

  it('walks only the days not yet complete, as separate runs', async () => {
    const t = setup();
    await runFetch(command({ mode: 'date', date: '2025-10-10' }), t.ports, t.options);
    await runFetch(command({ mode: 'date', date: '2025-10-05' }), t.ports, t.options);
    t.source.requests.length = 0;
    const result = await runFetch(
      command({ mode: 'range', from: '2025-10-01', to: '2025-10-12' }),
      t.ports,
      t.options,
    );
    expect(
      t.source.requests.map((r) => [new Date(r.from).toISOString(), new Date(r.to).toISOString()]),
    ).toEqual([
      ['2025-10-11T00:00:00.000Z', '2025-10-13T00:00:00.000Z'],
      ['2025-10-06T00:00:00.000Z', '2025-10-10T00:00:00.000Z'],
      ['2025-10-01T00:00:00.000Z', '2025-10-05T00:00:00.000Z'],
    ]);
    if (result.event !== 'completed') throw new Error(JSON.stringify(result));
    expect(result.days.filter((d) => d.skipped).map((d) => d.date)).toEqual([
      '2025-10-10',
      '2025-10-05',
    ]);
    expect(kinds(t.events.events).slice(-13, -1)).toEqual(
      result.days.map((d) => `progress:${d.date}`),
    );
    expect(result.days).toHaveLength(12);
  });

  it('skips complete days on a re-run and fetches them again with force', async () => {
    const t = setup();
    await runFetch(command({ mode: 'days', days: 2 }), t.ports, t.options);
    const before = t.store.days();
    t.source.requests.length = 0;
    const again = await runFetch(command({ mode: 'days', days: 2 }), t.ports, t.options);
    expect(t.source.requests).toHaveLength(0);
    if (again.event !== 'completed') throw new Error('expected completed');
    expect(again.days.every((d) => d.skipped)).toBe(true);
    expect(again.days.map((d) => d.count)).toEqual([
      inDay('2025-11-07').length,
      inDay('2025-11-06').length,
    ]);
    expect(again.processed).toBe(0);
    const progress = t.events.events.filter((e) => e.event === 'progress').slice(-2);
    expect(progress.every((e) => e.event === 'progress' && e.skipped)).toBe(true);

    const forced = await runFetch(
      command({ mode: 'days', days: 2, options: { force: true } }),
      t.ports,
      t.options,
    );
    expect(t.source.requests).toHaveLength(1);
    expect(forced.processed).toBeGreaterThan(0);
    expect(t.store.days()).toEqual(before);
  });

  it('stores today but never marks it complete', async () => {
    const t = setup();
    const result = await runFetch(
      command({ mode: 'days', days: 1, options: { include_today: true } }),
      t.ports,
      t.options,
    );
    if (result.event !== 'completed') throw new Error('expected completed');
    expect(result.days.map((d) => [d.date, d.complete, d.outcome])).toEqual([
      ['2025-11-08', false, 'partial'],
      ['2025-11-07', true, 'stored'],
    ]);
    expect((await t.progress.completed(CHAT, ['2025-11-08'])).size).toBe(0);
    expect((await t.store.readDay(CHAT, '2025-11-08'))?.complete).toBe(false);
  });

  it('writes empty days as empty, and they count as complete', async () => {
    const t = setup({}, []);
    t.source.set(CHAT, []);
    const result = await runFetch(
      command({ mode: 'range', from: '2025-01-01', to: '2025-01-03' }),
      t.ports,
      t.options,
    );
    if (result.event !== 'completed') throw new Error('expected completed');
    expect(result.days.map((d) => d.count)).toEqual([0, 0, 0]);
    expect((await t.store.readDay(CHAT, '2025-01-02'))?.messages).toEqual([]);
    expect((await t.progress.completed(CHAT, ['2025-01-02'])).size).toBe(1);
  });

  it('honours limit: the most recent messages, the cut day stored but not complete', async () => {
    const t = setup();
    const perDay = inDay('2025-11-07').length;
    const result = await runFetch(
      command({ mode: 'days', days: 3, limit: perDay + 5 }),
      t.ports,
      t.options,
    );
    if (result.event !== 'completed') throw new Error('expected completed');
    expect(result.processed).toBe(perDay + 5);
    // The day the limit never reached is listed too, so the command says what it left.
    expect(result.days.map((d) => [d.date, d.count, d.complete, d.outcome])).toEqual([
      ['2025-11-07', perDay, true, 'stored'],
      ['2025-11-06', 5, false, 'partial'],
      ['2025-11-05', 0, false, 'not_reached'],
    ]);
    expect(kinds(t.events.events)).toEqual([
      'started',
      'progress:2025-11-07',
      'progress:2025-11-06',
      'progress:2025-11-05',
      'completed',
    ]);
    expect((await t.store.readDay(CHAT, '2025-11-06'))?.messages.map((m) => m.id)).toEqual(
      inDay('2025-11-06').slice(-5),
    );
    expect(await t.store.readDay(CHAT, '2025-11-05')).toBeUndefined();
    expect((await t.progress.completed(CHAT, ['2025-11-06', '2025-11-07'])).size).toBe(1);
  });

  it('honours limit across per_day walks', async () => {
    const t = setup();
    const result = await runFetch(
      command({ mode: 'days', days: 3, limit: 3, strategy: 'per_day' }),
      t.ports,
      t.options,
    );
    expect(result.processed).toBe(3);
    expect(t.source.requests).toHaveLength(1);
  });

  it('hands days to the store as the walk passes them, holding one day at a time', async () => {
    const t = setup();
    const written: string[] = [];
    const seenWhenWritten: number[] = [];
    let yielded = 0;
    const source: MessageSource = {
      async *messages(request, signal) {
        for await (const m of t.source.messages(request, signal)) {
          yielded++;
          yield m;
        }
      },
    };
    const store = {
      ...t.store,
      writeDay: async (day: Parameters<typeof t.store.writeDay>[0]) => {
        written.push(day.date);
        seenWhenWritten.push(yielded);
        return t.store.writeDay(day);
      },
    };
    await runFetch(
      command({ mode: 'range', from: '2025-10-01', to: '2025-10-05' }),
      { ...t.ports, source, store },
      t.options,
    );
    expect(written).toEqual(['2025-10-05', '2025-10-04', '2025-10-03', '2025-10-02', '2025-10-01']);
    // Each day is written before the walk has gone more than one message past it.
    const cumulative = ['05', '04', '03', '02'].map((_d, i, all) =>
      all.slice(0, i + 1).reduce((n, x) => n + inDay(`2025-10-${x}`).length, 0),
    );
    expect(seenWhenWritten.slice(0, 4)).toEqual(cumulative.map((n) => n + 1));
  });

  it('ignores messages a source returns outside the range, and merges one whose date is out of order', async () => {
    const t = setup();
    const at = (id: number, date: string): TgMessage => ({ id, date, chat: CHAT, text: `m${id}` });
    // Newest id first, as Telegram pages; id 7 carries a date later than id 8's.
    const walk = [
      at(99, '2025-12-01T00:00:00Z'),
      at(10, '2025-10-02T12:00:00Z'),
      at(9, '2025-10-02T06:00:00Z'),
      at(8, '2025-10-01T20:00:00Z'),
      at(7, '2025-10-02T01:00:00Z'),
      at(6, '2025-10-01T10:00:00Z'),
    ];
    const source: MessageSource = {
      async *messages() {
        yield* walk;
      },
    };
    const result = await runFetch(
      command({ mode: 'range', from: '2025-10-01', to: '2025-10-02' }),
      { ...t.ports, source },
      t.options,
    );
    expect((await t.store.readDay(CHAT, '2025-10-02'))?.messages.map((m) => m.id)).toEqual([
      7, 9, 10,
    ]);
    expect((await t.store.readDay(CHAT, '2025-10-01'))?.messages.map((m) => m.id)).toEqual([6, 8]);
    if (result.event !== 'completed') throw new Error('expected completed');
    expect(result.days.map((d) => [d.date, d.count])).toEqual([
      ['2025-10-02', 3],
      ['2025-10-01', 2],
    ]);
    expect(result.processed).toBe(5);
    // The late message's day is recorded with the count it ended with.
    const recorded = await t.progress.completed(CHAT, ['2025-10-01', '2025-10-02']);
    expect([...recorded.values()].map((r) => [r.date, r.count])).toEqual([
      ['2025-10-01', 2],
      ['2025-10-02', 3],
    ]);
  });

  it('keeps two runs on one chat apart with a lock', async () => {
    const t = setup();
    const ports = { ...t.ports, lock: createMemoryLock() };
    const a = runFetch(
      command({ mode: 'date', date: '2025-11-01', command_id: 'a' }),
      ports,
      t.options,
    );
    const b = runFetch(
      command({ mode: 'date', date: '2025-11-02', command_id: 'b' }),
      ports,
      t.options,
    );
    await Promise.all([a, b]);
    expect(t.events.events.map((e) => `${e.command_id}:${e.event}`)).toEqual([
      'a:started',
      'a:progress',
      'a:completed',
      'b:started',
      'b:progress',
      'b:completed',
    ]);
  });
});

describe('runFetch: retries in virtual time', () => {
  it('sleeps a flood wait in the middle of a walk and resumes without gaps or repeats', async () => {
    let thrown = 0;
    const t = setup({
      fault: (yielded) => (yielded === 50 && thrown++ === 0 ? new FloodWaitError(42) : undefined),
    });
    const notices: RetryNotice[] = [];
    const result = await runFetch(
      command({ mode: 'range', from: '2025-10-01', to: '2025-10-05' }),
      t.ports,
      {
        ...t.options,
        onRetry: (n) => notices.push(n),
      },
    );
    expect(result).toMatchObject({ event: 'completed', errors: 1 });
    expect(t.clock.slept).toEqual([42_000 + 2_100]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      attempt: 1,
      delayMs: 44_100,
      until: NOW + 44_100,
      error: { code: 'FLOOD_WAIT' },
    });
    expect(t.source.requests).toHaveLength(2);
    expect(t.source.requests[1]!.beforeId).toBeDefined();
    for (const date of ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05']) {
      expect((await t.store.readDay(CHAT, date))?.messages.map((m) => m.id)).toEqual(inDay(date));
    }
    const total = ['01', '02', '03', '04', '05'].reduce(
      (n, d) => n + inDay(`2025-10-${d}`).length,
      0,
    );
    expect(result.processed).toBe(total);
  });

  it('fails with a retryable FLOOD_WAIT when the wait is above the maximum, keeping the days stored', async () => {
    const first = inDay('2025-10-05').length;
    const t = setup({
      fault: (yielded) => (yielded === first + 3 ? new FloodWaitError(86_400) : undefined),
    });
    const result = await runFetch(
      command({ mode: 'range', from: '2025-10-01', to: '2025-10-05' }),
      t.ports,
      t.options,
    );
    expect(result.event).toBe('failed');
    if (result.event !== 'failed') throw new Error('unreachable');
    expect(result.error).toMatchObject({ code: 'FLOOD_WAIT', retryable: true });
    expect(result.days?.map((d) => d.date)).toEqual(['2025-10-05']);
    expect(t.clock.slept).toEqual([]);
    expect((await t.store.readDay(CHAT, '2025-10-05'))?.count).toBe(first);
    expect(await t.store.readDay(CHAT, '2025-10-04')).toBeUndefined();
    expect(t.events.events.at(-1)).toMatchObject({ event: 'failed', status: 'failed' });
  });

  it('backs off on transient errors and succeeds when they pass', async () => {
    let failures = 0;
    const t = setup({
      fault: (yielded) => {
        if (yielded > 0 || failures === 4) return undefined;
        failures++;
        return new TransientError('TIMEOUT', 'timed out');
      },
    });
    const result = await runFetch(
      command({ mode: 'date', date: '2025-10-03' }),
      t.ports,
      t.options,
    );
    expect(result).toMatchObject({ event: 'completed', errors: 4 });
    expect(t.clock.slept).toEqual([375, 750, 1500, 3000]);
    expect((await t.store.readDay(CHAT, '2025-10-03'))?.messages.map((m) => m.id)).toEqual(
      inDay('2025-10-03'),
    );
  });

  it('gives up on transient errors after the configured attempts', async () => {
    const t = setup({ fault: () => new TransientError('DISCONNECTED', 'connection lost') });
    const result = await runFetch(command({ mode: 'date', date: '2025-10-03' }), t.ports, {
      ...t.options,
      retry: { maxAttempts: 3 },
    });
    expect(result).toMatchObject({
      event: 'failed',
      errors: 3,
      error: { code: 'DISCONNECTED', retryable: true },
    });
    expect(t.clock.slept).toHaveLength(2);
  });

  it('fails at once on a fatal error', async () => {
    const t = setup({ fault: () => new FatalError('AUTH_FAILED', 'session revoked') });
    const result = await runFetch(
      command({ mode: 'date', date: '2025-10-03' }),
      t.ports,
      t.options,
    );
    expect(result).toMatchObject({
      event: 'failed',
      errors: 1,
      error: { code: 'AUTH_FAILED', retryable: false },
    });
    expect(t.clock.slept).toEqual([]);
  });

  it('fails an unknown chat', async () => {
    const t = setup();
    const result = await runFetch(
      command({ mode: 'date', date: '2025-10-03', chat: 'nobody_here' }),
      t.ports,
      t.options,
    );
    expect(result).toMatchObject({ event: 'failed', error: { code: 'CHAT_NOT_FOUND' } });
  });

  it('reports a store failure as failed with its code', async () => {
    const t = setup();
    const store = { ...t.store, writeDay: async () => Promise.reject(new Error('disk on fire')) };
    const result = await runFetch(
      command({ mode: 'date', date: '2025-10-03' }),
      { ...t.ports, store },
      t.options,
    );
    expect(result).toMatchObject({
      event: 'failed',
      error: { code: 'UNEXPECTED', message: 'disk on fire' },
    });
  });
});

describe('runFetch: abort and resume', () => {
  it('stops on abort without a final event or a half day, and a re-run completes the same days', async () => {
    const controller = new AbortController();
    const stopAt = inDay('2025-10-05').length + inDay('2025-10-04').length + 7;
    const t = setup({
      fault: (yielded) => {
        if (yielded === stopAt) controller.abort();
        return undefined;
      },
    });
    const cmd = command({ mode: 'range', from: '2025-10-01', to: '2025-10-05' });
    await expect(
      runFetch(cmd, t.ports, { ...t.options, signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(t.events.events.map((e) => e.event)).toEqual(['started', 'progress', 'progress']);
    expect(
      t.store
        .days()
        .map((d) => d.date)
        .sort(),
    ).toEqual(['2025-10-04', '2025-10-05']);

    const resumed = await runFetch(cmd, t.ports, t.options);
    if (resumed.event !== 'completed') throw new Error('expected completed');
    expect(resumed.days.map((d) => [d.date, d.skipped])).toEqual([
      ['2025-10-05', true],
      ['2025-10-04', true],
      ['2025-10-03', false],
      ['2025-10-02', false],
      ['2025-10-01', false],
    ]);
    const clean = setup();
    await runFetch(cmd, clean.ports, clean.options);
    expect(t.store.days().sort((a, b) => a.date.localeCompare(b.date))).toEqual(
      clean.store.days().sort((a, b) => a.date.localeCompare(b.date)),
    );
  });

  it('does not take a source that quietly stops on abort for the end of history', async () => {
    const controller = new AbortController();
    const t = setup();
    const source: MessageSource = {
      async *messages(request, signal) {
        let n = 0;
        for await (const m of t.source.messages(request, signal)) {
          if (++n === 5) controller.abort();
          if (signal.aborted) return;
          yield m;
        }
      },
    };
    const run = runFetch(
      command({ mode: 'days', days: 2 }),
      { ...t.ports, source },
      { ...t.options, signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(t.store.days()).toEqual([]);
  });

  it('aborts a flood-wait sleep', async () => {
    const controller = new AbortController();
    const t = setup({ fault: () => new FloodWaitError(10) });
    const clock = { ...t.clock, sleep: async () => controller.abort() };
    const run = runFetch(command({ mode: 'date', date: '2025-10-03' }), t.ports, {
      ...t.options,
      clock,
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(t.events.events.map((e) => e.event)).toEqual(['started']);
  });

  it('ends the run when an event cannot be published: no retry, no failed event, days kept', async () => {
    const t = setup();
    const tried: string[] = [];
    const events = {
      async publish(event: FetchEvent) {
        tried.push(kinds([event])[0]!);
        // Retryable, as a dropped Redis connection is: still not the fetch's to retry.
        if (tried.length === 3) throw new TransientError('REDIS_DISCONNECTED', 'gone');
        await t.events.publish(event);
      },
    };
    const cmd = command({ mode: 'range', from: '2025-10-01', to: '2025-10-03' });
    await expect(runFetch(cmd, { ...t.ports, events }, t.options)).rejects.toMatchObject({
      code: 'REDIS_DISCONNECTED',
    });
    expect(tried).toEqual(['started', 'progress:2025-10-03', 'progress:2025-10-02']);
    const stored = await t.progress.completed(CHAT, ['2025-10-02', '2025-10-03']);
    expect([...stored.keys()].sort()).toEqual(['2025-10-02', '2025-10-03']);

    const again = await runFetch(cmd, t.ports, t.options);
    if (again.event !== 'completed') throw new Error('expected completed');
    expect(again.days.map((d) => [d.date, d.outcome])).toEqual([
      ['2025-10-03', 'skipped'],
      ['2025-10-02', 'skipped'],
      ['2025-10-01', 'stored'],
    ]);
  });

  it('does not start when already aborted', async () => {
    const t = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(
      runFetch(command({ mode: 'date', date: '2025-10-03' }), t.ports, {
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(t.events.events).toEqual([]);
  });
});

describe('runCommand', () => {
  it('publishes failed for a rejected command and fetches a good one', async () => {
    const t = setup();
    const bad = await runCommand(
      '{"command":"fetch","chat":"../etc","mode":"days","days":1,"command_id":"bad-1"}',
      t.ports,
      t.options,
    );
    expect(bad).toMatchObject({
      event: 'failed',
      status: 'failed',
      command_id: 'bad-1',
      chat: '../etc',
      mode: 'days',
      error: { code: 'INVALID_CHAT', retryable: false },
    });
    expect(t.events.events).toEqual([bad]);
    const good = await runCommand(
      { command: 'fetch', chat: CHAT, mode: 'days', days: 1 },
      t.ports,
      { ...t.options, newId: () => 'new-id' },
    );
    expect(good).toMatchObject({ event: 'completed', command_id: 'new-id' });
  });
});
