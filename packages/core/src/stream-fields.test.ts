import { describe, expect, it } from 'vitest';
import { parseCommand } from './command.js';
import { commandFromStreamFields } from './stream-fields.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const parse = (fields: Record<string, string>) =>
  parseCommand(commandFromStreamFields(fields), { now: NOW, newId: () => 'new' });

describe('stream entries: JSON in field payload, or flat fields', () => {
  it('takes the JSON of field payload as it is', () => {
    const json = '{"command":"fetch","chat":"@x_y","mode":"days","days":3}';
    expect(commandFromStreamFields({ payload: json, other: 'ignored' })).toBe(json);
  });

  it('reads flat fields, numbers and booleans as strings in this form only', () => {
    const r = parse({
      command: 'fetch',
      chat: '@X_y',
      mode: 'days',
      days: '3',
      limit: '100',
      command_id: 'flat-1',
      'options.tz': 'europe/moscow',
      'options.force': 'true',
    });
    expect(r.ok && r.command).toMatchObject({
      command_id: 'flat-1',
      chat: '@x_y',
      mode: 'days',
      days: 3,
      limit: 100,
      options: { tz: 'Europe/Moscow', force: true, include_today: false },
    });
    // The JSON form keeps numbers numbers.
    const json = parseCommand('{"command":"fetch","chat":"@x_y","mode":"days","days":"3"}');
    expect(json.ok || json.error.code).toBe('INVALID_TYPE');
  });

  it("reads the original daemon's flat form (days_back, or nothing: one day)", () => {
    expect(parse({ command: 'fetch', chat: 'pythonstepikchat', days_back: '2' })).toMatchObject({
      ok: true,
      command: { mode: 'days', days: 2 },
    });
    expect(parse({ command: 'fetch', chat: 'pythonstepikchat' })).toMatchObject({
      ok: true,
      command: { mode: 'days', days: 1 },
    });
  });

  it('rejects flat values that are not what they should be, with the usual codes', () => {
    const bad = (fields: Record<string, string>) => {
      const r = parse({ command: 'fetch', chat: '@x_y', mode: 'days', ...fields });
      return r.ok ? 'ok' : r.error.code;
    };
    expect(bad({ days: 'three' })).toBe('INVALID_TYPE');
    expect(bad({ days: '-3' })).toBe('INVALID_TYPE');
    expect(bad({ days: '99999999999999999999' })).toBe('INVALID_TYPE');
    expect(bad({ days: '1', 'options.force': 'yes' })).toBe('INVALID_TYPE');
    // An entry in neither form: the first field's value is not taken for the command.
    const other = parse({ cmd: '{"command":"fetch","chat":"@x_y","mode":"days","days":1}' });
    expect(other.ok || other.error.code).toBe('UNKNOWN_COMMAND');
  });
});
