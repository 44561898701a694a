import type * as v from 'valibot';
import { type ChatRef, parseChat } from './chat.js';
import { type CommandIssue, issue } from './command-issue.js';
import { type FetchCommandInputSchema, MAX_DAYS } from './command-schema.js';
import { canonicalZone, dateInZone, daysBetween, type IsoDate, isIsoDate } from './time-zone.js';

/** The `fetch` command once parsed: what the engine runs (`runFetch`). */

export type Strategy = 'batch' | 'per_day';
export type Mode = 'date' | 'days' | 'range';

export interface CommandOptions {
  force: boolean;
  include_today: boolean;
  tz?: string;
  /** Read the comments of a channel's posts too; absent: the runner's default (`RunOptions.comments`). */
  comments?: boolean;
}

interface CommandBase {
  command: 'fetch';
  command_id: string;
  chat: ChatRef;
  strategy: Strategy;
  options: CommandOptions;
  limit?: number;
  requested_by?: string;
  timestamp?: string;
}

/** A validated, normalised command: what the engine runs. */
export type FetchCommand =
  | (CommandBase & { mode: 'date'; date: IsoDate })
  | (CommandBase & { mode: 'days'; days: number })
  | (CommandBase & { mode: 'range'; from: IsoDate; to: IsoDate });

export type CommandParams = { date: IsoDate } | { days: number } | { from: IsoDate; to: IsoDate };

/** The params of a rejected command: those of its mode that are valid on their own. */
export type RejectedParams = Partial<{ date: IsoDate; days: number; from: IsoDate; to: IsoDate }>;

/** The `params` object of events: `{date}`, `{days}` or `{from, to}`. */
export function commandParams(command: FetchCommand): CommandParams {
  switch (command.mode) {
    case 'date':
      return { date: command.date };
    case 'days':
      return { days: command.days };
    case 'range':
      return { from: command.from, to: command.to };
  }
}

const MODE_FIELDS = ['mode', 'date', 'days', 'from', 'to'] as const;

/**
 * The form before v1: no `mode`, `days_back` (default 1) instead, strategies `auto` and
 * `sequential`. A command without `mode` that names a mode's own field (`date`, `days`,
 * `from`, `to`) is not that form: it lacks its `mode`.
 */
export function normaliseLegacy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (MODE_FIELDS.some((field) => record[field] !== undefined)) return value;
  const { days_back, ...rest } = record;
  return { ...rest, mode: 'days', days: days_back === undefined ? 1 : days_back };
}

export function normaliseFetch(
  input: v.InferOutput<typeof FetchCommandInputSchema>,
  newId: () => string,
): FetchCommand {
  const chat = parseChat(input.chat);
  const base: CommandBase = {
    command: 'fetch',
    command_id: input.command_id ?? newId(),
    chat: chat.ok ? chat.chat : String(input.chat),
    strategy: input.strategy === 'per_day' || input.strategy === 'sequential' ? 'per_day' : 'batch',
    options: {
      force: input.options?.force ?? false,
      include_today: input.options?.include_today ?? false,
      ...(input.options?.tz === undefined
        ? {}
        : { tz: canonicalZone(input.options.tz) ?? input.options.tz }),
      ...(input.options?.comments === undefined ? {} : { comments: input.options.comments }),
    },
  };
  if (input.limit !== undefined) base.limit = input.limit;
  if (input.requested_by !== undefined) base.requested_by = input.requested_by;
  if (input.timestamp !== undefined) base.timestamp = input.timestamp;
  switch (input.mode) {
    case 'date':
      return { ...base, mode: 'date', date: input.date };
    case 'days':
      return { ...base, mode: 'days', days: input.days };
    case 'range':
      return { ...base, mode: 'range', from: input.from, to: input.to };
  }
}

/** What needs the whole command or the clock: no future dates, `from <= to`, the span. */
export function crossFieldIssues(
  command: FetchCommand,
  now: number,
  timeZone: string,
): CommandIssue[] {
  const today = dateInZone(now, command.options.tz ?? timeZone);
  const future = (path: string, date: IsoDate) =>
    date > today
      ? [issue('FUTURE_DATE', path, `${date} is in the future (today is ${today})`)]
      : [];
  if (command.mode === 'date') return future('date', command.date);
  if (command.mode === 'range') {
    if (command.from > command.to) {
      return [issue('INVALID_RANGE', 'from', `from (${command.from}) is after to (${command.to})`)];
    }
    if (daysBetween(command.from, command.to) >= MAX_DAYS) {
      return [issue('INVALID_RANGE', 'to', `a range may span at most ${MAX_DAYS} days`)];
    }
    return [...future('from', command.from), ...future('to', command.to)];
  }
  return [];
}

export function rejectedMode(record: Record<string, unknown>): Mode | null {
  const mode = record.mode;
  return mode === 'date' || mode === 'days' || mode === 'range' ? mode : null;
}

/** The params of the command's mode that are valid on their own. */
export function rejectedParams(record: Record<string, unknown>): RejectedParams {
  const params: RejectedParams = {};
  const date = (v: unknown) => typeof v === 'string' && v.length === 10 && isIsoDate(v);
  if (record.mode === 'date' && date(record.date)) params.date = record.date as string;
  if (record.mode === 'range' && date(record.from)) params.from = record.from as string;
  if (record.mode === 'range' && date(record.to)) params.to = record.to as string;
  const days = record.days;
  if (
    record.mode === 'days' &&
    typeof days === 'number' &&
    Number.isInteger(days) &&
    days >= 1 &&
    days <= MAX_DAYS
  ) {
    params.days = days;
  }
  return params;
}
