import { type ChatRef, mergeMessage, type TgMessage } from '@tgfetch/core';

/** A message as the typed columns of the `messages` table hold it. */
export interface MessageRow {
  peer: string;
  id: number;
  date: string;
  edit_date: string | null;
  sender: string | null;
  text: string;
  /** The whole message, as JSON text for a `jsonb` parameter. */
  message: string;
}

/**
 * The peer a message belongs to: the chat itself unless the message says it came from
 * another peer (a basic group's history before its migration to a supergroup). One place,
 * so that a richer `peer` shape only changes this function.
 */
export function peerOf(message: TgMessage, chat: ChatRef): string {
  const peer = message.peer;
  if (typeof peer === 'string' || typeof peer === 'number') return String(peer);
  if (typeof peer === 'object' && peer !== null && 'id' in peer) {
    const { kind, id } = peer as { kind?: unknown; id?: unknown };
    return typeof kind === 'string' ? `${kind}:${String(id)}` : String(id);
  }
  return chat;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000; Telegram text practically never has it,
 * but one such message must not fail its whole day. It becomes U+FFFD, in the typed column
 * and in the JSON alike, so both stay consistent.
 */
function pgText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

function senderOf(message: TgMessage): string | null {
  const from = message.from_id;
  return from === undefined || from === null ? null : String(from);
}

export function messageRow(message: TgMessage, chat: ChatRef): MessageRow {
  return {
    peer: peerOf(message, chat),
    id: message.id,
    date: message.date,
    edit_date: message.edit_date ?? null,
    sender: senderOf(message),
    text: pgText(typeof message.text === 'string' ? message.text : ''),
    message: messageJson(message),
  };
}

/** The message as JSON text for a `jsonb` parameter. */
function messageJson(message: TgMessage): string {
  // JSON escapes NUL as \u0000, which jsonb refuses: replace the escape itself. Looked for
  // first, as it is nearly never there: the look-behind scan costs more than the search.
  const json = JSON.stringify(message);
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
}

/**
 * One row per (peer, id), two copies merged as core's `mergeMessage` merges them (the later
 * edit wins, a tombstone stays): one INSERT ... ON CONFLICT may not touch a row twice.
 */
export function uniqueRows(rows: readonly MessageRow[]): MessageRow[] {
  const byKey = new Map<string, MessageRow>();
  for (const row of rows) {
    const key = `${row.peer}\u0000${row.id}`;
    const old = byKey.get(key);
    byKey.set(key, old ? mergeRows(old, row) : row);
  }
  return [...byKey.values()];
}

function mergeRows(old: MessageRow, row: MessageRow): MessageRow {
  const stored = JSON.parse(old.message) as TgMessage;
  const fresh = JSON.parse(row.message) as TgMessage;
  const merged = mergeMessage(stored, fresh);
  if (merged === fresh) return row;
  if (merged === stored) return old;
  // A tombstone joined to the copy whose edit won: that copy's columns, the merged JSON.
  const winner = editTime(old) > editTime(row) ? old : row;
  return { ...winner, message: messageJson(merged) };
}

function editTime(row: Pick<MessageRow, 'edit_date'>): number {
  return row.edit_date ? Date.parse(row.edit_date) : 0;
}
