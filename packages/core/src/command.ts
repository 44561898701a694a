import * as v from 'valibot';
import { type ChatRef, parseChat } from './chat.js';
import {
  type FetchCommandInput,
  FetchCommandInputSchema,
  MAX_COMMAND_BYTES,
  MAX_COMMAND_DEPTH,
  MAX_DAYS,
} from './command-schema.js';
import { echo, preview } from './echo.js';
import { COMMAND_ERROR_CODES, CommandErrorCode } from './error-codes.js';
import { retryableIn } from './error-table.js';
import { TgfetchError } from './errors.js';
import { inspectJsonText } from './json-text.js';
import { canonicalZone, dateInZone, daysBetween, type IsoDate, isIsoDate } from './time-zone.js';

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

export interface CommandIssue {
  code: CommandErrorCode;
  /** Dot path of the offending field (`options.tz`), empty for the whole command. */
  path: string;
  message: string;
}

/** A rejected command. `code` is the first issue's; `issues` has them all. */
export class CommandError extends TgfetchError {
  override name = 'CommandError';
  readonly issues: readonly CommandIssue[];

  constructor(issues: readonly CommandIssue[]) {
    const first = issues[0] ?? {
      code: CommandErrorCode.INVALID_VALUE,
      path: '',
      message: 'invalid command',
    };
    super(first.code, issues.map(formatIssue).join('; '), {
      retryable: retryableIn(COMMAND_ERROR_CODES, first.code),
    });
    this.issues = issues;
  }
}

/**
 * What can be told of a rejected command, so its `failed` event still finds its sender:
 * the producer's own `command_id` when it sent a string (cut to `MAX_ECHO_LENGTH`), the
 * chat normalised when it parsed (else as sent, cut), the mode and the params that parsed.
 */
export interface RejectedCommand {
  command_id: string;
  chat: string | null;
  mode: Mode | null;
  params: Partial<{ date: IsoDate; days: number; from: IsoDate; to: IsoDate }>;
}

export type ParseResult =
  | { ok: true; command: FetchCommand }
  | { ok: false; error: CommandError; rejected: RejectedCommand };

export interface ParseOptions {
  /** "Now" for the future-date check, epoch ms. Default `Date.now()`. */
  now?: number;
  /** Zone of the future-date check when the command has no `options.tz`. Default `UTC`. */
  timeZone?: string;
  /** Makes `command_id` for commands that have none. Default `crypto.randomUUID`. */
  newId?: () => string;
}

/**
 * Validates and normalises a command: a JSON string, bytes or an already-parsed object.
 * Never throws; a bad command comes back as `{ ok: false }` with every issue found.
 */
export function parseCommand(input: unknown, options: ParseOptions = {}): ParseResult {
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  try {
    return parseOrReject(input, options, newId);
  } catch (error) {
    // Only an object handed in by code can get here (a getter or proxy that throws): text
    // and bytes are bounded before anything walks them. Still a rejection, never a throw.
    const why = error instanceof Error ? error.message : String(error);
    return reject(
      [issue('NOT_AN_OBJECT', '', `the command cannot be read: ${preview(why)}`)],
      undefined,
      newId,
    );
  }
}

function parseOrReject(input: unknown, options: ParseOptions, newId: () => string): ParseResult {
  const raw = decode(input);
  if ('issue' in raw) return reject([raw.issue], raw.identity, newId);
  const value = normaliseLegacy(raw.value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject([issue('NOT_AN_OBJECT', '', 'a command must be a JSON object')], value, newId);
  }
  const record = value as Record<string, unknown>;
  if (record.command !== 'fetch') {
    const message =
      record.command === undefined
        ? 'is missing: the only command is "fetch"'
        : `"${preview(record.command)}" is not a command: the only command is "fetch"`;
    return reject([issue('UNKNOWN_COMMAND', 'command', message)], value, newId);
  }
  // valibot's `object` takes arrays too; an options array is a type error, not an empty object.
  if (Array.isArray(record.options)) {
    return reject(
      [issue('INVALID_TYPE', 'options', 'must be an object, got an array')],
      value,
      newId,
    );
  }
  const parsed = v.safeParse(FetchCommandInputSchema, value, { abortEarly: false });
  if (!parsed.success) return reject(parsed.issues.map(toIssue), value, newId);

  const command = normalise(parsed.output, newId);
  const problems = crossFieldIssues(command, options);
  if (problems.length > 0) return reject(problems, value, newId);
  return { ok: true, command };
}

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

type Decoded = { value: unknown } | { issue: CommandIssue; identity?: Record<string, unknown> };

function decode(input: unknown): Decoded {
  let text: string | undefined;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    if (input.byteLength > MAX_COMMAND_BYTES) return { issue: tooLarge(input.byteLength) };
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return {
        issue: issue(
          'INVALID_ENCODING',
          '',
          'the command is not valid UTF-8 (JSON text must be UTF-8, RFC 8259 section 8.1)',
        ),
        ...idOfBrokenText(input),
      };
    }
  }
  if (text === undefined) {
    if (tooDeep(input, MAX_COMMAND_DEPTH)) return { issue: deep() };
    let size: number;
    try {
      size = byteLength(JSON.stringify(input) ?? '');
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        issue: issue('NOT_AN_OBJECT', '', `the command cannot be serialised as JSON: ${why}`),
      };
    }
    return size > MAX_COMMAND_BYTES ? { issue: tooLarge(size) } : { value: input };
  }
  const size = byteLength(text);
  if (size > MAX_COMMAND_BYTES) return { issue: tooLarge(size) };
  const problem = inspectJsonText(text, MAX_COMMAND_DEPTH);
  if (problem?.kind === 'too_deep') return { issue: deep(), ...identityOf(text) };
  if (problem?.kind === 'inexact_number') {
    const message = `${problem.literal} cannot be held exactly by a JSON number (a double); send it as a string`;
    const found = identityOf(text);
    // A rounded number is another value: never echo it as if it had been sent.
    if (found.identity && problem.path === 'chat') delete found.identity.chat;
    return { issue: issue('INEXACT_NUMBER', problem.path, message), ...found };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { issue: issue('INVALID_JSON', '', `the command is not valid JSON: ${why}`) };
  }
}

