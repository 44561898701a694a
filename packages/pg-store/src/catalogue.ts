import type { ChatRef, DayProgress, IsoDate } from '@tgfetch/core';
import type { Pool } from 'pg';
import { checkChat } from './days.js';
import { table } from './sql.js';

/** What is stored, chat by chat and day by day: the listing a console or a report reads. */
export function createCatalogue(pool: Pool, schema: string) {
  const days = table(schema, 'days');
  const progress = table(schema, 'progress');
  const zones = table(schema, 'chat_zones');
  return {
    /** Chats with a day stored, sorted. */
    async listChats(): Promise<ChatRef[]> {
      const found = await pool.query<{ chat: string }>(
        `SELECT chat FROM ${zones} UNION SELECT DISTINCT chat FROM ${days} ORDER BY chat`,
      );
      return found.rows.map((r) => r.chat);
    },
    /** Dates with a day stored for `chat` in its zone, sorted. */
    async listDays(chatRef: ChatRef): Promise<IsoDate[]> {
      const found = await pool.query<{ date: string }>(
        `SELECT d.date::text AS date FROM ${days} d JOIN ${zones} z
           ON z.chat = d.chat AND z.time_zone = d.time_zone
         WHERE d.chat = $1 ORDER BY d.date`,
        [checkChat(chatRef)],
      );
      return found.rows.map((r) => r.date);
    },
    /** The complete days recorded for `chat` in its zone, by date. */
    async listProgress(chatRef: ChatRef): Promise<DayProgress[]> {
      const found = await pool.query<{
        date: string;
        time_zone: string;
        count: number;
        location: string;
        fetched_at: Date;
      }>(
        `SELECT p.date::text AS date, p.time_zone, p.count, p.location, p.fetched_at
         FROM ${progress} p JOIN ${zones} z ON z.chat = p.chat AND z.time_zone = p.time_zone
         WHERE p.chat = $1 ORDER BY p.date`,
        [checkChat(chatRef)],
      );
      return found.rows.map((r) => ({
        date: r.date,
        time_zone: r.time_zone,
        count: r.count,
        location: r.location,
        fetched_at: r.fetched_at.toISOString(),
      }));
    },
  };
}
