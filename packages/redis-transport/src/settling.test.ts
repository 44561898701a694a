import {
  type ChatLock,
  createMemoryEventSink,
  createMemoryLock,
  createMemoryProgress,
  createMemorySource,
  createMemoryStore,
  createWorker,
  type EventSink,
  type FetchEvent,
} from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { eventually, type RedisServer, startRedisServer } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisEventSink } from './event-sink.js';
import { createCommandQueue, listQueueKeys } from './list-queue.js';
import { createRedisChatLock } from './lock.js';
import { hangingSource, hourlyMessages } from './testing/file-effects.js';

let ctx: RedisTestContext;
let server: RedisServer | undefined;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
  await server?.close();
  server = undefined;
});

const day = '2025-11-07';
const messages = makeMessages({ chat: '@x', start: Date.parse(`${day}T00:00:00Z`), count: 5 });
const command = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ command: 'fetch', chat: '@x', mode: 'date', date: day, ...extra });

function ports(events: EventSink, lock: ChatLock = createMemoryLock()) {
  return {
    source: createMemorySource({ '@x': messages }),
    store: createMemoryStore(),
    progress: createMemoryProgress(),
    events,
    lock,
  };
}

describe('a delivery that cannot be settled while Redis is down', () => {
  it('is settled once Redis answers again, and the command then completes', async () => {
    server = await startRedisServer({ persistent: true });
    const fast = { reconnect: { baseMs: 20, maxMs: 200 }, maxOutageMs: 60_000 };
    const seen: FetchEvent[] = [];
    const events = await createRedisEventSink({ url: server.url, ...fast });
    let down = false;
    const recording: EventSink = {
      async publish(event) {
        if (down) throw new Error('Redis is away');
        await events.publish(event);
        seen.push(event);
      },
    };
    const queue = await createCommandQueue({
      url: server.url,
      workerId: 'w1',
      blockSeconds: 1,
      ...fast,
    });
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const worker = createWorker({
      queue,
      ports: {
        ...ports(recording),
        // The first run waits on the gate; the re-run does not.
        source: hangingSource(hourlyMessages('@x', day, 6), Date.parse(`${day}T03:00:00Z`), gate),
      },
    });
    try {
      const client = createClient({ url: server.url });
      await client.connect();
      await client.rPush('tg_commands', command({ command_id: 'stranded' }));
      await client.close();
      await eventually(() => seen.some((e) => e.event === 'started'));
      await server.stop();
      down = true;
      // Its events cannot be published, nor can it be released: Redis is away for longer
      // than node-redis waits to send a command (5 s), so the release is rejected.
      open();
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      down = false;
      await server.start();
      await eventually(() => seen.some((e) => e.event === 'completed'), {
        timeoutMs: 40_000,
        what: 'the stranded command to complete after Redis came back',
      });
    } finally {
      await worker.stop();
      await queue.close();
      await events.close();
    }
    // A restart, 5.5 s away, then a deadline that holds on a loaded machine.
  }, 60_000);
});

describe('a chat another worker holds', () => {
  it('goes back to the queue while the worker takes other commands', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    const events = createMemoryEventSink();
    const lock = createRedisChatLock({
      client: ctx.client,
      prefix: `${ctx.prefix}lock:`,
      waitMs: 0,
    });
    // Another worker holds @x for the whole test.
    const holder = createRedisChatLock({ client: ctx.client, prefix: `${ctx.prefix}lock:` });
    const releaseHeld = await holder.acquire('@x', new AbortController().signal);
    await ctx.client.rPush(keys.queue, [
      command({ command_id: 'busy' }),
      JSON.stringify({
        command: 'fetch',
        chat: '@y',
        mode: 'date',
        date: day,
        command_id: 'other',
      }),
    ]);
    const queue = await createCommandQueue({
      url: ctx.url,
      queue: keys.queue,
      workerId: 'w1',
      blockSeconds: 1,
    });
    const worker = createWorker({
      queue,
      ports: {
        ...ports(events, lock),
        source: createMemorySource({ '@x': messages, '@y': [] }),
      },
      busyRetryMs: 100,
    });
    try {
      await eventually(() =>
        events.events.some((e) => e.command_id === 'other' && e.event === 'completed'),
      );
      expect(events.events.some((e) => e.command_id === 'busy')).toBe(false);
      await releaseHeld();
      await eventually(() =>
        events.events.some((e) => e.command_id === 'busy' && e.event === 'completed'),
      );
      // Going back for a busy chat is not a delivery: nothing was dead-lettered.
      expect(await ctx.client.lLen(keys.dead)).toBe(0);
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});
