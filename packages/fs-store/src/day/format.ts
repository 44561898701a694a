import type { DayDocument, TgMessage } from '@tgfetch/core';
import type { DayFormat } from '../paths.js';

/**
 * The two encodings of a day. `json` is one document (pretty-printed: people open these
 * files); `jsonl` is the metadata on the first line, then one message per line, so that
 * stream readers never hold a whole day in memory. Both are deterministic: the same day
 * always gives the same bytes.
 */

type DayMeta = Omit<DayDocument, 'messages'>;

function meta(day: DayDocument): DayMeta {
  return {
    chat: day.chat,
    date: day.date,
    time_zone: day.time_zone,
    fetched_at: day.fetched_at,
    complete: day.complete,
    count: day.count,
    ...(day.comments === undefined ? {} : { comments: day.comments }),
  };
}

export function encodeDay(day: DayDocument, format: DayFormat): string {
  if (format === 'json')
    return `${JSON.stringify({ ...meta(day), messages: day.messages }, null, 2)}\n`;
  const lines = [JSON.stringify(meta(day)), ...day.messages.map((m) => JSON.stringify(m))];
  return `${lines.join('\n')}\n`;
}

/** Parses a day file; throws a plain Error (the caller knows the file) when it is not one. */
export function decodeDay(text: string, format: DayFormat): DayDocument {
  if (format === 'json') {
    const doc = JSON.parse(text) as unknown;
    if (!isObject(doc) || !Array.isArray(doc.messages)) throw new Error('not a day document');
    return checked(doc as unknown as DayDocument);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const head = JSON.parse(lines[0] ?? '') as unknown;
  if (!isObject(head)) throw new Error('the first line is not the day metadata');
  const messages = lines.slice(1).map((line) => JSON.parse(line) as TgMessage);
  return checked({ ...(head as unknown as DayMeta), messages });
}

function checked(day: DayDocument): DayDocument {
  if (typeof day.date !== 'string' || typeof day.chat !== 'string') {
    throw new Error('the day has no chat or date');
  }
  if (day.count !== day.messages.length) {
    throw new Error(`count ${day.count} does not match ${day.messages.length} messages`);
  }
  for (const m of day.messages) {
    if (!isObject(m) || typeof m.id !== 'number') throw new Error('a message has no id');
  }
  return day;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
