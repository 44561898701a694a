import { describeRateMemory } from '@tgfetch/core/testing';
import { redisTestContext } from '@tgfetch/test-utils/vitest';
import { describe, expect, it } from 'vitest';
import { createRedisRateMemory } from './rate-memory.js';

describeRateMemory('redis', async () => {
  const ctx = await redisTestContext();
  return {
    store: createRedisRateMemory({ client: ctx.client, prefix: `${ctx.prefix}rate:` }),
    cleanup: () => ctx.cleanup(),
  };
});

describe('redis rate memory', () => {
  it('keeps a rate as a readable hash, and takes a hash that is not a rate for none', async () => {
    const ctx = await redisTestContext();
    try {
      const prefix = `${ctx.prefix}rate:`;
      const memory = createRedisRateMemory({ client: ctx.client, prefix });
      await memory.save('42', { requestsPerSecond: 49.5, burst: 10, learnedAt: 1_000 });
      expect(await ctx.client.hGetAll(`${prefix}42`)).toEqual({
        requests_per_second: '49.5',
        burst: '10',
        learned_at: '1000',
      });
      await ctx.client.hSet(`${prefix}43`, { requests_per_second: 'fast', burst: '10' });
      expect(await memory.load('43')).toBeUndefined();
    } finally {
      await ctx.cleanup();
    }
  });
});
