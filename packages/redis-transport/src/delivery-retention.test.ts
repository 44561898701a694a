import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandQueue, listQueueKeys } from './list-queue.js';
import { type RedisTestContext, redisTestContext } from './testing/context.js';

// A full collection on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

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
