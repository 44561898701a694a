import { parseCommand } from '@tgfetch/core';
import { describeCommandQueue } from '@tgfetch/core/testing';
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

/** A queue on `stream` that never blocks long, for tests of what one read hands out. */
const openQuick = (stream: string) =>
  createStreamCommandQueue({ url: ctx.url, stream, workerId: 'w', blockMs: 100 });

describeCommandQueue('redis stream', async ({ maxDeliveries }) => {
  const stream = `${ctx.prefix}cmds`;
  const queue = await createStreamCommandQueue({
    url: ctx.url,
    stream,
    workerId: 'w',
    maxDeliveries,
    blockMs: 1_000,
  });
  return {
    queue,
    push: async (payload) => {
      await ctx.client.xAdd(stream, '*', { payload });
    },
  };
});

describe('streams command queue', () => {
  it('delivers through a consumer group, and XAUTOCLAIMs what a dead consumer held', async () => {
    const stream = `${ctx.prefix}cmds`;
    const producer = await createCommandClient({ url: ctx.url, transport: 'stream', stream });
    const open = (workerId: string) =>
      createStreamCommandQueue({ url: ctx.url, stream, workerId, visibilityMs: 200, blockMs: 100 });
    const id = await producer.send({ ...command, command_id: 'held' });
    const dying = await open('dying');
    const taken = await dying.next();
    expect(JSON.parse(taken!.payload).command_id).toBe(id);
    // Dies holding it (no ack, heartbeat stops with it).
    await dying.close();
    const rescuer = await open('rescuer');
    try {
      const again = await rescuer.next();
      expect(again!.id).toBe(taken!.id);
      expect(again!.attempt).toBe(2);
      await again!.ack();
      expect(await ctx.client.xPending(stream, 'tgfetch')).toMatchObject({ pending: 0 });
    } finally {
      await rescuer.close();
      await producer.close();
    }
  });

  it('skips entries trimmed while pending and dead-letters a command that keeps coming back', async () => {
    const stream = `${ctx.prefix}cmds`;
    const producer = await createCommandClient({ url: ctx.url, transport: 'stream', stream });
    const open = (workerId: string) =>
      createStreamCommandQueue({
        url: ctx.url,
        stream,
        workerId,
        visibilityMs: 100,
        blockMs: 100,
        maxDeliveries: 2,
      });
    await producer.send({ ...command, command_id: 'trimmed' });
    await producer.send({ ...command, command_id: 'poison' });
    const q1 = await open('w1');
    const trimmed = await q1.next();
    const poison = await q1.next();
    await q1.close();
    // The pending entry vanishes from the stream (XDEL or MAXLEN trimming).
    await ctx.client.xDel(stream, trimmed!.id);
    const q2 = await open('w2');
    const second = await q2.next();
    expect(second!.id).toBe(poison!.id);
    await q2.close();
    const q3 = await open('w3');
    try {
      const flagged = await q3.next();
      expect(flagged).toMatchObject({ id: poison!.id, attempt: 3, deadLettered: true });
      expect(JSON.parse(flagged!.payload).command_id).toBe('poison');
      expect(await q3.deadLength()).toBe(1);
      expect(await q3.length()).toBe(0);
      const dead = (await ctx.client.xRange(`${stream}:dead`, '-', '+')) ?? [];
      expect(JSON.parse(String(dead[0]!.message.payload)).command_id).toBe('poison');
      expect(await ctx.client.xPending(stream, 'tgfetch')).toMatchObject({ pending: 0 });
    } finally {
      await q3.close();
      await producer.close();
    }
  });

  it('release() makes an entry claimable at once', async () => {
    const stream = `${ctx.prefix}cmds`;
    const producer = await createCommandClient({ url: ctx.url, transport: 'stream', stream });
    await producer.send(command);
    const open = (workerId: string) =>
      createStreamCommandQueue({
        url: ctx.url,
        stream,
        workerId,
        visibilityMs: 60_000,
        blockMs: 100,
      });
    const a = await open('a');
    const b = await open('b');
    try {
      const first = await a.next();
      await first!.release();
      const again = await b.next();
      expect(again!.id).toBe(first!.id);
      expect(again!.attempt).toBe(1);
      await again!.ack();
    } finally {
      await a.close();
      await b.close();
      await producer.close();
    }
  });

  it('reads entries of flat fields and of JSON in field payload', async () => {
    const stream = `${ctx.prefix}cmds`;
    await ctx.client.xAdd(stream, '*', {
      command: 'fetch',
      chat: '@x',
      mode: 'days',
      days: '3',
      command_id: 'flat',
    });
    await ctx.client.xAdd(stream, '*', {
      payload: JSON.stringify({ ...command, command_id: 'json' }),
    });
    const queue = await openQuick(stream);
    try {
      const flat = await queue.next();
      expect(JSON.parse(flat!.payload)).toEqual({
        command: 'fetch',
        chat: '@x',
        mode: 'days',
        days: 3,
        command_id: 'flat',
      });
      const json = await queue.next();
      expect(JSON.parse(json!.payload).command_id).toBe('json');
      await flat!.ack();
      await json!.ack();
    } finally {
      await queue.close();
    }
  });

  it('hands the worker the raw bytes of an entry that is not UTF-8, so it is rejected, not run', async () => {
    const stream = `${ctx.prefix}cmds`;
    const bytes = Buffer.concat([
      Buffer.from('{"command":"fetch","chat":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('","mode":"days","days":1}'),
    ]);
    await ctx.client.xAdd(stream, '*', { payload: bytes });
    // U+FFFD sent as real UTF-8 is just a character.
    await ctx.client.xAdd(stream, '*', { payload: '{"command":"fetch","note":"\uFFFD"}' });
    const queue = await openQuick(stream);
    try {
      const bad = await queue.next();
      expect(Buffer.from(bad?.bytes ?? [])).toEqual(bytes);
      const parsed = parseCommand(bad?.bytes);
      expect(parsed.ok || parsed.error.code).toBe('INVALID_ENCODING');
      const fine = await queue.next();
      expect(fine?.bytes).toBeUndefined();
      await bad?.ack();
      await fine?.ack();
    } finally {
      await queue.close();
    }
  });
});
