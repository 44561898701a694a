import * as v from 'valibot';
import { CHAT_COMMANDS } from './command-schema.js';
import { CORE_ERROR_CODES } from './error-codes.js';
import { errorInfo } from './errors.js';
import { LegacyEventSchema } from './legacy-event-schema.js';
import {
  DeletedMessageEventSchema,
  EditedMessageEventSchema,
  type MessageChangeEvent,
  NewMessageEventSchema,
} from './message-events.js';
import { type ScheduledEvent, ScheduledEventSchema } from './schedule-event.js';

/**
 * The events of the wire contract (DESIGN.md, "Events"), as valibot schemas so that
 * subscribers can validate what they receive and the JSON Schema is generated from the
 * same source.
 */

const count = (description: string) =>
  v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));
const date = (description: string) =>
  v.pipe(v.string(), v.metadata({ format: 'date' }), v.description(description));

const DateParams = v.strictObject({ date: date('The day of mode date.') });
const DaysParams = v.strictObject({
  days: v.pipe(count('The N of mode days.'), v.minValue(1)),
});
const RangeParams = v.strictObject({
  from: date('First day of mode range.'),
  to: date('Last day of mode range.'),
});

/** `params` of a command that was accepted: its mode's own fields. */
const ParamsSchema = v.pipe(
  v.union([DateParams, DaysParams, RangeParams]),
  v.description('The parameters of the mode: {date}, {days} or {from, to}.'),
);

/** `params` of a `failed` event: what of them parsed (a rejected command may have none). */
const FailedParamsSchema = v.pipe(
  v.strictObject({
    date: v.optional(DateParams.entries.date),
    days: v.optional(DaysParams.entries.days),
    from: v.optional(RangeParams.entries.from),
    to: v.optional(RangeParams.entries.to),
  }),
  v.description(
    'The parameters of the mode as far as they parsed: a rejected command may have only some of them, or none ({}).',
  ),
);

/**
 * What became of one planned day:
 * - `stored`: fetched and stored complete;
 * - `partial`: fetched and stored, not complete (today, cut by `limit`, or a day the
 *   source holds only in part, such as an export's last day);
 * - `skipped`: already complete, and its stored copy matched its progress record;
 * - `not_covered`: the source does not know this day (an export outside the days it
 *   holds); nothing stored, a later source can fill it;
 * - `not_reached`: the command's `limit` ran out before it; nothing stored.
 */
export const DAY_OUTCOMES = ['stored', 'partial', 'skipped', 'not_covered', 'not_reached'] as const;
export type DayOutcome = (typeof DAY_OUTCOMES)[number];

export const DaySummarySchema = v.object({
  date: date('The day.'),
  count: count(
    'Messages in the stored day (after merging with what was stored); 0 for a day not stored.',
  ),
  file_path: v.pipe(
    v.string(),
    v.description(
      'Where the day is stored: the configured data directory joined with its location (data/ru_python/2025/discussions_2025-11-07.json); "" for a day not stored.',
    ),
  ),
  skipped: v.pipe(v.boolean(), v.description('Already stored as complete: not fetched again.')),
  complete: v.pipe(
    v.boolean(),
    v.description(
      'The whole day was fetched after it ended (not cut by limit, not today, not a day the source holds only in part).',
    ),
  ),
  outcome: v.optional(
    v.pipe(
      v.picklist(DAY_OUTCOMES),
      v.description(
        'What became of the day: stored (complete), partial (today, cut by limit, or a day the source holds only in part, such as an export’s last day), skipped (already complete, its stored copy checked), not_covered (the source does not know it: nothing stored), not_reached (the limit ran out first: nothing stored). Optional so that events of older workers still parse.',
      ),
    ),
  ),
  repair: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Why a day recorded complete was fetched again (its stored copy missing, corrupt or unlike its record), or what was moved aside.',
      ),
    ),
  ),
});

const Mode = v.picklist(['date', 'days', 'range']);

const common = {
  command_id: v.pipe(
    v.string(),
    v.maxLength(128),
    v.description(
      "The command's id: the producer's own (in a failed event even when invalid, cut to 128 characters), else a UUID the worker made.",
    ),
  ),
  chat: v.pipe(
    v.string(),
    v.maxLength(256),
    v.description('The chat, canonical (@lowercase_username or a numeric id string).'),
  ),
  mode: v.pipe(Mode, v.description('The mode of the command.')),
  requested_chat: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(256),
      v.description(
        'The chat as the producer named it (a username, link or id), when it differs from or precedes the canonical `chat`.',
      ),
    ),
  ),
  params: ParamsSchema,
  processed: count(
    'Messages in the days this command stored so far: the sum of count over its days whose outcome is stored or partial.',
  ),
  errors: count('Errors met so far (retried ones included).'),
  duration_sec: v.pipe(
    v.number(),
    v.minValue(0),
    v.description('Seconds since the command started.'),
  ),
  ts: v.pipe(
    v.string(),
    v.metadata({ format: 'date-time' }),
    v.description('When the event was made, ISO-8601 UTC.'),
  ),
  worker_id: v.pipe(v.string(), v.description('The worker that ran the command.')),
};

