import { describe, expect, it } from 'vitest';
import { commandParams, type FetchCommand, parseCommand } from './command.js';
import { MAX_ECHO_LENGTH } from './echo.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const opts = { now: NOW, newId: () => 'generated-id' };

function ok(input: unknown): FetchCommand {
  const result = parseCommand(input, opts);
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.command;
}

function rejected(input: unknown, options = opts) {
  const result = parseCommand(input, options);
  if (result.ok) throw new Error('expected the command to be rejected');
  return result;
}

describe('parseCommand: the three forms of DESIGN.md', () => {
  it('accepts mode date', () => {
    expect(
      ok(
        '{"command":"fetch","chat":"@ru_python","mode":"date","date":"2025-11-07","strategy":"batch"}',
      ),
    ).toEqual({
      command: 'fetch',
      command_id: 'generated-id',
      chat: '@ru_python',
      mode: 'date',
      date: '2025-11-07',
      strategy: 'batch',
      options: { force: false, include_today: false },
    });
  });

  it('accepts mode days', () => {
    const c = ok({
      command: 'fetch',
      chat: '@ru_python',
      mode: 'days',
      days: 3,
      strategy: 'batch',
    });
    expect(c).toMatchObject({ mode: 'days', days: 3, strategy: 'batch' });
    expect(commandParams(c)).toEqual({ days: 3 });
  });

  it('accepts mode range', () => {
    const c = ok({
      command: 'fetch',
      chat: '@ru_python',
      mode: 'range',
      from: '2025-11-01',
      to: '2025-11-07',
      strategy: 'per_day',
    });
    expect(c).toMatchObject({
      mode: 'range',
      from: '2025-11-01',
      to: '2025-11-07',
      strategy: 'per_day',
    });
    expect(commandParams(c)).toEqual({ from: '2025-11-01', to: '2025-11-07' });
  });

  it('keeps the optional fields and defaults the rest', () => {
    const c = ok({
      command: 'fetch',
      chat: 'ru_python',
      mode: 'date',
      date: '2025-11-08',
      command_id: 'abc-123',
      limit: 500,
      requested_by: 'analyzer',
      timestamp: '2025-11-08T05:55:48.276372',
      options: { force: true, tz: 'Europe/Moscow', include_today: true },
    });
    expect(c).toMatchObject({
      command_id: 'abc-123',
      limit: 500,
      requested_by: 'analyzer',
      timestamp: '2025-11-08T05:55:48.276372',
      strategy: 'batch',
      options: { force: true, tz: 'Europe/Moscow', include_today: true },
    });
    expect(commandParams(c)).toEqual({ date: '2025-11-08' });
  });

  it('assigns a UUID command_id by default', () => {
    const result = parseCommand({ command: 'fetch', chat: 'x_chat', mode: 'days', days: 1 });
    expect(result.ok && result.command.command_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts bytes', () => {
    const bytes = new TextEncoder().encode(
      '{"command":"fetch","chat":"abc","mode":"days","days":2}',
    );
    expect(ok(bytes)).toMatchObject({ chat: '@abc', days: 2 });
  });
});

describe('parseCommand: the older seed-000 form', () => {
  it('reads days_back as mode days and maps the strategies', () => {
    const c = ok(
      '{"command":"fetch","chat":"pythonstepikchat","days_back":1,"limit":100,"strategy":"auto"}',
    );
    expect(c).toMatchObject({
      chat: '@pythonstepikchat',
      mode: 'days',
      days: 1,
      limit: 100,
      strategy: 'batch',
    });
    expect(
      ok({ command: 'fetch', chat: 'a_chat', days_back: 2, strategy: 'sequential' }).strategy,
    ).toBe('per_day');
    expect(ok({ command: 'fetch', chat: 'a_chat', days_back: 2, strategy: 'batch' }).strategy).toBe(
      'batch',
    );
  });

  it('reads a command with neither mode nor days_back as one day (the form before v1: days_back defaults to 1)', () => {
    expect(ok({ command: 'fetch', chat: 'pythonstepikchat', limit: 100 })).toMatchObject({
      mode: 'days',
      days: 1,
      limit: 100,
    });
  });

  it('still rejects a bad days_back', () => {
    expect(rejected({ command: 'fetch', chat: 'a_chat', days_back: 0 }).error.code).toBe(
      'INVALID_DAYS',
    );
  });
});

describe('parseCommand: chat references', () => {
  const chatOf = (chat: unknown) => ok({ command: 'fetch', chat, mode: 'days', days: 1 }).chat;

  it.each([
    ['@ru_python', '@ru_python'],
    ['ru_python', '@ru_python'],
    ['@Ru_Python', '@ru_python'],
    ['https://t.me/ru_python', '@ru_python'],
    ['http://t.me/ru_python/', '@ru_python'],
    ['t.me/ru_python', '@ru_python'],
    ['https://t.me/s/ru_python', '@ru_python'],
    ['https://telegram.me/ru_python', '@ru_python'],
    ['-1001234567890', '-1001234567890'],
    ['777000', '777000'],
    [-1001234567890, '-1001234567890'],
  ])('normalises %s', (input, expected) => {
    expect(chatOf(input)).toBe(expected);
  });

  it.each([
    ['../x'],
    ['a/b'],
    ['..'],
    [''],
    ['   '],
    ['bad\u0000name'],
    ['new\nline'],
    ['x'.repeat(65)],
    ['@'],
    ['@1abc'],
    ['a b'],
    ['a.b'],
    ['https://t.me/+InviteHash'],
    ['https://example.com/ru_python'],
    ['-0012'],
    ['C:\\x'],
    ['%2e%2e'],
  ])('rejects %j as not a safe single path segment', (chat) => {
    const result = rejected({ command: 'fetch', chat, mode: 'days', days: 1 });
    expect(result.error.code).toBe('INVALID_CHAT');
    expect(result.error.issues[0]?.path).toBe('chat');
  });

  it('rejects an unsafe numeric id', () => {
    expect(rejected({ command: 'fetch', chat: 2 ** 60, mode: 'days', days: 1 }).error.code).toBe(
      'INVALID_CHAT',
    );
  });

  it('rejects a chat of the wrong type', () => {
    const result = rejected({ command: 'fetch', chat: ['x'], mode: 'days', days: 1 });
    expect(result.error.code).toBe('INVALID_CHAT');
    expect(result.rejected.chat).toBeNull();
  });
});

describe('parseCommand: every rejected input class has a stable code and a clear message', () => {
  const valid = { command: 'fetch', chat: '@ru_python', mode: 'date', date: '2025-11-07' };

  it.each([
    ['not JSON', '{"command":', 'INVALID_JSON', /not valid JSON/],
    ['an empty string', '', 'INVALID_JSON', /not valid JSON/],
    ['a JSON array', '[1,2]', 'NOT_AN_OBJECT', /JSON object/],
    ['a JSON number', '42', 'NOT_AN_OBJECT', /JSON object/],
    ['null', null, 'NOT_AN_OBJECT', /JSON object/],
    [
      'an unknown command',
      { ...valid, command: 'delete' },
      'UNKNOWN_COMMAND',
      /"delete" is not a command/,
    ],
    [
      'no command',
      { chat: 'x_chat', mode: 'days', days: 1 },
      'UNKNOWN_COMMAND',
      /command: is missing/,
    ],
    ['an unknown mode', { ...valid, mode: 'week' }, 'UNKNOWN_MODE', /"week" is not a mode/],
    [
      'no mode but a date',
      { command: 'fetch', chat: 'x_chat', date: '2025-11-07' },
      'MISSING_FIELD',
      /mode: is missing/,
    ],
    ['no chat', { command: 'fetch', mode: 'days', days: 1 }, 'MISSING_FIELD', /chat: is missing/],
    [
      'no date',
      { command: 'fetch', chat: 'x_chat', mode: 'date' },
      'MISSING_FIELD',
      /date: is missing/,
    ],
    [
      'days as a string',
      { command: 'fetch', chat: 'x_chat', mode: 'days', days: '3' },
      'INVALID_TYPE',
      /days: must be a number, got string/,
    ],
    [
      'force as a string',
      { ...valid, options: { force: 'yes' } },
      'INVALID_TYPE',
      /options.force: must be true or false/,
    ],
    ['options as an array', { ...valid, options: [] }, 'INVALID_TYPE', /options/],
    [
      'days = 0',
      { command: 'fetch', chat: 'x_chat', mode: 'days', days: 0 },
      'INVALID_DAYS',
      /at least 1/,
    ],
    [
      'days < 0',
      { command: 'fetch', chat: 'x_chat', mode: 'days', days: -5 },
      'INVALID_DAYS',
      /at least 1/,
    ],
    [
      'days absurdly large',
      { command: 'fetch', chat: 'x_chat', mode: 'days', days: 1e9 },
      'INVALID_DAYS',
      /at most 3660/,
    ],
    [
      'days fractional',
      { command: 'fetch', chat: 'x_chat', mode: 'days', days: 1.5 },
      'INVALID_DAYS',
      /whole number/,
    ],
    ['an impossible date', { ...valid, date: '2025-02-30' }, 'INVALID_DATE', /real calendar date/],
    ['a malformed date', { ...valid, date: '07.11.2025' }, 'INVALID_DATE', /YYYY-MM-DD/],
    ['a date-time', { ...valid, date: '2025-11-07T00:00:00Z' }, 'INVALID_DATE', /YYYY-MM-DD/],
    [
      'from after to',
      { ...valid, mode: 'range', from: '2025-11-07', to: '2025-11-01' },
      'INVALID_RANGE',
      /after/,
    ],
    [
      'a range too long',
      { ...valid, mode: 'range', from: '2010-01-01', to: '2025-11-01' },
      'INVALID_RANGE',
      /at most/,
    ],
    ['a future date', { ...valid, date: '2025-11-09' }, 'FUTURE_DATE', /in the future/],
    [
      'a future range end',
      { ...valid, mode: 'range', from: '2025-11-01', to: '2026-01-01' },
      'FUTURE_DATE',
      /in the future/,
    ],
    [
      'an unknown time zone',
      { ...valid, options: { tz: 'Mars/Olympus' } },
      'INVALID_TIME_ZONE',
      /not a known IANA time zone/,
    ],
    [
      'an unknown strategy',
      { ...valid, strategy: 'fast' },
      'INVALID_VALUE',
      /strategy: must be "batch" or "per_day"/,
    ],
    ['a zero limit', { ...valid, limit: 0 }, 'INVALID_VALUE', /limit: must be at least 1/],
    [
      'an over-long command_id',
      { ...valid, command_id: 'x'.repeat(129) },
      'INVALID_VALUE',
      /at most 128/,
    ],
    ['a command_id with spaces', { ...valid, command_id: 'a b' }, 'INVALID_VALUE', /printable/],
  ])('rejects %s', (_name, input, code, message) => {
    const { error } = rejected(input);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.name).toBe('CommandError');
    expect(error.retryable).toBe(false);
  });

  it('rejects payloads over 64 KiB, as text, bytes or object', () => {
    const big = { ...valid, requested_by: 'x', pad: 'y'.repeat(70_000) };
    expect(rejected(JSON.stringify(big)).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(rejected(new TextEncoder().encode(JSON.stringify(big))).error.code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(rejected(big).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a command that is not UTF-8 under its own command_id, echoing nothing else', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"command":"fetch","command_id":"c-latin1","chat":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('","mode":"days","days":1}'),
    ]);
    const result = rejected(bytes);
    expect(result.error.code).toBe('INVALID_ENCODING');
    expect(result.rejected).toMatchObject({ command_id: 'c-latin1', chat: null });
    // An id that is itself broken is not echoed: a fresh one is made.
    const brokenId = Buffer.concat([
      Buffer.from('{"command":"fetch","command_id":"c'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    expect(rejected(brokenId).rejected.command_id).not.toContain('\uFFFD');
  });

  it('rejects bytes that are not UTF-8 and objects that are not JSON', () => {
    const notUtf8 = rejected(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])).error;
    expect(notUtf8.code).toBe('INVALID_ENCODING');
    expect(notUtf8.message).toMatch(/not valid UTF-8.*RFC 8259/);
    // 0xE9 (é in Latin-1) inside a string: rejected, not decoded to U+FFFD and run.
    const latin1 = Uint8Array.from([
      ...new TextEncoder().encode('{"command":"fetch","chat":"caf'),
      0xe9,
      ...new TextEncoder().encode('","mode":"days","days":1}'),
    ]);
    expect(rejected(latin1).error.code).toBe('INVALID_ENCODING');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rejected(cyclic).error.code).toBe('PAYLOAD_TOO_DEEP');
    expect(rejected({ big: 10n }).error.code).toBe('NOT_AN_OBJECT');
  });

  it('reports every issue with its path', () => {
    const { error } = rejected({
      command: 'fetch',
      chat: '../x',
      mode: 'range',
      from: '2025-13-01',
      to: 5,
    });
    expect(error.issues.map((i) => [i.path, i.code])).toEqual([
      ['chat', 'INVALID_CHAT'],
      ['from', 'INVALID_DATE'],
      ['to', 'INVALID_TYPE'],
    ]);
  });

  it('checks future dates in the command time zone', () => {
    // 2025-11-08 12:00 UTC is already 2025-11-09 in Pacific/Kiritimati (UTC+14).
    expect(ok({ ...valid, date: '2025-11-09', options: { tz: 'Pacific/Kiritimati' } }).mode).toBe(
      'date',
    );
    expect(rejected({ ...valid, date: '2025-11-09' }).error.code).toBe('FUTURE_DATE');
    expect(
      parseCommand({ ...valid, date: '2025-11-09' }, { ...opts, timeZone: 'Asia/Tokyo' }).ok,
    ).toBe(false);
    expect(
      parseCommand({ ...valid, date: '2025-11-08' }, { ...opts, timeZone: 'Pacific/Kiritimati' })
        .ok,
    ).toBe(true);
  });

  it('tells what it could of a rejected command so its failed event finds the sender', () => {
    const result = rejected({
      command: 'fetch',
      chat: 'a/b',
      mode: 'days',
      days: 1,
      command_id: 'mine-1',
    });
    expect(result.rejected).toEqual({
      command_id: 'mine-1',
      chat: 'a/b',
      mode: 'days',
      params: { days: 1 },
    });
    expect(rejected('garbage').rejected).toEqual({
      command_id: 'generated-id',
      chat: null,
      mode: null,
      params: {},
    });
  });

  it("echoes the producer's own command_id, even an invalid one, cut to a bounded length", () => {
    const badId = rejected({
      command: 'fetch',
      chat: 'ok_chat',
      mode: 'x',
      command_id: 'has space',
    });
    expect(badId.rejected.command_id).toBe('has space');
    const long = rejected({
      command: 'fetch',
      chat: 'ok_chat',
      mode: 'x',
      command_id: 'é'.repeat(5000),
    });
    expect(long.rejected.command_id.length).toBeLessThanOrEqual(MAX_ECHO_LENGTH);
    expect(long.rejected.command_id.startsWith('éé')).toBe(true);
    // Not a string: nothing to echo, so a fresh id.
    expect(rejected({ command: 'fetch', command_id: 7 }).rejected.command_id).toBe('generated-id');
  });

  it('reports chat normalised and mode and params as far as they parsed', () => {
    const r = rejected({
      command: 'fetch',
      chat: 'T.me/Ru_Python',
      mode: 'range',
      from: '2025-11-01',
      to: '2025-13-01',
      options: { tz: 'Nowhere/City' },
    });
    expect(r.rejected).toEqual({
      command_id: 'generated-id',
      chat: '@ru_python',
      mode: 'range',
      params: { from: '2025-11-01' },
    });
    const date = rejected({ command: 'fetch', chat: '@x_y', mode: 'date', date: '2025-11-09' });
    expect(date.error.code).toBe('FUTURE_DATE');
    expect(date.rejected.params).toEqual({ date: '2025-11-09' });
    const chat = rejected({ command: 'fetch', chat: 'x'.repeat(10_000), mode: 'days', days: 1 });
    expect(chat.rejected.chat?.length).toBeLessThanOrEqual(MAX_ECHO_LENGTH);
  });
});

describe('parseCommand: hostile producers (bounded, never throws)', () => {
  const valid = { command: 'fetch', chat: '@ru_python', mode: 'date', date: '2025-11-07' };
  it('rejects deep nesting in any field with PAYLOAD_TOO_DEEP, as text or as an object', () => {
    for (const field of ['command', 'mode', 'chat', 'options', 'extra']) {
      for (const [open, close] of [
        ['[', ']'],
        ['{"a":', '}'],
      ] as const) {
        const deep = `${open.repeat(4100)}1${close.repeat(4100)}`;
        const text = `{"command":"fetch","chat":"@x_y","mode":"days","days":1,"${field}":${deep}}`;
        expect(rejected(text).error.code).toBe('PAYLOAD_TOO_DEEP');
      }
    }
    let nested: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) nested = { mode: nested };
    expect(rejected({ command: 'fetch', chat: '@x_y', mode: nested }).error.code).toBe(
      'PAYLOAD_TOO_DEEP',
    );
    // Its failed event still finds the producer.
    const withId = rejected(
      `{"command_id":"deep-1","command":"fetch","chat":"@x_y","mode":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    );
    expect(withId.rejected).toMatchObject({ command_id: 'deep-1', chat: '@x_y', mode: null });
    // Ordinary nesting is fine.
    expect(ok({ ...valid, extra: { a: [{ b: [1] }] } }).mode).toBe('date');
  });

  it('rejects an object it cannot read instead of throwing', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new RangeError('boom');
        },
        ownKeys() {
          throw new RangeError('boom');
        },
      },
    );
    expect(rejected(hostile).error.code).toBe('NOT_AN_OBJECT');
  });

  it('rejects numbers a double cannot hold exactly, with a hint to send a string', () => {
    const big = rejected(
      '{"command":"fetch","chat":-1009007199254740993,"mode":"days","days":1}',
    ).error;
    expect(big.code).toBe('INEXACT_NUMBER');
    expect(big.issues[0]?.path).toBe('chat');
    expect(big.message).toMatch(/-1009007199254740993.*send it as a string/);
    // Its identity comes back, but never the rounded chat: that would be another chat.
    const bigId = rejected(
      '{"command":"fetch","command_id":"big-1","chat":-1009007199254740993,"mode":"days","days":1}',
    );
    expect(bigId.rejected).toEqual({
      command_id: 'big-1',
      chat: null,
      mode: 'days',
      params: { days: 1 },
    });
    for (const literal of ['9007199254740993', '1e20', '3.0000000000000001', '1e400']) {
      const text = `{"command":"fetch","chat":"@x_y","mode":"days","days":${literal}}`;
      expect(rejected(text).error.code).toBe('INEXACT_NUMBER');
    }
    // The same chat as a string, and exact numbers, are fine; digits inside strings are not numbers.
    expect(
      ok('{"command":"fetch","chat":"-1009007199254740993","mode":"days","days":1}').chat,
    ).toBe('-1009007199254740993');
    expect(ok('{"command":"fetch","chat":-1001234567890,"mode":"days","days":3.0}')).toMatchObject({
      chat: '-1001234567890',
      days: 3,
    });
    expect(
      ok('{"command":"fetch","chat":"@x_y","mode":"days","days":1,"note":"99999999999999999999"}')
        .mode,
    ).toBe('days');
  });

  it('cuts an echoed invalid options.tz of 64 KB in the error message', () => {
    const { error } = rejected({ ...valid, options: { tz: 'Z'.repeat(60_000) } });
    expect(error.code).toBe('INVALID_TIME_ZONE');
    expect(error.message.length).toBeLessThan(400);
  });
});
