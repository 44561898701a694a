import {
  createMemoryProgress,
  createMemorySource,
  createMemoryStore,
  createWorker,
  type FetchEvent,
  parseWireCommand,
} from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailedError, createCommandClient } from './command-client.js';
import { createRedisEventSink } from './event-sink.js';
import { createCommandQueue } from './list-queue.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const messages = makeMessages({
  chat: '@ru_python',
  start: Date.parse('2025-11-07T00:00:00Z'),
  count: 20,
  step: 3_600_000,
});

/** A worker process in miniature: list queue, memory source/store, events on Redis. */
async function startWorker(workerId = 'w1') {
  const events = await createRedisEventSink({
    url: ctx.url,
    channel: `${ctx.prefix}events`,
    stream: `${ctx.prefix}events:stream`,
  });
  const queue = await createCommandQueue({
    url: ctx.url,
    queue: `${ctx.prefix}commands`,
    workerId,
  });
  const store = createMemoryStore();
  const worker = createWorker({
    queue,
    ports: {
      source: createMemorySource({ '@ru_python': messages }),
      store,
      progress: createMemoryProgress(),
      events,
    },
    runOptions: { workerId },
  });
  return {
    store,
    async stop() {
      await worker.stop();
      await queue.close();
      await events.close();
    },
  };
}

const clientFor = () =>
  createCommandClient({
    url: ctx.url,
    queue: `${ctx.prefix}commands`,
    channel: `${ctx.prefix}events`,
  });

