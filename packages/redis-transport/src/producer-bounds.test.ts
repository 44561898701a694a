import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandClient } from './command-client.js';
import { createStreamCommandQueue } from './stream-queue.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const command = { command: 'fetch', chat: '@x', mode: 'date', date: '2025-11-07' } as const;

describe('what one producer may cost', () => {
  it.each(['list', 'stream'] as const)(
    'refuses to push past maxQueueLength (%s), and never trims what is queued',
    async (transport) => {
      const key = `${ctx.prefix}cmds`;
      const producer = await createCommandClient({
        url: ctx.url,
        transport,
        queue: key,
        stream: key,
        maxQueueLength: 3,
      });
      try {
        for (let i = 0; i < 3; i++) await producer.send({ ...command, command_id: `c${i}` });
        await expect(producer.send({ ...command, command_id: 'c3' })).rejects.toMatchObject({
          code: 'QUEUE_FULL',
          retryable: true,
          message: expect.stringMatching(/MAX_QUEUE_LENGTH/),
        });
        const held =
          transport === 'list'
            ? (await ctx.client.lRange(key, 0, -1)).map((p) => JSON.parse(p).command_id)
            : ((await ctx.client.xRange(key, '-', '+')) ?? []).map(
                (e) => JSON.parse(String(e.message.payload)).command_id,
              );
        // The oldest are all still there: nothing was trimmed to make room.
        expect(held).toEqual(['c0', 'c1', 'c2']);
      } finally {
        await producer.close();
      }
    },
  );

  it('refuses a command covering more days than maxCommandDays', async () => {
    const producer = await createCommandClient({
      url: ctx.url,
      queue: `${ctx.prefix}cmds`,
      maxCommandDays: 31,
    });
    try {
      await expect(
        producer.send({
          command: 'fetch',
          chat: '@x',
          mode: 'range',
          from: '2025-01-01',
          to: '2025-03-01',
        }),
      ).rejects.toMatchObject({
        code: 'COMMAND_TOO_LARGE',
        message: expect.stringMatching(/60 days/),
      });
      await expect(
        producer.send({ command: 'fetch', chat: '@x', mode: 'days', days: 32 }),
      ).rejects.toMatchObject({ code: 'COMMAND_TOO_LARGE' });
      await producer.send({ command: 'fetch', chat: '@x', mode: 'days', days: 31 });
      expect(await ctx.client.lLen(`${ctx.prefix}cmds`)).toBe(1);
    } finally {
      await producer.close();
    }
  });
});

describe('the command stream', () => {
  it('holds only unfinished commands: an acknowledged entry is deleted', async () => {
    const stream = `${ctx.prefix}cmds`;
    const producer = await createCommandClient({ url: ctx.url, transport: 'stream', stream });
    const queue = await createStreamCommandQueue({
      url: ctx.url,
      stream,
      workerId: 'w',
      blockMs: 100,
    });
    try {
      await producer.send({ ...command, command_id: 'done' });
      await producer.send({ ...command, command_id: 'waiting' });
      const first = await queue.next();
      await first!.ack();
      const left = (await ctx.client.xRange(stream, '-', '+')) ?? [];
      expect(left.map((e) => JSON.parse(String(e.message.payload)).command_id)).toEqual([
        'waiting',
      ]);
    } finally {
      await queue.close();
      await producer.close();
    }
  });
});
