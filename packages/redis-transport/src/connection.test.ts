import { createHook } from 'node:async_hooks';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConnection } from './connection.js';
import { RedisErrorCode } from './errors.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

/** Timers created while `fn` runs (every kind: ref'd, unref'd, those inside AbortSignal.timeout). */
async function timersDuring(fn: () => Promise<unknown>): Promise<number> {
  let timers = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'Timeout') timers++;
    },
  });
  hook.enable();
  try {
    await fn();
  } finally {
    hook.disable();
  }
  return timers;
}

describe('connection', () => {
  it('gives plain commands no timer of their own', async () => {
    // node-redis's default: a 5 s AbortSignal.timeout per command, alive 5 s whatever the
    // reply time. A flood of rejected commands kept tens of thousands alive, and the daemon's
    // old space grew by tens of MB. Our deadlines are the outage clock and `deadline()`.
    const connection = await openConnection({ url: ctx.url, probeIntervalMs: 0 });
    try {
      const dedicated = await connection.dedicated(`${ctx.prefix}dedicated`);
      const commands = 500;
      const timers = await timersDuring(async () => {
        for (let i = 0; i < commands; i += 1) {
          await connection.client.incr(`${ctx.prefix}n`);
          await dedicated.get(`${ctx.prefix}n`);
        }
      });
      expect(await ctx.client.get(`${ctx.prefix}n`)).toBe(String(commands));
      // A few for the connection's own bookkeeping at most, never one per command.
      expect(timers).toBeLessThan(commands / 10);
    } finally {
      await connection.close();
    }
  });

  it('takes a client made by `redis` (the documented `client` option), its errors included', async () => {
    // Our own clients come from `@redis/client`; one of the umbrella package, with its
    // modules, must still type-check here without a cast, and its errors still be told apart.
    const own = createClient({ url: ctx.url });
    own.on('error', () => {});
    const connection = await openConnection({ client: own, probeIntervalMs: 0 });
    try {
      expect(connection.client).toBe(own);
      await connection.client.set(`${ctx.prefix}k`, 'v');
      const dedicated = await connection.dedicated(`${ctx.prefix}dedicated`);
      expect(await dedicated.get(`${ctx.prefix}k`)).toBe('v');
      own.destroy();
      const error = await own.get(`${ctx.prefix}k`).catch((e: unknown) => e);
      expect(connection.translate(error).code).toBe(RedisErrorCode.REDIS_CLOSED);
    } finally {
      await connection.close();
      if (own.isOpen) own.destroy();
    }
  });
});