describe('command client', () => {
  it('send() pushes the normalised command and returns its id', async () => {
    const client = await clientFor();
    try {
      const id = await client.send({
        command: 'fetch',
        chat: 'RU_python',
        days_back: 1,
        strategy: 'auto',
      });
      const [raw] = await ctx.client.lRange(`${ctx.prefix}commands`, 0, -1);
      expect(JSON.parse(raw!)).toMatchObject({
        command_id: id,
        chat: '@ru_python',
        mode: 'days',
        days: 1,
        strategy: 'batch',
      });
      await expect(
        client.send({ command: 'fetch', chat: '../etc', mode: 'date', date: '2025-11-07' }),
      ).rejects.toMatchObject({ name: 'CommandError', code: 'INVALID_CHAT' });
      expect(await ctx.client.lLen(`${ctx.prefix}commands`)).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('send() pushes follow and unfollow, checked as fetch is; run() refuses them', async () => {
    const client = await clientFor();
    const key = `${ctx.prefix}commands`;
    try {
      const followed = await client.send({ command: 'follow', chat: 'https://t.me/RU_python' });
      const unfollowed = await client.send({ command: 'unfollow', chat: -1001234567890 });
      const pushed = (await ctx.client.lRange(key, 0, -1)).map((raw) => JSON.parse(raw));
      expect(pushed).toEqual([
        { command: 'follow', command_id: followed, chat: '@ru_python' },
        { command: 'unfollow', command_id: unfollowed, chat: '-1001234567890' },
      ]);
      await expect(client.send({ command: 'follow', chat: '../etc' })).rejects.toMatchObject({
        name: 'CommandError',
        code: 'INVALID_CHAT',
      });
      await expect(client.send({ command: 'follow' })).rejects.toMatchObject({
        code: 'MISSING_FIELD',
      });
      await expect(client.run({ command: 'follow', chat: '@x_y' })).rejects.toMatchObject({
        name: 'CommandError',
        code: 'COMMAND_UNSUPPORTED',
      });
      expect(await ctx.client.lLen(key)).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('send() pushes a schedule command in its wire form, parsed; refuses a bad one', async () => {
    const client = await clientFor();
    const key = `${ctx.prefix}commands`;
    try {
      const add = {
        command: 'schedule',
        action: 'add',
        name: 'news',
        chats: ['https://t.me/RU_python'],
        every: 3600,
      };
      const id = await client.send(add);
      const [raw] = await ctx.client.lRange(key, 0, -1);
      expect(JSON.parse(String(raw))).toEqual({
        command: 'schedule',
        command_id: id,
        action: 'add',
        name: 'news',
        chats: ['@ru_python'],
        days: 1,
        every: '1h',
        tz: 'UTC',
        options: {},
        paused: false,
      });
      expect(parseWireCommand(String(raw))).toMatchObject({ ok: true });
      await expect(client.send({ ...add, every: '0s' })).rejects.toMatchObject({
        name: 'ScheduleError',
        code: 'SCHEDULE_INVALID_EVERY',
      });
      expect(await ctx.client.lLen(key)).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('a worker without a follow handler answers a follow with COMMAND_UNSUPPORTED', async () => {
    const worker = await startWorker();
    const client = await clientFor();
    const listener = ctx.client.duplicate();
    const seen: FetchEvent[] = [];
    await listener.connect();
    await listener.subscribe(`${ctx.prefix}events`, (m) => seen.push(JSON.parse(m)));
    try {
      const id = await client.send({ command: 'follow', chat: '@ru_python', command_id: 'f-1' });
      await eventually(() => seen.some((e) => e.command_id === id), { what: 'its failed event' });
      expect(seen.find((e) => e.command_id === id)).toMatchObject({
        event: 'failed',
        command: 'follow',
        chat: '@ru_python',
        mode: null,
        error: { code: 'COMMAND_UNSUPPORTED', retryable: false },
      });
      const held = async (key: string) => ctx.client.lLen(`${ctx.prefix}commands${key}`);
      await eventually(async () => (await held('')) + (await held(':processing:w1')) === 0, {
        what: 'the follow taken and acknowledged',
      });
    } finally {
      await listener.close();
      await client.close();
      await worker.stop();
    }
  });

  it('run() resolves with the completed event and reports progress', async () => {
    const worker = await startWorker();
    const client = await clientFor();
    try {
      const progress: FetchEvent[] = [];
      const done = await client.run(
        {
          command: 'fetch',
          chat: '@ru_python',
          mode: 'date',
          date: '2025-11-07',
          command_id: 'run-ok',
        },
        { timeout: 10_000, onProgress: (e) => progress.push(e) },
      );
      expect(done).toMatchObject({
        event: 'completed',
        command_id: 'run-ok',
        days: [{ date: '2025-11-07', count: 20 }],
      });
      expect(progress).toHaveLength(1);
      expect(await worker.store.readDay('@ru_python', '2025-11-07')).toMatchObject({ count: 20 });
    } finally {
      await client.close();
      await worker.stop();
    }
  });

  it('run() rejects with the failed event', async () => {
    const worker = await startWorker();
    const client = await clientFor();
    try {
      const error = await client
        .run(
          {
            command: 'fetch',
            chat: '@nobody_here',
            mode: 'date',
            date: '2025-11-07',
            command_id: 'run-bad',
          },
          { timeout: 10_000 },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect(error).toMatchObject({ event: { event: 'failed', command_id: 'run-bad' } });
      expect((error as CommandFailedError).code).toBe(
        (error as CommandFailedError).event.error.code,
      );
    } finally {
      await client.close();
      await worker.stop();
    }
  });

  it('run() rejects with TIMEOUT when no worker answers, and stops waiting when aborted', async () => {
    const client = await clientFor();
    try {
      await expect(
        client.run(
          { command: 'fetch', chat: '@ru_python', mode: 'date', date: '2025-11-07' },
          { timeout: 200 },
        ),
      ).rejects.toMatchObject({ code: 'WAIT_TIMEOUT', retryable: true });
      const controller = new AbortController();
      const waiting = client.run(
        { command: 'fetch', chat: '@ru_python', mode: 'date', date: '2025-11-07' },
        { signal: controller.signal },
      );
      await eventually(async () => (await ctx.client.lLen(`${ctx.prefix}commands`)) === 2, {
        what: 'the second push',
      });
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      await client.close();
    }
  });
});
