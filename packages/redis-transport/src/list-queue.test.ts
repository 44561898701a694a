import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describeCommandQueue } from '@tgfetch/core/testing';
import { eventually } from '@tgfetch/test-utils';
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

const command = (id: string) =>
  JSON.stringify({
    command: 'fetch',
    chat: '@x',
    mode: 'date',
    date: '2025-11-07',
    command_id: id,
  });

describeCommandQueue('redis list', async ({ maxDeliveries }) => {
  const queue = await createCommandQueue({
    url: ctx.url,
    queue: `${ctx.prefix}q`,
    workerId: 'w1',
    maxDeliveries,
    blockSeconds: 1,
  });
  return {
    queue,
    push: async (payload) => {
      await ctx.client.rPush(`${ctx.prefix}q`, payload);
    },
  };
});

describe('list command queue', () => {
  it('moves a command into the processing list and removes it on ack', async () => {
    const queue = await createCommandQueue({
      url: ctx.url,
      queue: `${ctx.prefix}q`,
      workerId: 'w1',
    });
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

  it('dead-letters a command whose workers keep dying, handing it out flagged', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    await ctx.client.rPush(keys.queue, command('poison'));
    const open = () =>
      createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1', maxDeliveries: 2 });
    for (const attempt of [1, 2]) {
      const queue = await open();
      const delivery = await queue.next();
      expect(delivery?.attempt).toBe(attempt);
      // Dies without settling: the next start adopts it again.
      await queue.close();
    }
    const queue = await open();
    try {
      const flagged = await queue.next();
      expect(flagged).toMatchObject({ payload: command('poison'), attempt: 3, deadLettered: true });
      expect(await ctx.client.lRange(keys.dead, 0, -1)).toEqual([command('poison')]);
      expect(await ctx.client.lLen(keys.processing)).toBe(0);
      expect(await ctx.client.hLen(keys.deliveries)).toBe(0);
    } finally {
      await queue.close();
    }
  });
});

describe('list command queue recovery', () => {
  it('returns the commands of a worker whose heartbeat expired to the queue head', async () => {
    const queue = `${ctx.prefix}q`;
    const dead = listQueueKeys(queue, 'dead-worker');
    // What a worker leaves behind when it dies: its list, its membership, no heartbeat.
    await ctx.client.rPush(dead.processing, [command('old-1'), command('old-2')]);
    await ctx.client.sAdd(dead.workers, 'dead-worker');
    await ctx.client.rPush(queue, command('fresh'));
    const live = await createCommandQueue({ url: ctx.url, queue, workerId: 'live' });
    try {
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        const delivery = await live.next();
        order.push(JSON.parse(delivery!.payload).command_id);
        await delivery!.ack();
      }
      expect(order).toEqual(['old-1', 'old-2', 'fresh']);
      expect(await ctx.client.exists(dead.processing)).toBe(0);
      expect(await ctx.client.sIsMember(dead.workers, 'dead-worker')).toBe(0);
    } finally {
      await live.close();
    }
  });

  it('leaves the commands of a live worker alone', async () => {
    const queue = `${ctx.prefix}q`;
    const busy = await createCommandQueue({ url: ctx.url, queue, workerId: 'busy' });
    await ctx.client.rPush(queue, command('mine'));
    const held = await busy.next();
    const other = await createCommandQueue({ url: ctx.url, queue, workerId: 'other' });
    try {
      const controller = new AbortController();
      const waiting = other.next(controller.signal);
      await eventually(
        async () =>
          (await ctx.client.clientList()).some(
            (c) => c.cmd === 'blmove' && c.name === 'tgfetch:other:pop',
          ),
        { what: 'the blocked pop' },
      );
      controller.abort();
      expect(await waiting).toBeUndefined();
      expect(await ctx.client.lRange(listQueueKeys(queue, 'busy').processing, 0, -1)).toEqual([
        command('mine'),
      ]);
      await held!.ack();
    } finally {
      await other.close();
      await busy.close();
    }
  });

  it('release puts a command back at the head and does not count it', async () => {
    const queue = `${ctx.prefix}q`;
    await ctx.client.rPush(queue, [command('a'), command('b')]);
    const q = await createCommandQueue({ url: ctx.url, queue, workerId: 'w' });
    try {
      const first = await q.next();
      await first!.release();
      const again = await q.next();
      expect(again!.payload).toBe(command('a'));
      expect(again!.attempt).toBe(1);
      await again!.ack();
    } finally {
      await q.close();
    }
  });

  it('recovers from CLIENT KILL of its blocked pop and still gets the next command', async () => {
    const queue = `${ctx.prefix}q`;
    const errors: string[] = [];
    const q = await createCommandQueue({
      url: ctx.url,
      queue,
      workerId: 'k',
      onError: (e) => errors.push(e.code),
    });
    try {
      const next = q.next();
      const popper = await eventually(
        async () =>
          (await ctx.client.clientList()).find(
            (c) => c.cmd === 'blmove' && c.name === 'tgfetch:k:pop',
          ),
        { what: 'the blocked pop' },
      );
      await ctx.client.clientKill({ filter: 'ID', id: Number(popper.id) });
      await eventually(() => errors.length > 0, { what: 'the disconnect to be reported' });
      await ctx.client.rPush(queue, command('after-kill'));
      const delivery = await next;
      expect(delivery!.payload).toBe(command('after-kill'));
      await delivery!.ack();
      expect(errors).toContain('REDIS_DISCONNECTED');
    } finally {
      await q.close();
    }
  });

  it('close() while blocked in a pop returns promptly and hands nothing out', async () => {
    const queue = `${ctx.prefix}q`;
    // A block far longer than the test timeout: only destroying the connection ends it.
    const q = await createCommandQueue({ url: ctx.url, queue, workerId: 'c', blockSeconds: 3_600 });
    const next = q.next();
    await eventually(
      async () =>
        (await ctx.client.clientList()).some(
          (c) => c.cmd === 'blmove' && c.name === 'tgfetch:c:pop',
        ),
      { what: 'the blocked pop' },
    );
    await q.close();
    expect(await next).toBeUndefined();
    expect(q.state()).toBe('closed');
    expect(await ctx.client.exists(listQueueKeys(queue, 'c').heartbeat)).toBe(0);
  });
});

// A full collection on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** True once nothing but `ref` holds its target (after a full collection). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5; i += 1) {
    // WeakRef targets stay alive to the end of the current job: collect from a fresh one.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

describe('a settled delivery', () => {
  // Each wait of the read loop raced the never-settling `closing` (and connection.failed)
  // promise, which kept a reaction per race holding its result: every delivery a worker
  // ever handed out stayed in memory, ~6 KB a command under a flood of rejected commands.
  it('is not kept by the list queue once acknowledged', async () => {
    const keys = listQueueKeys(`${ctx.prefix}q`, 'w1');
    const queue = await createCommandQueue({ url: ctx.url, queue: keys.queue, workerId: 'w1' });
    try {
      const refs: WeakRef<object>[] = [];
      for (const id of ['a', 'b', 'c']) {
        await ctx.client.rPush(keys.queue, command(id));
        const delivery = await queue.next();
        if (!delivery) throw new Error('no delivery');
        await delivery.ack();
        refs.push(new WeakRef(delivery));
      }
      // The loop may still hold the latest one until its next read; none before it.
      for (const ref of refs.slice(0, -1)) expect(await collected(ref)).toBe(true);
    } finally {
      await queue.close();
    }
  });
});
