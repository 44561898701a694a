import { describeResumeStore } from '@tgfetch/core/testing';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RedisClient } from './connection.js';
import { createRedisResumeStore } from './resume-store.js';

describeResumeStore('redis', async () => {
  const ctx = await redisTestContext();
  return {
    store: createRedisResumeStore({
      client: ctx.client as RedisClient,
      prefix: `${ctx.prefix}resume:`,
    }),
    cleanup: () => ctx.cleanup(),
  };
});

describe('the redis resume store', () => {
  let ctx: RedisTestContext;
  beforeEach(async () => {
    ctx = await redisTestContext();
  });
  afterEach(() => ctx.cleanup());
  const open = (maxBytes?: number) =>
    createRedisResumeStore({
      client: ctx.client as RedisClient,
      prefix: `${ctx.prefix}resume:`,
      ...(maxBytes === undefined ? {} : { maxBytes }),
    });

  it('keeps one JSON string per key, under its prefix', async () => {
    await open().save('telegram:12345', { pts: 7 });
    expect(await ctx.client.get(`${ctx.prefix}resume:telegram:12345`)).toBe('{"pts":7}');
  });

  it('refuses bad keys, points over its size and points that are not objects, storing nothing', async () => {
    const store = open(64);
    for (const key of ['', 'a b', 'a/b', '*', '.x', 'k'.repeat(201)]) {
      await expect(store.save(key, { pts: 1 }), key).rejects.toMatchObject({
        code: 'RESUME_INVALID_KEY',
      });
      await expect(store.load(key), key).rejects.toMatchObject({ code: 'RESUME_INVALID_KEY' });
    }
    await expect(store.save('big', { note: 'x'.repeat(64) })).rejects.toMatchObject({
      code: 'RESUME_TOO_LARGE',
    });
    await expect(store.save('list', [1] as never)).rejects.toMatchObject({
      code: 'RESUME_INVALID_POINT',
    });
    expect(await ctx.client.keys(`${ctx.prefix}*`)).toEqual([]);
  });

  it('says so when the key holds no point, without touching it', async () => {
    const key = `${ctx.prefix}resume:account`;
    for (const text of ['not json', '[1,2]', 'null']) {
      await ctx.client.set(key, text);
      await expect(open().load('account'), text).rejects.toMatchObject({
        code: 'RESUME_INVALID_POINT',
        retryable: false,
      });
      expect(await ctx.client.get(key)).toBe(text);
    }
  });
});
