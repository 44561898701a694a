import * as v from 'valibot';
import { parseChat } from './chat.js';
import { preview } from './echo.js';
import { anyCaseNames, END, NOT_TRIMMED, TRIMMED } from './json-pattern.js';
import { isIsoDate, isTimeZone } from './time-zone.js';
import { TIME_ZONE_DATA, TIME_ZONE_NAMES } from './time-zone-names.js';

/**
 * The wire form of the commands (DESIGN.md, "Commands"): `fetch`, `follow` and `unfollow`,
 * as valibot schemas (`schedule`'s are in `schedule-command.ts`). These check each field on its own; `parseWireCommand` adds what needs
 * the whole command or the clock (legacy form, `from <= to`, no future dates, payload size). The published JSON
 * Schema (`schema/command.json`) is generated from `CommandWireSchema` (`command-wire-schema.ts`); `v.metadata` adds
 * to it what valibot checks in code (chat and date patterns, formats).
 */

export const MAX_DAYS = 3660;
export const MAX_COMMAND_BYTES = 64 * 1024;
export const MAX_LIMIT = 100_000_000;
/** Objects and arrays nested deeper than this are rejected (`PAYLOAD_TOO_DEEP`). */
export const MAX_COMMAND_DEPTH = 16;

// `isIsoDate` as a pattern, for validators that do not assert `format` (jsonschema does not
// by default): years from 1970, each month its days, February 29 in leap years only.
const YEAR = '(?:19[7-9][0-9]|[2-9][0-9]{3})';
const LEAP_YEAR =
  '(?:19(?:7[26]|8[048]|9[26])|[2-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00)';
const MONTH_DAY =
  '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))';
export const DATE_PATTERN = `^(?:${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)${END}`;

/**
 * At most `max` characters as JSON Schema counts them (code points): `v.maxLength` counts
 * UTF-16 units, so an emoji would count twice and the schema and the parser would differ.
 */
function maxCharacters(max: number, message: string) {
  return [
    v.check<string, string>((s) => s.length <= max || [...s].length <= max, message),
    v.metadata<string, { maxLength: number }>({ maxLength: max }),
  ] as const;
}

export const DateSchema = v.pipe(
  v.string('must be a date string "YYYY-MM-DD"'),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in YYYY-MM-DD form'),
  v.check(isIsoDate, 'must be a real calendar date in YYYY-MM-DD form'),
  v.metadata({ format: 'date', pattern: DATE_PATTERN }),
  v.description('A calendar date YYYY-MM-DD from 1970-01-01, not after today.'),
);

// `parseChat` as a pattern: a username (with @ or not), a t.me link, a numeric id, with what
// `trim` removes around it, at most 256 characters without that.
const NAME = '[A-Za-z][A-Za-z0-9_]{0,63}';
const HOST =
  '(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?:[Ww][Ww][Ww]\\.)?(?:[Tt]\\.[Mm][Ee]|[Tt][Ee][Ll][Ee][Gg][Rr][Aa][Mm]\\.(?:[Mm][Ee]|[Dd][Oo][Gg]))';
// A path starting `s/` is the preview form (`t.me/s/name`): `s` is then never the name.
const LINK_PATH = `(?:[Ss]/${NAME}|(?![Ss]/)${NAME})/?`;
// After `?` or `#` anything but controls and the line terminators the parser's `.` stops at.
const LINK_REST = '(?:[?#][^\\u0000-\\u001f\\u007f\\u2028\\u2029]*)?';
const TRIMMED_LENGTH = `(?=[\\s\\S]{0,255}${NOT_TRIMMED}${TRIMMED}*${END})`;
export const CHAT_PATTERN = `^${TRIMMED}*${TRIMMED_LENGTH}(?:@?${NAME}|0|-?[1-9][0-9]{0,19}|${HOST}/${LINK_PATH}${LINK_REST})${TRIMMED}*${END}`;

