import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type FetchCommand, parseCommand } from '@tgfetch/core';

/** A usage mistake: printed with the help hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'USAGE';
}

export const COMMAND_FLAGS = {
  chat: { type: 'string' },
  date: { type: 'string' },
  days: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  strategy: { type: 'string' },
  limit: { type: 'string' },
  tz: { type: 'string' },
  force: { type: 'boolean' },
  'include-today': { type: 'boolean' },
  'command-id': { type: 'string' },
} as const;

export type CommandFlags = {
  [K in keyof typeof COMMAND_FLAGS]?: (typeof COMMAND_FLAGS)[K]['type'] extends 'boolean'
    ? boolean
    : string;
};

type FlagSpec = NonNullable<ParseArgsConfig['options']>;
type Flags<T extends FlagSpec> = {
  [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string;
};

export function parseFlags<const T extends FlagSpec>(argv: string[], options: T): Flags<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true })
      .values as Flags<T>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

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
