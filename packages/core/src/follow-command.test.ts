import { describe, expect, it } from 'vitest';
import { parseCommand, parseWireCommand, type WireCommand } from './command.js';
import { MAX_COMMAND_BYTES } from './command-schema.js';
import { MAX_ECHO_LENGTH } from './echo.js';
import { commandFromStreamFields } from './stream-fields.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const opts = { now: NOW, newId: () => 'generated-id' };

function ok(input: unknown): WireCommand {
  const result = parseWireCommand(input, opts);
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.command;
}

function rejected(input: unknown) {
  const result = parseWireCommand(input, opts);
  if (result.ok) throw new Error('expected the command to be rejected');
  return result;
}

describe.each(['follow', 'unfollow'] as const)('parseWireCommand: %s', (command) => {
  it('accepts every chat form, normalised as a fetch normalises it', () => {
    for (const [chat, canonical] of [
      ['@Ru_Python', '@ru_python'],
      ['ru_python', '@ru_python'],
      ['https://t.me/ru_python', '@ru_python'],
      [' @padded ', '@padded'],
      [-1001234567890, '-1001234567890'],
      ['-1001234567890', '-1001234567890'],
    ] as const) {
      expect(ok({ command, chat })).toEqual({
        command,
        command_id: 'generated-id',
        chat: canonical,
      });
      const fetch = parseCommand({ command: 'fetch', chat, mode: 'days', days: 1 }, opts);
      expect(fetch.ok && fetch.command.chat).toBe(canonical);
    }
  });

  it('keeps command_id, requested_by and timestamp, and ignores other fields (a fetch’s own too)', () => {
    const text = JSON.stringify({
      command,
      chat: '@x_y',
      command_id: 'job-1',
      requested_by: 'console',
      timestamp: '2025-11-08T05:55:48',
      mode: 'week',
      days: -1,
      options: [],
    });
    expect(ok(text)).toEqual({
      command,
      chat: '@x_y',
      command_id: 'job-1',
      requested_by: 'console',
      timestamp: '2025-11-08T05:55:48',
    });
    expect(ok(new TextEncoder().encode(text))).toMatchObject({ command, command_id: 'job-1' });
  });

  it('comes from a stream entry of flat fields as from JSON', () => {
    expect(ok(commandFromStreamFields({ command, chat: '@x_y', command_id: 'c-9' }))).toEqual({
      command,
      chat: '@x_y',
      command_id: 'c-9',
    });
  });

  it('rejects what fetch rejects, with the same codes and paths', () => {
    const cases: Array<[unknown, string, string]> = [
      [{ command }, 'MISSING_FIELD', 'chat'],
      [{ command, chat: '../../etc' }, 'INVALID_CHAT', 'chat'],
      [{ command, chat: '' }, 'INVALID_CHAT', 'chat'],
      [{ command, chat: 1.5 }, 'INVALID_CHAT', 'chat'],
      [{ command, chat: null }, 'INVALID_CHAT', 'chat'],
      [{ command, chat: '@x_y', command_id: 'has space' }, 'INVALID_VALUE', 'command_id'],
      [{ command, chat: '@x_y', command_id: 42 }, 'INVALID_TYPE', 'command_id'],
      [{ command, chat: '@x_y', requested_by: 'x'.repeat(257) }, 'INVALID_VALUE', 'requested_by'],
      [{ command, chat: '@x_y', timestamp: 1731047748 }, 'INVALID_TYPE', 'timestamp'],
      [`{"command":"${command}","chat":-1009007199254740993}`, 'INEXACT_NUMBER', 'chat'],
      [`{"command":"${command}","chat":"@x_y"`, 'INVALID_JSON', ''],
      [{ command, chat: '@x_y', pad: 'x'.repeat(MAX_COMMAND_BYTES) }, 'PAYLOAD_TOO_LARGE', ''],
      [
        `{"command":"${command}","chat":"@x_y","x":${'['.repeat(16)}${']'.repeat(16)}}`,
        'PAYLOAD_TOO_DEEP',
        '',
      ],
    ];
    for (const [input, code, path] of cases) {
      const parsed = rejected(input);
      expect(parsed.error.code, JSON.stringify(input).slice(0, 80)).toBe(code);
      expect(parsed.error.retryable).toBe(false);
      expect(parsed.error.issues[0]?.path).toBe(path);
      const same = typeof input === 'object' ? { ...input, command: 'fetch', days_back: 1 } : null;
      if (same) expect(rejected(same).error.code).toBe(code);
    }
  });

  it('tells what it could of a rejected one: its id cut short, its chat, which command; no mode', () => {
    const parsed = rejected({
      command,
      chat: 'T.ME/Durov',
      command_id: `${'x'.repeat(200)} `,
      mode: 'date',
      date: '2025-11-07',
    });
    expect(parsed.rejected).toEqual({
      command_id: expect.stringMatching(/^x+\.\.\.$/),
      chat: '@durov',
      mode: null,
      params: {},
      command,
    });
    expect(parsed.rejected.command_id).toHaveLength(MAX_ECHO_LENGTH);
  });

  it('answers bytes that are not UTF-8 under their own command_id', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode(`{"command":"${command}","command_id":"c-1","chat":"@a`),
      0xff,
      ...new TextEncoder().encode('"}'),
    ]);
    const parsed = rejected(bytes);
    expect(parsed.error.code).toBe('INVALID_ENCODING');
    expect(parsed.rejected).toMatchObject({ command_id: 'c-1', chat: null, mode: null });
  });

  it('is no fetch: parseCommand refuses it with COMMAND_UNSUPPORTED, naming it', () => {
    const parsed = parseCommand({ command, chat: '@X_Y', command_id: 'c-2' }, opts);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ code: 'COMMAND_UNSUPPORTED', retryable: false });
    expect(parsed.error.message).toContain(`"${command}"`);
    expect(parsed.rejected).toEqual({
      command_id: 'c-2',
      chat: '@x_y',
      mode: null,
      params: {},
      command,
    });
  });
});

describe('parseWireCommand: the command names', () => {
  it('rejects any other name, in any case, with UNKNOWN_COMMAND naming the four', () => {
    for (const command of ['Follow', 'FOLLOW', 'follows', 'subscribe', '', 1, null]) {
      const parsed = rejected({ command, chat: '@x_y' });
      expect(parsed.error.code).toBe('UNKNOWN_COMMAND');
      expect(parsed.error.message).toMatch(/"fetch", "follow", "unfollow" or "schedule"/);
      expect(parsed.rejected).not.toHaveProperty('command');
    }
  });

  it('keeps fetch as it was, the older form included', () => {
    expect(ok({ command: 'fetch', chat: '@x_y' })).toMatchObject({
      command: 'fetch',
      mode: 'days',
      days: 1,
    });
  });
});