export const ChatSchema = v.pipe(
  v.union(
    [
      v.pipe(v.string(), v.metadata({ pattern: CHAT_PATTERN })),
      v.pipe(
        v.number(),
        v.metadata({
          type: 'integer',
          minimum: Number.MIN_SAFE_INTEGER,
          maximum: Number.MAX_SAFE_INTEGER,
        }),
      ),
    ],
    'must be a @username, a t.me link or a numeric id',
  ),
  v.check(
    (chat) => parseChat(chat).ok,
    (issue) => {
      const parsed = parseChat(issue.input);
      return parsed.ok ? 'is not a chat' : parsed.reason;
    },
  ),
  v.description(
    'The chat: @username (any case), a t.me link, or a numeric id (-100… for channels). A numeric id beyond ±(2^53−1) must be a string: JSON numbers that a double cannot hold exactly are rejected (INEXACT_NUMBER).',
  ),
);

/** The time zone pattern of the JSON Schema, once asked for. */
let timeZonePattern: string | undefined;

/**
 * A zone of the list (`time-zone-names.ts`) in any ASCII letter case. It is the list and not
 * whatever the running ICU takes that decides, so the schema that lists the names holds on
 * every Node: a newer ICU takes offsets (`+03:00`) and may know zones the list does not.
 */
export const TimeZoneSchema = v.pipe(
  v.string('must be an IANA time zone name'),
  v.maxLength(64, 'is too long for a time zone'),
  v.check(isTimeZone, (issue) => `"${preview(issue.input)}" is not a known IANA time zone`),
  // Built when the JSON Schema is written, not when the package loads: the trie of ~600
  // names costs every process that imports core a few milliseconds and a megabyte of garbage.
  v.metadata({
    get pattern() {
      timeZonePattern ??= `^${anyCaseNames(TIME_ZONE_NAMES)}${END}`;
      return timeZonePattern;
    },
  }),
  v.description(
    `IANA time zone of the calendar days: a name or alias of the tz database ${TIME_ZONE_DATA.tz} (or one of ICU's legacy ids), in any ASCII letter case; events and files use the canonical name. Not an offset. Default: the worker TGFETCH_TZ, else UTC.`,
  ),
);

/** The definitions the published command schema names once and refers to (`$defs`). */
export const COMMAND_SCHEMA_DEFINITIONS = {
  Chat: ChatSchema,
  Date: DateSchema,
  TimeZone: TimeZoneSchema,
};

export const CommandOptionsSchema = v.pipe(
  v.object({
    force: v.optional(
      v.pipe(
        v.boolean('must be true or false'),
        v.description('Fetch days again even when stored as complete.'),
      ),
    ),
    tz: v.optional(TimeZoneSchema),
    include_today: v.optional(
      v.pipe(
        v.boolean('must be true or false'),
        v.description('mode days: count today (stored as an incomplete day).'),
      ),
    ),
    comments: v.optional(
      v.pipe(
        v.boolean('must be true or false'),
        v.description(
          "Also store the comments of a broadcast channel's posts (messages of its discussion group, under the group's own chat), and refresh them on days already complete. Default: the worker's FETCH_COMMENTS, else false.",
        ),
      ),
    ),
  }),
  v.description('Options of the run.'),
);

/**
 * The commands of the queue: `fetch` a span of days, `follow` / `unfollow` a chat live,
 * `schedule` to add, pause, resume or remove a schedule (`schedule-command.ts`).
 */
export const CHAT_COMMANDS = ['follow', 'unfollow'] as const;
export const WIRE_COMMANDS = ['fetch', ...CHAT_COMMANDS, 'schedule'] as const;
export type WireCommandName = (typeof WIRE_COMMANDS)[number];

/** The fields every command has, whatever it asks. */
const identity = {
  chat: ChatSchema,
  command_id: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.minLength(1, 'must not be empty'),
      v.maxLength(128, 'must be at most 128 characters'),
      v.regex(/^[\x21-\x7e]+(?![\s\S])/, 'must be printable ASCII without spaces'),
      v.description(
        'Your id for the command, echoed in every event (default: a new UUID). An invalid one is still echoed in the `failed` event, cut to 128 characters.',
      ),
    ),
  ),
  requested_by: v.optional(
    v.pipe(
      v.string('must be a string'),
      ...maxCharacters(256, 'is too long'),
      v.description('Who asked (free text, for logs), at most 256 characters.'),
    ),
  ),
  timestamp: v.optional(
    v.pipe(
      v.string('must be a string'),
      ...maxCharacters(64, 'is too long'),
      v.description(
        'When it was sent (free text, at most 64 characters, never read as a time: producers written before v1 send a local ISO time).',
      ),
    ),
  ),
};

