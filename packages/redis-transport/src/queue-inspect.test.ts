import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEventLog } from './event-log.js';
import { createRedisEventSink } from './event-sink.js';
import { createCommandQueue, listQueueKeys } from './list-queue.js';
import { createQueueInspector, listItemRef } from './queue-inspect.js';
import { createStreamCommandQueue } from './stream-queue.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const command = (id: string) =>
  JSON.stringify({
    command: 'fetch',
    chat: '@x',
    mode: 'date',
    date: '2025-11-07',
    command_id: id,
  });

describe('queue inspector over a list queue', () => {
  it('shows what waits, what a worker holds and its heartbeat, and retries a dead letter', async () => {
    const name = `${ctx.prefix}q`;
    const queue = await createCommandQueue({
      url: ctx.url,
      queue: name,
      workerId: 'w1',
      maxDeliveries: 1,
    });
    const inspector = await createQueueInspector({ url: ctx.url, queue: name });
    try {
      await ctx.client.rPush(name, [command('a'), command('b'), command('c')]);
      const held = await queue.next();
      const page = await inspector.waiting(10);
      expect(page.total).toBe(2);
      expect(page.commands.map((c) => c.commandId)).toEqual(['b', 'c']);
      const [worker] = await inspector.workers(10);
      expect(worker).toMatchObject({ worker: 'w1', alive: true, heldCount: 1 });
      expect(worker?.held[0]).toMatchObject({ commandId: 'a', deliveries: 1 });
      expect(worker?.heartbeatTtlMs).toBeGreaterThan(0);

      // Handled twice without finishing: the second delivery is dead-lettered.
      await held?.release({ counted: true });
      const again = await queue.next();
      expect(again?.deadLettered).toBe(true);
      const dead = await inspector.deadLetters(10);
      expect(dead.total).toBe(1);
      const letter = dead.commands[0]!;
      expect(letter).toMatchObject({ commandId: 'a', ref: listItemRef(command('a')) });

      expect(await inspector.retryDead(letter.ref)).toBe(true);
      expect(await inspector.retryDead(letter.ref)).toBe(false);
      expect(await ctx.client.lRange(name, 0, -1)).toEqual([
        command('b'),
        command('c'),
        command('a'),
      ]);
      expect(await ctx.client.hExists(listQueueKeys(name, 'w1').deliveries, 'id:a')).toBe(0);
    } finally {
      await queue.close();
      await inspector.close();
    }
  });

  it('retries all dead letters, discards one, and sends a validated command', async () => {
    const name = `${ctx.prefix}q`;
    const dead = `${name}:dead`;
    const inspector = await createQueueInspector({ url: ctx.url, queue: name });
    try {
      await ctx.client.rPush(dead, [command('a'), command('b'), 'not json']);
      expect(await inspector.discardDead(listItemRef('not json'))).toBe(true);
      expect(await inspector.discardDead('sha1:unknown')).toBe(false);
      expect(await inspector.retryAllDead()).toBe(2);
      expect(await ctx.client.lLen(dead)).toBe(0);
      const id = await inspector.send({ command: 'fetch', chat: 'x', mode: 'days', days: 1 });
      const waiting = await inspector.waiting(10);
      expect(waiting.commands.map((c) => c.commandId)).toEqual(['a', 'b', id]);
      await expect(inspector.send({ command: 'fetch', chat: '../etc' })).rejects.toThrow();
    } finally {
      await inspector.close();
    }
  });
});

describe('queue inspector over a stream queue', () => {
  it('shows waiting entries, consumers with what they hold, and retries a dead entry', async () => {
    const name = `${ctx.prefix}s`;
    const queue = await createStreamCommandQueue({
      url: ctx.url,
      stream: name,
      workerId: 'w1',
      maxDeliveries: 1,
      visibilityMs: 60_000,
    });
    const inspector = await createQueueInspector({
      url: ctx.url,
      queue: name,
      transport: 'stream',
    });
    try {
      await inspector.send({
        command: 'fetch',
        chat: 'x',
        mode: 'date',
        date: '2025-11-07',
        command_id: 'a',
      });
      await inspector.send({
        command: 'fetch',
        chat: 'x',
        mode: 'date',
        date: '2025-11-07',
        command_id: 'b',
      });
      const held = await queue.next();
      expect(held?.payload).toContain('"a"');
      const waiting = await inspector.waiting(10);
      expect(waiting.total).toBe(1);
      expect(waiting.commands.map((c) => c.commandId)).toEqual(['b']);
      const [worker] = await inspector.workers(10);
      expect(worker).toMatchObject({ worker: 'w1', alive: true, heldCount: 1 });
      expect(worker?.held[0]).toMatchObject({ commandId: 'a', deliveries: 1 });

      await held?.release({ counted: true });
      const again = await queue.next();
      expect(again?.deadLettered).toBe(true);
      const dead = await inspector.deadLetters(10);
      expect(dead.commands.map((c) => c.commandId)).toEqual(['a']);
      expect(await inspector.retryDead('not-an-id')).toBe(false);
      expect(await inspector.retryDead(dead.commands[0]!.ref)).toBe(true);
      expect((await inspector.deadLetters(10)).total).toBe(0);
      const after = await inspector.waiting(10);
      expect(after.commands.map((c) => c.commandId)).toEqual(['b', 'a']);
    } finally {
      await queue.close();
      await inspector.close();
    }
  });
});

describe('event log', () => {
  it('reads recent events, events after an id, and waits for the next', async () => {
    const stream = `${ctx.prefix}events`;
    const sink = await createRedisEventSink({ url: ctx.url, stream, channel: `${ctx.prefix}ch` });
    const log = await openEventLog({ url: ctx.url, stream });
    try {
      expect(await log.lastId()).toBe('0-0');
      const event = (n: number) => ({
        event: 'started' as const,
        command_id: `c${n}`,
        chat: '@x',
        mode: 'date' as const,
        params: { date: '2025-11-07' },
        dates: ['2025-11-07'],
        processed: 0,
        errors: 0,
        duration_sec: 0,
        status: 'running' as const,
        ts: '2025-11-08T00:00:00.000Z',
        worker_id: 'w',
      });
      await sink.publish(event(1));
      await sink.publish(event(2));
      const recent = await log.recent(10);
      expect(recent.map((e) => e.event?.command_id)).toEqual(['c2', 'c1']);
      const after = await log.after(recent[1]!.id, 10);
      expect(after.map((e) => e.event?.command_id)).toEqual(['c2']);
      const last = await log.lastId();
      const waiting = log.wait(last, 5_000);
      await sink.publish(event(3));
      expect((await waiting).map((e) => e.event?.command_id)).toEqual(['c3']);
      expect(await log.wait(await log.lastId(), 50)).toEqual([]);
      await expect(log.after('x', 1)).rejects.toThrow(/not a stream entry id/);
    } finally {
      await sink.close();
      await log.close();
    }
  });
});
