import {
  type ChatRef,
  compareMessages,
  type DayComments,
  type DayDocument,
  type DayWriteResult,
  type IsoDate,
  isIsoDate,
  parseChat,
  type TgMessage,
} from '@tgfetch/core';
import type { Pool } from 'pg';
import { COPY_MIN, copyUnlessStored, LINK_COLUMNS, linkLine } from './copy.js';
import { PgStoreErrorCode, pgError } from './errors.js';
import { messageRow, uniqueRows } from './rows.js';
import { table } from './sql.js';
import { inTransaction } from './transaction.js';
import { upsertMessages } from './upsert.js';
import { createZones } from './zones.js';

/**
 * Where a day lives, for progress records and events: the schema, then the row key of
 * `days` (chat, time zone, date). Not a file path: nothing to join with DATA_DIR.
 */
export function dayLocation(schema: string, chat: ChatRef, timeZone: string, date: IsoDate) {
  return `pg:${schema}.days/${chat}/${timeZone}/${date}`;
}

export function checkChat(chat: unknown): ChatRef {
  const parsed = typeof chat === 'string' ? parseChat(chat) : undefined;
  if (!parsed?.ok) {
    throw pgError(
      PgStoreErrorCode.STORE_INVALID_CHAT,
      `Not a chat: ${parsed ? parsed.reason : 'a chat must be a string'}`,
    );
  }
  return parsed.chat;
}

export function checkDate(date: unknown): IsoDate {
  if (typeof date !== 'string' || !isIsoDate(date)) {
    throw pgError(PgStoreErrorCode.STORE_INVALID_DATE, 'A date must be YYYY-MM-DD');
  }
  return date;
}

/** What a day must hold to be stored: refused here rather than half-understood later. */
function checkDay(day: DayDocument): void {
  const bad = (why: string) => pgError(PgStoreErrorCode.STORE_INVALID_DAY, `Bad day: ${why}`);
  if (typeof day !== 'object' || day === null) throw bad('a day must be an object');
  if (!Array.isArray(day.messages)) throw bad('no messages array');
  if (typeof day.time_zone !== 'string' || day.time_zone.length === 0) throw bad('no time_zone');
  if (typeof day.fetched_at !== 'string' || Number.isNaN(Date.parse(day.fetched_at))) {
    throw bad('fetched_at must be an ISO-8601 time');
  }
  if (typeof day.complete !== 'boolean') throw bad('complete must be true or false');
  const comments = day.comments as unknown;
  if (
    comments !== undefined &&
    (typeof comments !== 'object' ||
      comments === null ||
      typeof (comments as { status?: unknown }).status !== 'string')
  ) {
    throw bad('comments must be an object with a status');
  }
  for (const m of day.messages as unknown[]) {
    const message = m as Partial<TgMessage> | null;
    if (typeof message !== 'object' || message === null || !Number.isSafeInteger(message.id)) {
      throw bad('every message needs an integer id');
    }
    if (typeof message.date !== 'string' || Number.isNaN(Date.parse(message.date))) {
      throw bad(`message ${message.id} has no valid date`);
    }
  }
}

