import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { MessageRow } from './rows.js';

/**
 * Fewer rows than this go through an INSERT: a COPY costs a savepoint and a few round trips
 * more than one statement.
 */
export const COPY_MIN = 32;

/** Rows per chunk handed to the COPY stream: the server parses one while the next is built. */
const CHUNK_ROWS = 256;

/** SQLSTATE of a duplicate key. */
const UNIQUE_VIOLATION = '23505';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const SPECIAL = /[\\\t\n\r]/g;

/** A value in COPY's text format: the four characters it reads specially escaped, null as `\N`. */
function field(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(SPECIAL, (c) => ESCAPES[c] ?? c);
}

/** The columns of `messages` a COPY fills: the upsert's, so `stored_at` takes its default as there. */
export const MESSAGE_COLUMNS = '(chat, peer, id, date, edit_date, sender, text, message)';

/** A `messages` row of `chat` as a line of COPY text. */
export function messageLine(chat: string): (r: MessageRow) => string {
  const c = field(chat);
  return (r) =>
    `${c}\t${field(r.peer)}\t${r.id}\t${field(r.date)}\t${field(r.edit_date)}\t${field(r.sender)}\t${field(r.text)}\t${field(r.message)}\n`;
}

export const LINK_COLUMNS = '(chat, time_zone, date, peer, id)';

/** A `day_messages` row of the day (chat, zone, date) as a line of COPY text. */
export function linkLine(chat: string, zone: string, date: string): (r: MessageRow) => string {
  const day = `${field(chat)}\t${field(zone)}\t${field(date)}`;
  return (r) => `${day}\t${field(r.peer)}\t${r.id}\n`;
}

/**
 * Inserts `rows` into `table` by `COPY ... FROM STDIN`, several times faster than INSERT ...
 * ON CONFLICT, inside a savepoint: COPY has no conflict handling, so a row whose key is
 * stored already (by another writer since the caller looked) fails it whole; it is then
 * undone and the result is undefined, for the caller to take its INSERT instead. Resolves
 * with the rows copied otherwise.
 */
export async function copyUnlessStored<T>(
  client: ClientBase,
  table: string,
  columns: string,
  rows: readonly T[],
  line: (row: T) => string,
): Promise<number | undefined> {
  await client.query('SAVEPOINT tgfetch_copy');
  try {
    const stream = client.query(copyFrom(`COPY ${table} ${columns} FROM STDIN`));
    await pipeline(function* () {
      for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
        let chunk = '';
        const end = Math.min(rows.length, start + CHUNK_ROWS);
        for (let i = start; i < end; i++) chunk += line(rows[i] as T);
        yield chunk;
      }
    }, stream);
    await client.query('RELEASE SAVEPOINT tgfetch_copy');
    return stream.rowCount;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== UNIQUE_VIOLATION) throw error;
    await client.query('ROLLBACK TO SAVEPOINT tgfetch_copy');
    return undefined;
  }
}
