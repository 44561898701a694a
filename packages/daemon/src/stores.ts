import { resolve } from 'node:path';
import type { ChatLock, MessageStore, ProgressStore } from '@tgfetch/core';
import type { CorruptFileNotice } from '@tgfetch/fs-store';
import type { Config } from './config.js';

export interface OpenedStore {
  store: MessageStore;
  progress: ProgressStore;
  /** The store's own chat lock (files: same data directory; postgres: advisory locks). */
  lock: ChatLock;
  kind: 'fs' | 'postgres';
  /** Where days go, for logs: the data directory or the schema (never a password). */
  where: string;
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

/** node-postgres settings from DATABASE_URL; without it, the PG* variables as with psql. */
export function pgConnection(config: Config): { connectionString?: string } {
  return config.DATABASE_URL ? { connectionString: config.DATABASE_URL } : {};
}

/**
 * The store named by `--store` / `STORE`: files in DATA_DIR (default), or PostgreSQL
 * (migrated at open). With MESSAGES_STREAM set, each stored day's messages are also
 * appended to that Redis stream (`redisUrl` needed then).
 */
export async function openStore(
  config: Config,
  cwd: string,
  hooks: StoreHooks = {},
): Promise<OpenedStore> {
  const opened = await openBase(config, cwd, hooks);
  if (!config.MESSAGES_STREAM) return opened;
  const { createMessagesStream } = await import('@tgfetch/redis-transport');
  const messages = await createMessagesStream({
    url: config.redisUrl,
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
    close: async () => {
      await opened.close();
      await messages.close();
    },
  };
}

async function openBase(config: Config, cwd: string, hooks: StoreHooks): Promise<OpenedStore> {
  if (config.STORE === 'postgres') {
    const { openPgStore } = await import('@tgfetch/pg-store');
    const store = await openPgStore({
      connection: pgConnection(config),
      schema: config.DATABASE_SCHEMA,
      poolSize: config.DATABASE_POOL_SIZE,
      ...(hooks.onLockLost ? { onLockLost: hooks.onLockLost } : {}),
      ...(hooks.onError ? { onError: hooks.onError } : {}),
      ...(hooks.chatLockWaitMs === undefined ? {} : { lockWaitMs: hooks.chatLockWaitMs }),
    });
    return {
      store,
      progress: store,
      lock: store.lock,
      kind: 'postgres',
      where: `postgres schema ${store.schema}`,
      close: () => store.close(),
    };
  }
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
    kind: 'fs',
    where: config.DATA_DIR,
    close: () => store.close(),
  };
}
