import type { ClientBase } from 'pg';
import { COPY_MIN, copyUnlessStored, MESSAGE_COLUMNS, messageLine } from './copy.js';
import type { MessageRow } from './rows.js';
import { table } from './sql.js';

export interface UpsertResult {
  /** Rows inserted or replaced. */
  written: number;
  /** Rows left alone: the stored copy is the same, or carries a later edit. */
  unchanged: number;
}

/** The fresh copy wins unless the stored one carries a later edit (core's `mergeMessage`). */
const FRESH_WINS = `coalesce(excluded.edit_date, '-infinity') >= coalesce(m.edit_date, '-infinity')`;
const isTombstone = (row: string) => `(${row}.message @> '{"deleted":true}')`;
/**
 * A tombstone is sticky: when either copy is deleted, so is the result, with the earlier
 * `deleted_at` of the two (ISO text of one form, so text order is time order).
 */
const TOMBSTONE = `CASE WHEN ${isTombstone('m')} OR ${isTombstone('excluded')} THEN jsonb_strip_nulls(
    jsonb_build_object('deleted', true, 'deleted_at', least(
      CASE WHEN ${isTombstone('m')} THEN m.message->>'deleted_at' END,
      CASE WHEN ${isTombstone('excluded')} THEN excluded.message->>'deleted_at' END)))
  ELSE '{}'::jsonb END`;
const MERGED = `(CASE WHEN ${FRESH_WINS} THEN excluded.message ELSE m.message END) || ${TOMBSTONE}`;
const column = (name: string) =>
  `${name} = CASE WHEN ${FRESH_WINS} THEN excluded.${name} ELSE m.${name} END`;

/**
 * Inserts or merges messages of one chat, keyed (chat, peer, id), as core's `mergeMessage`
 * does: a message seen again replaces the stored copy unless that copy carries a later
 * edit, and a deleted message stays deleted (a tombstone), so a redelivered or re-run batch
 * changes nothing (not even `stored_at`). `rows` must be unique by (peer, id)
 * (`uniqueRows`).
 *
 * Rows not stored yet, the whole of a first write, go in by COPY, which inserts several
 * times faster than INSERT ... ON CONFLICT; the rest are merged by one upsert statement.
 * A writer that stores one of the new rows between the look-up and the COPY makes the COPY
 * fail on the key: it is undone to its savepoint and every row goes through the upsert, so
 * the outcome is the upsert's whatever the timing.
 *
 * `likelyNew` (a day row this transaction made) skips the look-up, which costs a fifth of
 * a new day's write: every row is copied at once, and should one be stored already the
 * COPY fails on its key, is undone, and the look-up path runs after all.
 */
export async function upsertMessages(
  client: ClientBase,
  schema: string,
  chat: string,
  rows: readonly MessageRow[],
  likelyNew = false,
): Promise<UpsertResult> {
  if (rows.length === 0) return { written: 0, unchanged: 0 };
  const messages = table(schema, 'messages');
  const copy = (some: readonly MessageRow[]) =>
    copyUnlessStored(client, messages, MESSAGE_COLUMNS, some, messageLine(chat));
  if (likelyNew && rows.length >= COPY_MIN) {
    const count = await copy(rows);
    if (count !== undefined) return { written: count, unchanged: rows.length - count };
  }
  let rest = rows;
  let copied = 0;
  if (rows.length >= COPY_MIN) {
    const stored = await storedRows(client, messages, chat, rows);
    const fresh = rows.filter((_, i) => !stored.has(i));
    if (fresh.length >= COPY_MIN) {
      const count = await copy(fresh);
      if (count !== undefined) {
        copied = count;
        rest = rows.filter((_, i) => stored.has(i));
      }
    }
  }
  const written = copied + (await mergeMessages(client, messages, chat, rest));
  return { written, unchanged: rows.length - written };
}

/** The indexes in `rows` of the rows `messages` holds already: one look-up by the key. */
async function storedRows(
  client: ClientBase,
  messages: string,
  chat: string,
  rows: readonly MessageRow[],
): Promise<Set<number>> {
  const result = await client.query<{ i: number }>(
    `SELECT (r.i - 1)::int AS i FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS r(peer, id, i)
     WHERE EXISTS (SELECT 1 FROM ${messages} m WHERE m.chat = $1 AND m.peer = r.peer AND m.id = r.id)`,
    [chat, rows.map((r) => r.peer), rows.map((r) => r.id)],
  );
  return new Set(result.rows.map((r) => r.i));
}

/** One upsert statement for `rows`; resolves with the rows inserted or replaced. */
async function mergeMessages(
  client: ClientBase,
  messages: string,
  chat: string,
  rows: readonly MessageRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  // The rows travel as one JSON array, unpacked by the server: cheaper than one array
  // parameter per column (no array-literal escaping of every message).
  const result = await client.query(
    `INSERT INTO ${messages} AS m (chat, peer, id, date, edit_date, sender, text, message)
     SELECT $1, r.peer, r.id, r.date, r.edit_date, r.sender, r.text, r.message
       FROM jsonb_to_recordset($2::jsonb)
         AS r(peer text, id bigint, date timestamptz, edit_date timestamptz, sender text, text text, message jsonb)
     ON CONFLICT (chat, peer, id) DO UPDATE SET
       ${['date', 'edit_date', 'sender', 'text'].map(column).join(', ')},
       message = ${MERGED}, stored_at = now()
     WHERE m.message IS DISTINCT FROM ${MERGED}`,
    [chat, `[${rows.map(rowJson).join(',')}]`],
  );
  return result.rowCount ?? 0;
}

/** A row as JSON, its message embedded as is (it is JSON text already). */
function rowJson(r: MessageRow): string {
  const { message, ...columns } = r;
  return `${JSON.stringify(columns).slice(0, -1)},"message":${message}}`;
}
