import { readFileSync } from 'node:fs';
import { makeMessages } from '@tgfetch/core/testing';
import { describe, expect, it } from 'vitest';
import { MessagesStreamErrorCode } from './errors.js';
import {
  decodeMessagesStreamEntry,
  encodeMessagesStreamEntry,
  MAX_ENTRY_BYTES,
  MESSAGE_CHANGES,
  MESSAGES_STREAM_FIELDS,
  type MessagesStreamEntry,
} from './messages-stream-entry.js';

const [message] = makeMessages({ chat: '@s', start: Date.parse('2025-11-07T00:00:00Z'), count: 1 });
const entry: MessagesStreamEntry = {
  change: 'new',
  chat: '@s',
  time_zone: 'Europe/Moscow',
  date: '2025-11-07',
  message: message!,
};
const fields = encodeMessagesStreamEntry(entry);

const reasonOf = (input: Record<string, string>, notUtf8 = false) => {
  const decoded = decodeMessagesStreamEntry(input, notUtf8);
  if (decoded.ok) throw new Error('decoded');
  expect(decoded.error.code).toBe(MessagesStreamErrorCode.INVALID_ENTRY);
  expect(decoded.error.retryable).toBe(false);
  return decoded.error.message;
};

describe('messages stream entry', () => {
  it('is the fields it names, and decodes to what was encoded', () => {
    expect(Object.keys(fields)).toEqual([...MESSAGES_STREAM_FIELDS]);
    expect(fields).toMatchObject({ change: 'new', id: String(message?.id) });
    expect(decodeMessagesStreamEntry(fields)).toEqual({ ok: true, entry });
  });

  it('reads an entry written before `change` existed as a new message, its chat canonical', () => {
    const { change: _, ...older } = fields;
    const decoded = decodeMessagesStreamEntry({ ...older, chat: 'https://t.me/S' });
    expect(decoded).toEqual({ ok: true, entry: { ...entry, chat: '@s' } });
  });

  it('refuses a kind of change this version does not know, not taking it for a new message', () => {
    expect(reasonOf({ ...fields, change: 'purged' })).toContain('change: unknown kind');
  });

  it('names every problem of a malformed entry', () => {
    const reason = reasonOf({ chat: 'not a chat!', date: '2025-13-01', message: 'not json' });
    expect(reason).toContain('chat:');
    expect(reason).toContain('time_zone: missing');
    expect(reason).toContain('date: must be YYYY-MM-DD');
    expect(reason).toContain('message: not JSON');
    expect(reasonOf({ ...fields, message: '[1]' })).toContain('message: not an object');
    expect(reasonOf({ ...fields, message: '{"id":1.5,"date":"x","text":3}' })).toBe(
      'message.id: must be an integer; message.date: must be an ISO-8601 time; message.text: must be a string',
    );
  });

  it('refuses an entry over the size limit, and one whose bytes were not UTF-8', () => {
    const big = JSON.stringify({ ...message, text: 'x'.repeat(MAX_ENTRY_BYTES) });
    expect(reasonOf({ ...fields, message: big })).toContain('larger than');
    expect(reasonOf(fields, true)).toContain('not UTF-8');
  });
});

describe('the messages stream in the AsyncAPI document of @tgfetch/core', () => {
  it('lists the fields and kinds of change this module writes', () => {
    const yaml = readFileSync(new URL('../../core/schema/asyncapi.yaml', import.meta.url), 'utf8');
    // The `messageEntry` component: its lines up to the next component at its indent.
    const block = /\n {4}messageEntry:\n((?: {5,}.*\n|\n)*)/.exec(yaml)?.[1] ?? '';
    const properties = /\n {8}properties:\n((?: {10,}.*\n)*)/.exec(`\n${block}`)?.[1] ?? '';
    const names = [...properties.matchAll(/^ {10}([a-z_]+):/gm)].map((m) => m[1]);
    expect(names).toEqual([...MESSAGES_STREAM_FIELDS]);
    expect(properties).toContain(`enum: [${MESSAGE_CHANGES.join(', ')}]`);
  });
});
