import * as v from 'valibot';

/**
 * The files of the wire contract (DESIGN.md, "Messages and files"), as valibot schemas from
 * which `schema/day.json`, `schema/day-jsonl-header.json`, `schema/message.json` and
 * `schema/progress.json` are generated, for readers in any language. Loose objects: readers
 * must ignore fields they do not know.
 */

const int = (description: string) =>
  v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));
const nullableInt = (description: string) => v.optional(v.nullable(int(description)));
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
    v.pipe(v.string(), v.regex(/^-?[0-9]+$/)),
  ]),
  v.description(
    'A 64-bit Telegram id: a JSON number while within ±(2^53−1), else its exact decimal string (read both as 64-bit integers).',
  ),
);

export const MessageSchema = v.pipe(
  v.looseObject({
    id: v.pipe(int('Message id, unique within the chat.'), v.minValue(1)),
    date: dateTime('When it was sent, ISO-8601 UTC with seconds: 2025-11-07T10:23:45Z.'),
    chat: v.pipe(v.string(), v.description('The canonical chat.')),
    type: v.optional(
      v.pipe(
        v.picklist(['message', 'service']),
        v.description('`message` for posts and chat messages, `service` for joins, pins…'),
      ),
    ),
    from_id: v.optional(v.nullable(BigIdSchema)),
    text: v.pipe(v.string(), v.description('The text ("" for media without caption).')),
    reply_to: nullableInt('Id of the message it replies to.'),
    views: nullableInt('Views (channels).'),
    forwards: nullableInt('Forwards (channels).'),
    replies_count: nullableInt('Replies in its thread.'),
    entities: v.optional(
      v.array(
        v.looseObject({
          type: v.pipe(v.string(), v.description('url, bold, mention, text_link…')),
          offset: int('Offset in UTF-16 code units.'),
          length: int('Length in UTF-16 code units.'),
          url: v.optional(v.string()),
          user_id: v.optional(BigIdSchema),
          language: v.optional(v.string()),
          custom_emoji_id: v.optional(v.string()),
        }),
      ),
    ),
    edit_date: v.optional(v.nullable(dateTime('Last edit, ISO-8601 UTC.'))),
    forward: v.optional(v.nullable(v.looseObject({}))),
    media: v.optional(
      v.nullable(
        v.looseObject({
          kind: v.pipe(v.string(), v.description('photo, document, video, poll, webpage…')),
        }),
      ),
    ),
    grouped_id: v.optional(v.nullable(BigIdSchema)),
    post_author: v.optional(v.nullable(v.string())),
    topic_id: nullableInt('Forum topic id.'),
    action: v.optional(v.nullable(v.looseObject({ type: v.string() }))),
    reactions: v.optional(
      v.array(v.looseObject({ reaction: v.string(), count: int('How many reacted so.') })),
    ),
  }),
  v.description('One Telegram message as stored in day files.'),
);

const dayHeader = {
  chat: v.pipe(v.string(), v.description('The canonical chat.')),
  date: day('The calendar day in `time_zone`.'),
  time_zone: v.pipe(v.string(), v.description('IANA zone of the day (canonical name).')),
  fetched_at: dateTime('When the fetch that wrote it ran, ISO-8601 UTC.'),
  complete: v.pipe(
    v.boolean(),
    v.description('The whole day was fetched after it ended (not cut by limit, not today).'),
  ),
  count: int('How many messages the day holds (= messages.length).'),
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
    version: v.literal(1),
    days: v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
        v.looseObject({
          count: int('Messages in the day.'),
          location: v.pipe(v.string(), v.description('The day file path.')),
          fetched_at: dateTime('When it was fetched.'),
        }),
      ),
      v.description('The complete days, keyed by date, in date order.'),
    ),
  }),
  v.description(
    '<DATA_DIR>/<chat>/progress.json: the complete days of one chat. A cache: the day files are the truth.',
  ),
);
