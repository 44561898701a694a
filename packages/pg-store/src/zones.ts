import { type ChatRef, ZoneConflictError } from '@tgfetch/core';
import type { ClientBase, Pool } from 'pg';
import { table } from './sql.js';

/**
 * One zone per chat, as every store keeps it (core's store suite): the first day stored or
 * recorded claims the chat's zone in `chat_zones`, and a day of another zone is refused
 * with ZONE_CONFLICT. The claim is one atomic insert, so two writers of a new chat cannot
 * both win; what a refused call would have written is never written.
 */
export function createZones(schema: string) {
  const zones = table(schema, 'chat_zones');

  /** The chat's zone, or undefined while nothing of it is stored. */
  const zoneOf = async (db: Pool | ClientBase, chat: ChatRef): Promise<string | undefined> => {
    const found = await db.query<{ time_zone: string }>(
      `SELECT time_zone FROM ${zones} WHERE chat = $1`,
      [chat],
    );
    return found.rows[0]?.time_zone;
  };

  return {
    zoneOf,
    /** Claims `zone` for a chat that has none; rejects when the chat has another. */
    async claim(db: Pool | ClientBase, chat: ChatRef, zone: string): Promise<void> {
      await db.query(
        `INSERT INTO ${zones} (chat, time_zone) VALUES ($1, $2) ON CONFLICT (chat) DO NOTHING`,
        [chat, zone],
      );
      const stored = await zoneOf(db, chat);
      if (stored !== undefined && stored !== zone) throw new ZoneConflictError(chat, stored, zone);
    },
    /** Rejects when the chat is stored in another zone than `zone`; claims nothing. */
    async check(db: Pool | ClientBase, chat: ChatRef, zone: string): Promise<void> {
      const stored = await zoneOf(db, chat);
      if (stored !== undefined && stored !== zone) throw new ZoneConflictError(chat, stored, zone);
    },
  };
}