export const StartedEventSchema = v.pipe(
  v.looseObject({
    ...common,
    event: v.literal('started'),
    status: v.literal('running'),
    dates: v.pipe(
      v.array(date('A day.')),
      v.description(
        'The days the command covers, newest first: the order of the progress events (one per date) and of completed.days.',
      ),
    ),
  }),
  v.description('A worker took the command and planned its days.'),
);

export const ProgressEventSchema = v.pipe(
  v.looseObject({
    ...common,
    event: v.literal('progress'),
    status: v.literal('running'),
    ...DaySummarySchema.entries,
  }),
  v.description('One planned day was dealt with (see outcome): stored, skipped, or not stored.'),
);

export const CompletedEventSchema = v.pipe(
  v.looseObject({
    ...common,
    event: v.literal('completed'),
    status: v.literal('completed'),
    days: v.pipe(
      v.array(DaySummarySchema),
      v.description('Every day of the command, newest first, each with its outcome.'),
    ),
  }),
  v.description('The command ended: every day stored, skipped, not covered or not reached.'),
);

/**
 * Open: an adapter's codes reach events too (a store's, a source's), and core knows none of
 * them, so the schema lists core's own and accepts any other string, as `parseEvent` does (a
 * client must not drop a final event over a code it does not know).
 */
const ErrorCodeSchema = v.pipe(
  v.string(),
  v.metadata({
    examples: CORE_ERROR_CODES.map((c) => c.code),
    anyOf: [
      ...CORE_ERROR_CODES.map((c) => ({
        const: c.code,
        description: `${c.meaning} (${c.origin}; retryable: ${c.retryable})`,
      })),
      {
        description:
          'A code of the adapter that raised it (each adapter package exports the table of its codes), or one added in a later version: treat it as its retryable flag says.',
      },
    ],
  }),
  v.description(
    'A stable code in upper snake case. The tgfetch README ("Error codes") lists every code of its packages.',
  ),
);

export const ErrorInfoSchema = v.object({
  code: ErrorCodeSchema,
  message: v.pipe(
    v.string(),
    v.description('For people; producer values in it are cut short. Not stable: match on code.'),
  ),
  retryable: v.pipe(
    v.boolean(),
    v.description('Whether running the same command again later may succeed.'),
  ),
});

export const FailedEventSchema = v.pipe(
  v.looseObject({
    ...common,
    event: v.literal('failed'),
    status: v.literal('failed'),
    chat: v.pipe(
      v.nullable(v.pipe(v.string(), v.maxLength(256))),
      v.description(
        'The chat: canonical when it parsed, else as sent (cut to 128 characters); null when the command had none (or not a string or number), and for a schedule command.',
      ),
    ),
    mode: v.pipe(
      v.nullable(Mode),
      v.description(
        'The mode when it was one of the three, else null (always for follow, unfollow and schedule).',
      ),
    ),
    command: v.optional(
      v.pipe(
        v.picklist([...CHAT_COMMANDS, 'schedule']),
        v.description(
          'The command when it was not fetch: a follow, unfollow or schedule rejected (a schedule also when its store refused it: SCHEDULE_EXISTS, SCHEDULE_NOT_FOUND…), or not run by this worker (COMMAND_UNSUPPORTED). Absent for fetch.',
        ),
      ),
    ),
    params: FailedParamsSchema,
    error: ErrorInfoSchema,
    days: v.optional(
      v.pipe(
        v.array(DaySummarySchema),
        v.description(
          'Days dealt with before the failure (stored ones stay stored), newest first.',
        ),
      ),
    ),
  }),
  v.description('The command ended without storing all its days, or was rejected.'),
);

export const FetchEventSchema = v.pipe(
  v.variant('event', [
    StartedEventSchema,
    ProgressEventSchema,
    CompletedEventSchema,
    FailedEventSchema,
  ]),
  v.description(
    'An event of a fetch command, published as JSON on the events channel and, as field `payload` (field `event` its name), on the events stream. Consumers must ignore fields they do not know.',
  ),
);

/**
 * Every event of the events channel and stream: a fetch command's, a live change's
 * (`message-events.ts`), and a schedule's tick (`schedule-event.ts`). The published `schema/event.json` is generated from it.
 */
