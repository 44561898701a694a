import * as v from 'valibot';
import { MAX_COMMAND_BYTES, MAX_COMMAND_DEPTH } from './command-schema.js';
import { echo, preview } from './echo.js';
import { inspectJsonText } from './json-text.js';
import { ScheduleInputSchema, ScheduleNameSchema } from './schedule-schema.js';
import {
  issue,
  parseSchedule,
  type Schedule,
  ScheduleError,
  type ScheduleIssue,
  type ScheduleParseOptions,
} from './schedules.js';

/**
 * The queue's `schedule` command: `{"command":"schedule","action":"add", <the schedule>}`
 * adds one (`"replace": true` replaces one of that name), and `pause`, `resume` and `remove`
 * name one (`"name": "news"`). Bounded and decoded as fetch commands are (64 KiB, 16 levels,
 * UTF-8, exact numbers).
 */

export const SCHEDULE_ACTIONS = ['add', 'pause', 'resume', 'remove'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];

const envelope = {
  command: v.literal('schedule'),
  command_id: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.minLength(1, 'must not be empty'),
      v.maxLength(128, 'must be at most 128 characters'),
      v.regex(/^[\x21-\x7e]+(?![\s\S])/, 'must be printable ASCII without spaces'),
      v.description('Your id for the command, echoed in its events (default: a new UUID).'),
    ),
  ),
  requested_by: v.optional(
    v.pipe(v.string('must be a string'), v.maxLength(256, 'must be at most 256 characters')),
  ),
  timestamp: v.optional(
    v.pipe(v.string('must be a string'), v.maxLength(64, 'must be at most 64 characters')),
  ),
};

export const ScheduleAddCommandSchema = v.pipe(
  v.object({
    ...envelope,
    ...ScheduleInputSchema.entries,
    action: v.literal('add'),
    replace: v.optional(
      v.pipe(
        v.boolean('must be true or false'),
        v.description('Replace a schedule of the same name (else adding it again is refused).'),
      ),
    ),
  }),
  v.description('Adds a schedule (or replaces one, with replace).'),
);

export const ScheduleNamedCommandSchema = v.pipe(
  v.object({
    ...envelope,
    action: v.picklist(['pause', 'resume', 'remove']),
    name: ScheduleNameSchema,
  }),
  v.description('Pauses, resumes or removes the schedule of that name.'),
);

/** The wire form, for the published command schema. */
export const ScheduleCommandWireSchema = v.union([
  ScheduleAddCommandSchema,
  ScheduleNamedCommandSchema,
]);

interface ScheduleCommandBase {
  command: 'schedule';
  command_id: string;
  requested_by?: string;
  timestamp?: string;
}

export type ScheduleCommand =
  | (ScheduleCommandBase & { action: 'add'; schedule: Schedule; replace: boolean })
  | (ScheduleCommandBase & { action: 'pause' | 'resume' | 'remove'; name: string });

/**
 * The JSON a producer pushes for a parsed schedule command: the wire form again (a parsed
 * schedule is a schedule input too), so that `parseScheduleCommand` reads it back the same.
 */
export function scheduleCommandWire(command: ScheduleCommand): Record<string, unknown> {
  const { command: name, command_id, requested_by, timestamp } = command;
  const base = {
    command: name,
    command_id,
    ...(requested_by === undefined ? {} : { requested_by }),
    ...(timestamp === undefined ? {} : { timestamp }),
  };
  if (command.action === 'add') {
    return {
      ...base,
      action: 'add',
      ...(command.replace ? { replace: true } : {}),
      ...command.schedule,
    };
  }
  return { ...base, action: command.action, name: command.name };
}

/** What can be told of a rejected schedule command, for its `failed` event. */
export interface RejectedScheduleCommand {
  command_id: string;
  action: ScheduleAction | null;
  name: string | null;
}

export type ScheduleCommandParseResult =
  | { ok: true; command: ScheduleCommand }
  | { ok: false; error: ScheduleError; rejected: RejectedScheduleCommand };

export interface ScheduleCommandParseOptions extends ScheduleParseOptions {
  /** Makes `command_id` for commands that have none. @default crypto.randomUUID */
  newId?: () => string;
}

/** Validates a `schedule` command (JSON text, bytes or an object). Never throws. */
export function parseScheduleCommand(
  input: unknown,
  options: ScheduleCommandParseOptions = {},
): ScheduleCommandParseResult {
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  let value: unknown;
  try {
    const decoded = decode(input);
    if ('issue' in decoded) return reject([decoded.issue], undefined, newId);
    value = decoded.value;
    return parseValue(value, options, newId);
  } catch (error) {
    // A getter or proxy of an object handed in by code: still a rejection.
    const why = error instanceof Error ? error.message : String(error);
    return reject(
      [issue('SCHEDULE_NOT_JSON', '', `cannot be read: ${preview(why)}`)],
      value,
      newId,
    );
  }
}

