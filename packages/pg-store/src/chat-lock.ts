import {
  AbortError,
  type Backoff,
  backoffDelay,
  type ChatLock,
  chatBusyError,
  chatKey,
  DeliveryErrorCode,
  systemClock,
  TgfetchError,
} from '@tgfetch/core';
import pg from 'pg';
import { toPgError } from './errors.js';
import { checkSchema, DEFAULT_SCHEMA, LOCK_NAMESPACE } from './sql.js';

export interface PgChatLockOptions {
  /** node-postgres connection settings (a URL, or host/port/user/... ; PG* variables fill the rest). */
  connection: pg.ClientConfig;
  /** Locks of one schema exclude each other; another schema's are independent. @default 'tgfetch' */
  schema?: string;
  /** How often a held lock's connection is checked. @default 5000 */
  checkMs?: number;
  /** First wait between tries while the chat is held elsewhere; doubles up to `maxWaitMs`. @default 50 */
  minWaitMs?: number;
  /** @default 1000 */
  maxWaitMs?: number;
  /**
   * How long `acquire` waits for a chat another holder has before it fails with a retryable
   * `CHAT_BUSY` error (a worker then takes other work instead of idling). @default no limit
   */
  waitMs?: number;
  /** Told when a held lock was lost because its connection died (the server freed it). @default none */
  onLost?: (chat: string) => void;
}

export interface PgChatLock extends ChatLock {
  /** Chats held through this lock now. */
  held(): string[];
  /** Releases every hold. */
  close(): Promise<void>;
}

interface Hold {
  chat: string;
  client: pg.Client;
  timer: ReturnType<typeof setInterval>;
  lost: boolean;
}

/**
 * Core's `ChatLock` on PostgreSQL advisory locks. An advisory lock belongs to the session
 * that took it, so each hold has a connection of its own, kept for as long as the chat is
 * held (a pooled connection would carry the lock off to whoever borrows it next).
 *
 * When the holder dies, its session ends and the server frees the lock: no TTL to wait out.
 * A holder that hangs (alive, but no longer checking) loses it too: its session has an
 * `idle_session_timeout` of three checks. A dead connection under a live holder means the
 * lock is gone: `onLost` says so, and the fetch goes on — days are written in transactions
 * keyed by (chat, zone, date), so a second fetcher of the chat can only duplicate work,
 * never a message. Server-side TCP keepalives make a vanished host's session end promptly.
 */
export function createPgChatLock(options: PgChatLockOptions): PgChatLock {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const checkMs = options.checkMs ?? 5_000;
  const minWaitMs = options.minWaitMs ?? 50;
  const maxWaitMs = options.maxWaitMs ?? 1_000;
  const backoff: Backoff = { baseMs: minWaitMs, maxMs: maxWaitMs, jitter: 'equal' };
  const holds = new Set<Hold>();
  const namespace = `${LOCK_NAMESPACE.chat}${schema}`;

  const lose = (hold: Hold) => {
    if (hold.lost) return;
    hold.lost = true;
    clearInterval(hold.timer);
    holds.delete(hold);
    void hold.client.end().catch(() => undefined);
    options.onLost?.(hold.chat);
  };

  const connect = async (signal: AbortSignal): Promise<pg.Client> => {
    const client = new pg.Client({
      connectionTimeoutMillis: 10_000,
      query_timeout: Math.max(10_000, checkMs * 2),
      keepAlive: true,
      application_name: 'tgfetch-chat-lock',
      ...options.connection,
    });
    client.on('error', () => undefined);
    const onAbort = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect();
      await client.query(
        `SET idle_session_timeout = ${Math.ceil(checkMs * 3)}; SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3`,
      );
      return client;
    } catch (error) {
      void client.end().catch(() => undefined);
      if (signal.aborted) throw new AbortError('gave up waiting for the chat lock');
      throw toPgError(error, 'connecting for a chat lock');
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };

  return {
    async acquire(chatRef, signal) {
      const key = chatKey(chatRef);
      const chat = String(chatRef);
      if (signal.aborted) throw new AbortError('gave up waiting for the chat lock');
      const client = await connect(signal);
      const giveUpAt = Date.now() + (options.waitMs ?? Number.POSITIVE_INFINITY);
      try {
        for (let attempt = 0; ; attempt++) {
          const got = await client.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok',
            [namespace, key],
          );
          if (got.rows[0]?.ok) break;
          if (Date.now() >= giveUpAt) throw chatBusyError(chat);
          const pause = Math.min(backoffDelay(attempt, backoff), giveUpAt - Date.now());
          await systemClock.sleep(pause, signal).catch(() => {
            throw new AbortError('gave up waiting for the chat lock');
          });
        }
      } catch (error) {
        await client.end().catch(() => undefined);
        if (error instanceof AbortError || isBusy(error)) throw error;
        throw toPgError(error, `locking chat ${chat}`);
      }
      const hold: Hold = { chat, client, lost: false, timer: undefined as never };
      hold.timer = setInterval(() => {
        client.query('SELECT 1').catch(() => lose(hold));
      }, checkMs);
      hold.timer.unref();
      client.on('error', () => lose(hold));
      client.on('end', () => lose(hold));
      holds.add(hold);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        if (hold.lost) return;
        hold.lost = true;
        clearInterval(hold.timer);
        holds.delete(hold);
        // Ending the session frees the lock even if the unlock itself fails.
        await client
          .query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [namespace, key])
          .catch(() => undefined);
        await client.end().catch(() => undefined);
      };
    },
    held: () => [...holds].map((h) => h.chat),
    async close() {
      const all = [...holds];
      holds.clear();
      await Promise.all(
        all.map(async (hold) => {
          hold.lost = true;
          clearInterval(hold.timer);
          await hold.client.end().catch(() => undefined);
        }),
      );
    },
  };
}

function isBusy(error: unknown): boolean {
  return error instanceof TgfetchError && error.code === DeliveryErrorCode.CHAT_BUSY;
}
