import * as v from 'valibot';
import { type ChatRef, parseChat } from './chat.js';
import { CommandError, type CommandIssue, issue, toIssue } from './command-issue.js';
import {
  CHAT_COMMANDS,
  type ChatCommandInput,
  type FetchCommandInput,
  FetchCommandInputSchema,
  FollowCommandSchema,
  UnfollowCommandSchema,
} from './command-schema.js';
import { decodeCommand } from './command-text.js';
import { echo, preview } from './echo.js';
import {
  crossFieldIssues,
  type FetchCommand,
  type Mode,
  normaliseFetch,
  normaliseLegacy,
  type RejectedParams,
  rejectedMode,
  rejectedParams,
} from './fetch-command.js';
import { parseScheduleCommand, type ScheduleCommand } from './schedule-command.js';
import type { ScheduleError } from './schedules.js';

/**
 * One parser for every command of the queue and the CLI: `fetch` (the engine runs it),
 * `follow` and `unfollow` (whoever keeps the followed chats runs them), `schedule` (whoever
 * keeps the schedules runs it). Each is bounded and checked by the same rules (size, depth,
 * UTF-8, exact numbers, `command_id`), and rejected with stable codes (a schedule's are
 * `SCHEDULE_*`).
 */

interface ChatCommandBase {
  command_id: string;
  chat: ChatRef;
  requested_by?: string;
  timestamp?: string;
}

/** Follow the chat live, until an `unfollow`. */
export interface FollowCommand extends ChatCommandBase {
  command: 'follow';
}

/** Stop following the chat live. */
export interface UnfollowCommand extends ChatCommandBase {
  command: 'unfollow';
}

/** A command about a chat as a whole rather than a span of its days. */
export type ChatCommand = FollowCommand | UnfollowCommand;

/** Any command of the wire contract, told apart by `command`. */
export type WireCommand = FetchCommand | ChatCommand | ScheduleCommand;

/** The commands other than fetch: a worker runs them with a handler of its own. */
export type HandledCommand = ChatCommand | ScheduleCommand;

/**
 * What can be told of a rejected command, so its `failed` event still finds its sender:
 * the producer's own `command_id` when it sent a string (cut to `MAX_ECHO_LENGTH`), the
 * chat normalised when it parsed (else as sent, cut), the mode and the params that parsed
 * (a fetch's), and `command` when it named one other than fetch (a schedule's chat is null).
 */
export interface RejectedCommand {
  command_id: string;
  chat: string | null;
  mode: Mode | null;
  params: RejectedParams;
  command?: HandledCommand['command'];
}

type Rejected<E extends Error = CommandError> = { ok: false; error: E; rejected: RejectedCommand };

/** A rejected schedule command carries its `SCHEDULE_*` error; any other a `CommandError`. */
export type WireParseResult =
  | { ok: true; command: WireCommand }
  | Rejected<CommandError | ScheduleError>;
/** The result of `parseCommand`: a fetch command, or why not. */
export type ParseResult = { ok: true; command: FetchCommand } | Rejected;

export interface ParseOptions {
  /** "Now" for the future-date check, epoch ms. Default `Date.now()`. */
  now?: number;
  /** Zone of the future-date check when the command has no `options.tz`. Default `UTC`. */
  timeZone?: string;
  /** Makes `command_id` for commands that have none. Default `crypto.randomUUID`. */
  newId?: () => string;
}

/**
 * Validates and normalises any command (`fetch`, `follow`, `unfollow`, `schedule`): a JSON string,
 * bytes or an already-parsed object. Never throws; a bad command comes back as
 * `{ ok: false }` with every issue found.
 */
