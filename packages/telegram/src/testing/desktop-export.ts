import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Builds Telegram Desktop exports the way Telegram Desktop writes them (key order,
 * one-space indentation, `date` as naive local time next to `date_unixtime`), for tests of
 * an import (`@tgfetch/telegram/export`).
 */

/** A message object of an export, as Telegram Desktop writes it. */
export type RawMessage = Record<string, unknown>;

export interface ExportMessageSpec {
  id: number;
  /** Epoch seconds. */
  unix: number;
  /** Offset of the exporting machine's clock, for the naive `date`. @default 0 */
  localOffsetHours?: number;
  /** Old format: no `*_unixtime` and no `text_entities`. @default false */
  old?: boolean;
  text?: string | (string | Record<string, unknown>)[];
  extra?: RawMessage;
}

export function wallTime(unix: number, offsetHours = 0): string {
  return new Date((unix + offsetHours * 3600) * 1000).toISOString().slice(0, 19);
}

/** One message as Telegram Desktop exports it. */
export function exportMessage(spec: ExportMessageSpec): RawMessage {
  const text = spec.text ?? `message ${spec.id}`;
  const m: RawMessage = {
    id: spec.id,
    type: 'message',
    date: wallTime(spec.unix, spec.localOffsetHours),
  };
  if (!spec.old) m.date_unixtime = String(spec.unix);
  m.from = 'Channel';
  m.from_id = 'channel1234567890';
  Object.assign(m, spec.extra);
  m.text = text;
  if (!spec.old) m.text_entities = textEntities(text);
  return m;
}

function textEntities(text: ExportMessageSpec['text']): Record<string, unknown>[] {
  if (typeof text === 'string') return text === '' ? [] : [{ type: 'plain', text }];
  return (text ?? []).map((p) => (typeof p === 'string' ? { type: 'plain', text: p } : p));
}

export function singleChatExport(messages: RawMessage[], chat: Record<string, unknown> = {}) {
  return {
    name: 'Test channel',
    type: 'public_channel',
    id: 1234567890,
    ...chat,
    messages,
  };
}

export function accountExport(
  chats: Record<string, unknown>[],
  leftChats: Record<string, unknown>[] = [],
) {
  return {
    about: 'Here is the data you requested.',
    personal_information: { user_id: 42, first_name: 'Test', phone_number: '+0 000 000 0000' },
    contacts: { about: 'contacts', list: [{ first_name: 'A', phone_number: '+1', date: 'x' }] },
    chats: { about: 'chats', list: chats },
    left_chats: { about: 'left chats', list: leftChats },
  };
}

/** Writes `value` with Telegram Desktop's layout: one-space indent, no trailing newline. */
export async function writeExport(dir: string, value: unknown, name = 'result.json') {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(value, null, 1));
  return file;
}

/**
 * Writes a single-chat export of `count` messages a stream at a time, so the test itself
 * never holds the file. Returns its path and size.
 */
export async function writeLargeExport(
  dir: string,
  count: number,
  startUnix: number,
): Promise<{ file: string; bytes: number }> {
  const file = path.join(dir, 'large.json');
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n "name": "Large",\n "type": "public_supergroup",\n "id": 777,\n "messages": [');
  for (let i = 0; i < count; i++) {
    const m = exportMessage({
      id: i + 1,
      unix: startUnix + i * 30,
      text: ['ж😀 ', { type: 'bold', text: String(i + 1) }],
    });
    await write(`${i === 0 ? '' : ','}\n  ${JSON.stringify(m, null, 1).replace(/\n/g, '\n  ')}`);
  }
  await write('\n ]\n}');
  out.end();
  await once(out, 'finish');
  return { file, bytes };
}
