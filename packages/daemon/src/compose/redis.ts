import type { CommandQueue, TgfetchError } from '@tgfetch/core';
import {
  type Connection,
  type ConnectionOptions,
  createCommandQueue,
  createMessagesStreamReader,
  createRedisEventSink,
  createRedisSchedules,
  createStreamCommandQueue,
  type MessagesStreamReader,
  type RedisClient,
  type RedisEventSink,
  type RedisSchedules,
} from '@tgfetch/redis-transport';
import type { Uses, ValuesOf } from '../settings/index.js';

/** Where Redis is and how long it may be gone, as every daemon connection is opened. */
export function redisOptions(
  redis: ValuesOf<'redis'>,
  onError: (error: TgfetchError) => void,
): ConnectionOptions & { url: string } {
  return {
    url: redis.url,
    maxOutageMs: redis.REDIS_MAX_OUTAGE_MS,
    replyTimeoutMs: redis.REDIS_REPLY_TIMEOUT_MS,
    onError,
  };
}

/**
 * Events on PubSub and the capped stream, published on `shared`'s client (a connection
 * the daemon holds anyway; it stays open when the sink closes).
 */
export function openEventSink(
  events: ValuesOf<'events'>,
  options: ConnectionOptions,
  shared: Connection,
): Promise<RedisEventSink> {
  return createRedisEventSink({
    ...options,
    client: shared.client,
    channel: events.EVENTS_CHANNEL,
    stream: events.EVENTS_STREAM,
    streamEnabled: events.EVENTS_STREAM_MAXLEN > 0,
    maxLen: events.EVENTS_STREAM_MAXLEN,
    legacy: events.LEGACY_EVENTS,
  });
}

type QueueOptions = Parameters<typeof createCommandQueue>[0];
type QueueAdapter = (options: QueueOptions, name: string) => Promise<CommandQueue>;

/**
 * The queues `QUEUE_MODE` chooses from; each owns its connections (a blocking read must
 * not stall the plain commands that settle deliveries). A new mode is one line here.
 */
const QUEUES = {
  list: (options, queue) => createCommandQueue({ ...options, queue }),
  stream: (options, stream) => createStreamCommandQueue({ ...options, stream }),
} satisfies Record<string, QueueAdapter>;

export const QUEUE_MODES = Object.keys(QUEUES) as (keyof typeof QUEUES)[];

/** The command queue of `QUEUE_MODE`, named QUEUE_NAME, for this worker. */
export function openQueue(
  { queue, worker }: Uses<'queue' | 'worker'>,
  options: ConnectionOptions,
): Promise<CommandQueue> {
  return QUEUES[queue.QUEUE_MODE](
    {
      ...options,
      workerId: worker.WORKER_ID,
      maxDeliveries: queue.MAX_DELIVERIES,
      visibilityMs: queue.QUEUE_VISIBILITY_MS,
    },
    queue.QUEUE_NAME,
  );
}

/** The messages stream `stream` as `persist` reads it: group PERSIST_GROUP, this worker's name. */
export function openMessagesReader(
  { persist, queue, worker }: Uses<'persist' | 'queue' | 'worker'>,
  options: ConnectionOptions,
  stream: string,
  onDeadLetter: (id: string, reason: string) => void,
): Promise<MessagesStreamReader> {
  return createMessagesStreamReader({
    ...options,
    stream,
    group: persist.PERSIST_GROUP,
    consumer: worker.WORKER_ID,
    batchSize: persist.PERSIST_BATCH_SIZE,
    maxDeliveries: queue.MAX_DELIVERIES,
    claimIdleMs: persist.PERSIST_CLAIM_IDLE_MS,
    onDeadLetter,
  });
}

/**
 * The schedule store on `client` (a connection the caller holds): its ticks go onto
 * SCHEDULE_QUEUE, else QUEUE_NAME, in QUEUE_MODE, under MAX_QUEUE_LENGTH; a schedule naming
 * no zone is in TGFETCH_TZ. The daemon and `tgfetch schedule` open it alike, so that both
 * see the same due times.
 */
export function openSchedules(
  {
    days,
    queue,
    redis,
    schedules,
    worker,
  }: Uses<'days' | 'queue' | 'redis' | 'schedules'> & Partial<Uses<'worker'>>,
  client: RedisClient,
): RedisSchedules {
  return createRedisSchedules({
    client,
    queue: schedules.SCHEDULE_QUEUE ?? queue.QUEUE_NAME,
    transport: queue.QUEUE_MODE,
    maxQueueLength: queue.MAX_QUEUE_LENGTH,
    maxSchedules: schedules.MAX_SCHEDULES,
    jitterMs: schedules.SCHEDULE_JITTER_MS,
    lateAfterMs: schedules.SCHEDULE_LATE_MS,
    replyTimeoutMs: redis.REDIS_REPLY_TIMEOUT_MS,
    timeZone: days.TGFETCH_TZ,
    ...(worker ? { workerId: worker.WORKER_ID } : {}),
  });
}
