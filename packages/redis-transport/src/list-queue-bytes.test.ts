import { parseCommand } from '@tgfetch/core';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandQueue, listQueueKeys } from './list-queue.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

// A producer can push any bytes; these are not UTF-8 (found by the chaos suite's fuzz).
const invalid = Buffer.concat([
  Buffer.from('{"command":"fetch","command_id":"bytes","chat":"ok'),
  Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
  Buffer.from('","mode":"date","date":"2025-11-07"}'),
]);

describe('list command queue with payloads that are not UTF-8', () => {
  it('acks them out of the processing list, so they are not delivered again', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    const open = () => createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1' });
    await ctx.client.rPush(keys.queue, invalid);
    const queue = await open();
    try {
      const delivery = await queue.next();
      expect(delivery?.payload).toBe(invalid.toString('utf8'));
      await delivery?.ack();
      expect(await ctx.client.lLen(keys.processing)).toBe(0);
      expect(await ctx.client.hLen(keys.deliveries)).toBe(0);
    } finally {
      await queue.close();
    }
    expect(await ctx.client.lLen(keys.queue)).toBe(0);
  });

  it('adopts such a payload left in its processing list by a dead run, then acks it', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    await ctx.client.rPush(keys.processing, invalid);
    const queue = await createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1' });
    try {
      const delivery = await queue.next();
      expect(delivery?.payload).toBe(invalid.toString('utf8'));
      await delivery?.ack();
      expect(await ctx.client.lLen(keys.processing)).toBe(0);
    } finally {
      await queue.close();
    }
    expect(await ctx.client.lLen(keys.queue)).toBe(0);
  });
});

describe('list command queue decoding', () => {
  it('hands the worker the raw bytes of a payload that is not UTF-8, so it is rejected, not run', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    await ctx.client.rPush(keys.queue, invalid);
    const queue = await createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1' });
    try {
      const delivery = await queue.next();
      expect(Buffer.from(delivery?.bytes ?? [])).toEqual(invalid);
      const parsed = parseCommand(delivery?.bytes);
      expect(parsed.ok || parsed.error.code).toBe('INVALID_ENCODING');
      await delivery?.ack();
      await ctx.client.rPush(keys.queue, '{"command":"fetch"}');
      expect((await queue.next())?.bytes).toBeUndefined();
    } finally {
      await queue.close();
    }
  });
});
