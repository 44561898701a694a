import type { ClientBase } from 'pg';
import type { MessageRow } from './rows.js';
import { table } from './sql.js';

export interface UpsertResult {
  /** Rows inserted or replaced. */
  written: number;
  /** Rows left alone: the stored copy is the same, or carries a later edit. */
  unchanged: number;
}

/**
 * Inserts or replaces messages of one chat, keyed (chat, peer, id): a message seen again
 * replaces the stored copy unless that copy carries a later edit, so a redelivered or
 * re-run batch changes nothing (not even `stored_at`). `rows` must be unique by (peer, id) (`uniqueRows`). One
 * statement whatever the number of rows: the columns travel as arrays.
 */
export async function upsertMessages(
  client: ClientBase,
  schema: string,
  chat: string,
  rows: readonly MessageRow[],
): Promise<UpsertResult> {
  if (rows.length === 0) return { written: 0, unchanged: 0 };
  const messages = table(schema, 'messages');
  const result = await client.query(
    `INSERT INTO ${messages} AS m (chat, peer, id, date, edit_date, sender, text, message)
     SELECT $1, r.peer, r.id, r.date, r.edit_date, r.sender, r.text, r.message
       FROM unnest($2::text[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::jsonb[])
         AS r(peer, id, date, edit_date, sender, text, message)
     ON CONFLICT (chat, peer, id) DO UPDATE SET
       date = excluded.date, edit_date = excluded.edit_date, sender = excluded.sender,
       text = excluded.text, message = excluded.message, stored_at = now()
     WHERE coalesce(excluded.edit_date, '-infinity') >= coalesce(m.edit_date, '-infinity')
       AND m.message IS DISTINCT FROM excluded.message`,
    [
      chat,
      rows.map((r) => r.peer),
      rows.map((r) => r.id),
      rows.map((r) => r.date),
      rows.map((r) => r.edit_date),
      rows.map((r) => r.sender),
      rows.map((r) => r.text),
      rows.map((r) => r.message),
    ],
  );
  const written = result.rowCount ?? 0;
  return { written, unchanged: rows.length - written };
}