export function parseWireCommand(input: unknown, options: ParseOptions = {}): WireParseResult {
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

/**
 * `parseWireCommand` for callers that run fetches only (the engine, `tgfetch fetch`): a
 * valid `follow` or `unfollow`, and any `schedule`, is rejected with `COMMAND_UNSUPPORTED`.
 */
export function parseCommand(input: unknown, options: ParseOptions = {}): ParseResult {
  const parsed = parseWireCommand(input, options);
  if (parsed.ok) {
    const { command } = parsed;
    if (command.command === 'fetch') return { ok: true, command };
    return unsupportedCommand(command, 'only "fetch" is taken here');
  }
  if (parsed.error instanceof CommandError) return { ...parsed, error: parsed.error };
  return unsupported(parsed.rejected, 'schedule', 'only "fetch" is taken here');
}

/** The rejection of a valid command that the caller does not run (`COMMAND_UNSUPPORTED`). */
export function unsupportedCommand(command: HandledCommand, why: string): Rejected {
  return unsupported(
    {
      command_id: command.command_id,
      chat: command.command === 'schedule' ? null : command.chat,
      mode: null,
      params: {},
    },
    command.command,
    why,
  );
}

function unsupported(
  rejected: RejectedCommand,
  command: HandledCommand['command'],
  why: string,
): Rejected {
  const message = `"${command}" is a command, but ${why}`;
  return {
    ok: false,
    error: new CommandError([issue('COMMAND_UNSUPPORTED', 'command', message)]),
    rejected: { ...rejected, command },
  };
}

function parseOrReject(
  input: unknown,
  options: ParseOptions,
  newId: () => string,
): WireParseResult {
  const raw = decodeCommand(input);
  if ('issue' in raw) return reject([raw.issue], raw.identity, newId);
  const name = commandName(raw.value);
  if (isChatCommand(name)) return parseChatCommand(raw.value, name, newId);
  if (name === 'schedule') return parseSchedule(raw.value, options, newId);
  const value = normaliseLegacy(raw.value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject([issue('NOT_AN_OBJECT', '', 'a command must be a JSON object')], value, newId);
  }
  const record = value as Record<string, unknown>;
  if (record.command !== 'fetch') {
    const message =
      record.command === undefined
        ? 'is missing: use "fetch", "follow", "unfollow" or "schedule"'
        : `"${preview(record.command)}" is not a command: use "fetch", "follow", "unfollow" or "schedule"`;
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

  const command = normaliseFetch(parsed.output, newId);
  const problems = crossFieldIssues(command, options.now ?? Date.now(), options.timeZone ?? 'UTC');
  if (problems.length > 0) return reject(problems, value, newId);
  return { ok: true, command };
}

/**
 * A schedule command by its own parser, decoded here under the same bounds (its size, depth
 * and numbers were checked on the text). The worker's zone is the zone of a schedule that
 * names none.
 */
function parseSchedule(
  value: unknown,
  options: ParseOptions,
  newId: () => string,
): WireParseResult {
  const parsed = parseScheduleCommand(value, {
    newId,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  });
  if (parsed.ok) return parsed;
  return {
    ok: false,
    error: parsed.error,
    rejected: {
      command_id: parsed.rejected.command_id,
      chat: null,
      mode: null,
      params: {},
      command: 'schedule',
    },
  };
}

function isChatCommand(name: unknown): name is ChatCommand['command'] {
  return (CHAT_COMMANDS as readonly unknown[]).includes(name);
}

function commandName(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>).command;
}

const CHAT_COMMAND_SCHEMAS = { follow: FollowCommandSchema, unfollow: UnfollowCommandSchema };

function parseChatCommand(
  value: unknown,
  name: ChatCommand['command'],
  newId: () => string,
): WireParseResult {
  const parsed = v.safeParse(CHAT_COMMAND_SCHEMAS[name], value, { abortEarly: false });
  if (!parsed.success) return reject(parsed.issues.map(toIssue), value, newId);
  const input: ChatCommandInput = parsed.output;
  const chat = parseChat(input.chat);
  const command: ChatCommand = {
    command: name,
    command_id: input.command_id ?? newId(),
    chat: chat.ok ? chat.chat : String(input.chat),
  };
  if (input.requested_by !== undefined) command.requested_by = input.requested_by;
  if (input.timestamp !== undefined) command.timestamp = input.timestamp;
  return { ok: true, command };
}

function reject(issues: CommandIssue[], value: unknown, newId: () => string): Rejected {
  const record =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const id = record.command_id;
  const name = record.command;
  const handled = isChatCommand(name) || name === 'schedule';
  return {
    ok: false,
    error: new CommandError(issues),
    rejected: {
      command_id: typeof id === 'string' && id.length > 0 ? echo(id) : newId(),
      // A schedule's chats are its own, not the command's.
      chat: name === 'schedule' ? null : rejectedChat(record.chat),
      // A follow's `mode` or `date` are unknown fields, not its own.
      mode: handled ? null : rejectedMode(record),
      params: handled ? {} : rejectedParams(record),
      ...(handled ? { command: name } : {}),
    },
  };
}

function rejectedChat(chat: unknown): string | null {
  if (typeof chat !== 'string' && typeof chat !== 'number') return null;
  const parsed = typeof chat === 'string' && chat.length > 256 ? undefined : parseChat(chat);
  return parsed?.ok ? parsed.chat : echo(String(chat));
}

export {
  type CommandOptions,
  type CommandParams,
  commandParams,
  type FetchCommand,
  type Mode,
  type Strategy,
} from './fetch-command.js';
export type { FetchCommandInput };
export { CommandError, type CommandIssue };
