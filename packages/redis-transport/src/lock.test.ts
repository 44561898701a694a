import { eventually } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisChatLock } from './lock.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const signal = () => new AbortController().signal;

describe('redis chat lock', () => {
  it('lets one of two contending acquirers in at a time, the other waiting without spinning', async () => {
    const prefix = `${ctx.prefix}lock:`;
    const a = createRedisChatLock({ client: ctx.client, prefix, minWaitMs: 20, maxWaitMs: 100 });
    let tries = 0;
    const b = createRedisChatLock({
      client: ctx.client,
      prefix,
      minWaitMs: 20,
      maxWaitMs: 100,
      random: () => {
        tries++;
        return 0.5;
      },
    });
    const order: string[] = [];
    const releaseA = await a.acquire('@Chat', signal());
    expect(await ctx.client.exists(`${prefix}chat`)).toBe(1);
    const waiting = b.acquire('chat', signal()).then((release) => {
      order.push('b');
      return release;
    });
    // Each wait between tries draws one jitter value: b tries, waits, tries again.
    await eventually(() => tries >= 3, { what: 'b to try a few times' });
    expect(order).toEqual([]);
    order.push('a-release');
    await releaseA();
    const releaseB = await waiting;
    expect(order).toEqual(['a-release', 'b']);
    await releaseB();
    expect(await ctx.client.exists(`${prefix}chat`)).toBe(0);
  });

  it('renews a held lock past its ttl and never deletes a lock it lost', async () => {
    const prefix = `${ctx.prefix}lock:`;
    const lost: string[] = [];
    const lock = createRedisChatLock({
      client: ctx.client,
      prefix,
      ttlMs: 5_000,
      renewMs: 50,
      onLost: (c) => lost.push(c),
    });
    const release = await lock.acquire('@renewed', signal());
    const key = `${prefix}renewed`;
    const token = await ctx.client.get(key);
    // Cut its ttl short: only a renewal can bring it back above that.
    await ctx.client.pExpire(key, 1_000);
    await eventually(async () => (await ctx.client.pTTL(key)) > 1_000, { what: 'a renewal' });
    expect(await ctx.client.get(key)).toBe(token);
    expect(lost).toEqual([]);
    // Someone else takes it over (as if ours had expired): renewing stops working, release leaves theirs.
    await ctx.client.set(key, 'someone-else');
    await eventually(() => lost.length > 0, { what: 'the loss to be noticed' });
    await release();
    expect(await ctx.client.get(key)).toBe('someone-else');
  });

  it('gives up waiting when aborted', async () => {
    const prefix = `${ctx.prefix}lock:`;
    const lock = createRedisChatLock({ client: ctx.client, prefix, minWaitMs: 10, maxWaitMs: 50 });
    const release = await lock.acquire('@busy', signal());
    const controller = new AbortController();
    const waiting = lock.acquire('@busy', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    await release();
  });
});
