import { defineGroup, setting } from './group.js';
import { redisGroup } from './redis.js';
import { int, text } from './schemas.js';

/** The Redis stream each stored day's messages are appended to, and `persist` reads. */
export const messagesGroup = defineGroup({
  name: 'messages',
  title: 'Messages stream',
  summary:
    "The Redis stream each stored day's messages are appended to (off when unset), which `tgfetch persist` moves into PostgreSQL.",
  variables: {
    MESSAGES_STREAM: setting({
      schema: text(),
      shown: '— (off)',
      doc: "Redis stream each stored day's messages are appended to (one entry per message)",
    }),
    MESSAGES_STREAM_MAXLEN: setting({
      schema: int(1, 1_000_000_000),
      default: '1000000',
      doc: 'approximate bound of the messages stream',
    }),
  },
  // Appending to the stream talks to Redis.
  requires: () => [
    {
      when: 'when `MESSAGES_STREAM` is set',
      groups: [redisGroup],
      applies: (values) => values.MESSAGES_STREAM !== undefined,
    },
  ],
});
