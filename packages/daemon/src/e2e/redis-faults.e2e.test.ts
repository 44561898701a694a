import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  eventually,
  freePort,
  type RedisServer,
  redisCli,
  startRedisServer,
} from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRETS, spawnCli, uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';

/**
 * The built daemon against a Redis that fails in ways other than going away: frozen
 * (SIGSTOP), restarted without its data, refusing credentials, a database or a key type.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
let pool: ReturnType<typeof daemonPool>;
let server: RedisServer | undefined;

beforeEach(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-redis-faults-'));
  pool = daemonPool();
});

afterEach(async () => {
  server?.thaw();
  await pool.killAll();
  const all = pool.output();
  for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret);
  await server?.close();
  server = undefined;
  await redis.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const env = (url: string, workerId: string, extra: Record<string, string> = {}) =>
  daemonEnv({ url, names, dataDir: path.join(dir, 'data'), workerId, extra });

const health = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('a frozen Redis (SIGSTOP)', () => {
  it('turns /healthz to 503, and the daemon exits 3 past REDIS_MAX_OUTAGE_MS', async () => {
    server = await startRedisServer();
    const port = await freePort();
    const daemon = await pool.start(
      env(server.url, 'w-frozen', {
        METRICS_PORT: String(port),
        REDIS_MAX_OUTAGE_MS: '3000',
        REDIS_REPLY_TIMEOUT_MS: '500',
      }),
      dir,
    );
    expect((await health(port)).status).toBe(200);
    server.freeze();
    await eventually(async () => (await health(port)).status === 503, {
      what: '/healthz to answer 503',
    });
    expect((await daemon.exited).code).toBe(3);
    expect(daemon.jsonLines().at(-1)).toMatchObject({
      level: 'fatal',
      error_type: 'REDIS_UNAVAILABLE',
    });
  });

  it('does not hold SIGTERM past the grace period', async () => {
    server = await startRedisServer();
    const daemon = await pool.start(
      env(server.url, 'w-frozen-term', {
        SHUTDOWN_GRACE_MS: '2000',
        REDIS_MAX_OUTAGE_MS: '600000',
        TGFETCH_SIM: JSON.stringify({ latencyMs: 300 }),
      }),
      dir,
    );
    await redisCli(
      server.url,
      'RPUSH',
      names.queue,
      JSON.stringify({ command: 'fetch', chat: `@${names.chat}`, mode: 'days', days: 3 }),
    );
    await eventually(
      async () =>
        (await redisCli(server!.url, 'LLEN', `${names.queue}:processing:w-frozen-term`)) === '1',
      { what: 'the command in hand' },
    );
    server.freeze();
    const sent = Date.now();
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    expect(exit.code).toBe(0);
    // The grace period, plus what a loaded machine needs to start and end a process.
    expect(Date.now() - sent).toBeLessThan(2000 + 1500);
  });
});

describe('a Redis restarted without its data', () => {
  it('is told by an error-level log line and a metric', async () => {
    server = await startRedisServer();
    const port = await freePort();
    const daemon = await pool.start(
      env(server.url, 'w-empty', { METRICS_PORT: String(port), REDIS_MAX_OUTAGE_MS: '60000' }),
      dir,
    );
    await server.restart();
    await eventually(
      () =>
        daemon.jsonLines().some((l) => l.level === 'error' && l.error_type === 'REDIS_DATA_LOST'),
      { timeoutMs: 15_000, what: 'the data-lost log line' },
    );
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('\ntgfetch_redis_data_lost_total 1\n');
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
  });
});

describe('Redis refusing the configuration', () => {
  it('ends the daemon at once with exit 2 on a wrong or missing password', async () => {
    server = await startRedisServer({ password: 'right-pw' });
    for (const url of [
      server.url.replace('right-pw', 'wrong-pw'),
      server.url.replace(':right-pw@', ''),
    ]) {
      const daemon = spawnCli(['daemon'], env(url, 'w-auth'), dir);
      const exit = await daemon.exited;
      expect(exit.code).toBe(2);
      expect(daemon.jsonLines().at(-1)).toMatchObject({ level: 'fatal', error_type: 'REDIS_AUTH' });
      expect(daemon.stdout()).not.toContain('wrong-pw');
    }
  });

  it('ends the daemon with exit 2 on a database it does not have, or a queue key of another type', async () => {
    const bad = spawnCli(['daemon'], env(`${redis.url}/999`, 'w-db'), dir);
    expect((await bad.exited).code).toBe(2);
    expect(bad.jsonLines().at(-1)).toMatchObject({ error_type: 'REDIS_CONFIG' });
    await redis.client.set(names.queue, 'not a list');
    const clash = spawnCli(['daemon'], env(redis.url, 'w-type'), dir);
    expect((await clash.exited).code).toBe(2);
    expect(String(clash.jsonLines().at(-1)?.err)).toContain(names.queue);
  });

  it('ends send and listen with exit 2 on a wrong password', async () => {
    server = await startRedisServer({ password: 'right-pw' });
    const wrong = {
      REDIS_URL: server.url.replace('right-pw', 'wrong-pw'),
      QUEUE_NAME: names.queue,
    };
    const send = spawnCli(['send', '--chat', 'x', '--days', '1'], wrong, dir);
    expect((await send.exited).code).toBe(2);
    expect(send.stderr()).toMatch(/REDIS_AUTH/);
    const listen = spawnCli(['listen'], wrong, dir);
    expect((await listen.exited).code).toBe(2);
  });
});

describe('signals before the daemon is ready', () => {
  it('SIGTERM while it waits for Redis ends it with exit 0', async () => {
    const port = await freePort();
    const daemon = spawnCli(
      ['daemon'],
      env(`redis://127.0.0.1:${port}`, 'w-early', { REDIS_MAX_OUTAGE_MS: '600000' }),
      dir,
    );
    // Told within the first attempt, naming the address and the cause.
    await eventually(
      () =>
        daemon
          .jsonLines()
          .some(
            (l) =>
              String(l.err).includes(`127.0.0.1:${port}`) && /ECONNREFUSED/.test(String(l.err)),
          ),
      // The 2 s bound is the connection's (server-faults.test.ts); this adds a process start.
      { timeoutMs: 5_000, what: 'the unreachable address in a log line' },
    );
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    expect(exit.code).toBe(0);
    expect(daemon.jsonLines().some((l) => l.msg === 'stopped before ready')).toBe(true);
  });
});
