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
  // The rows travel as one JSON array, unpacked by the server: cheaper than one array
  // parameter per column (no array-literal escaping of every message).
  const result = await client.query(
    `INSERT INTO ${messages} AS m (chat, peer, id, date, edit_date, sender, text, message)
     SELECT $1, r.peer, r.id, r.date, r.edit_date, r.sender, r.text, r.message
       FROM jsonb_to_recordset($2::jsonb)
         AS r(peer text, id bigint, date timestamptz, edit_date timestamptz, sender text, text text, message jsonb)
     ON CONFLICT (chat, peer, id) DO UPDATE SET
       date = excluded.date, edit_date = excluded.edit_date, sender = excluded.sender,
       text = excluded.text, message = excluded.message, stored_at = now()
     WHERE coalesce(excluded.edit_date, '-infinity') >= coalesce(m.edit_date, '-infinity')
       AND m.message IS DISTINCT FROM excluded.message`,
    [chat, `[${rows.map(rowJson).join(',')}]`],
  );
  const written = result.rowCount ?? 0;
  return { written, unchanged: rows.length - written };
}

/** A row as JSON, its message embedded as is (it is JSON text already). */
function rowJson(r: MessageRow): string {
  const { message, ...columns } = r;
  return `${JSON.stringify(columns).slice(0, -1)},"message":${message}}`;
}
