import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createMemoryEventSink,
  createMemorySource,
  createVirtualClock,
  isoSeconds,
  runCommand,
  type TgMessage,
} from '@tgfetch/core';
import { tempDir } from '@tgfetch/test-utils';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createFsStore, type FsStore } from './index.js';

/** Comments on real files: the group's own folder, the post day's comments record. */

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHANNEL = '-1001000000001';
const GROUP = '-1001000000002';
const POST: TgMessage = {
  id: 7,
  date: '2025-11-06T22:00:00Z',
  chat: CHANNEL,
  type: 'message',
  text: 'a post',
  replies_count: 2,
  comments: { chat: GROUP, count: 2 },
};
const comment = (id: number, at: number): TgMessage => ({
  id,
  date: isoSeconds(at),
  chat: GROUP,
  type: 'message',
  text: `comment ${id}`,
  reply_to: 40,
  comment_of: { chat: CHANNEL, id: 7, thread: 40 },
});

let dir: string;
let cleanup: () => Promise<void>;
let store: FsStore;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  store = createFsStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

it("files comments in the group's folder by the day they were written, and the post day records the read", async () => {
  const source = createMemorySource(
    {
      [CHANNEL]: [POST],
      [GROUP]: [
        comment(41, Date.parse('2025-11-06T23:00:00Z')),
        comment(42, Date.parse('2025-11-07T01:00:00Z')),
      ],
    },
    { discussions: { [CHANNEL]: GROUP } },
  );
  const ports = {
    source,
    store,
    progress: store,
    events: createMemoryEventSink(),
    lock: store.lock,
  };
  const command = {
    command: 'fetch',
    chat: CHANNEL,
    mode: 'date',
    date: '2025-11-06',
    options: { comments: true },
  };
  for (let run = 0; run < 2; run++) {
    const outcome = await runCommand(command, ports, { clock: createVirtualClock(NOW) });
    expect(outcome.event).toBe('completed');
  }
  const json = async (...parts: string[]) =>
    JSON.parse(await readFile(path.join(dir, ...parts), 'utf8')) as Record<string, unknown>;
  const postDay = await json(CHANNEL, '2025', 'discussions_2025-11-06.json');
  expect(postDay).toMatchObject({
    complete: true,
    count: 1,
    comments: { status: 'complete', chat: GROUP, read_at: '2025-11-08T12:00:00.000Z', count: 2 },
  });
  const first = await json(GROUP, '2025', 'discussions_2025-11-06.json');
  const second = await json(GROUP, '2025', 'discussions_2025-11-07.json');
  expect(first).toMatchObject({ chat: GROUP, complete: false, count: 1 });
  expect(second).toMatchObject({ chat: GROUP, complete: false, count: 1 });
  expect((first.messages as TgMessage[])[0]?.comment_of).toEqual({
    chat: CHANNEL,
    id: 7,
    thread: 40,
  });
  expect(await store.completed(GROUP, ['2025-11-06', '2025-11-07'])).toEqual(new Map());
});
