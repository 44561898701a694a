import * as v from 'valibot';

/**
 * The message JSON (`message.ts`) as a valibot schema, so that readers in other languages
 * get a JSON Schema (`schema/message.json`) generated from one source. Objects are loose:
 * sources may add kind-specific fields, and readers should ignore what they do not know.
 */

const IsoSecondsSchema = v.pipe(
  v.string(),
  v.regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z(?![\s\S])/),
  v.metadata({ format: 'date-time' }),
  v.description('ISO-8601 UTC with seconds: 2025-11-07T10:23:45Z.'),
);
/** Every number of a message is a whole number (ids, offsets, counts, sizes, seconds). */
const int = () => v.pipe(v.number(), v.integer());
const BigIdSchema = v.union([int(), v.pipe(v.string(), v.regex(/^-?[0-9]+(?![\s\S])/))]);

export const TgPeerSchema = v.pipe(
  v.object({
    /** `user`, `chat` (a basic group) or `channel` (a channel or supergroup). */
    kind: v.picklist(['user', 'chat', 'channel']),
    /** The raw id, unique only together with `kind`. */
    id: BigIdSchema,
  }),
  v.description('A peer: its kind and raw id (user 777 and channel 777 are different peers).'),
);

const EntitySchema = v.looseObject({
  type: v.string(),
  offset: int(),
  length: int(),
  url: v.optional(v.string()),
  user_id: v.optional(BigIdSchema),
  language: v.optional(v.string()),
  custom_emoji_id: v.optional(v.string()),
  collapsed: v.optional(v.boolean()),
});

const ForwardSchema = v.looseObject({
  from_id: v.nullish(BigIdSchema),
  /** The original sender: a user, a chat, or a channel (with `channel_post`). */
  from: v.nullish(TgPeerSchema),
  /** Name of a sender who hides their account (then `from` is absent). */
  from_name: v.nullish(v.string()),
  date: v.nullish(IsoSecondsSchema),
  channel_post: v.nullish(int()),
  post_author: v.nullish(v.string()),
  /** Where a message saved to Saved Messages came from. */
  saved_from: v.nullish(
    v.object({
      peer: v.optional(TgPeerSchema),
      name: v.optional(v.string()),
      message_id: v.nullable(int()),
    }),
  ),
  /** Imported from another messaging app. */
  imported: v.optional(v.boolean()),
});

const PollAnswerSchema = v.looseObject({
  text: v.string(),
  voters: v.optional(int()),
  correct: v.optional(v.boolean()),
  /** The exporting account voted for it (Desktop exports). */
  chosen: v.optional(v.boolean()),
});

const MediaSchema = v.looseObject({
  kind: v.string(),
  id: v.optional(BigIdSchema),
  mime_type: v.optional(v.string()),
  size: v.optional(int()),
  file_name: v.optional(v.string()),
  duration: v.optional(int()),
  width: v.optional(int()),
  height: v.optional(int()),
  url: v.optional(v.string()),
  title: v.optional(v.string()),
  /** Audio. */
  performer: v.optional(v.string()),
  /** Sticker. */
  emoji: v.optional(v.string()),
  /** Poll. */
  question: v.optional(v.string()),
  answers: v.optional(v.array(PollAnswerSchema)),
  total_voters: v.optional(int()),
  closed: v.optional(v.boolean()),
});

export const TgMessageSchema = v.looseObject({
  id: int(),
  date: IsoSecondsSchema,
  /** The canonical chat the message was stored under. */
  chat: v.string(),
  type: v.optional(v.picklist(['message', 'service'])),
  from_id: v.nullish(BigIdSchema),
  from: v.nullish(
    v.pipe(
      TgPeerSchema,
      v.description(
        'The sender wherever Telegram identifies one: a user, or a chat or channel posting as itself.',
      ),
    ),
  ),
  peer: v.optional(
    v.pipe(
      TgPeerSchema,
      v.description(
        "Present when the message belongs to another peer than the chat (a basic group's history before it became this supergroup); its id is unique only within that peer.",
      ),
    ),
  ),
  text: v.string(),
  /** A message of this chat (and of `peer` when present). */
  reply_to: v.nullish(int()),
  reply_to_peer: v.nullish(
    v.pipe(
      v.object({ peer: TgPeerSchema, message_id: v.nullable(int()) }),
      v.description('A reply to a message of another chat (reply_to is then null).'),
    ),
  ),
  views: v.nullish(int()),
  forwards: v.nullish(int()),
  replies_count: v.nullish(int()),
  entities: v.optional(v.array(EntitySchema)),
  edit_date: v.nullish(IsoSecondsSchema),
  forward: v.nullish(ForwardSchema),
  media: v.nullish(MediaSchema),
  grouped_id: v.nullish(BigIdSchema),
  post_author: v.nullish(v.string()),
  /** Forum topic: the id of the topic's creation message (1 for General). */
  topic_id: v.nullish(int()),
  action: v.nullish(v.looseObject({ type: v.string() })),
  reactions: v.optional(v.array(v.object({ reaction: v.string(), count: int() }))),
  comment_of: v.optional(
    v.pipe(
      v.looseObject({
        chat: v.pipe(v.string(), v.description('The channel, canonical (its marked id).')),
        id: v.pipe(
          v.nullable(int()),
          v.description(
            "The post's id in the channel; null when the source cannot tell (an export of the group alone).",
          ),
        ),
        thread: v.optional(
          v.pipe(
            int(),
            v.description(
              "The id, in this group, of the post's copy that opens the thread (Telegram's reply_to_top_id).",
            ),
          ),
        ),
      }),
      v.description(
        "A comment: this message is in a channel's discussion group (stored under the group's own chat, in the day it was written) and comments the post named here.",
      ),
    ),
  ),
  comments: v.optional(
    v.pipe(
      v.looseObject({
        chat: v.pipe(
          v.string(),
          v.description(
            'The discussion group, canonical (its marked id): where the comments are stored.',
          ),
        ),
        count: v.pipe(
          int(),
          v.description('Comments as Telegram counted them when the post was last read.'),
        ),
      }),
      v.description('A channel post with a comment thread in a discussion group.'),
    ),
  ),
  deleted: v.optional(
    v.pipe(
      v.literal(true),
      v.description(
        'A tombstone: the message was deleted in Telegram after it was stored. It keeps what was last known of it and is never removed; once true it stays true.',
      ),
    ),
  ),
  deleted_at: v.optional(
    v.pipe(
      IsoSecondsSchema,
      v.description(
        'When the deletion was seen (Telegram does not say when), ISO-8601 UTC with seconds.',
      ),
    ),
  ),
});

/** Where a value departs from the message contract, as `path: message` lines (none when it fits). */
export function messageIssues(value: unknown): string[] {
  const result = v.safeParse(TgMessageSchema, value);
  if (result.success) return [];
  return result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
}
