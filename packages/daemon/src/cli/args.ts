import { type FetchCommand, parseCommand } from '@tgfetch/core';
import type { FlagsOf } from './flags.js';

/** A usage mistake: printed with the help hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'USAGE';
}

/** The flags that shape a fetch command (`fetch` and `send` share them). */
export type CommandFlags = Pick<
  FlagsOf<'send'>,
  | 'chat'
  | 'date'
  | 'days'
  | 'from'
  | 'to'
  | 'strategy'
  | 'limit'
  | 'tz'
  | 'force'
  | 'include-today'
  | 'comments'
  | 'command-id'
>;

/**
 * Builds the wire command from flags and runs it through the same parser as commands from
 * Redis, so the CLI and the queue accept exactly the same things.
 */
export function commandFromFlags(
  flags: CommandFlags,
  context: { now: number; timeZone: string; defaultStrategy: string },
): { command: FetchCommand; wire: Record<string, unknown> } {
  if (!flags.chat) throw new UsageError('--chat is required');
  const modes = [
    flags.date && 'date',
    flags.days && 'days',
    (flags.from || flags.to) && 'range',
  ].filter(Boolean);
  if (modes.length !== 1)
    throw new UsageError('give exactly one of --date D, --days N, or --from A --to B');
  const wire: Record<string, unknown> = {
    command: 'fetch',
    chat: flags.chat,
    strategy: flags.strategy ?? context.defaultStrategy,
  };
  if (flags.date) Object.assign(wire, { mode: 'date', date: flags.date });
  if (flags.days) Object.assign(wire, { mode: 'days', days: numeric(flags.days, '--days') });
  if (modes[0] === 'range') Object.assign(wire, { mode: 'range', from: flags.from, to: flags.to });
  if (flags.limit) wire.limit = numeric(flags.limit, '--limit');
  if (flags['command-id']) wire.command_id = flags['command-id'];
  const options: Record<string, unknown> = {};
  if (flags.force) options.force = true;
  if (flags['include-today']) options.include_today = true;
  if (flags.comments) options.comments = true;
  if (flags.tz) options.tz = flags.tz;
  if (Object.keys(options).length > 0) wire.options = options;
  const parsed = parseCommand(wire, { now: context.now, timeZone: context.timeZone });
  if (!parsed.ok) throw new UsageError(parsed.error.message);
  return { command: parsed.command, wire: { ...wire, command_id: parsed.command.command_id } };
}

function numeric(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return Number(value);
}
