import { holdLeases, type LeaseChange } from '@tgfetch/core';
import { describeLeases } from '@tgfetch/core/testing';
import { eventually, type RedisServer, startRedisServer } from '@tgfetch/test-utils';
import { redisTestContext } from '@tgfetch/test-utils/vitest';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisClient } from './connection.js';
import { createRedisLeases } from './leases.js';

describeLeases('redis', async () => {
  const ctx = await redisTestContext();
  const other = createClient({ url: ctx.url }) as RedisClient;
  other.on('error', () => {});
  await other.connect();
  const prefix = `${ctx.prefix}lease:`;
  return {
    leases: createRedisLeases({ client: ctx.client as RedisClient, prefix }),
    other: createRedisLeases({ client: other, prefix }),
    cleanup: async () => {
      other.destroy();
      await ctx.cleanup();
    },
  };
});

describe('holdLeases on redis', () => {
  it('moves every name of a daemon that lost its Redis to another within ttl + retryEveryMs', async () => {
    const ctx = await redisTestContext();
    const doomed = await connect(ctx.url);
    const prefix = `${ctx.prefix}lease:`;
    const names = ['follow:1:@alpha', 'follow:1:@beta', 'follow:1:-1001234567890'];
    const ttlMs = 600;
    const changes: Array<LeaseChange & { by: string }> = [];
    const daemon = (by: string, on: RedisClient) =>
      holdLeases(createRedisLeases({ client: on, prefix, replyTimeoutMs: 200 }), names, {
        ttlMs,
        retryEveryMs: 200,
        onChange: (change) => changes.push({ ...change, by }),
      });
    const a = daemon('a', doomed);
    const b = daemon('b', ctx.client as RedisClient);
    try {
      await eventually(() => a.held().size === names.length, { what: 'a to hold every name' });
      expect(b.held().size).toBe(0);
      const diedAt = Date.now();
      doomed.destroy();
      await eventually(() => b.held().size === names.length, {
        what: 'b to take every name',
        timeoutMs: ttlMs + 200 + 2_000,
      });
      expect(Date.now() - diedAt).toBeGreaterThanOrEqual(ttlMs - 1 - 200);
      expect(a.held().size).toBe(0);
      for (const name of names) {
        const lost = changes.find((c) => c.by === 'a' && c.kind === 'lost' && c.name === name);
        const held = changes.find((c) => c.by === 'b' && c.kind === 'held' && c.name === name);
        expect(held!.lease.fence).toBeGreaterThan(lost!.lease.fence);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await ctx.cleanup();
    }
  });
});

let server: RedisServer | undefined;
let client: RedisClient | undefined;
afterEach(async () => {
  client?.destroy();
  client = undefined;
  server?.thaw();
  await server?.close();
  server = undefined;
});

const connect = async (url: string) => {
  const made = createClient({
    url,
    socket: { reconnectStrategy: () => 50 },
    commandOptions: { timeout: 0 },
  }) as RedisClient;
  made.on('error', () => {});
  await made.connect();
  return made;
};
const LONG = { ttlMs: 60_000 };

describe('redis leases on a redis-server that goes away', () => {
  it('give greater fences after a restart that lost every key, and after a counter set back', async () => {
    server = await startRedisServer();
    client = await connect(server.url);
    const leases = createRedisLeases({ client });
    const before = (await leases.acquire('follow:1:@chat', LONG))!;
    expect(await client.exists('tgfetch:lease:#since')).toBe(1);
    await server.restart('SIGKILL');
    const restarted = client;
    await eventually(() => restarted.isReady, { what: 'the reconnection' });
    expect(await client.exists('tgfetch:lease:#fence')).toBe(0);
    // The old holder learns it lost the name at its first renewal.
    expect(await before.renew()).toBe(false);
    expect(before.lost.aborted).toBe(true);
    const after = (await leases.acquire('follow:1:@chat', LONG))!;
    expect(after.fence).toBeGreaterThan(before.fence);
    // A Redis restored from an older snapshot has an older counter: fences still grow.
    await client.set('tgfetch:lease:#fence', '5');
    await after.release();
    const later = (await leases.acquire('follow:1:@chat', LONG))!;
    expect(later.fence).toBeGreaterThan(after.fence);
    expect(Number.isSafeInteger(later.fence)).toBe(true);
    await later.release();
  });

  it('fail a call to a frozen server at its deadline, and lose the lease at its lifetime', async () => {
    server = await startRedisServer();
    client = await connect(server.url);
    const leases = createRedisLeases({ client, replyTimeoutMs: 200 });
    const lease = (await leases.acquire('held', { ttlMs: 1_000 }))!;
    server.freeze();
    await expect(lease.renew()).rejects.toMatchObject({ code: 'REDIS_NO_REPLY', retryable: true });
    await expect(leases.acquire('other', LONG)).rejects.toMatchObject({ code: 'REDIS_NO_REPLY' });
    await eventually(() => lease.lost.aborted, { what: 'the loss', timeoutMs: 3_000 });
    expect(lease.held()).toBe(false);
    server.thaw();
  });
});