function parseValue(
  value: unknown,
  options: ScheduleCommandParseOptions,
  newId: () => string,
): ScheduleCommandParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(
      [issue('SCHEDULE_NOT_JSON', '', 'a command must be a JSON object')],
      value,
      newId,
    );
  }
  const record = value as Record<string, unknown>;
  if (record.command !== 'schedule') {
    const message = `must be "schedule", got ${preview(record.command)}`;
    return reject([issue('SCHEDULE_INVALID_FIELD', 'command', message)], value, newId);
  }
  if (!SCHEDULE_ACTIONS.includes(record.action as ScheduleAction)) {
    const message =
      record.action === undefined
        ? 'is missing: use "add", "pause", "resume" or "remove"'
        : `"${preview(record.action)}" is not an action: use "add", "pause", "resume" or "remove"`;
    return reject([issue('SCHEDULE_UNKNOWN_ACTION', 'action', message)], value, newId);
  }
  const parsed = v.safeParse(v.object(envelope), value);
  const problems: ScheduleIssue[] = parsed.success
    ? []
    : parsed.issues.map((i) => {
        const path = (i.path ?? []).map((p) => String(p.key)).join('.');
        return issue('SCHEDULE_INVALID_FIELD', path, i.message);
      });
  const base: ScheduleCommandBase = {
    command: 'schedule',
    command_id: typeof record.command_id === 'string' ? record.command_id : newId(),
    ...(typeof record.requested_by === 'string' ? { requested_by: record.requested_by } : {}),
    ...(typeof record.timestamp === 'string' ? { timestamp: record.timestamp } : {}),
  };
  if (record.action === 'add') {
    const {
      command: _c,
      action: _a,
      command_id: _i,
      requested_by: _r,
      timestamp: _t,
      replace,
      ...spec
    } = record;
    if (replace !== undefined && typeof replace !== 'boolean') {
      problems.push(issue('SCHEDULE_INVALID_FIELD', 'replace', 'must be true or false'));
    }
    const schedule = parseSchedule(spec, options);
    if (!schedule.ok) problems.push(...schedule.error.issues);
    if (problems.length > 0 || !schedule.ok) return reject(problems, value, newId);
    return {
      ok: true,
      command: { ...base, action: 'add', schedule: schedule.schedule, replace: replace === true },
    };
  }
  const name = v.safeParse(ScheduleNameSchema, record.name);
  if (!name.success) {
    problems.push(
      record.name === undefined
        ? issue('SCHEDULE_MISSING_FIELD', 'name', 'is missing')
        : issue('SCHEDULE_INVALID_NAME', 'name', name.issues[0].message),
    );
  }
  if (problems.length > 0 || !name.success) return reject(problems, value, newId);
  const action = record.action as 'pause' | 'resume' | 'remove';
  return { ok: true, command: { ...base, action, name: name.output } };
}

type Decoded = { value: unknown } | { issue: ScheduleIssue };

function decode(input: unknown): Decoded {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    if (input.byteLength > MAX_COMMAND_BYTES) return { issue: tooLarge(input.byteLength) };
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return { issue: issue('SCHEDULE_NOT_JSON', '', 'the command is not valid UTF-8') };
    }
  } else {
    // An object from code: bounded by its JSON form, as a producer would have sent it.
    const json = JSON.stringify(input);
    if (json === undefined) return { issue: issue('SCHEDULE_NOT_JSON', '', 'not a JSON value') };
    text = json;
  }
  const size = new TextEncoder().encode(text).byteLength;
  if (size > MAX_COMMAND_BYTES) return { issue: tooLarge(size) };
  const problem = inspectJsonText(text, MAX_COMMAND_DEPTH);
  if (problem?.kind === 'too_deep') {
    const message = `the command nests more than ${MAX_COMMAND_DEPTH} levels deep`;
    return { issue: issue('SCHEDULE_TOO_LARGE', '', message) };
  }
  if (problem?.kind === 'inexact_number') {
    const code = /^chats?(\.|$)/.test(problem.path)
      ? 'SCHEDULE_INVALID_CHATS'
      : 'SCHEDULE_INVALID_FIELD';
    const message = `${problem.literal} cannot be held exactly by a JSON number; send it as a string`;
    return { issue: issue(code, problem.path, message) };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { issue: issue('SCHEDULE_NOT_JSON', '', `not valid JSON: ${why}`) };
  }
}

function tooLarge(size: number): ScheduleIssue {
  const message = `the command is ${size} bytes; at most ${MAX_COMMAND_BYTES} are accepted`;
  return issue('SCHEDULE_TOO_LARGE', '', message);
}

function reject(
  issues: ScheduleIssue[],
  value: unknown,
  newId: () => string,
): ScheduleCommandParseResult {
  const record =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  const id = record.command_id;
  const action = SCHEDULE_ACTIONS.find((a) => a === record.action) ?? null;
  const name = typeof record.name === 'string' ? echo(record.name) : null;
  return {
    ok: false,
    error: new ScheduleError(issues),
    rejected: {
      command_id: typeof id === 'string' && id.length > 0 ? echo(id) : newId(),
      action,
      name,
    },
  };
}
