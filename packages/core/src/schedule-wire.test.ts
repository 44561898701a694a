import { describe, expect, it } from 'vitest';
import { parseCommand, parseWireCommand } from './command.js';
import { CommandErrorCode } from './error-codes.js';
import { createMemoryEventSink } from './memory/events.js';
import { createMemoryQueue } from './memory/queue.js';
import { createMemorySource } from './memory/source.js';
import { createMemoryProgress, createMemoryStore } from './memory/store.js';
import { type ScheduleCommand, scheduleCommandWire } from './schedule-command.js';
import { ScheduleError } from './schedules.js';
import { commandFromStreamFields } from './stream-fields.js';
import { createWorker } from './worker.js';

/** The schedule command as one of the queue's: the one parser, the worker's handler. */

const now = Date.parse('2025-11-08T12:00:00Z');
const add = {
  command: 'schedule',
  action: 'add',
  name: 'news',
  chats: ['@A', 'https://t.me/durov'],
  cron: '0 6 * * *',
  tz: 'europe/berlin',
  command_id: 's-1',
};

describe('parseWireCommand: schedule', () => {
  it('parses it with the schedule parser, the worker zone the default zone', () => {
    const parsed = parseWireCommand(
      { command: 'schedule', action: 'add', name: 'n', chat: '@x', every: '1h' },
      { now, timeZone: 'Asia/Tokyo', newId: () => 'id-1' },
    );
    expect(parsed).toMatchObject({
      ok: true,
      command: {
        command: 'schedule',
        action: 'add',
        command_id: 'id-1',
        schedule: { name: 'n', chats: ['@x'], every: '1h', tz: 'Asia/Tokyo' },
      },
    });
    expect(parseWireCommand('{"command":"schedule","action":"pause","name":"n"}')).toMatchObject({
      ok: true,
      command: { command: 'schedule', action: 'pause', name: 'n' },
    });
  });

  it('rejects it with SCHEDULE_ codes, as a schedule command without a chat', () => {
    const parsed = parseWireCommand({ ...add, cron: '61 * * * *' }, { now });
    if (parsed.ok) throw new Error('expected a rejection');
    expect(parsed.error).toBeInstanceOf(ScheduleError);
    expect(parsed.error.code).toBe('SCHEDULE_INVALID_CRON');
    expect(parsed.rejected).toEqual({
      command_id: 's-1',
      chat: null,
      mode: null,
      params: {},
      command: 'schedule',
    });
    // Refused before it is read (too large): a command's code, as for any command.
    const huge = parseWireCommand(JSON.stringify({ ...add, pad: 'x'.repeat(70_000) }));
    expect(huge).toMatchObject({ ok: false, error: { code: CommandErrorCode.PAYLOAD_TOO_LARGE } });
  });

  it('is not a fetch: parseCommand refuses it, valid or not, with COMMAND_UNSUPPORTED', () => {
    for (const input of [add, { ...add, every: '1h' }]) {
      const parsed = parseCommand(input, { now });
      expect(parsed).toMatchObject({
        ok: false,
        error: { code: CommandErrorCode.COMMAND_UNSUPPORTED },
        rejected: { command: 'schedule', command_id: 's-1', chat: null },
      });
    }
  });

  it('goes back on the wire as a command that parses to the same', () => {
    for (const input of [
      add,
      { ...add, replace: true, paused: true, days: 'since_last_run', requested_by: 'ops' },
      { command: 'schedule', action: 'remove', name: 'news', timestamp: 't' },
    ]) {
      const first = parseWireCommand(input, { now });
      if (!first.ok) throw first.error;
      const wire = scheduleCommandWire(first.command as ScheduleCommand);
      expect(parseWireCommand(JSON.stringify(wire), { now })).toEqual(first);
    }
  });

  it('comes as flat stream fields too, its booleans and numbers as text', () => {
    const text = commandFromStreamFields({
      command: 'schedule',
      action: 'add',
      name: 'n',
      chat: '@x',
      every: '10m',
      days: 'since_last_run',
      max_days: '3',
      replace: 'true',
      paused: 'false',
    });
    expect(parseWireCommand(text, { now })).toMatchObject({
      ok: true,
      command: { replace: true, schedule: { max_days: 3, paused: false, every: '10m' } },
    });
  });
});

describe('worker: schedule commands', () => {
  const setup = () => {
    const events = createMemoryEventSink();
    const ports = {
      source: createMemorySource({ '@x': [] }),
      store: createMemoryStore(),
      progress: createMemoryProgress(),
      events,
    };
    return { events, ports, queue: createMemoryQueue() };
  };

  it('hands it to the schedule handler, parsed, and acknowledges it', async () => {
    const { ports, queue } = setup();
    queue.push(JSON.stringify(add));
    const seen: ScheduleCommand[] = [];
    const worker = createWorker({
      queue,
      ports,
      handlers: { schedule: async (command) => void seen.push(command) },
    });
    try {
      await expect.poll(() => seen.length).toBe(1);
      expect(seen[0]).toMatchObject({
        action: 'add',
        schedule: { name: 'news', chats: ['@a', '@durov'], tz: 'Europe/Berlin' },
      });
      await expect.poll(() => queue.length()).toBe(0);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });

  it('fails an invalid one, or one no handler runs, with its failed event and goes on', async () => {
    const { events, ports, queue } = setup();
    queue.push(JSON.stringify({ ...add, command_id: 'bad', every: '1h' }));
    queue.push(JSON.stringify({ command: 'schedule', action: 'pause', name: 'news' }));
    const worker = createWorker({ queue, ports, runOptions: { workerId: 'w1' } });
    try {
      await expect.poll(() => events.events.length).toBe(2);
      expect(events.events[0]).toMatchObject({
        event: 'failed',
        command: 'schedule',
        command_id: 'bad',
        chat: null,
        error: { code: 'SCHEDULE_INVALID_TRIGGER', retryable: false },
      });
      expect(events.events[1]).toMatchObject({
        event: 'failed',
        command: 'schedule',
        error: { code: CommandErrorCode.COMMAND_UNSUPPORTED },
      });
      expect(await queue.deadLength()).toBe(0);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});
