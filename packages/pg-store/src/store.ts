import type {
  ChatRef,
  DayProgress,
  IsoDate,
  MessageSearch,
  MessageSearchResult,
  MessageStore,
  ProgressStore,
  TgMessage,
} from '@tgfetch/core';
import pg from 'pg';
import { createCatalogue } from './catalogue.js';
import { createPgChatLock, type PgChatLock } from './chat-lock.js';
import { createDays } from './days.js';
import { toPgError } from './errors.js';
import { type MigrateResult, migrate } from './migrations.js';
import { createOperations } from './operations.js';
import { createProgress } from './progress.js';
import { createSearch } from './search.js';
import { checkSchema, DEFAULT_SCHEMA } from './sql.js';

export interface PgStoreOptions {
  /**
   * node-postgres connection settings: `{ connectionString: DATABASE_URL }`, or host, port,
   * user, password, database; unset fields come from the PG* environment variables as
   * with psql. @default {} (PG* variables only)
   */
  connection?: pg.ClientConfig;
  /** Schema of the tables; created by the first migration. @default 'tgfetch' */
  schema?: string;
  /** Apply pending migrations when opening (under an advisory lock). @default true */
  migrate?: boolean;
  /** Connections in the pool (chat locks use their own). @default 10 */
  poolSize?: number;
  /** Deadline of one statement, ms (server `statement_timeout`, and a client-side one). @default 60000 */
  statementTimeoutMs?: number;
  /** Deadline of opening a connection, ms. @default 10000 */
  connectTimeoutMs?: number;
  /** Told about errors of idle pooled connections (the store never logs). @default none */
  onError?: (error: Error) => void;
  /** Passed to the chat lock. @default none */
  onLockLost?: (chat: string) => void;
  /** Passed to the chat lock as its `waitMs` (0: fail at once with `CHAT_BUSY`). @default no limit */
  lockWaitMs?: number;
}

export interface PgStore extends MessageStore, ProgressStore {
  /** The day of each stored id of a chat: one indexed query (see README). */
  locate(chat: ChatRef, ids: readonly number[]): Promise<ReadonlyMap<number, IsoDate>>;
  /** The zone a chat is stored in, or undefined while nothing of it is. */
  zoneOf(chat: ChatRef): Promise<string | undefined>;
  /**
   * The stored comments of a channel post (`chat`: the channel, `id`: the post): the
   * messages whose `comment_of` names it, by id, tombstones included. One indexed query.
   */
  commentsOf(post: { chat: ChatRef; id: number }): Promise<TgMessage[]>;
  /** Chats with a day stored, sorted. */
  listChats(): Promise<ChatRef[]>;
  /** Dates with a day stored for a chat (in its zone), sorted. */
  listDays(chat: ChatRef): Promise<IsoDate[]>;
  /** The complete days recorded for a chat (in its zone), by date. */
  listProgress(chat: ChatRef): Promise<DayProgress[]>;
  /** Full-text search of the stored messages, newest first (see README). */
  searchMessages(search: MessageSearch): Promise<MessageSearchResult>;
  readonly schema: string;
  /** Core's `ChatLock` on advisory locks in the same database. */
  readonly lock: PgChatLock;
  /** The pool, for queries of your own on the same tables. */
  readonly pool: pg.Pool;
  /** What opening applied (empty `applied` when the schema was up to date, or not migrated). */
  readonly migration: MigrateResult | undefined;
  /** Waits for operations under way, releases locks, closes the pool; later calls fail with `STORE_CLOSED`. */
  close(): Promise<void>;
}

/** The pool settings both the store and `migratePg` use. */
export function poolConfig(options: PgStoreOptions): pg.PoolConfig {
  const statementTimeoutMs = options.statementTimeoutMs ?? 60_000;
  return {
    ...options.connection,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: statementTimeoutMs,
    // Client side too: a server that stopped answering must not hang a write forever.
    query_timeout: statementTimeoutMs + 5_000,
    keepAlive: true,
    application_name: options.connection?.application_name ?? 'tgfetch',
  };
}

/** Applies pending migrations (what `tgfetch migrate` runs) and closes its connection. */
export async function migratePg(options: PgStoreOptions = {}): Promise<MigrateResult> {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const client = new pg.Client(poolConfig(options));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toPgError(error, 'connecting to PostgreSQL');
  }
  try {
    return await migrate(client, schema);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The schema checked and migrated (unless `migrate: false`), and a pool on the database. */
export async function openPool(
  options: PgStoreOptions,
): Promise<{ schema: string; pool: pg.Pool; migration: MigrateResult | undefined }> {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const migration = options.migrate === false ? undefined : await migratePg(options);
  const pool = new pg.Pool(poolConfig(options));
  pool.on('error', (error) => options.onError?.(error));
  return { schema, pool, migration };
}

/**
 * Days, progress and chat locks on PostgreSQL: see README.md for the tables and the
 * guarantees. Opening migrates the schema unless told not to.
 */
export async function openPgStore(options: PgStoreOptions = {}): Promise<PgStore> {
  const { schema, pool, migration } = await openPool(options);
  const lock = createPgChatLock({
    connection: options.connection ?? {},
    schema,
    ...(options.onLockLost ? { onLost: options.onLockLost } : {}),
    ...(options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs }),
  });
  const days = createDays(pool, schema);
  const progress = createProgress(pool, schema);
  const catalogue = createCatalogue(pool, schema);
  const search = createSearch(pool, schema);
  const ops = createOperations('store');
  const op = ops.run;

  return {
    schema,
    lock,
    pool,
    migration,
    writeDay: (day) =>
      op(`writing ${String(day?.chat)} ${String(day?.date)}`, () => days.writeDay(day)),
    readDay: (chat, date) => op(`reading ${chat} ${date}`, () => days.readDay(chat, date)),
    locate: (chat, ids) => op(`locating messages of ${chat}`, () => days.locate(chat, ids)),
    zoneOf: (chat) => op(`reading the zone of ${chat}`, () => days.zoneOf(chat)),
    commentsOf: (post) =>
      op(`reading the comments of ${String(post?.chat)} ${String(post?.id)}`, () =>
        days.commentsOf(post),
      ),
    listChats: () => op('listing chats', catalogue.listChats),
    listDays: (chat) => op(`listing the days of ${chat}`, () => catalogue.listDays(chat)),
    listProgress: (chat) => op(`reading progress of ${chat}`, () => catalogue.listProgress(chat)),
    searchMessages: (query) => op('searching messages', () => search(query)),
    completed: (chat, dates, timeZone) =>
      op(`reading progress of ${chat}`, () => progress.completed(chat, dates, timeZone)),
    markComplete: (chat, day) =>
      op(`recording progress of ${chat}`, () => progress.markComplete(chat, day)),
    async close() {
      if (!(await ops.close())) return;
      await lock.close();
      await pool.end();
    },
  };
}
