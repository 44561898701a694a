import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createMemoryProgress,
  createMemoryStore,
  createWorker,
  type FetchEvent,
} from '@tgfetch/core';
import { describeMessageStore } from '@tgfetch/core/testing';
import { createCommandQueue, createRedisEventSink } from '@tgfetch/redis-transport';
import { createSimulatedSource } from '@tgfetch/telegram/testing';
import { eventually, tempDir } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext, useTempDir } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { createJsonlStore, main as embed } from './embed-custom-store.js';
import { main as importExport } from './import-desktop-export.js';
import { main as listen } from './listen-events.js';
import { main as sendAndWait } from './send-and-wait.js';

/** Every example runs here, against real files and the test redis-server. */

const temp = useTempDir('tgfetch-example-');
beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('embed the engine with a custom store', () => {
  it('fetches three days into JSON Lines files', async () => {
    const outcome = await embed({ dir: temp.dir });
    expect(outcome).toMatchObject({
      event: 'completed',
      requested_chat: '@example_chat',
      worker_id: 'my-app',
    });
    const days = outcome.days ?? [];
    expect(days).toHaveLength(3);
    for (const day of days) {
      const lines = (await readFile(day.file_path, 'utf8')).trimEnd().split('\n');
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({
        date: day.date,
        time_zone: 'Europe/Berlin',
        complete: true,
      });
      expect(lines.length - 1).toBe(day.count);
    }
    expect(console.log).toHaveBeenCalledTimes(3);
  });

  describeMessageStore('JSON Lines example store', async () => {
    const { dir, cleanup } = await tempDir('tgfetch-jsonl-');
    return { store: createJsonlStore(dir), cleanup };
  });
});

describe("the root README's library snippet", () => {
  it('runs as written: three complete days of the simulated chat in its data folder', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const snippet = /```ts\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
    expect(snippet).toContain("dataDir: './data'");
    const data = path.join(temp.dir, 'data');
    // The snippet in a folder of its own, importing the packages as an installed service would.
    await symlink(
      fileURLToPath(new URL('./node_modules', import.meta.url)),
      path.join(temp.dir, 'node_modules'),
    );
    const file = path.join(temp.dir, 'snippet.ts');
    await writeFile(file, snippet.replace("'./data'", JSON.stringify(data)));
    await import(file);
    expect(console.log).toHaveBeenCalledWith('completed', expect.any(Number));
    const files = await readdir(data, { recursive: true });
    expect(files.filter((name) => path.basename(name).startsWith('discussions_'))).toHaveLength(3);
  });
});

describe('send a command and wait for its result', () => {
  let redis: RedisTestContext;
  beforeEach(async () => {
    redis = await redisTestContext();
  });
  afterEach(async () => {
    await redis.cleanup();
  });

  it('resolves with the completed event of its command', async () => {
    const done = await sendAndWait({
      redisUrl: inject('redisUrl'),
      queue: `${redis.prefix}commands`,
      channel: `${redis.prefix}events`,
    });
    expect(done).toMatchObject({
      event: 'completed',
      requested_chat: '@example_chat',
      worker_id: 'example-worker',
    });
    expect(done.days).toHaveLength(2);
    expect(await redis.client.lLen(`${redis.prefix}commands`)).toBe(0);
  });

  it('listens to the events of a worker', async () => {
    const url = inject('redisUrl');
    const queue = `${redis.prefix}commands`;
    const channel = `${redis.prefix}events`;
    const stop = new AbortController();
    let ready = () => {};
    const isReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const listening = listen({
      redisUrl: url,
      channel,
      chat: 'example_chat',
      signal: stop.signal,
      onReady: ready,
    });
    await isReady;

    const events = await createRedisEventSink({ url, channel, streamEnabled: false });
    const commands = await createCommandQueue({ url, queue, workerId: 'w', blockSeconds: 1 });
    const source = createSimulatedSource();
    const worker = createWorker({
      queue: commands,
      ports: { source, store: createMemoryStore(), progress: createMemoryProgress(), events },
    });
    try {
      for (const chat of ['@someone_else', '@example_chat']) {
        await redis.client.rPush(
          queue,
          JSON.stringify({ command: 'fetch', chat, mode: 'days', days: 1 }),
        );
      }
      await eventually(
        () => vi.mocked(console.log).mock.calls.some(([line]) => String(line).includes('done')),
        { what: 'the completed event' },
      );
    } finally {
      stop.abort();
      await worker.stop();
      await commands.close();
      await events.close();
      await source.close();
    }
    const heard = (await listening).filter((e): e is FetchEvent => 'command_id' in e);
    expect(heard.map((e) => e.event)).toEqual(['started', 'progress', 'completed']);
    expect(new Set(heard.map((e) => e.requested_chat))).toEqual(new Set(['@example_chat']));
  });
});

describe('import a Telegram Desktop export', () => {
  it('writes the same day files a live fetch writes', async () => {
    const outcome = await importExport({ dir: temp.dir });
    expect(outcome).toMatchObject({ event: 'completed', processed: 3 });
    expect(outcome.days?.map((d) => [d.date, d.count])).toEqual([
      ['2025-11-07', 1],
      ['2025-11-06', 2],
    ]);
    const folder = path.join(temp.dir, 'data', 'example_channel', '2025');
    expect((await readdir(folder)).sort()).toEqual([
      'discussions_2025-11-06.json',
      'discussions_2025-11-07.json',
    ]);
    const day = JSON.parse(
      await readFile(path.join(folder, 'discussions_2025-11-07.json'), 'utf8'),
    );
    expect(day.messages).toEqual([
      expect.objectContaining({
        id: 3,
        date: '2025-11-07T08:15:00Z',
        chat: '@example_channel',
        reply_to: 2,
        text: 'next day',
      }),
    ]);
  });
});
