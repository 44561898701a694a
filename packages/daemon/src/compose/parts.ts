import type {
  ChatLock,
  CommandQueue,
  EventSink,
  FetchPorts,
  MessageSource,
  TgfetchError,
} from '@tgfetch/core';
import type { PgMessageSink } from '@tgfetch/pg-store';
import {
  type Connection,
  createRedisChatLock,
  createRedisRateMemory,
  type MessagesStreamReader,
  openConnection,
  type RedisEventSink,
} from '@tgfetch/redis-transport';
import type { Lifetime } from '../process/lifetime.js';
import type { Settings, Uses } from '../settings/index.js';
import { openEventSink, openMessagesReader, openQueue, redisOptions } from './redis.js';
import { type OpenedSource, openSource, type SourceOptions } from './sources.js';
import { type OpenedStore, openMessageSink, openStore, type StoreHooks } from './stores.js';

/**
 * The one place where commands get their adapters: each is chosen by its setting
 * (TGFETCH_SOURCE, STORE, QUEUE_MODE) from the tables of `sources.ts`, `stores.ts` and
 * `redis.ts`, given the settings groups it reads, and held by the command's `Lifetime`,
 * which closes them all.
 */

export interface FetchParts {
  source: OpenedSource;
  store: OpenedStore;
}

export interface DaemonParts extends FetchParts {
  /**
   * The daemon's one connection for plain commands beside the queue's: the event sink
   * publishes on it, and the Redis chat lock, the data-loss marker and the MESSAGES_STREAM
   * appends ride on it too.
   */
  redis: Connection;
  events: RedisEventSink;
  queue: CommandQueue;
  /** What the worker runs each command on. */
  ports: FetchPorts;
  /** The chat lock the worker's commands take (live follow takes it too). */
  lock: ChatLock;
}

/** What `tgfetch fetch` runs on: the source (an export picks `chat`) and the store. */
export async function openFetchParts(
  settings: Uses<'source' | 'store'> & Settings,
  lifetime: Lifetime,
  options: { cwd: string; chat: string; storeHooks?: StoreHooks },
): Promise<FetchParts> {
  const source = await lifetime.open(openSource(settings, { only: { chat: options.chat } }));
  const store = await lifetime.open(openStore(settings, options.cwd, options.storeHooks));
  return { source, store };
}

/** What `tgfetch daemon` runs on: Redis (connection, events, queue), the source, the store. */
export async function openDaemonParts(
  settings: Uses<'redis' | 'events' | 'queue' | 'worker' | 'source' | 'store'> & Settings,
  lifetime: Lifetime,
  options: {
    cwd: string;
    onRedisError: (error: TgfetchError) => void;
    storeHooks?: StoreHooks;
    onConnectionState?: SourceOptions['onConnectionState'];
    onRateMemoryError?: SourceOptions['onRateMemoryError'];
  },
): Promise<DaemonParts> {
  const connectionOptions = redisOptions(settings.redis, options.onRedisError);
  const redis = await lifetime.open(openConnection(connectionOptions));
  const events = await lifetime.open(openEventSink(settings.events, connectionOptions, redis));
  const queue = await lifetime.open(openQueue(settings, connectionOptions));
  // The account's learned request rate is kept in Redis beside the queue: every daemon of
  // the account on it, and the next one started, paces at what the last flood wait taught.
  const source = await lifetime.open(
    openSource(settings, {
      onConnectionState: options.onConnectionState,
      rateMemory: createRedisRateMemory({
        client: redis.client,
        prefix: `${settings.queue.QUEUE_NAME}:rate:`,
      }),
      onRateMemoryError: options.onRateMemoryError,
    }),
  );
  // Never waits on a chat another worker holds (Redis or PostgreSQL lock alike): the command
  // goes back and the slot takes other work.
  const store = await lifetime.open(
    openStore(settings, options.cwd, { ...options.storeHooks, chatLockWaitMs: 0 }, redis.client),
  );
  const lock = store.lockIsShared
    ? store.lock
    : createRedisChatLock({
        client: redis.client,
        ttlMs: settings.queue.CHAT_LOCK_TTL_MS,
        waitMs: 0,
      });
  return {
    redis,
    events,
    queue,
    source,
    store,
    ports: fetchPorts(source.source, store, events, lock),
    lock,
  };
}

export interface PersistParts {
  /** The messages stream `stream`, read through the group PERSIST_GROUP. */
  reader: MessagesStreamReader;
  /** Where its messages are stored. */
  sink: PgMessageSink;
}

/** What `tgfetch persist` runs on: the messages-stream reader and the message sink. */
export async function openPersistParts(
  settings: Uses<'redis' | 'database' | 'persist' | 'queue' | 'worker'>,
  lifetime: Lifetime,
  options: {
    stream: string;
    onRedisError: (error: TgfetchError) => void;
    onDatabaseError: (error: Error) => void;
    onDeadLetter: (id: string, reason: string) => void;
  },
): Promise<PersistParts> {
  const sink = await lifetime.open(
    openMessageSink(settings.database, { onError: options.onDatabaseError }),
  );
  const reader = await lifetime.open(
    openMessagesReader(
      settings,
      redisOptions(settings.redis, options.onRedisError),
      options.stream,
      options.onDeadLetter,
    ),
  );
  return { reader, sink };
}

/** The engine's ports from a source and a store; the store's own lock unless another is given. */
export function fetchPorts(
  source: MessageSource,
  store: OpenedStore,
  events: EventSink,
  lock = store.lock,
): FetchPorts {
  return { source, store: store.store, progress: store.progress, events, lock };
}
