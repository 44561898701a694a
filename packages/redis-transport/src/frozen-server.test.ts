import { type RedisServer, startRedisServer } from '@tgfetch/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { openConnection } from './connection.js';
import { createCommandQueue } from './list-queue.js';

let server: RedisServer | undefined;
afterEach(async () => {
  server?.thaw();
  await server?.close();
  server = undefined;
});

const fast = { reconnect: { baseMs: 20, maxMs: 200 }, replyTimeoutMs: 300, probeIntervalMs: 100 };

// A SIGSTOPped server keeps its sockets open and never answers: no connection error comes.
describe('a frozen redis-server', () => {
  it('is noticed by the health probe, and fails for good past the outage limit', async () => {
    server = await startRedisServer();
    const errors: string[] = [];
    const connection = await openConnection({
      url: server.url,
      maxOutageMs: 1_500,
      ...fast,
      onError: (e) => errors.push(e.code),
    });
    try {
      expect(connection.state()).toBe('ready');
      server.freeze();
      await expect.poll(() => connection.state(), { timeout: 5_000 }).toBe('unresponsive');
      expect(errors).toContain('REDIS_NO_REPLY');
      await expect(connection.failed).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    } finally {
      await connection.close();
    }
  });

  it('is healthy again when it wakes before the limit', async () => {
    server = await startRedisServer();
    const connection = await openConnection({ url: server.url, maxOutageMs: 60_000, ...fast });
    try {
      server.freeze();
      await expect.poll(() => connection.state(), { timeout: 5_000 }).toBe('unresponsive');
      server.thaw();
      await expect.poll(() => connection.state(), { timeout: 5_000 }).toBe('ready');
      expect(connection.failure()).toBeUndefined();
    } finally {
      await connection.close();
    }
  });

  it('does not hold a queue that is closing', async () => {
    server = await startRedisServer();
    const queue = await createCommandQueue({
      url: server.url,
      workerId: 'w',
      blockSeconds: 1,
      maxOutageMs: 60_000,
      ...fast,
    });
    const controller = new AbortController();
    const waiting = queue.next(controller.signal);
    server.freeze();
    await expect.poll(() => queue.state(), { timeout: 5_000 }).toBe('unresponsive');
    controller.abort();
    expect(await waiting).toBeUndefined();
    // Hand-back and QUIT get their deadline: close() ends while the server sleeps.
    await queue.close();
    expect(queue.state()).toBe('closed');
  });
});
