import * as v from 'valibot';
import { COMMENT_STATUSES } from './day.js';
import { TgMessageSchema } from './message-schema.js';

/**
 * The files of the wire contract (DESIGN.md, "Messages and files"), as valibot schemas from
 * which `schema/day.json`, `schema/day-jsonl-header.json`, `schema/message.json` and
 * `schema/progress.json` are generated, for readers in any language. Loose objects: readers
 * must ignore fields they do not know.
 */

const int = (description: string) =>
  v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));
const dateTime = (description: string) =>
  v.pipe(v.string(), v.metadata({ format: 'date-time' }), v.description(description));
const day = (description: string) =>
  v.pipe(v.string(), v.metadata({ format: 'date' }), v.description(description));

/** A 64-bit Telegram id: a number while it is a safe integer, else its exact decimal string. */
export const BigIdSchema = v.pipe(
  v.union([
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(Number.MIN_SAFE_INTEGER),
      v.maxValue(Number.MAX_SAFE_INTEGER),
    ),
    v.pipe(v.string(), v.regex(/^-?[0-9]+(?![\s\S])/)),
  ]),
  v.description(
    'A 64-bit Telegram id: a JSON number while within ±(2^53−1), else its exact decimal string (read both as 64-bit integers).',
  ),
);

/** One message of a day file: the message contract (`message-schema.ts`, senders and peers included). */
export const MessageSchema = TgMessageSchema;

const dayHeader = {
  chat: v.pipe(v.string(), v.description('The canonical chat.')),
  date: day('The calendar day in `time_zone`.'),
  time_zone: v.pipe(v.string(), v.description('IANA zone of the day (canonical name).')),
  fetched_at: dateTime('When the fetch that wrote it ran, ISO-8601 UTC.'),
  complete: v.pipe(
    v.boolean(),
    v.description(
      'The whole day was fetched after it ended (not cut by limit, not today, not a day the source holds only in part).',
    ),
  ),
  count: int('How many messages the day holds (= messages.length).'),
  comments: v.optional(
    v.pipe(
      v.looseObject({
        status: v.pipe(
          v.picklist(COMMENT_STATUSES),
          v.description(
            "complete: every comment of the day's posts written before read_at is stored; partial: the read that began at read_at stopped early (reason); none: nothing to read (not a broadcast channel, no discussion group, or a source that reads none); private: the discussion group is not readable by this account (reason); off: comments were not asked for.",
          ),
        ),
        chat: v.optional(
          v.pipe(
            v.string(),
            v.description('The discussion group (canonical chat) the comments are stored under.'),
          ),
        ),
        read_at: v.optional(dateTime('When the last read of the comments began, ISO-8601 UTC.')),
        count: v.optional(int("Comments of the day's posts that read found.")),
        reason: v.optional(
          v.pipe(
            v.string(),
            v.description('Why the read is partial or the group private: an error code.'),
          ),
        ),
      }),
      v.description(
        "The comments of the day's posts (a broadcast channel with a discussion group): when they were last read, or why there are none. Absent: never asked. The comments themselves are messages of the group, in its own folder.",
      ),
    ),
  ),
};

export const DayFileSchema = v.pipe(
  v.looseObject({
    ...dayHeader,
    messages: v.pipe(v.array(MessageSchema), v.description('Sorted by id, one per id.')),
  }),
  v.description(
    'A day file in the json format: <DATA_DIR>/<chat>/<YYYY>/discussions_<date>.json, one pretty-printed document, UTF-8. Not statable here: count equals the number of messages.',
  ),
);

export const DayJsonlHeaderSchema = v.pipe(
  v.looseObject(dayHeader),
  v.description(
    'The first line of a day file in the jsonl format (discussions_<date>.jsonl): the day metadata; every further line is one message (message.json), sorted by id, `count` lines in all.',
  ),
);

export const ProgressFileSchema = v.pipe(
  v.looseObject({
    chat: v.pipe(v.string(), v.description('The canonical chat.')),
    version: v.pipe(
      v.picklist([1, 2]),
      v.description('2 since zones and relative locations; 1 (absolute locations) is still read.'),
    ),
    time_zone: v.optional(
      v.pipe(
        v.string(),
        v.description('The zone of every day of this chat (one zone per chat: the zone rule).'),
      ),
    ),
    days: v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\s\S])/)),
        v.looseObject({
          count: int('Messages in the day.'),
          location: v.pipe(
            v.string(),
            v.description(
              'The day file, relative to DATA_DIR (ru_python/2025/discussions_2025-11-07.json).',
            ),
          ),
          fetched_at: dateTime('When it was fetched.'),
        }),
      ),
      v.description(
        'The complete days at the last fold, keyed by date, in date order; <chat>/progress.log holds the changes since, one JSON line each.',
      ),
    ),
  }),
  v.description(
    '<DATA_DIR>/<chat>/progress.json: the snapshot of the complete days of one chat and its zone. A cache: the day files are the truth.',
  ),
);
