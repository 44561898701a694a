import path from 'node:path';
import {
  eventually,
  type RedisServer,
  redisCli,
  startRedisServer,
  type TempDir,
  tempDir,
} from '@tgfetch/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busyYesterday } from '../testing/busy-day.js';
import { uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';

/**
 * The built daemon on a redis-server of its own, so that `CLIENT LIST` shows its
 * connections and nobody else's: the queue's two (a blocking read must not stall the
 * commands that settle deliveries and sample its length) and one for everything else
 * (events, chat locks, the data-loss marker, the MESSAGES_STREAM appends).
 */

let temp: TempDir;
let pool: ReturnType<typeof daemonPool>;
let server: RedisServer;

beforeEach(async () => {
  temp = await tempDir('tgfetch-connections-');
  pool = daemonPool();
  server = await startRedisServer();
});

afterEach(async () => {
  await pool.killAll();
  await server.close();
  await temp.cleanup();
});

/** The connections of everyone but the redis-cli asking. */
const daemonClients = async () =>
  (await redisCli(server.url, 'CLIENT', 'LIST'))
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.includes('cmd=client|list'));

describe("the daemon's Redis connections", () => {
  it.each(['list', 'stream'] as const)(
    '%s queue: at most three while it runs a command, MESSAGES_STREAM included',
    async (mode) => {
      const names = uniqueNames(`conn_${mode}:`);
      const daemon = await pool.start(
        daemonEnv({
          url: server.url,
          names,
          dataDir: path.join(temp.dir, 'data'),
          workerId: `w-conn-${mode}`,
          extra: { QUEUE_MODE: mode, MESSAGES_STREAM: `conn_${mode}:messages` },
        }),
        temp.dir,
      );
      const command = JSON.stringify({
        command: 'fetch',
        // A chat whose yesterday has messages, so that the stream has something to hold.
        chat: `@${busyYesterday(names.chat)}`,
        mode: 'days',
        days: 1,
        command_id: `conn-${mode}`,
      });
      if (mode === 'list') await redisCli(server.url, 'RPUSH', names.queue, command);
      else await redisCli(server.url, 'XADD', names.queue, '*', 'payload', command);
      await eventually(() => daemon.jsonLines().some((line) => line.msg === 'command completed'), {
        timeoutMs: 15_000,
        what: 'the command to complete',
      });
      // The appends went out on the shared connection: the stream holds the day's messages.
      expect(Number(await redisCli(server.url, 'XLEN', `conn_${mode}:messages`))).toBeGreaterThan(
        0,
      );
      const clients = await daemonClients();
      expect(clients.length, clients.join('\n')).toBeLessThanOrEqual(3);
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    },
  );
});
