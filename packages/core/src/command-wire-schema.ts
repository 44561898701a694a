import * as v from 'valibot';
import {
  DateCommandSchema,
  DaysCommandSchema,
  FollowCommandSchema,
  LegacyCommandSchema,
  RangeCommandSchema,
  UnfollowCommandSchema,
} from './command-schema.js';
import { ScheduleAddCommandSchema, ScheduleNamedCommandSchema } from './schedule-command.js';

/**
 * Every form a producer may send, for the published JSON Schema (`schema/command.json`). The
 * rules it cannot state are named in its description; `parseWireCommand` is the reference.
 * Its own file: it joins the fetch commands' schemas and the schedule command's, which are
 * built on them.
 */
export const CommandWireSchema = v.pipe(
  v.union([
    DateCommandSchema,
    DaysCommandSchema,
    RangeCommandSchema,
    LegacyCommandSchema,
    FollowCommandSchema,
    UnfollowCommandSchema,
    ScheduleAddCommandSchema,
    ScheduleNamedCommandSchema,
  ]),
  v.description(
    [
      'A command: fetch (a span of days, in mode date, days or range, or the older days_back form), follow or unfollow (a chat live), schedule (add, pause, resume or remove a schedule that pushes fetch commands at its ticks); a JSON object (UTF-8), pushed with RPUSH onto the command list, or XADDed to the command stream as JSON in field `payload` or as flat fields.',
      'Unknown fields are ignored. `parseWireCommand` of @tgfetch/core is the reference. This schema states the fields, the calendar (real days from 1970, February 29 in leap years only), the chat forms and the time zone names (in patterns that mean the same to ECMA-262 and to Python `re`); these rules it cannot state, and only the daemon refuses a command for them:',
      '(1) no date after today in the command time zone (FUTURE_DATE);',
      '(2) range: `from` not after `to`, at most 3660 days (INVALID_RANGE);',
      '(3) the whole payload at most 65536 bytes (PAYLOAD_TOO_LARGE) and nested at most 16 levels (PAYLOAD_TOO_DEEP);',
      '(4) JSON numbers beyond ±(2^53−1), or fractions that would round to an integer (3.0000000000000001), are rejected (INEXACT_NUMBER): send big chat ids as strings;',
      '(5) the bytes must be UTF-8 (INVALID_ENCODING);',
      "(6) options.tz: a listed zone that the worker's ICU does not know (a Node older than the list) is refused (INVALID_TIME_ZONE);",
      '(7) flat stream fields: `days`, `days_back`, `max_days` and `limit` may be decimal strings, `replace` and `paused` `true`/`false`, and options are dotted fields (`options.tz`); in JSON they must be numbers, booleans and an object;',
      '(8) schedule add: exactly one of `chat` and `chats` (neither: SCHEDULE_MISSING_FIELD), no chat named twice (SCHEDULE_INVALID_CHATS); exactly one of `every` and `cron` (SCHEDULE_INVALID_TRIGGER); `every` a duration of whole seconds from 1s to 366d (SCHEDULE_INVALID_EVERY); `cron` a 5- or 6-field pattern that fires within 5 years (SCHEDULE_INVALID_CRON); `max_days` only with `days: "since_last_run"`, and `days` plus options.include_today at most 366 days (SCHEDULE_INVALID_DAYS).',
    ].join(' '),
  ),
);
