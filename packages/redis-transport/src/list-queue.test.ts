import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryEventSink } from '@tgfetch/core';
import { createCommandQueue, listQueueKeys } from './list-queue.js';
import { type RedisTestContext, redisTestContext } from './testing/context.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const command = (id: string) =>
  JSON.stringify({ command: 'fetch', chat: '@x', mode: 'date', date: '2025-11-07', command_id: id });

describe('list command queue', () => {
  it('moves a command into the processing list and removes it on ack', async () => {
    const queue = await createCommandQueue({ url: ctx.url, queue: `${ctx.prefix}q`, workerId: 'w1' });
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    try {
      await ctx.client.rPush(keys.queue, command('a'));
      const delivery = await queue.next();
      expect(delivery?.payload).toBe(command('a'));
      expect(delivery?.attempt).toBe(1);
      expect(await ctx.client.lRange(keys.processing, 0, -1)).toEqual([command('a')]);
      expect(await ctx.client.exists(keys.heartbeat)).toBe(1);
      await delivery?.ack();
      expect(await ctx.client.lLen(keys.processing)).toBe(0);
      expect(await ctx.client.hLen(keys.deliveries)).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('dead-letters a command delivered too often, with a failed event', async () => {
    const events = createMemoryEventSink();
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    await ctx.client.rPush(keys.queue, command('poison'));
    const open = () =>
      createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1', maxDeliveries: 2, events });
    for (const attempt of [1, 2]) {
      const queue = await open();
      const delivery = await queue.next();
      expect(delivery?.attempt).toBe(attempt);
      // Dies without settling: the next start adopts it again.
      await queue.close();
    }
    const queue = await open();
    const controller = new AbortController();
    const nothing = queue.next(controller.signal);
    await expect.poll(() => events.events.length).toBe(1);
    controller.abort();
    expect(await nothing).toBeUndefined();
    await queue.close();
    expect(await ctx.client.lRange(keys.dead, 0, -1)).toEqual([command('poison')]);
    expect(events.events[0]).toMatchObject({
      event: 'failed',
      command_id: 'poison',
      chat: '@x',
      error: { code: 'POISON_COMMAND', retryable: false },
    });
  });
});
