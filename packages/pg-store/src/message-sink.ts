import type { ChatRef, TgfetchError, TgMessage } from '@tgfetch/core';
import type { Pool } from 'pg';
import { checkChat } from './days.js';
import { toPgError } from './errors.js';
import { createOperations } from './operations.js';
import { type MessageRow, messageRow, uniqueRows } from './rows.js';
import { openPool, type PgStoreOptions } from './store.js';
import { inTransaction } from './transaction.js';
import { upsertMessages } from './upsert.js';

export type PgMessageSinkOptions = Pick<
  PgStoreOptions,
  | 'connection'
  | 'schema'
  | 'migrate'
  | 'poolSize'
  | 'statementTimeoutMs'
  | 'connectTimeoutMs'
  | 'onError'
>;

/** One message to store, with its chat. */
export interface PgSinkMessage {
  chat: ChatRef;
  message: TgMessage;
}

export interface PgSinkResult {
  /** Messages inserted or replaced. */
  written: number;
  /** Messages that changed nothing: the same copy, or an older edit, was stored already. */
  unchanged: number;
  /** The messages the database refused (by their index in the batch), with why; the others are stored. */
  refused: Array<{ index: number; error: TgfetchError }>;
}

export interface PgMessageSink {
  readonly schema: string;
  /**
   * Stores a batch in one transaction, keyed (chat, peer, id) as `writeDay` keys messages: a
   * message seen again replaces the stored copy unless that carries a later edit, so writing
   * a batch again changes nothing. Messages the database refuses (a data error) are told
   * apart one by one and left out. Rejects with a retryable error (`PG_UNAVAILABLE`,
   * `PG_CONFLICT`) when nothing could be decided: the caller writes the batch again.
   */
  write(messages: readonly PgSinkMessage[]): Promise<PgSinkResult>;
  /** Resolves when the database answers (`SELECT 1`), for health checks. */
  ping(): Promise<void>;
  /** Waits for writes under way and closes the pool; later calls fail with `STORE_CLOSED`. */
  close(): Promise<void>;
}

interface Item {
  index: number;
  chat: ChatRef;
  row: MessageRow;
}

/**
 * Messages into the `messages` table of a pg-store schema (migrated at open unless told
 * not to), outside any day: what `tgfetch persist` feeds from the messages stream.
 */
export async function openPgMessageSink(
  options: PgMessageSinkOptions = {},
): Promise<PgMessageSink> {
  const { schema, pool } = await openPool(options);
  const ops = createOperations('message sink');

  const write = async (messages: readonly PgSinkMessage[]): Promise<PgSinkResult> => {
    const items: Item[] = [];
    const refused: PgSinkResult['refused'] = [];
    for (const [index, { chat, message }] of messages.entries()) {
      try {
        const checked = checkChat(chat);
        items.push({ index, chat: checked, row: messageRow(message, checked) });
      } catch (error) {
        refused.push({ index, error: toPgError(error, 'checking a message') });
      }
    }
    try {
      const written = await upsert(pool, schema, items);
      return { written, unchanged: items.length - written, refused };
    } catch (error) {
      const failure = toPgError(error, 'persisting a batch');
      if (failure.retryable) throw failure;
    }
    // One message the database refuses must not hold back the others: one by one.
    let written = 0;
    for (const item of items) {
      try {
        written += await upsert(pool, schema, [item]);
      } catch (error) {
        const failure = toPgError(error, 'persisting a message');
        if (failure.retryable) throw failure;
        refused.push({ index: item.index, error: failure });
      }
    }
    refused.sort((a, b) => a.index - b.index);
    return { written, unchanged: items.length - written - refused.length, refused };
  };

  return {
    schema,
    write: (messages) => ops.run('persisting messages', () => write(messages)),
    ping: () => ops.run('checking the connection', async () => void (await pool.query('SELECT 1'))),
    async close() {
      if (await ops.close()) await pool.end();
    },
  };
}

/** Upserts `items` in one transaction; resolves with how many rows it wrote. */
function upsert(pool: Pool, schema: string, items: readonly Item[]): Promise<number> {
  if (items.length === 0) return Promise.resolve(0);
  return inTransaction(pool, async (db) => {
    const byChat = new Map<ChatRef, MessageRow[]>();
    for (const { chat, row } of items) {
      const rows = byChat.get(chat);
      if (rows) rows.push(row);
      else byChat.set(chat, [row]);
    }
    let written = 0;
    // Chats, then rows, in one order in every writer: two batches never wait on each other.
    for (const chat of [...byChat.keys()].sort()) {
      const rows = uniqueRows(byChat.get(chat) ?? []).sort(
        (a, b) => a.peer.localeCompare(b.peer) || a.id - b.id,
      );
      written += (await upsertMessages(db, schema, chat, rows)).written;
    }
    return written;
  });
}