export function createDays(pool: Pool, schema: string) {
  const days = table(schema, 'days');
  const links = table(schema, 'day_messages');
  const messages = table(schema, 'messages');
  const progress = table(schema, 'progress');
  const zones = createZones(schema);

  /**
   * One transaction: the day row (locked, so writers of one day queue), its messages
   * upserted, its links added, its count recounted, and a progress record that no longer
   * matches brought in line. Readers see the day before or after, never half of it.
   */
  const writeDay = async (day: DayDocument): Promise<DayWriteResult> => {
    checkDay(day);
    const chat = checkChat(day.chat);
    const date = checkDate(day.date);
    const zone = day.time_zone;
    const rows = uniqueRows(day.messages.map((m) => messageRow(m, chat)));
    const location = dayLocation(schema, chat, zone, date);
    return inTransaction(pool, async (client) => {
      await zones.claim(client, chat, zone);
      const created = await client.query(
        `INSERT INTO ${days} (chat, time_zone, date, fetched_at, complete, count)
         VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT DO NOTHING`,
        [chat, zone, date, day.fetched_at, day.complete],
      );
      await client.query(
        `SELECT 1 FROM ${days} WHERE chat = $1 AND time_zone = $2 AND date = $3 FOR UPDATE`,
        [chat, zone, date],
      );
      // A day row this transaction made holds no messages yet: its messages are most likely
      // not stored either (a redelivered or re-fetched day finds its row).
      await upsertMessages(client, schema, chat, rows, created.rowCount === 1);
      // A day row made by this transaction has no links yet (they are written only with it,
      // under its lock, and never deleted): they go in by COPY. Otherwise, or should a link
      // be there all the same, the INSERT skips the links the day holds already.
      const copied =
        created.rowCount === 1 && rows.length >= COPY_MIN
          ? await copyUnlessStored(client, links, LINK_COLUMNS, rows, linkLine(chat, zone, date))
          : undefined;
      if (rows.length > 0 && copied === undefined) {
        await client.query(
          `INSERT INTO ${links} (chat, time_zone, date, peer, id)
           SELECT $1, $2, $3, r.peer, r.id FROM unnest($4::text[], $5::bigint[]) AS r(peer, id)
           ON CONFLICT DO NOTHING`,
          [chat, zone, date, rows.map((r) => r.peer), rows.map((r) => r.id)],
        );
      }
      // The comments record as core's `mergeDayComments` keeps it: a write without one, or
      // with only `off`, leaves a stored record alone.
      const updated = await client.query<{ count: number }>(
        `UPDATE ${days} SET fetched_at = $4, complete = complete OR $5, updated_at = now(),
           count = (SELECT count(*) FROM ${links} WHERE chat = $1 AND time_zone = $2 AND date = $3),
           comments = CASE WHEN $6::jsonb IS NULL THEN comments
             WHEN $6::jsonb->>'status' = 'off' AND comments IS NOT NULL THEN comments
             ELSE $6::jsonb END
         WHERE chat = $1 AND time_zone = $2 AND date = $3 RETURNING count`,
        [
          chat,
          zone,
          date,
          day.fetched_at,
          day.complete,
          day.comments === undefined ? null : JSON.stringify(day.comments),
        ],
      );
      const count = updated.rows[0]?.count ?? 0;
      await client.query(
        `UPDATE ${progress} SET count = $4, location = $5
         WHERE chat = $1 AND time_zone = $2 AND date = $3 AND (count <> $4 OR location <> $5)`,
        [chat, zone, date, count, location],
      );
      return { count, location };
    });
  };

  /**
   * The day of `chat` at `date`. Core's port does not name the zone yet: the day written
   * last for that date is the one returned (each zone's day stays its own row).
   */
  const readDay = async (chatRef: ChatRef, dateRef: IsoDate): Promise<DayDocument | undefined> => {
    const chat = checkChat(chatRef);
    const date = checkDate(dateRef);
    // One snapshot for the day row and its messages.
    return inTransaction(
      pool,
      async (client) => {
        const found = await client.query<{
          time_zone: string;
          fetched_at: Date;
          complete: boolean;
          count: number;
          comments: DayComments | null;
        }>(
          `SELECT time_zone, fetched_at, complete, count, comments FROM ${days}
           WHERE chat = $1 AND date = $2 ORDER BY updated_at DESC LIMIT 1`,
          [chat, date],
        );
        const row = found.rows[0];
        if (!row) return undefined;
        const stored = await client.query<{ message: TgMessage }>(
          `SELECT m.message FROM ${links} l
           JOIN ${messages} m ON m.chat = l.chat AND m.peer = l.peer AND m.id = l.id
           WHERE l.chat = $1 AND l.time_zone = $2 AND l.date = $3 ORDER BY l.id, l.peer`,
          [chat, row.time_zone, date],
        );
        return {
          chat,
          date,
          time_zone: row.time_zone,
          fetched_at: row.fetched_at.toISOString(),
          complete: row.complete,
          count: row.count,
          // The file stores' order: an earlier peer's messages first, each peer's by id.
          messages: stored.rows.map((r) => r.message).sort(compareMessages),
          ...(row.comments === null ? {} : { comments: row.comments }),
        };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  };

  /**
   * The day of each of the chat's own messages among `ids` (its peer is the chat itself):
   * one query, by the `messages` key, then the `day_messages` key within three dates (a
   * local date is never more than a day from the UTC one).
   */
  const locate = async (
    chatRef: ChatRef,
    ids: readonly number[],
  ): Promise<ReadonlyMap<number, IsoDate>> => {
    const chat = checkChat(chatRef);
    if (!Array.isArray(ids))
      throw pgError(PgStoreErrorCode.STORE_INVALID_DAY, 'ids must be an array');
    const wanted = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
    const found = new Map<number, IsoDate>();
    if (wanted.length === 0) return found;
    const result = await pool.query<{ id: string; date: string }>(
      `SELECT l.id::text AS id, l.date::text AS date
       FROM ${messages} m JOIN ${links} l
         ON l.chat = m.chat AND l.peer = m.peer AND l.id = m.id
        AND l.time_zone = (SELECT time_zone FROM ${table(schema, 'chat_zones')} WHERE chat = $1)
        AND l.date BETWEEN (m.date AT TIME ZONE 'UTC')::date - 1 AND (m.date AT TIME ZONE 'UTC')::date + 1
       WHERE m.chat = $1 AND m.peer = $1 AND m.id = ANY($2::bigint[])`,
      [chat, wanted],
    );
    for (const row of result.rows) found.set(Number(row.id), row.date);
    return found;
  };

  /**
   * The stored comments of a channel post: every message whose `comment_of` names it, by
   * id (tombstones of deleted comments included). One query on `messages_comment_of`.
   */
  const commentsOf = async (post: { chat: ChatRef; id: number }): Promise<TgMessage[]> => {
    const chat = checkChat(post?.chat);
    if (!Number.isSafeInteger(post.id)) {
      throw pgError(PgStoreErrorCode.STORE_INVALID_DAY, 'A post id must be an integer');
    }
    const result = await pool.query<{ message: TgMessage }>(commentsOfQuery(schema), [
      chat,
      String(post.id),
    ]);
    return result.rows.map((r) => r.message);
  };

  /** The chat's zone as claimed in `chat_zones`. */
  const zoneOf = (chatRef: ChatRef): Promise<string | undefined> =>
    zones.zoneOf(pool, checkChat(chatRef));

  return { writeDay, readDay, locate, zoneOf, commentsOf };
}

/** The query of `commentsOf`, its predicate the partial index's own so that it is used. */
export function commentsOfQuery(schema: string): string {
  return `SELECT message FROM ${table(schema, 'messages')}
   WHERE message ? 'comment_of' AND message->'comment_of'->>'chat' = $1
     AND message->'comment_of'->>'id' = $2
   ORDER BY id`;
}
