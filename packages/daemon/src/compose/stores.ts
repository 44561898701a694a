import { resolve } from 'node:path';
import type { ChatLock, MessageStore, ProgressStore } from '@tgfetch/core';
import type { CorruptFileNotice } from '@tgfetch/fs-store';
import type { MessagesStream, RedisClient } from '@tgfetch/redis-transport';
import type { Config } from '../config.js';

export interface OpenedStore {
  store: MessageStore;
  progress: ProgressStore;
  /** The store's own chat lock (files: same data directory; postgres: advisory locks). */
  lock: ChatLock;
  /**
   * `lock` is seen by every worker of this store wherever it runs (PostgreSQL advisory
   * locks, shared with `tgfetch fetch --store postgres` too): the daemon uses it instead of
   * a Redis lock.
   */
  lockIsShared: boolean;
  /** Where days go, for logs: the data directory or the schema (never a password). */
  where: string;
  /**
   * With MESSAGES_STREAM: the stream `store` appends each written day to, and the store
   * beneath it. Live follow writes beneath and appends its changes under their own kinds
   * (`edited`, `deleted`) instead of as days.
   */
  messages?: { stream: MessagesStream; direct: MessageStore };
  close(): Promise<void>;
}

export interface StoreHooks {
  /** Told when a PostgreSQL chat lock was lost with its connection. */
  onLockLost?: (chat: string) => void;
  onError?: (error: Error) => void;
  /** Told of every corrupt day file the file store sets aside (the store itself never logs). */
  onCorruptFile?: (notice: CorruptFileNotice) => void;
  /** How long the PostgreSQL chat lock waits for a busy chat (0: `CHAT_BUSY` at once). @default no limit */
  chatLockWaitMs?: number;
}

type StoreAdapter = (config: Config, cwd: string, hooks: StoreHooks) => Promise<OpenedStore>;

/**
 * The stores `--store` / `STORE` chooses from, each imported only when chosen. A new store
 * is its adapter here plus its name in `STORE_KINDS` (config.ts).
 */
const STORES: Record<Config['STORE'], StoreAdapter> = {
  fs: openFs,
  postgres: openPg,
};

/**
 * The store named by `--store` / `STORE`: files in DATA_DIR (default), or PostgreSQL
 * (migrated at open). With MESSAGES_STREAM set, each stored day's messages are also
 * appended to that Redis stream: on `redis` when given (a connection the caller has
 * anyway), else on a connection of its own to `redisUrl`.
 */
export async function openStore(
  config: Config,
  cwd: string,
  hooks: StoreHooks = {},
  redis?: RedisClient,
): Promise<OpenedStore> {
  const opened = await STORES[config.STORE](config, cwd, hooks);
  if (!config.MESSAGES_STREAM) return opened;
  const { createMessagesStream } = await import('@tgfetch/redis-transport');
  const messages = await createMessagesStream({
    ...(redis ? { client: redis } : { url: config.redisUrl }),
    stream: config.MESSAGES_STREAM,
    maxLen: config.MESSAGES_STREAM_MAXLEN,
    maxOutageMs: config.REDIS_MAX_OUTAGE_MS,
  }).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  return {
    ...opened,
    store: messages.wrap(opened.store),
    messages: { stream: messages, direct: opened.store },
    close: async () => {
      await opened.close();
      await messages.close();
    },
  };
}

/** node-postgres settings from DATABASE_URL; without it, the PG* variables as with psql. */
export function pgConnection(config: Config): { connectionString?: string } {
  return config.DATABASE_URL ? { connectionString: config.DATABASE_URL } : {};
}

/** Where the configuration's PostgreSQL database and schema are, as store and sink open them. */
function pgOptions(config: Config, hooks: Pick<StoreHooks, 'onError'>) {
  return {
    connection: pgConnection(config),
    schema: config.DATABASE_SCHEMA,
    poolSize: config.DATABASE_POOL_SIZE,
    ...(hooks.onError ? { onError: hooks.onError } : {}),
  };
}

/** The PostgreSQL store of the configuration, migrated at open. */
async function openPgFromConfig(config: Config, hooks: StoreHooks = {}) {
  const { openPgStore } = await import('@tgfetch/pg-store');
  return openPgStore({
    ...pgOptions(config, hooks),
    ...(hooks.onLockLost ? { onLockLost: hooks.onLockLost } : {}),
    ...(hooks.chatLockWaitMs === undefined ? {} : { lockWaitMs: hooks.chatLockWaitMs }),
  });
}

/** Where `persist` writes: the messages table of the configuration's PostgreSQL store. */
export async function openMessageSink(config: Config, hooks: Pick<StoreHooks, 'onError'> = {}) {
  const { openPgMessageSink } = await import('@tgfetch/pg-store');
  return openPgMessageSink(pgOptions(config, hooks));
}

async function openPg(config: Config, _cwd: string, hooks: StoreHooks): Promise<OpenedStore> {
  const store = await openPgFromConfig(config, hooks);
  return {
    store,
    progress: store,
    lock: store.lock,
    lockIsShared: true,
    where: `postgres schema ${store.schema}`,
    close: () => store.close(),
  };
}

async function openFs(config: Config, cwd: string, hooks: StoreHooks): Promise<OpenedStore> {
  const { createFsStore } = await import('@tgfetch/fs-store');
  // I/O against the working directory; events show the directory as configured
  // (`DATA_DIR=./data` gives `data/<chat>/2025/discussions_2025-11-07.json`).
  const store = createFsStore({
    dataDir: resolve(cwd, config.DATA_DIR),
    displayDir: config.DATA_DIR,
    format: config.DATA_FORMAT,
    ...(hooks.onCorruptFile ? { onCorruptFile: hooks.onCorruptFile } : {}),
  });
  return {
    store,
    progress: store,
    lock: store.lock,
    lockIsShared: false,
    where: config.DATA_DIR,
    close: () => store.close(),
  };
}
