import { QUEUE_MODES } from '../compose/redis.js';
import { defineGroup, setting } from './group.js';
import { int, oneOf, text } from './schemas.js';

/** The command queue on Redis: where commands wait, how they are delivered and bounded. */
export const queueGroup = defineGroup({
  name: 'queue',
  title: 'Command queue',
  summary:
    'The command queue on Redis: where commands wait, how they are delivered, how much it takes, and the chat locks of the workers that take them.',
  variables: {
    QUEUE_NAME: setting({
      schema: text(),
      default: 'tg_commands',
      doc: 'the Redis key of the queue (list or stream)',
    }),
    QUEUE_MODE: setting({
      schema: oneOf(QUEUE_MODES),
      default: 'list',
      doc: 'the command list, or a stream with consumer groups (`stream`)',
    }),
    MAX_DELIVERIES: setting({
      schema: int(1, 1000),
      default: '5',
      doc: 'deliveries before a command is dead-lettered (`<queue>:dead`); also bounds the redeliveries of `persist`',
    }),
    QUEUE_VISIBILITY_MS: setting({
      schema: int(300, 3_600_000),
      default: '30000',
      doc: "a silent worker's commands go back to the queue after this",
    }),
    MAX_COMMAND_DAYS: setting({
      schema: int(1, 36_600),
      default: '366',
      doc: 'days one command may cover; `send` and the producer client refuse more (`COMMAND_TOO_LARGE`)',
    }),
    MAX_QUEUE_LENGTH: setting({
      schema: int(1, 100_000_000),
      default: '10000',
      doc: 'commands the queue (list or stream) may hold; `send` and the producer client refuse to push past it (`QUEUE_FULL`, retryable); nothing is trimmed',
    }),
    CHAT_LOCK_TTL_MS: setting({
      schema: int(1000, 3_600_000),
      default: '30000',
      doc: "a dead worker's chat lock expires after this (it is renewed while the worker lives)",
    }),
  },
});
