import { eventually, type RedisServer, startRedisServer } from '@tgfetch/test-utils';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandClient } from './command-client.js';
import { toRedisError } from './errors.js';
import { createCommandQueue } from './list-queue.js';
import { createStreamCommandQueue } from './stream-queue.js';

// A real redis-server that answers `-LOADING` for a few seconds after each start, as one
// does while it reads back a large AOF or RDB: 10 ms per key, events served every KiB.
const LOADING_ARGS = [
  '--key-load-delay',
  '10000',
  '--loading-process-events-interval-bytes',
  '1024',
];
const fast = { reconnect: { baseMs: 20, maxMs: 200 } };

let server: RedisServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function loadingServer(): Promise<RedisServer> {
  const started = await startRedisServer({ persistent: true, serverArgs: LOADING_ARGS });
  const client = createClient({ url: started.url });
  await client.connect();
  // About 300 keys of 200 bytes: some 3 s of LOADING on every start.
  await client.eval(
    "for i = 1, 300 do redis.call('SET', 'filler:' .. i, string.rep('x', 200)) end return 1",
  );
  // Into the AOF's RDB preamble: the load delay applies to RDB keys, not to replayed commands.
  await client.bgRewriteAof();
  await eventually(
    async () => {
      const info = await client.info('persistence');
      return /aof_rewrite_in_progress:0/.test(info) && /aof_rewrites:[1-9]/.test(info);
    },
    { what: 'the AOF rewrite' },
  );
  await client.close();
  return started;
}

describe('a server that cannot serve yet (LOADING after a restart, BUSY with a script)', () => {
  it('LOADING after a restart is a retryable REDIS_LOADING, not a reply error', async () => {
    server = await loadingServer();
    await server.stop('SIGKILL');
    const starting = server.start();
    const client = createClient({ url: server.url, socket: { reconnectStrategy: () => 50 } });
    client.on('error', () => {});
    try {
      const reply = await eventually(
        async () => {
          await client.connect().catch(() => {});
          return client.isReady ? await client.lLen('q').catch((e: unknown) => e) : undefined;
        },
        { what: 'a reply while the server loads' },
      );
      expect(reply).toBeInstanceOf(Error);
      expect(String((reply as Error).message)).toMatch(/^LOADING/);
      expect(toRedisError(reply)).toMatchObject({ code: 'REDIS_LOADING', retryable: true });
    } finally {
      client.destroy();
      await starting;
    }
  });

  it('BUSY (a script past busy-reply-threshold) is one too; BUSYGROUP is not', async () => {
    server = await startRedisServer({ serverArgs: ['--busy-reply-threshold', '50'] });
    const runner = createClient({ url: server.url });
    const other = createClient({ url: server.url });
    await Promise.all([runner.connect(), other.connect()]);
    runner.on('error', () => {});
    try {
      const spinning = runner.eval('while true do end').catch((e: unknown) => e);
      const reply = await eventually(
        async () => {
          const answer = await other.ping().catch((e: unknown) => e);
          return answer instanceof Error ? answer : undefined;
        },
        { what: 'a BUSY reply' },
      );
      expect(String(reply.message)).toMatch(/^BUSY /);
      expect(toRedisError(reply)).toMatchObject({ code: 'REDIS_LOADING', retryable: true });
      await other.scriptKill();
      await spinning;
      await other.xAdd('s', '*', { a: '1' });
      await other.xGroupCreate('s', 'g', '0');
      const exists = await other.xGroupCreate('s', 'g', '0').catch((e: unknown) => e);
      expect(String((exists as Error).message)).toMatch(/^BUSYGROUP/);
      expect(toRedisError(exists)).toMatchObject({ code: 'REDIS_ERROR', retryable: false });
    } finally {
      runner.destroy();
      other.destroy();
    }
  });

  for (const mode of ['list', 'stream'] as const) {
    it(`holds a waiting ${mode} queue until it is loaded, then hands out the next command`, async () => {
      server = await loadingServer();
      const codes: string[] = [];
      const open = mode === 'list' ? createCommandQueue : createStreamCommandQueue;
      const queue = await open({
        url: server.url,
        workerId: 'w',
        blockSeconds: 1,
        onError: (e) => codes.push(e.code),
        ...fast,
      });
      const producer = await createCommandClient({ url: server.url, transport: mode, ...fast });
      try {
        const waiting = queue.next();
        await server.stop('SIGKILL');
        // start() returns once PING answers, i.e. when the data is loaded.
        await server.start();
        await eventually(() => queue.state() === 'ready', { what: 'the queue ready again' });
        await producer.send({
          command: 'fetch',
          chat: '@loading',
          mode: 'date',
          date: '2025-11-07',
          command_id: 'after-loading',
        });
        const delivery = await waiting;
        expect(JSON.parse(String(delivery?.payload))).toMatchObject({
          command_id: 'after-loading',
        });
        // It did meet the loading server (its health probe was told LOADING).
        expect(codes).toContain('REDIS_LOADING');
        await delivery?.ack();
      } finally {
        await producer.close();
        await queue.close();
      }
    });
  }
});
