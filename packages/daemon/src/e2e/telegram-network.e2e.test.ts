import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FailedEvent } from '@tgfetch/core';
import { closedPort, type SilentServer, sessionAt, silentServer } from '@tgfetch/telegram/testing';
import { eventually, redisCli } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';
import { listenForEvents } from '../testing/events.js';

/**
 * The built `tgfetch` with no route to Telegram: a proxy port that refuses, or a proxy that
 * accepts and stays silent (a hung connect). Real sockets on loopback, real gramjs.
 */

let dir: string;
let silent: SilentServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-net-'));
  silent = await silentServer();
});
afterEach(async () => {
  await silent.close();
  await rm(dir, { recursive: true, force: true });
});

const telegramEnv = async (proxyPort: number, extra: Record<string, string> = {}) => ({
  TGFETCH_SOURCE: 'telegram',
  TELEGRAM_API_ID: '12345',
  TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
  TELEGRAM_SESSION: await sessionAt('127.0.0.1'),
  TELEGRAM_PROXY: `socks5://127.0.0.1:${proxyPort}`,
  ...extra,
});
const FETCH = ['fetch', '--chat', '@durov', '--days', '1'];

describe('tgfetch fetch with no route to Telegram', () => {
  it('exits 1 with TELEGRAM_UNREACHABLE naming the address within the connect timeout plus 5 s', async () => {
    const env = await telegramEnv(await closedPort(), { TELEGRAM_CONNECT_TIMEOUT_MS: '3000' });
    const started = Date.now();
    const run = await runCli(FETCH, env, dir, 20_000);
    const elapsed = Date.now() - started;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /TELEGRAM_UNREACHABLE: Could not reach Telegram at 127\.0\.0\.1:80 through socks5:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.stdout).toBe('');
    expect(elapsed).toBeLessThan(3000 + 5000);
  });

  it('ends with 130 on the first SIGTERM during a hung connect', async () => {
    const env = await telegramEnv(silent.port, {
      TELEGRAM_CONNECT_TIMEOUT_MS: '600000',
      SHUTDOWN_GRACE_MS: '3000',
    });
    const proc = spawnCli(FETCH, env, dir);
    await eventually(() => silent.connections.length > 0, { what: 'the connect to hang' });
    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit.code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(proc.stderr()).toMatch(/interrupted/);
  });

  it('ends with 130 on the first SIGINT too', async () => {
    const env = await telegramEnv(silent.port, { TELEGRAM_CONNECT_TIMEOUT_MS: '600000' });
    const proc = spawnCli(FETCH, env, dir);
    await eventually(() => silent.connections.length > 0, { what: 'the connect to hang' });
    proc.child.kill('SIGINT');
    expect((await proc.exited).code).toBe(130);
  });
});

describe('tgfetch chats and resolve with no route to Telegram', () => {
  it('end with TELEGRAM_UNREACHABLE within the connect timeout, as fetch does', async () => {
    // A proxy that accepts and never answers: without the deadline the connect hangs.
    const env = await telegramEnv(silent.port, { TELEGRAM_CONNECT_TIMEOUT_MS: '2000' });
    for (const args of [['chats'], ['resolve', '@durov']]) {
      const started = Date.now();
      const run = await runCli(args, env, dir, 20_000);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr, args[0]).toMatch(/TELEGRAM_UNREACHABLE: Could not reach Telegram/);
      expect(Date.now() - started, args[0]).toBeLessThan(2000 + 5000);
    }
  });
});

describe('tgfetch daemon with no route to Telegram', () => {
  let redis: RedisTestContext;
  let pool: ReturnType<typeof daemonPool>;
  beforeEach(async () => {
    redis = await redisTestContext();
    pool = daemonPool();
  });
  afterEach(async () => {
    await pool.killAll();
    await redis.cleanup();
  });

  it('publishes a retryable failed TELEGRAM_UNREACHABLE per command and takes the next one', async () => {
    const names = uniqueNames(redis.prefix);
    const log = await listenForEvents(redis.url, names.channel);
    try {
      const env = {
        ...daemonEnv({ url: redis.url, names, dataDir: path.join(dir, 'data'), workerId: 'w-net' }),
        ...(await telegramEnv(silent.port, { TELEGRAM_CONNECT_TIMEOUT_MS: '1500' })),
      };
      const daemon = await pool.start(env, dir);
      for (const id of ['net-1', 'net-2']) {
        const command = { command: 'fetch', chat: '@durov', mode: 'days', days: 1, command_id: id };
        await redisCli(redis.url, 'RPUSH', names.queue, JSON.stringify(command));
      }
      for (const id of ['net-1', 'net-2']) {
        const final = (await log.final(id)) as FailedEvent;
        expect(final).toMatchObject({
          event: 'failed',
          error: { code: 'TELEGRAM_UNREACHABLE', retryable: true },
        });
        expect(final.error.message).toContain('127.0.0.1:80');
      }
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    } finally {
      await log.close();
    }
  });

  it('exits 0 within SHUTDOWN_GRACE_MS on the first SIGTERM during a hung connect', async () => {
    const names = uniqueNames(redis.prefix);
    const env = {
      ...daemonEnv({ url: redis.url, names, dataDir: path.join(dir, 'data'), workerId: 'w-hung' }),
      ...(await telegramEnv(silent.port, { TELEGRAM_CONNECT_TIMEOUT_MS: '600000' })),
      SHUTDOWN_GRACE_MS: '2000',
    };
    const daemon = await pool.start(env, dir);
    const command = { command: 'fetch', chat: '@durov', mode: 'days', days: 1, command_id: 'hung' };
    await redisCli(redis.url, 'RPUSH', names.queue, JSON.stringify(command));
    await eventually(() => silent.connections.length > 0, { what: 'the connect to hang' });
    const signalled = Date.now();
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(2000 + 1000);
    // The command was not lost: it went back to the queue.
    expect(await redisCli(redis.url, 'LLEN', names.queue)).toBe('1');
  });
});