/**
 * The top-level fields of a command rejected before its checks (too deep, an inexact
 * number), so its `failed` event still carries the producer's `command_id`. `JSON.parse`
 * is iterative and the size is bounded; nothing recursive touches the nested value.
 */
function identityOf(text: string): { identity?: Record<string, unknown> } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { identity: { ...(value as Record<string, unknown>) } };
    }
  } catch {
    // Not JSON either: nothing to tell.
  }
  return {};
}

/**
 * The producer's `command_id` of a command that is not UTF-8, so that its `failed` event
 * still reaches the producer: read from a lenient decoding, and only when the id itself
 * decoded cleanly (nothing else of such a command is echoed).
 */
function idOfBrokenText(bytes: Uint8Array): { identity?: Record<string, unknown> } {
  const { identity } = identityOf(new TextDecoder('utf-8').decode(bytes));
  const id = identity?.command_id;
  return typeof id === 'string' && !id.includes('\uFFFD') ? { identity: { command_id: id } } : {};
}

const MODE_FIELDS = ['mode', 'date', 'days', 'from', 'to'] as const;

/**
 * Seed 000's form: no `mode`, `days_back` (default 1) instead, strategies `auto` and
 * `sequential`. A command without `mode` that names a mode's own field (`date`, `days`,
 * `from`, `to`) is not that form: it lacks its `mode`.
 */
function normaliseLegacy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (MODE_FIELDS.some((field) => record[field] !== undefined)) return value;
  const { days_back, ...rest } = record;
  return { ...rest, mode: 'days', days: days_back === undefined ? 1 : days_back };
}

function normalise(
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

function crossFieldIssues(command: FetchCommand, options: ParseOptions): CommandIssue[] {
  const today = dateInZone(
    options.now ?? Date.now(),
    command.options.tz ?? options.timeZone ?? 'UTC',
  );
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

const FIELD_CODES: Record<string, CommandErrorCode> = {
  chat: 'INVALID_CHAT',
  date: 'INVALID_DATE',
  from: 'INVALID_DATE',
  to: 'INVALID_DATE',
  days: 'INVALID_DAYS',
  'options.tz': 'INVALID_TIME_ZONE',
};

function toIssue(raw: v.BaseIssue<unknown>): CommandIssue {
  const path = (raw.path ?? []).map((p) => String(p.key)).join('.');
  if (raw.type === 'variant') {
    return raw.input === undefined
      ? issue('MISSING_FIELD', 'mode', 'is missing: use "date", "days" or "range"')
      : issue(
          'UNKNOWN_MODE',
          'mode',
          `"${preview(raw.input)}" is not a mode: use "date", "days" or "range"`,
        );
  }
  if (raw.kind === 'schema' && raw.input === undefined) {
    return issue('MISSING_FIELD', path, 'is missing');
  }
  const fieldCode = FIELD_CODES[path];
  if (raw.kind === 'validation' && fieldCode) return issue(fieldCode, path, raw.message);
  if (path === 'chat') return issue('INVALID_CHAT', path, raw.message);
  if (raw.kind === 'schema' && raw.type !== 'picklist') {
    return issue('INVALID_TYPE', path, `${raw.message}, got ${describe(raw.input)}`);
  }
  return issue('INVALID_VALUE', path, raw.message);
}

function reject(issues: CommandIssue[], value: unknown, newId: () => string): ParseResult {
  const record =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const id = record.command_id;
  const mode = record.mode;
  return {
    ok: false,
    error: new CommandError(issues),
    rejected: {
      command_id: typeof id === 'string' && id.length > 0 ? echo(id) : newId(),
      chat: rejectedChat(record.chat),
      mode: mode === 'date' || mode === 'days' || mode === 'range' ? mode : null,
      params: rejectedParams(record),
    },
  };
}

function rejectedChat(chat: unknown): string | null {
  if (typeof chat !== 'string' && typeof chat !== 'number') return null;
  const parsed = typeof chat === 'string' && chat.length > 256 ? undefined : parseChat(chat);
  return parsed?.ok ? parsed.chat : echo(String(chat));
}

/** The params of the command's mode that are valid on their own. */
function rejectedParams(record: Record<string, unknown>): RejectedCommand['params'] {
  const params: RejectedCommand['params'] = {};
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

/** True when `value` nests deeper than `max` (walked without recursion, so never throws). */
function tooDeep(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  let visited = 0;
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    // Anything this large is over the size limit anyway; JSON.stringify says so next.
    if (++visited > MAX_COMMAND_BYTES) return false;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

function issue(code: CommandErrorCode, path: string, message: string): CommandIssue {
  return { code, path, message };
}

function formatIssue(i: CommandIssue): string {
  return i.path ? `${i.path}: ${i.message}` : i.message;
}

function deep(): CommandIssue {
  return issue(
    'PAYLOAD_TOO_DEEP',
    '',
    `the command nests objects or arrays more than ${MAX_COMMAND_DEPTH} levels deep`,
  );
}

function tooLarge(size: number): CommandIssue {
  return issue(
    'PAYLOAD_TOO_LARGE',
    '',
    `the command is ${size} bytes; at most ${MAX_COMMAND_BYTES} are accepted`,
  );
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${preview(value)}`;
}

export type { FetchCommandInput };
