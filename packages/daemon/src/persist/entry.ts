import { isIsoDate, parseChat, type TgMessage } from '@tgfetch/core';
import * as v from 'valibot';

/**
 * One entry of the messages stream (`MESSAGE_ENTRY_FIELDS` of redis-transport), checked
 * like any external input: anyone may XADD to the stream.
 */
const MAX_MESSAGE_BYTES = 1_000_000;

const MessageJson = v.pipe(
  v.string(),
  v.maxLength(MAX_MESSAGE_BYTES, 'message is larger than 1 MB'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return JSON.parse(dataset.value) as unknown;
    } catch {
      addIssue({ message: 'message is not JSON' });
      return NEVER;
    }
  }),
  v.looseObject({
    id: v.pipe(
      v.number('message.id must be a number'),
      v.safeInteger('message.id must be an integer'),
    ),
    date: v.pipe(
      v.string('message.date must be a string'),
      v.check((s) => !Number.isNaN(Date.parse(s)), 'message.date must be an ISO-8601 time'),
    ),
    text: v.optional(v.string('message.text must be a string')),
  }),
);

const EntrySchema = v.object({
  chat: v.pipe(
    v.string('chat is missing'),
    v.check((s) => parseChat(s).ok, 'chat is not a chat reference'),
  ),
  time_zone: v.string('time_zone is missing'),
  date: v.pipe(v.string('date is missing'), v.check(isIsoDate, 'date must be YYYY-MM-DD')),
  message: MessageJson,
});

export interface ParsedEntry {
  chat: string;
  message: TgMessage;
}

export type EntryResult = { ok: true; entry: ParsedEntry } | { ok: false; reason: string };

export function parseEntry(fields: Record<string, string>): EntryResult {
  const parsed = v.safeParse(EntrySchema, fields);
  if (!parsed.success) {
    const reason = parsed.issues
      .map((i) => {
        const path = i.path?.map((p) => String(p.key)).join('.');
        return path ? `${path}: ${i.message}` : i.message;
      })
      .join('; ');
    return { ok: false, reason: `INVALID_ENTRY: ${reason}` };
  }
  const chat = parseChat(parsed.output.chat);
  return {
    ok: true,
    entry: {
      chat: chat.ok ? chat.chat : parsed.output.chat,
      message: parsed.output.message as TgMessage,
    },
  };
}
