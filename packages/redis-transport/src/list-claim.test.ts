import { deliveryKey } from '@tgfetch/core';
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

const command = (fields: Record<string, unknown>) =>
  JSON.stringify({ command: 'fetch', chat: '@x', mode: 'date', date: '2025-11-07', ...fields });

describe('list command queue: ack and the next claim in one round trip', () => {
  it('takes and counts the next command with the ack, and hands it out without popping', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    const queue = await createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1' });
    try {
      await ctx.client.rPush(keys.queue, [
        command({ command_id: 'a' }),
        command({ command_id: 'b' }),
      ]);
      const a = await queue.next();
      await a?.ack();
      // Already ours and counted before the worker asks for it.
      expect(await ctx.client.lRange(keys.processing, 0, -1)).toEqual([
        command({ command_id: 'b' }),
      ]);
      expect(await ctx.client.hGetAll(keys.deliveries)).toEqual({ 'id:b': '1' });
      expect(await ctx.client.lLen(keys.queue)).toBe(0);
      const b = await queue.next();
      expect(b).toMatchObject({ payload: command({ command_id: 'b' }), id: 'id:b', attempt: 1 });
      await b?.ack();
      expect(await ctx.client.lLen(keys.processing)).toBe(0);
      expect(await ctx.client.hLen(keys.deliveries)).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('hands a claimed command back on close with its count undone', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    const queue = await createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1' });
    await ctx.client.rPush(keys.queue, [
      command({ command_id: 'a' }),
      command({ command_id: 'b' }),
    ]);
    await (await queue.next())?.ack();
    await queue.close();
    expect(await ctx.client.lRange(keys.queue, 0, -1)).toEqual([command({ command_id: 'b' })]);
    expect(await ctx.client.lLen(keys.processing)).toBe(0);
    expect(await ctx.client.hLen(keys.deliveries)).toBe(0);
  });

  it('counts every kind of payload under core’s delivery key, as a blocking pop does', async () => {
    const notUtf8 = Buffer.concat([
      Buffer.from('{"command":"fetch","command_id":"bytes","chat":"ok'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const payloads: Array<string | Buffer> = [
      command({ command_id: 'plain-id_1' }),
      command({ command_id: 'ünïcode' }),
      command({ command_id: 'x'.repeat(129) }),
      command({ command_id: 42 }),
      command({ command_id: '' }),
      command({}),
      '[1, {"command_id": "in-an-array"}]',
      'not json at all',
      '{"command_id": "a", "command_id": "b"}',
      command({ command_id: 'big', pad: 'y'.repeat(70_000) }),
      notUtf8,
    ];
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    const queue = await createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1' });
    try {
      // A first one to ack, so that each of the others is claimed by an ack.
      await ctx.client.rPush(keys.queue, command({ command_id: 'first' }));
      await ctx.client.rPush(keys.queue, payloads);
      let delivery = await queue.next();
      for (const payload of payloads) {
        await delivery?.ack();
        const text = typeof payload === 'string' ? payload : payload.toString('utf8');
        expect(await ctx.client.hGetAll(keys.deliveries)).toEqual({ [deliveryKey(text)]: '1' });
        delivery = await queue.next();
        expect(delivery).toMatchObject({ payload: text, id: deliveryKey(text), attempt: 1 });
      }
      await delivery?.ack();
      expect(await ctx.client.hLen(keys.deliveries)).toBe(0);
      expect(await ctx.client.lLen(keys.processing)).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('keeps counting a command that keeps coming back, whichever way it is taken', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    const open = () =>
      createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1', maxDeliveries: 3 });
    await ctx.client.rPush(keys.queue, [
      command({ command_id: 'lead' }),
      command({ command_id: 'again' }),
    ]);
    // Claimed by an ack, then the worker dies holding it: the next start adopts it.
    let queue = await open();
    await (await queue.next())?.ack();
    const first = await queue.next();
    expect(first).toMatchObject({ id: 'id:again', attempt: 1 });
    await queue.close();
    queue = await open();
    try {
      expect(await queue.next()).toMatchObject({ id: 'id:again', attempt: 2 });
    } finally {
      await queue.close();
    }
  });
});
