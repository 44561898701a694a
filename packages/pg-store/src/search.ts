import type { MessageSearch, MessageSearchResult, TgMessage } from '@tgfetch/core';
import type { Pool } from 'pg';
import { checkChat, checkDate } from './days.js';
import { PgStoreErrorCode, pgError } from './errors.js';
import { table } from './sql.js';

/** The longest `text` searched: a query is a few words, not a document. */
export const MAX_SEARCH_TEXT = 500;

/**
 * Searches the stored messages in one query: the text through the GIN index on
 * `to_tsvector('simple', text)` (migration 4), the days through `day_messages` in each
 * chat's zone. Only the conditions given are in the SQL, so the planner sees each search
 * as it is.
 */
export function createSearch(pool: Pool, schema: string) {
  const messages = table(schema, 'messages');
  const links = table(schema, 'day_messages');
  const zones = table(schema, 'chat_zones');
  return async (search: MessageSearch): Promise<MessageSearchResult> => {
    const limit = search.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
      throw pgError(PgStoreErrorCode.PG_INVALID_SEARCH, 'limit must be an integer in 1..500');
    }
    const params: unknown[] = [];
    const where: string[] = [];
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (search.chat !== undefined) where.push(`m.chat = ${bind(checkChat(search.chat))}`);
    const text = search.text?.trim();
    if (text) {
      if (text.length > MAX_SEARCH_TEXT) {
        throw pgError(
          PgStoreErrorCode.PG_INVALID_SEARCH,
          `the text searched is ${text.length} characters; at most ${MAX_SEARCH_TEXT}`,
        );
      }
      where.push(
        `to_tsvector('simple', m.text) @@ websearch_to_tsquery('simple', ${bind(text.replaceAll('\u0000', ''))})`,
      );
    }
    const sender = search.sender?.trim();
    if (sender) {
      const p = bind(sender.slice(0, 200));
      where.push(`(m.sender = ${p} OR lower(m.message->>'post_author') = lower(${p}))`);
    }
    if (search.from !== undefined) where.push(`l.date >= ${bind(checkDate(search.from))}`);
    if (search.to !== undefined) where.push(`l.date <= ${bind(checkDate(search.to))}`);
    const found = await pool.query<{ chat: string; date: string; message: TgMessage }>(
      `SELECT m.chat, l.date::text AS date, m.message
       FROM ${messages} m
       JOIN ${zones} z ON z.chat = m.chat
       JOIN ${links} l ON l.chat = m.chat AND l.time_zone = z.time_zone AND l.peer = m.peer AND l.id = m.id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY m.date DESC, m.chat, m.id DESC
       LIMIT ${bind(limit + 1)}`,
      params,
    );
    const rows = found.rows.slice(0, limit);
    return {
      messages: rows.map((r) => ({ chat: r.chat, date: r.date, message: r.message })),
      more: found.rows.length > limit,
    };
  };
}