const common = {
  command: v.pipe(v.literal('fetch'), v.description('"fetch": store a span of days.')),
  chat: identity.chat,
  command_id: identity.command_id,
  strategy: v.optional(
    v.pipe(
      v.picklist(
        ['batch', 'per_day', 'auto', 'sequential'],
        'must be "batch" or "per_day" (or the older "auto" / "sequential")',
      ),
      v.description(
        'batch: one pass over the whole span; per_day: one pass per day. "auto" (batch) and "sequential" (per_day) are the spellings before v1. Default: the worker FETCH_STRATEGY.',
      ),
    ),
  ),
  limit: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(MAX_LIMIT, `must be at most ${MAX_LIMIT}`),
      v.description('At most this many messages per day; a day cut short is not complete.'),
    ),
  ),
  requested_by: identity.requested_by,
  timestamp: identity.timestamp,
  options: v.optional(CommandOptionsSchema),
};

const DaysSchema = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number'),
  v.minValue(1, 'must be at least 1'),
  v.maxValue(MAX_DAYS, `must be at most ${MAX_DAYS} (ten years)`),
);

export const DateCommandSchema = v.pipe(
  v.object({ ...common, mode: v.literal('date'), date: DateSchema }),
  v.description('One day.'),
);

export const DaysCommandSchema = v.pipe(
  v.object({
    ...common,
    mode: v.literal('days'),
    days: v.pipe(
      DaysSchema,
      v.description('The last N days, yesterday back (today too with options.include_today).'),
    ),
  }),
  v.description('The last N days.'),
);

export const RangeCommandSchema = v.pipe(
  v.object({
    ...common,
    mode: v.literal('range'),
    from: DateSchema,
    to: v.pipe(DateSchema, v.description('The last day, inclusive; not before `from`.')),
  }),
  v.description('Every day from `from` to `to`, both included, at most 3660 days.'),
);

// Present in the legacy form means "not the legacy form": these fields belong to a mode.
const absent = v.optional(v.never());

/** The form before v1: no `mode`; `days_back` (default 1) days. */
export const LegacyCommandSchema = v.pipe(
  v.object({
    ...common,
    mode: absent,
    date: absent,
    days: absent,
    from: absent,
    to: absent,
    days_back: v.optional(
      v.pipe(DaysSchema, v.description('The last N days, as mode days. Default 1.')),
    ),
  }),
  v.description('The form before v1: no mode, `days_back` days (default 1), read as mode days.'),
);

/** A command as producers send it (after the older `days_back` form is rewritten). */
export const FetchCommandInputSchema = v.variant(
  'mode',
  [DateCommandSchema, DaysCommandSchema, RangeCommandSchema],
  'mode must be "date", "days" or "range"',
);

/**
 * `follow`: keep the chat's days true as it changes (messages posted, edited, deleted are
 * stored as Telegram reports them) until an `unfollow`. Only the fields every command has:
 * others, even a fetch's own (`mode`), are ignored as unknown fields are.
 */
export const FollowCommandSchema = v.pipe(
  v.object({
    command: v.pipe(
      v.literal('follow'),
      v.description('"follow": store the chat\'s changes live, from now until an unfollow.'),
    ),
    ...identity,
  }),
  v.description(
    'Follow a chat live: its new, edited and deleted messages are merged into its days as they come (events message, message_edited, message_deleted). Following a chat already followed changes nothing.',
  ),
);

/** `unfollow`: stop following the chat; what was stored stays. */
export const UnfollowCommandSchema = v.pipe(
  v.object({
    command: v.pipe(
      v.literal('unfollow'),
      v.description('"unfollow": stop following the chat live.'),
    ),
    ...identity,
  }),
  v.description(
    'Stop following a chat live; its stored days stay. Unfollowing a chat not followed changes nothing.',
  ),
);

export type FetchCommandInput = v.InferInput<typeof FetchCommandInputSchema>;
export type ChatCommandInput =
  | v.InferInput<typeof FollowCommandSchema>
  | v.InferInput<typeof UnfollowCommandSchema>;
