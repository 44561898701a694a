import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { MessageRow } from './rows.js';

/** Rows per chunk handed to the COPY stream: the server parses one while the next is built. */
const CHUNK_ROWS = 256;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const SPECIAL = /[\\\t\n\r]/g;

/** A value in COPY's text format: the four characters it reads specially escaped, null as `\N`. */
function field(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(SPECIAL, (c) => ESCAPES[c] ?? c);
}

function line(chat: string, r: MessageRow): string {
  return `${chat}\t${field(r.peer)}\t${r.id}\t${field(r.date)}\t${field(r.edit_date)}\t${field(r.sender)}\t${field(r.text)}\t${field(r.message)}\n`;
}

/**
 * Inserts `rows` of `chat` into `table` (a `messages` table) by `COPY ... FROM STDIN`: the
 * same columns as the upsert's INSERT, so `stored_at` takes its default as there. No
 * conflict handling: a row already stored fails the whole COPY (`23505`), so the caller
 * sends only rows it found missing, inside a savepoint. Resolves with the rows copied.
 */
export async function copyMessages(
  client: ClientBase,
  table: string,
  chat: string,
  rows: readonly MessageRow[],
): Promise<number> {
  const stream = client.query(
    copyFrom(`COPY ${table} (chat, peer, id, date, edit_date, sender, text, message) FROM STDIN`),
  );
  const quotedChat = field(chat);
  await pipeline(function* () {
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      let chunk = '';
      const end = Math.min(rows.length, start + CHUNK_ROWS);
      for (let i = start; i < end; i++) chunk += line(quotedChat, rows[i] as MessageRow);
      yield chunk;
    }
  }, stream);
  return stream.rowCount;
}
