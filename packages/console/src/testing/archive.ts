import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  addDays,
  type DayDocument,
  dateInZone,
  type FetchPorts,
  type IsoDate,
  runCommand,
  type TgMessage,
} from '@tgfetch/core';
import { createFsStore, type FsStore } from '@tgfetch/fs-store';
import { createRedisEventSink, type RedisEventSink } from '@tgfetch/redis-transport';
import { createSimulatedSource, type SimulatedSource } from '@tgfetch/telegram/testing';

/** A data directory filled the way a daemon fills it: core's engine over a simulated Telegram. */
export interface TestArchive {
  store: FsStore;
  source: SimulatedSource;
  events: RedisEventSink;
  ports: FetchPorts;
  /** The simulated channel's canonical chat (`-100…`). */
  channel: string;
  /** Its stored range is `first`..`last`, with `gap` (three dates) missing in the middle. */
  first: IsoDate;
  last: IsoDate;
  gap: { from: IsoDate; to: IsoDate };
  /** A day stored again after its file was found corrupt (its event says so). */
  repaired: IsoDate;
  /** A chat of hostile messages (markup, javascript: links, RTL overrides, a 64 KB line). */
  hostileChat: string;
  hostileDate: IsoDate;
  close(): Promise<void>;
}

export interface TestArchiveOptions {
  dataDir: string;
  redisUrl: string;
  /** Events stream and channel (a test's own). */
  stream: string;
  channel: string;
  now?: number;
}

const HOSTILE_TEXT =
  '<script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned=2">';

function hostileMessages(chat: string, date: IsoDate): TgMessage[] {
  const at = (h: number) => `${date}T${String(h).padStart(2, '0')}:00:00Z`;
  return [
    { id: 1, date: at(8), chat, from: { kind: 'user', id: 7 }, text: HOSTILE_TEXT },
    {
      id: 2,
      date: at(9),
      chat,
      from: { kind: 'user', id: 8 },
      text: 'open me please',
      entities: [{ type: 'text_url', offset: 0, length: 7, url: 'javascript:window.__pwned=3' }],
      post_author: 'abc\u202Egnp.exe',
      reply_to: 1,
    },
    { id: 3, date: at(10), chat, from: { kind: 'user', id: 9 }, text: `${'x'.repeat(65_536)} end` },
  ];
}

export async function createTestArchive(options: TestArchiveOptions): Promise<TestArchive> {
  const now = options.now ?? Date.now();
  const yesterday = addDays(dateInZone(now, 'UTC'), -1);
  const store = createFsStore({ dataDir: options.dataDir });
  const source = createSimulatedSource({
    now,
    historyDays: 60,
    messagesPerDay: 12,
    seed: 28,
    chatKind: (name) => (name === 'console_channel' ? 'channel' : 'supergroup'),
  });
  const events = await createRedisEventSink({
    url: options.redisUrl,
    stream: options.stream,
    channel: options.channel,
  });
  const ports: FetchPorts = { source, store, progress: store, events, lock: store.lock };
  const run = async (command: Record<string, unknown>) => {
    const result = await runCommand(
      { command: 'fetch', chat: 'console_channel', ...command },
      ports,
      {
        workerId: 'test-filler',
      },
    );
    if (result.event !== 'completed') throw new Error(`filling failed: ${JSON.stringify(result)}`);
    return result;
  };
  const first = addDays(yesterday, -20);
  const last = yesterday;
  const gap = { from: addDays(yesterday, -13), to: addDays(yesterday, -11) };
  await run({ mode: 'range', from: first, to: addDays(gap.from, -1) });
  const filled = await run({ mode: 'range', from: addDays(gap.to, 1), to: last });
  const channel = filled.chat;
  // A day whose file went bad: the next run finds it corrupt, moves it aside and stores it again.
  const repaired = addDays(yesterday, -3);
  const file = path.join(
    options.dataDir,
    channel,
    repaired.slice(0, 4),
    `discussions_${repaired}.json`,
  );
  await writeFile(file, '{"not": "a day"');
  await run({ mode: 'date', date: repaired });

  const hostileChat = '@hostile_chat';
  const hostileDate = addDays(yesterday, -1);
  const messages = hostileMessages(hostileChat, hostileDate);
  const day: DayDocument = {
    chat: hostileChat,
    date: hostileDate,
    time_zone: 'UTC',
    fetched_at: new Date(now).toISOString(),
    complete: true,
    count: messages.length,
    messages,
  };
  await store.writeDay(day);
  return {
    store,
    source,
    events,
    ports,
    channel,
    first,
    last,
    gap,
    repaired,
    hostileChat,
    hostileDate,
    async close() {
      await events.close();
      await source.close();
      await store.close();
    },
  };
}
