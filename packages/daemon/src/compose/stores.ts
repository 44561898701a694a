import { resolve } from 'node:path';
import type { ChatLock, MessageStore, ProgressStore } from '@tgfetch/core';
import type { CorruptFileNotice } from '@tgfetch/fs-store';
import type { MessagesStream, RedisClient } from '@tgfetch/redis-transport';
import { databaseGroup } from '../settings/database.js';
import { filesGroup } from '../settings/files.js';
import { pick, type SettingsOf } from '../settings/group.js';
import type { Settings, Uses } from '../settings/index.js';
import { memoryGroup } from '../settings/memory.js';
import { messagesGroup } from '../settings/messages.js';
import { redisGroup } from '../settings/redis.js';
import { adapter } from './adapter.js';

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

/**
 * The stores `--store` / `STORE` chooses from, each with what help says of it, the settings
 * group it reads (checked only when it is chosen), its package (imported only when chosen)
 * and that package's error codes. A new store is its package, its settings group and one
 * entry here; the settings, the flag, the error codes and their docs follow from the entry.
 */
export const STORES = {
  fs: adapter({
    help: 'day files in DATA_DIR',
    settings: [filesGroup],
    load: () => import('@tgfetch/fs-store'),
    errorCodes: (pkg) => pkg.FS_STORE_ERROR_CODES,
    open: openFs,
  }),
  postgres: adapter({
    help: 'PostgreSQL, DATABASE_URL or PG*',
    settings: [databaseGroup],
    load: () => import('@tgfetch/pg-store'),
    errorCodes: (pkg) => pkg.PG_STORE_ERROR_CODES,
    open: openPg,
  }),
  memory: adapter({
    help: 'in the process, lost when it ends (tests, demos)',
    settings: [memoryGroup],
    load: () => import('@tgfetch/memory-store'),
    errorCodes: (pkg) => pkg.MEMORY_STORE_ERROR_CODES,
    open: async (pkg, { memory }) => ({
      ...pkg.openMemoryStore({ maxDays: memory.MEMORY_STORE_MAX_DAYS }),
      lockIsShared: false,
      where: 'memory',
    }),
  }),
};

export type StoreKind = keyof typeof STORES;
export const STORE_KINDS = Object.keys(STORES) as StoreKind[];

/**
 * The store STORE names. With MESSAGES_STREAM set, each stored day's messages are also
 * appended to that Redis stream: on `redis` when given (a connection the caller has
 * anyway), else on a connection of its own.
 */
export async function openStore(
  settings: Uses<'store'> & Settings,
  cwd: string,
  hooks: StoreHooks = {},
  redis?: RedisClient,
): Promise<OpenedStore> {
  const opened = await STORES[settings.store.STORE].open(settings, cwd, hooks);
  // Loaded with every store; the Redis settings with a set MESSAGES_STREAM.
  const { MESSAGES_STREAM, MESSAGES_STREAM_MAXLEN } = pick(settings, [messagesGroup]).messages;
  if (!MESSAGES_STREAM) return opened;
  const { redis: redisSettings } = pick(settings, [redisGroup]);
  const { createMessagesStream } = await import('@tgfetch/redis-transport');
  const messages = await createMessagesStream({
    ...(redis ? { client: redis } : { url: redisSettings.url }),
    stream: MESSAGES_STREAM,
    maxLen: MESSAGES_STREAM_MAXLEN,
    maxOutageMs: redisSettings.REDIS_MAX_OUTAGE_MS,
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

type DatabaseSettings = SettingsOf<[typeof databaseGroup]>['database'];

/** node-postgres settings from DATABASE_URL; without it, the PG* variables as with psql. */
export function pgConnection(database: DatabaseSettings): { connectionString?: string } {
  return database.DATABASE_URL ? { connectionString: database.DATABASE_URL } : {};
}

/** Where the PostgreSQL database and schema are, as store and sink open them. */
function pgOptions(database: DatabaseSettings, hooks: Pick<StoreHooks, 'onError'>) {
  return {
    connection: pgConnection(database),
    schema: database.DATABASE_SCHEMA,
    poolSize: database.DATABASE_POOL_SIZE,
    ...(hooks.onError ? { onError: hooks.onError } : {}),
  };
}

/** Where `persist` writes: the messages table of the PostgreSQL store. */
export async function openMessageSink(
  database: DatabaseSettings,
  hooks: Pick<StoreHooks, 'onError'> = {},
) {
  const { openPgMessageSink } = await import('@tgfetch/pg-store');
  return openPgMessageSink(pgOptions(database, hooks));
}

/** The PostgreSQL store, migrated at open. */
async function openPg(
  { openPgStore }: typeof import('@tgfetch/pg-store'),
  { database }: SettingsOf<[typeof databaseGroup]>,
  _cwd: string,
  hooks: StoreHooks,
): Promise<OpenedStore> {
  const store = await openPgStore({
    ...pgOptions(database, hooks),
    ...(hooks.onLockLost ? { onLockLost: hooks.onLockLost } : {}),
    ...(hooks.chatLockWaitMs === undefined ? {} : { lockWaitMs: hooks.chatLockWaitMs }),
  });
  return {
    store,
    progress: store,
    lock: store.lock,
    lockIsShared: true,
    where: `postgres schema ${store.schema}`,
    close: () => store.close(),
  };
}

async function openFs(
  { createFsStore }: typeof import('@tgfetch/fs-store'),
  { files }: SettingsOf<[typeof filesGroup]>,
  cwd: string,
  hooks: StoreHooks,
): Promise<OpenedStore> {
  // I/O against the working directory; events show the directory as configured
  // (`DATA_DIR=./data` gives `data/<chat>/2025/discussions_2025-11-07.json`).
  const store = createFsStore({
    dataDir: resolve(cwd, files.DATA_DIR),
    displayDir: files.DATA_DIR,
    format: files.DATA_FORMAT,
    ...(hooks.onCorruptFile ? { onCorruptFile: hooks.onCorruptFile } : {}),
  });
  return {
    store,
    progress: store,
    lock: store.lock,
    lockIsShared: false,
    where: files.DATA_DIR,
    close: () => store.close(),
  };
}
