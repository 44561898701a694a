import type { CommandQueue, TgfetchError } from '@tgfetch/core';
import {
  type Connection,
  type ConnectionOptions,
  createCommandQueue,
  createMessagesStreamReader,
  createRedisEventSink,
  createStreamCommandQueue,
  type MessagesStreamReader,
  type RedisEventSink,
} from '@tgfetch/redis-transport';
import type { Config } from '../config.js';

/** Where Redis is and how long it may be gone, as every daemon connection is opened. */
export function redisOptions(
  config: Config,
  onError: (error: TgfetchError) => void,
): ConnectionOptions & { url: string } {
  return {
    url: config.redisUrl,
    maxOutageMs: config.REDIS_MAX_OUTAGE_MS,
    replyTimeoutMs: config.REDIS_REPLY_TIMEOUT_MS,
    onError,
  };
}

/**
 * Events on PubSub and the capped stream, published on `shared`'s client (a connection
 * the daemon holds anyway; it stays open when the sink closes).
 */
export function openEventSink(
  config: Config,
  options: ConnectionOptions,
  shared: Connection,
): Promise<RedisEventSink> {
  return createRedisEventSink({
    ...options,
    client: shared.client,
    channel: config.EVENTS_CHANNEL,
    stream: config.EVENTS_STREAM,
    streamEnabled: config.EVENTS_STREAM !== '' && config.EVENTS_STREAM_MAXLEN > 0,
    maxLen: config.EVENTS_STREAM_MAXLEN,
    legacy: config.LEGACY_EVENTS,
  });
}

type QueueOptions = Parameters<typeof createCommandQueue>[0];
type QueueAdapter = (options: QueueOptions, name: string) => Promise<CommandQueue>;

/**
 * The queues `QUEUE_MODE` chooses from; each owns its connections (a blocking read must
 * not stall the plain commands that settle deliveries).
 */
const QUEUES: Record<Config['QUEUE_MODE'], QueueAdapter> = {
  list: (options, queue) => createCommandQueue({ ...options, queue }),
  stream: (options, stream) => createStreamCommandQueue({ ...options, stream }),
};

/** The command queue of `QUEUE_MODE`, named QUEUE_NAME, for this worker. */
export function openQueue(config: Config, options: ConnectionOptions): Promise<CommandQueue> {
  return QUEUES[config.QUEUE_MODE](
    {
      ...options,
      workerId: config.workerId,
      maxDeliveries: config.MAX_DELIVERIES,
      visibilityMs: config.QUEUE_VISIBILITY_MS,
    },
    config.QUEUE_NAME,
  );
}

/** The messages stream `stream` as `persist` reads it: group PERSIST_GROUP, this worker's name. */
export function openMessagesReader(
  config: Config,
  options: ConnectionOptions,
  stream: string,
  onDeadLetter: (id: string, reason: string) => void,
): Promise<MessagesStreamReader> {
  return createMessagesStreamReader({
    ...options,
    stream,
    group: config.PERSIST_GROUP,
    consumer: config.workerId,
    batchSize: config.PERSIST_BATCH_SIZE,
    maxDeliveries: config.MAX_DELIVERIES,
    claimIdleMs: config.PERSIST_CLAIM_IDLE_MS,
    onDeadLetter,
  });
}
