import type { ChatRef, DayProgress, IsoDate } from '@tgfetch/core';
import type { Pool } from 'pg';
import { checkChat, checkDate } from './days.js';
import { PgStoreErrorCode, pgError } from './errors.js';
import { table } from './sql.js';
import { createZones } from './zones.js';

/**
 * The zone of a day, read from a location this store made (`pg:<schema>.days/<chat>/<zone>/
 * <date>`). Core's progress port does not carry the zone yet; records made from another
 * store's location get the empty zone.
 */
function zoneOf(location: string, chat: ChatRef, date: IsoDate): string {
  const middle = location.split('.days/', 2)[1];
  if (!location.startsWith('pg:') || !middle) return '';
  const prefix = `${chat}/`;
  const suffix = `/${date}`;
  if (!middle.startsWith(prefix) || !middle.endsWith(suffix)) return '';
  return middle.slice(prefix.length, middle.length - suffix.length);
}

export function createProgress(pool: Pool, schema: string) {
  const progress = table(schema, 'progress');
  const zones = createZones(schema);

  const completed = async (
    chatRef: ChatRef,
    dates: readonly IsoDate[],
    timeZone?: string,
  ): Promise<ReadonlyMap<IsoDate, DayProgress>> => {
    const chat = checkChat(chatRef);
    const asked = dates.map(checkDate);
    const found = new Map<IsoDate, DayProgress>();
    if (timeZone !== undefined) await zones.check(pool, chat, timeZone);
    if (asked.length === 0) return found;
    // The latest record per date, of the zone asked for (a chat holds one zone; records of
    // another can only come from before the zone rule).
    const result = await pool.query<{
      date: string;
      time_zone: string;
      count: number;
      location: string;
      fetched_at: Date;
    }>(
      `SELECT DISTINCT ON (date) date::text AS date, time_zone, count, location, fetched_at
       FROM ${progress}
       WHERE chat = $1 AND date = ANY($2::date[]) AND ($3::text IS NULL OR time_zone = $3)
       ORDER BY date, fetched_at DESC`,
      [chat, asked, timeZone ?? null],
    );
    for (const row of result.rows) {
      found.set(row.date, {
        ...(row.time_zone ? { time_zone: row.time_zone } : {}),
        date: row.date,
        count: row.count,
        location: row.location,
        fetched_at: row.fetched_at.toISOString(),
      });
    }
    return found;
  };

  const markComplete = async (chatRef: ChatRef, day: DayProgress): Promise<void> => {
    const chat = checkChat(chatRef);
    if (typeof day !== 'object' || day === null) {
      throw pgError(PgStoreErrorCode.STORE_INVALID_DAY, 'A progress record must be an object');
    }
    const date = checkDate(day.date);
    if (!Number.isSafeInteger(day.count) || typeof day.location !== 'string') {
      throw pgError(
        PgStoreErrorCode.STORE_INVALID_DAY,
        'A progress record needs a count and a location',
      );
    }
    const zone = day.time_zone ?? zoneOf(day.location, chat, date);
    if (zone !== '') await zones.claim(pool, chat, zone);
    await pool.query(
      `INSERT INTO ${progress} (chat, time_zone, date, count, location, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (chat, time_zone, date) DO UPDATE SET
         count = excluded.count, location = excluded.location, fetched_at = excluded.fetched_at`,
      [chat, zone, date, day.count, day.location, day.fetched_at],
    );
  };

  return { completed, markComplete };
}
