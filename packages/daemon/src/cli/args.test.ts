import { describe, expect, it } from 'vitest';
import { commandFromFlags, UsageError } from './args.js';

const now = Date.parse('2025-11-08T12:00:00Z');
const context = { now, timeZone: 'UTC', defaultStrategy: 'batch' };

describe('commandFromFlags', () => {
  it('builds a days command with the default strategy and a fresh command id', () => {
    const { command, wire } = commandFromFlags({ chat: 'ru_python', days: '3' }, context);
    expect(wire).toEqual({
      command: 'fetch',
      chat: 'ru_python',
      strategy: 'batch',
      mode: 'days',
      days: 3,
      command_id: command.command_id,
    });
    expect(command).toMatchObject({ chat: '@ru_python', mode: 'days', days: 3, strategy: 'batch' });
    expect(command.command_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('builds date and range commands with every option', () => {
    expect(
      commandFromFlags({ chat: '@a', date: '2025-11-07', strategy: 'per_day' }, context).wire,
    ).toMatchObject({
      mode: 'date',
      date: '2025-11-07',
      strategy: 'per_day',
    });
    const { wire, command } = commandFromFlags(
      {
        chat: 'https://t.me/abc',
        from: '2025-11-01',
        to: '2025-11-07',
        limit: '100',
        tz: 'Europe/Moscow',
        force: true,
        'include-today': true,
        'command-id': 'mine',
      },
      context,
    );
    expect(wire).toMatchObject({
      mode: 'range',
      from: '2025-11-01',
      to: '2025-11-07',
      limit: 100,
      command_id: 'mine',
      options: { force: true, include_today: true, tz: 'Europe/Moscow' },
    });
    expect(command).toMatchObject({ chat: '@abc', command_id: 'mine', limit: 100 });
  });

  it.each([
    [{}, '--chat is required'],
    [{ chat: 'x' }, 'give exactly one of'],
    [{ chat: 'x', date: '2025-11-07', days: '2' }, 'give exactly one of'],
    [{ chat: 'x', days: 'two' }, '--days must be a whole number, got "two"'],
    [{ chat: 'x', days: '2', limit: '-5' }, '--limit must be a whole number'],
    [{ chat: 'x', date: '2025-11-09' }, 'future'],
    [{ chat: 'x', from: '2025-11-05', to: '2025-11-01' }, 'is after to'],
    [{ chat: '../etc', days: '1' }, 'is not a chat'],
    [{ chat: 'x', days: '1', strategy: 'fastest' }, 'strategy'],
  ])('rejects %j as a usage error', (flags, message) => {
    expect(() => commandFromFlags(flags, context)).toThrow(UsageError);
    expect(() => commandFromFlags(flags, context)).toThrow(message);
  });

  it('a range with only --from is a range missing its end', () => {
    expect(() => commandFromFlags({ chat: 'x', from: '2025-11-01' }, context)).toThrow(/to/);
  });
});
