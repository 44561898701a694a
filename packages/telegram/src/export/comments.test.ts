import type { TgMessage } from '@tgfetch/core';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, expect, it } from 'vitest';
import {
  accountExport,
  exportMessage,
  type RawMessage,
  singleChatExport,
  writeExport,
} from '../testing/desktop-export.js';
import { createExportSource } from './source.js';

const START = Date.UTC(2025, 10, 5, 6) / 1000;
const GROUP = '-1001900000002';
const CHANNEL_FROM = 'channel1900000001';

/** A message of the group: written by a user unless `extra` says otherwise. */
const said = (id: number, minutes: number, extra: RawMessage = {}) =>
  exportMessage({
    id,
    unix: START + minutes * 60,
    extra: { from: 'Ann', from_id: 'user4242', ...extra },
  });

/** The group's automatic copy of a channel post, as Telegram Desktop writes it. */
const copy = (id: number, minutes: number) =>
  exportMessage({
    id,
    unix: START + minutes * 60,
    text: `post copied as ${id}`,
    extra: {
      from: 'Newsroom',
      from_id: CHANNEL_FROM,
      forwarded_from: 'Newsroom',
      forwarded_from_id: CHANNEL_FROM,
      saved_from: 'Newsroom',
    },
  });

const group = [
  copy(2, 0),
  said(3, 1, { reply_to_message_id: 2 }),
  said(4, 2, { reply_to_message_id: 3 }),
  said(5, 3),
  said(6, 4, { reply_to_message_id: 5 }),
  // Forwarded from another channel by a member: no copy, no thread.
  said(7, 5, { forwarded_from: 'Elsewhere', forwarded_from_id: 'channel555' }),
  said(8, 6, { reply_to_message_id: 7 }),
  copy(9, 60),
  said(10, 61, { reply_to_message_id: 9 }),
  // A reply into another chat is no comment here.
  said(11, 62, { reply_to_message_id: 2, reply_to_peer_id: 'channel777' }),
  said(12, 63, { reply_to_message_id: 4 }),
];

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function read(value: unknown, chat?: string) {
  const dir = await tempDir();
  cleanup = dir.cleanup;
  const file = await writeExport(dir.dir, value);
  const source = createExportSource({ file, ...(chat ? { exportChat: chat } : {}) });
  const out: TgMessage[] = [];
  const info = await source.open();
  for await (const m of source.messages(
    { chat: info.chat, from: 0, to: Date.UTC(2100, 0, 1) },
    new AbortController().signal,
  )) {
    out.push(m);
  }
  await source.close();
  return out.sort((a, b) => a.id - b.id);
}

it("links a discussion group's comments to their channel and thread, through answers to comments", async () => {
  const messages = await read(
    singleChatExport(group, { name: 'Newsroom chat', type: 'public_supergroup', id: 1900000002 }),
  );
  const links = Object.fromEntries(messages.map((m) => [m.id, m.comment_of ?? null]));
  const on = (thread: number) => ({ chat: '-1001900000001', id: null, thread });
  expect(links).toEqual({
    2: null,
    3: on(2),
    4: on(2),
    5: null,
    6: null,
    7: null,
    8: null,
    9: null,
    10: on(9),
    11: null,
    12: on(2),
  });
  expect(messages.every((m) => m.chat === GROUP)).toBe(true);
  // The copy stays what it is: a forward of the channel's post.
  expect(messages[0]?.forward).toMatchObject({ from: { kind: 'channel', id: 1900000001 } });
});

it('links the same way in a full-account export', async () => {
  const messages = await read(
    accountExport([
      { name: 'Newsroom', type: 'public_channel', id: 1900000001, messages: [] },
      { name: 'Newsroom chat', type: 'public_supergroup', id: 1900000002, messages: group },
    ]),
    GROUP,
  );
  expect(messages.filter((m) => m.comment_of).map((m) => m.id)).toEqual([3, 4, 10, 12]);
});
