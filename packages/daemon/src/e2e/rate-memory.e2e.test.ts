import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { redisCli } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliProcess } from '../testing/cli-process.js';
import { uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';
import { type EventLog, listenForEvents } from '../testing/events.js';

/**
 * The account's learned request rate outlives a daemon: one built daemon learns the limit
 * of a rate-limited simulated Telegram with flood waits and keeps it in Redis beside the
 * queue; the next one started on the same Redis paces at it from its first request.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
let log: EventLog;
const pool = daemonPool();

/** 50 requests/s, 5 back to back; a page of 100 messages a request. */
const LIMIT = { requestsPerSecond: 50, burst: 5 };
const SIM = JSON.stringify({ rateLimit: LIMIT, messagesPerDay: 1000, historyDays: 60 });
/** The simulated Telegram's own account. */
const ACCOUNT = '777000001';

beforeAll(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-rates-'));
  log = await listenForEvents(redis.url, names.channel);
});

afterAll(async () => {
  await pool.killAll();
  await log?.close();
  await redis?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const start = (workerId: string) =>
  pool.start(
    daemonEnv({
      url: redis.url,
      names,
      dataDir: path.join(dir, workerId),
      workerId,
      extra: { TGFETCH_SIM: SIM },
    }),
    dir,
  );

/** Runs a fetch of `days` days of `chat` on the running daemon, to its completed event. */
async function fetchDays(id: string, chat: string, days: number) {
  await redisCli(
    redis.url,
    'RPUSH',
    names.queue,
    JSON.stringify({
      command: 'fetch',
      chat,
      mode: 'days',
      days,
      strategy: 'batch',
      command_id: id,
    }),
  );
  const final = await log.final(id, 60_000);
  expect(final.event).toBe('completed');
}

/** The flood waits a daemon waited out (its retry log lines). */
const floodWaits = (daemon: CliProcess) =>
  daemon
    .jsonLines()
    .filter((line) => line.msg === 'waiting before retrying' && line.error_type === 'FLOOD_WAIT')
    .length;

async function stop(daemon: CliProcess) {
  daemon.child.kill('SIGTERM');
  expect((await daemon.exited).code).toBe(0);
}

describe('the learned request rate', () => {
  it('is kept in Redis beside the queue, and a second daemon starts at it', async () => {
    const first = await start('rates-first');
    // 30 days of 1,000 messages: 300 pages, six seconds at the limit once it is known.
    await fetchDays('learn', `@${names.chat}_a`, 30);
    const learning = floodWaits(first);
    expect(learning).toBeGreaterThanOrEqual(1);
    await stop(first);

    const key = `${names.queue}:rate:${ACCOUNT}`;
    expect(await redis.client.type(key)).toBe('hash');
    const saved = await redis.client.hGetAll(key);
    const rate = Number(saved.requests_per_second);
    // The low end of what the sends proved: never above the limit, and close under it.
    expect(rate).toBeLessThanOrEqual(LIMIT.requestsPerSecond * 1.001);
    expect(rate).toBeGreaterThan(LIMIT.requestsPerSecond * 0.8);
    expect(Number(saved.burst)).toBeGreaterThanOrEqual(1);
    expect(Number(saved.learned_at)).toBeGreaterThan(0);

    // A new process knows nothing of the first but Redis: it paces from its first request.
    const second = await start('rates-second');
    await fetchDays('remembered', `@${names.chat}_b`, 30);
    expect(floodWaits(second)).toBeLessThan(learning);
    expect(floodWaits(second)).toBeLessThanOrEqual(1);
    await stop(second);
    // Two real-clock fetches of 300 pages at 50 requests/s (six seconds each at best, more
    // while the first learns), and two daemons started and stopped, on a loaded CI machine.
  }, 150_000);
});