export const WireEventSchema = v.pipe(
  v.variant('event', [
    StartedEventSchema,
    ProgressEventSchema,
    CompletedEventSchema,
    FailedEventSchema,
    NewMessageEventSchema,
    EditedMessageEventSchema,
    DeletedMessageEventSchema,
    ScheduledEventSchema,
  ]),
  v.description(
    'An event, published as JSON on the events channel and, as field `payload` (field `event` its name), on the events stream: of a command (started, progress, completed, failed), of a followed chat (message, message_edited, message_deleted), or of a schedule whose tick pushed its fetch commands (scheduled). Consumers must ignore fields they do not know, and events they do not know.',
  ),
);

export type DaySummary = v.InferOutput<typeof DaySummarySchema>;
export type StartedEvent = v.InferOutput<typeof StartedEventSchema>;
export type ProgressEvent = v.InferOutput<typeof ProgressEventSchema>;
export type CompletedEvent = v.InferOutput<typeof CompletedEventSchema>;
export type FailedEvent = v.InferOutput<typeof FailedEventSchema>;
export type FetchEvent = v.InferOutput<typeof FetchEventSchema>;
export type FetchEventName = FetchEvent['event'];
export type WireEvent = FetchEvent | MessageChangeEvent | ScheduledEvent;
export type WireEventName = WireEvent['event'];

/** What `failedEvent` is made from: the command as far as it is known, and how its run went. */
export interface FailedEventInit
  extends Pick<
    FailedEvent,
    | 'command_id'
    | 'chat'
    | 'requested_chat'
    | 'mode'
    | 'command'
    | 'params'
    | 'ts'
    | 'worker_id'
    | 'days'
  > {
  /** Why: any error (core's typed errors keep their code; others are `UNEXPECTED`). */
  error: unknown;
  /** Errors met, retried ones included. */
  errors: number;
  /** @default 0 */
  processed?: number;
  /** @default 0 */
  duration_sec?: number;
}

/**
 * The one builder of `failed` events (the engine's, a rejected command's, a dead-lettered
 * one's), so that they agree field for field and in field order.
 */
export function failedEvent(init: FailedEventInit): FailedEvent {
  return {
    command_id: init.command_id,
    chat: init.chat,
    ...(init.requested_chat === undefined ? {} : { requested_chat: init.requested_chat }),
    mode: init.mode,
    ...(init.command === undefined ? {} : { command: init.command }),
    params: init.params,
    processed: init.processed ?? 0,
    errors: init.errors,
    duration_sec: init.duration_sec ?? 0,
    ts: init.ts,
    worker_id: init.worker_id,
    event: 'failed',
    status: 'failed',
    error: errorInfo(init.error),
    ...(init.days === undefined ? {} : { days: init.days }),
  };
}

/**
 * Parses an event of a fetch command received from a transport; `undefined` when it is not
 * one (a live change's event included: `parseWireEvent` takes those too).
 */
export function parseEvent(input: unknown): FetchEvent | undefined {
  return parseWith(FetchEventSchema, input);
}

/** The kinds of a command's own events (a fetch's, or a refused follow/unfollow/schedule's). */
const COMMAND_EVENT_KINDS: ReadonlySet<string> = new Set([
  'started',
  'progress',
  'completed',
  'failed',
]);

/** Whether a wire event is one of a command's own (not a live change's, nor a schedule tick's). */
export function isFetchEvent(event: WireEvent): event is FetchEvent {
  return COMMAND_EVENT_KINDS.has(event.event);
}

/** Parses any event of the wire contract received from a transport; `undefined` when it is none. */
export function parseWireEvent(input: unknown): WireEvent | undefined {
  // valibot types an optional field as `| undefined`; parsed JSON never holds undefined.
  return parseWith(WireEventSchema, input) as WireEvent | undefined;
}

/**
 * A message of the events channel or stream that names an event this version cannot read:
 * a kind it does not know (a newer producer's), or a known kind in a shape it does not
 * accept. Consumers are told of it rather than losing it without a word.
 */
export interface UnknownEvent {
  /** The event's kind as the producer named it. */
  event: string;
  /** The message's fields, as sent. */
  fields: Record<string, unknown>;
}

/**
 * What `parseWireEvent` does not read but is still an event: a JSON object whose `event` is
 * a string, other than the legacy per-day events (`LEGACY_EVENTS`, which repeat what the v1
 * events say). `undefined` for those and for anything that is no event at all (not JSON, no
 * `event`); call it only for what `parseWireEvent` refused.
 */
export function unknownEvent(input: unknown): UnknownEvent | undefined {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  if (typeof fields.event !== 'string' || fields.event === '') return undefined;
  if (v.is(LegacyEventSchema, fields)) return undefined;
  return { event: fields.event, fields };
}

function parseWith<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): v.InferOutput<S> | undefined {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  const result = v.safeParse(schema, value);
  return result.success ? result.output : undefined;
}
