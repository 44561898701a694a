import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_BYTES } from './command-schema.js';
import { parseScheduleCommand } from './schedule-command.js';

const opts = { now: Date.parse('2025-11-08T12:00:00Z'), newId: () => 'generated-id' };

function rejected(input: unknown) {
  const result = parseScheduleCommand(input, opts);
  if (result.ok) throw new Error('expected the command to be rejected');
  return result;
}

describe('parseScheduleCommand', () => {
  it('add: the schedule normalised, replace false unless said', () => {
    const result = parseScheduleCommand(
      '{"command":"schedule","action":"add","name":"news","chats":["@A"],"cron":"0 6 * * *","tz":"Europe/Berlin","days":2,"command_id":"c-1","requested_by":"ops"}',
      opts,
    );
    expect(result).toEqual({
      ok: true,
      command: {
        command: 'schedule',
        action: 'add',
        command_id: 'c-1',
        requested_by: 'ops',
        replace: false,
        schedule: {
          name: 'news',
          chats: ['@a'],
          days: 2,
          cron: '0 6 * * *',
          tz: 'Europe/Berlin',
          options: {},
          paused: false,
        },
      },
    });
    const replacing = parseScheduleCommand(
      { command: 'schedule', action: 'add', name: 'n', chat: 'x', every: '1h', replace: true },
      opts,
    );
    expect(replacing.ok && replacing.command.action === 'add' && replacing.command.replace).toBe(
      true,
    );
  });

  it('pause, resume and remove name a schedule', () => {
    for (const action of ['pause', 'resume', 'remove'] as const) {
      expect(
        parseScheduleCommand(
          new TextEncoder().encode(JSON.stringify({ command: 'schedule', action, name: 'news' })),
          opts,
        ),
      ).toEqual({
        ok: true,
        command: { command: 'schedule', action, name: 'news', command_id: 'generated-id' },
      });
    }
  });

  it('rejects with stable codes and echoes what identifies the command', () => {
    const bad = rejected({
      command: 'schedule',
      action: 'add',
      name: 'n',
      chat: 'x',
      command_id: 'c-2',
    });
    expect(bad.error.code).toBe('SCHEDULE_INVALID_TRIGGER');
    expect(bad.rejected).toEqual({ command_id: 'c-2', action: 'add', name: 'n' });

    expect(rejected({ command: 'schedule', action: 'stop', name: 'n' }).error.code).toBe(
      'SCHEDULE_UNKNOWN_ACTION',
    );
    expect(rejected({ command: 'schedule', name: 'n' }).error.code).toBe('SCHEDULE_UNKNOWN_ACTION');
    expect(rejected({ command: 'schedule', action: 'pause' }).error.issues).toEqual([
      { code: 'SCHEDULE_MISSING_FIELD', path: 'name', message: 'is missing' },
    ]);
    expect(rejected({ command: 'schedule', action: 'remove', name: '../x' }).error.code).toBe(
      'SCHEDULE_INVALID_NAME',
    );
    expect(rejected({ command: 'fetch', action: 'remove', name: 'x' }).error.code).toBe(
      'SCHEDULE_INVALID_FIELD',
    );
    const badId = rejected({
      command: 'schedule',
      action: 'pause',
      name: 'n',
      command_id: 'has space',
    });
    expect(badId.error.issues.map((i) => [i.code, i.path])).toEqual([
      ['SCHEDULE_INVALID_FIELD', 'command_id'],
    ]);
    expect(
      rejected({
        command: 'schedule',
        action: 'add',
        name: 'n',
        chat: 'x',
        every: '1h',
        replace: 'yes',
      }).error.code,
    ).toBe('SCHEDULE_INVALID_FIELD');
  });

  it('bounds what it reads: size, depth, encoding, exact numbers', () => {
    const big = JSON.stringify({
      command: 'schedule',
      action: 'pause',
      name: 'n',
      pad: 'x'.repeat(MAX_COMMAND_BYTES),
    });
    expect(rejected(big).error.code).toBe('SCHEDULE_TOO_LARGE');
    expect(rejected(new TextEncoder().encode(big)).error.code).toBe('SCHEDULE_TOO_LARGE');
    expect(
      rejected({
        command: 'schedule',
        action: 'pause',
        name: 'n',
        pad: 'x'.repeat(MAX_COMMAND_BYTES),
      }).error.code,
    ).toBe('SCHEDULE_TOO_LARGE');
    const deep = `{"command":"schedule","action":"pause","name":"n","x":${'['.repeat(20)}${']'.repeat(20)}}`;
    expect(rejected(deep).error.code).toBe('SCHEDULE_TOO_LARGE');
    expect(rejected(new Uint8Array([0x7b, 0xff, 0x7d])).error.code).toBe('SCHEDULE_NOT_JSON');
    expect(rejected('{"command":').error.code).toBe('SCHEDULE_NOT_JSON');
    expect(rejected('[1]').error.code).toBe('SCHEDULE_NOT_JSON');
    expect(rejected(undefined).error.code).toBe('SCHEDULE_NOT_JSON');
    const inexact = rejected(
      '{"command":"schedule","action":"add","name":"n","chats":[-1009007199254740993],"every":"1h"}',
    );
    expect(inexact.error.issues[0]).toMatchObject({
      code: 'SCHEDULE_INVALID_CHATS',
      path: 'chats.0',
    });
    const hostile = {
      get command(): string {
        throw new Error('boom');
      },
    };
    expect(rejected(hostile).error.code).toBe('SCHEDULE_NOT_JSON');
  });
});
