import {
  type ChatRef,
  type IsoDate,
  isIsoDate,
  parseChat,
  type TgfetchError,
  type TgMessage,
} from '@tgfetch/core';
import { MessagesStreamErrorCode, redisError } from './errors.js';

/**
 * The kinds of change an entry carries: a message stored (`new`: fetched, or posted live),
 * its new version (`edited`), or its tombstone (`deleted`: the message as stored, with
 * `deleted: true` and `deleted_at`). Every entry carries the whole message as stored, so a
 * consumer upserting by (chat, id) with the later edit winning and tombstones sticky needs
 * no other rule. An entry of a kind this version does not know is refused
 * (`INVALID_ENTRY`) rather than taken for a new message, so a kind added later is never
 * stored wrongly.
 */
export const MESSAGE_CHANGES = ['new', 'edited', 'deleted'] as const;
export type MessageChange = (typeof MESSAGE_CHANGES)[number];

/**
 * The fields of one entry, one message per entry: the kind of change, the day the message
 * was stored in (chat, zone, date), its id (for people reading the stream) and the message
 * JSON of the wire contract. An entry without `change` (written before it existed) is `new`.
 */
export const MESSAGES_STREAM_FIELDS = [
  'change',
  'chat',
  'time_zone',
  'date',
  'id',
  'message',
] as const;
export type MessagesStreamFields = Record<(typeof MESSAGES_STREAM_FIELDS)[number], string>;

/** The largest entry a reader takes (all its field values, in UTF-8 bytes). */
export const MAX_ENTRY_BYTES = 1_000_000;

/** One decoded entry of the messages stream. */
export interface MessagesStreamEntry {
  change: MessageChange;
  /** The canonical chat. */
  chat: ChatRef;
  time_zone: string;
  date: IsoDate;
  message: TgMessage;
}

export type DecodedEntry =
  | { ok: true; entry: MessagesStreamEntry }
  | { ok: false; error: TgfetchError };

export function encodeMessagesStreamEntry(entry: MessagesStreamEntry): MessagesStreamFields {
  return {
    change: entry.change,
    chat: entry.chat,
    time_zone: entry.time_zone,
    date: entry.date,
    id: String(entry.message.id),
    message: JSON.stringify(entry.message),
  };
}

/**
 * The entry `fields` hold, or why they hold none (an `INVALID_ENTRY` error naming every
 * problem). Anyone may XADD to the stream, so every field is checked; this never throws.
 * `notUtf8`: the fields were read as bytes and one was not UTF-8.
 */
export function decodeMessagesStreamEntry(
  fields: Readonly<Record<string, string>>,
  notUtf8 = false,
): DecodedEntry {
  const invalid = (why: string): DecodedEntry => ({
    ok: false,
    error: redisError(MessagesStreamErrorCode.INVALID_ENTRY, why),
  });
  if (notUtf8) return invalid('a field is not UTF-8');
  let bytes = 0;
  for (const value of Object.values(fields)) bytes += Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_ENTRY_BYTES) return invalid(`the entry is larger than ${MAX_ENTRY_BYTES} bytes`);

  const issues: string[] = [];
  const change = fields.change ?? 'new';
  if (!(MESSAGE_CHANGES as readonly string[]).includes(change)) {
    issues.push(`change: unknown kind of change "${change.slice(0, 40)}"`);
  }
  const chat = fields.chat === undefined ? undefined : parseChat(fields.chat);
  if (!chat) issues.push('chat: missing');
  else if (!chat.ok) issues.push(`chat: ${chat.reason}`);
  if (!fields.time_zone) issues.push('time_zone: missing');
  if (fields.date === undefined || !isIsoDate(fields.date)) issues.push('date: must be YYYY-MM-DD');
  const message = messageOf(fields.message, issues);
  if (issues.length > 0 || !chat?.ok || !message) return invalid(issues.join('; '));
  return {
    ok: true,
    entry: {
      change: change as MessageChange,
      chat: chat.chat,
      time_zone: fields.time_zone as string,
      date: fields.date as IsoDate,
      message,
    },
  };
}

/** The message JSON, checked as far as storing it needs (id, date, text); else issues. */
function messageOf(json: string | undefined, issues: string[]): TgMessage | undefined {
  if (json === undefined) {
    issues.push('message: missing');
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    issues.push('message: not JSON');
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push('message: not an object');
    return undefined;
  }
  const { id, date, text } = value as Record<string, unknown>;
  const before = issues.length;
  if (!Number.isSafeInteger(id)) issues.push('message.id: must be an integer');
  if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) {
    issues.push('message.date: must be an ISO-8601 time');
  }
  if (text !== undefined && typeof text !== 'string') issues.push('message.text: must be a string');
  return issues.length === before ? (value as TgMessage) : undefined;
}
