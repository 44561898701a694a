import * as v from 'valibot';
import { parseChat } from './chat.js';
import { preview } from './echo.js';
import { isIsoDate, isTimeZone } from './time-zone.js';

/**
 * The wire form of a `fetch` command (DESIGN.md, "Commands"), as valibot schemas. These
 * check each field on its own; `parseCommand` adds what needs the whole command or the
 * clock (legacy form, `from <= to`, no future dates, payload size).
 */

export const MAX_DAYS = 3660;
export const MAX_COMMAND_BYTES = 64 * 1024;
export const MAX_LIMIT = 100_000_000;
/** Objects and arrays nested deeper than this are rejected (`PAYLOAD_TOO_DEEP`). */
export const MAX_COMMAND_DEPTH = 16;

const DateSchema = v.pipe(
  v.string('must be a date string "YYYY-MM-DD"'),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in YYYY-MM-DD form'),
  v.check(isIsoDate, 'must be a real calendar date in YYYY-MM-DD form'),
);

export const ChatSchema = v.pipe(
  v.union([v.string(), v.number()], 'must be a @username, a t.me link or a numeric id'),
  v.check(
    (chat) => parseChat(chat).ok,
    (issue) => {
      const parsed = parseChat(issue.input);
      return parsed.ok ? 'is not a chat' : parsed.reason;
    },
  ),
);

export const CommandOptionsSchema = v.object({
  force: v.optional(v.boolean('must be true or false')),
  tz: v.optional(
    v.pipe(
      v.string('must be an IANA time zone name'),
      v.maxLength(64, 'is too long for a time zone'),
      v.check(isTimeZone, (issue) => `"${preview(issue.input)}" is not a known IANA time zone`),
    ),
  ),
  include_today: v.optional(v.boolean('must be true or false')),
});

const common = {
  command: v.literal('fetch', 'the only command is "fetch"'),
  chat: ChatSchema,
  command_id: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.minLength(1, 'must not be empty'),
      v.maxLength(128, 'must be at most 128 characters'),
      v.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    ),
  ),
  strategy: v.optional(
    v.picklist(
      ['batch', 'per_day', 'auto', 'sequential'],
      'must be "batch" or "per_day" (or the older "auto" / "sequential")',
    ),
  ),
  limit: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(MAX_LIMIT, `must be at most ${MAX_LIMIT}`),
    ),
  ),
  requested_by: v.optional(v.pipe(v.string('must be a string'), v.maxLength(256, 'is too long'))),
  timestamp: v.optional(v.pipe(v.string('must be a string'), v.maxLength(64, 'is too long'))),
  options: v.optional(CommandOptionsSchema),
};

export const DateCommandSchema = v.object({ ...common, mode: v.literal('date'), date: DateSchema });

export const DaysCommandSchema = v.object({
  ...common,
  mode: v.literal('days'),
  days: v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(1, 'must be at least 1'),
    v.maxValue(MAX_DAYS, `must be at most ${MAX_DAYS} (ten years)`),
  ),
});

export const RangeCommandSchema = v.object({
  ...common,
  mode: v.literal('range'),
  from: DateSchema,
  to: DateSchema,
});

/** A command as producers send it (after the older `days_back` form is rewritten). */
export const FetchCommandInputSchema = v.variant(
  'mode',
  [DateCommandSchema, DaysCommandSchema, RangeCommandSchema],
  'mode must be "date", "days" or "range"',
);

export type FetchCommandInput = v.InferInput<typeof FetchCommandInputSchema>;
