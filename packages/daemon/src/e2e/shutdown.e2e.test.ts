import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CompletedEvent, ProgressEvent } from '@tgfetch/core';
import { createFsStore } from '@tgfetch/fs-store';
import { simulatedFolder } from '@tgfetch/telegram/testing';
import { eventually, redisCli, startRedisServer } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CliProcess,
  listFiles,
  readDayFiles,
  SECRETS,
  uniqueNames,
} from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';
import { type EventLog, listenForEvents } from '../testing/events.js';

/**
 * Signals and crashes of the built daemon, mid-fetch: the simulated Telegram answers slowly
 * (TGFETCH_SIM latencyMs) so that a command of four days is caught after its first day.
 */

let redis: RedisTestContext;
let names: ReturnType<typeof uniqueNames>;
let dir: string;
let dataDir: string;
let log: EventLog;
let pool: ReturnType<typeof daemonPool>;

beforeEach(async () => {
  redis = await redisTestContext();
  names = uniqueNames(redis.prefix);
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-shutdown-'));
  dataDir = path.join(dir, 'data');
  log = await listenForEvents(redis.url, names.channel);
  pool = daemonPool();
});

afterEach(async () => {
  await pool.killAll();
  const all = pool.output();
  for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret);
  await log.close();
  await redis.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const env = (workerId: string, extra: Record<string, string> = {}) =>
  daemonEnv({ url: redis.url, names, dataDir, workerId, extra });
const slow = (extra: Record<string, string> = {}) => ({
  TGFETCH_SIM: JSON.stringify({ latencyMs: 700 }),
  ...extra,
});

const command = (id: string) =>
  JSON.stringify({
    command: 'fetch',
    chat: `@${names.chat}`,
    mode: 'days',
    days: 4,
    strategy: 'per_day',
    command_id: id,
  });

const firstDay = (id: string) =>
  eventually(() => log.of(id).find((e) => e.event === 'progress'), {
    what: `the first day of ${id}`,
  });

/** Every day file parses and no temp file is left; returns the days on disk. */
async function expectCleanFiles(): Promise<string[]> {
  const files = await listFiles(dataDir);
  expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
  const days = await readDayFiles(dataDir);
  const store = createFsStore({ dataDir });
  try {
    expect((await store.listProgress(simulatedFolder(names.chat))).length).toBeGreaterThan(0);
  } finally {
    await store.close();
  }
  return [...days.values()].map((d) => d.date).sort();
}

async function stopCleanly(proc: CliProcess) {
  proc.child.kill('SIGTERM');
  expect((await proc.exited).code).toBe(0);
}

describe('tgfetch daemon shutdown and recovery', () => {
  it('SIGTERM mid-fetch exits 0, leaves whole files and the command queued', async () => {
    const daemon = await pool.start(env('w-term', slow({ SHUTDOWN_GRACE_MS: '100' })), dir);
    await redisCli(redis.url, 'RPUSH', names.queue, command('term'));
    await firstDay('term');
    await stopCleanly(daemon);
    expect(log.of('term').some((e) => e.event === 'completed' || e.event === 'failed')).toBe(false);
    const written = await expectCleanFiles();
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written.length).toBeLessThan(4);
    // Nothing lost: the command went back to the queue, and a new daemon finishes it.
    expect(await redisCli(redis.url, 'LLEN', names.queue)).toBe('1');
    const next = await pool.start(env('w-next'), dir);
    const final = (await log.final('term')) as CompletedEvent;
    expect(final.event).toBe('completed');
    expect(
      final.days
        .filter((d) => d.skipped)
        .map((d) => d.date)
        .sort(),
    ).toEqual(written);
    expect(await expectCleanFiles()).toHaveLength(4);
    await stopCleanly(next);
  });

  it('a second SIGTERM stops at once, still without a broken file', async () => {
    const daemon = await pool.start(env('w-twice', slow({ SHUTDOWN_GRACE_MS: '600000' })), dir);
    await redisCli(redis.url, 'RPUSH', names.queue, command('twice'));
    await firstDay('twice');
    daemon.child.kill('SIGTERM');
    await eventually(() => daemon.jsonLines().some((l) => String(l.msg).startsWith('stopping:')));
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
    expect(daemon.jsonLines().some((l) => String(l.msg).startsWith('stopping now'))).toBe(true);
    expect((await expectCleanFiles()).length).toBeLessThan(4);
    expect(await redisCli(redis.url, 'LLEN', names.queue)).toBe('1');
  });

  it('SIGKILL mid-fetch, then a restart with the same WORKER_ID completes the command', async () => {
    const daemon = await pool.start(env('w-kill', slow()), dir);
    await redisCli(redis.url, 'RPUSH', names.queue, command('kill'));
    const first = (await firstDay('kill')) as ProgressEvent;
    daemon.child.kill('SIGKILL');
    expect((await daemon.exited).signal).toBe('SIGKILL');
    // The command sits in the dead worker's processing list, its chat lock not yet expired.
    expect(await redisCli(redis.url, 'LLEN', names.queue)).toBe('0');
    expect(await redisCli(redis.url, 'LLEN', `${names.queue}:processing:w-kill`)).toBe('1');

    const restarted = await pool.start(env('w-kill'), dir);
    const final = (await log.final('kill')) as CompletedEvent;
    expect(final).toMatchObject({ event: 'completed', worker_id: 'w-kill' });
    expect(final.days).toHaveLength(4);
    expect(final.days.find((d) => d.date === first.date)?.skipped).toBe(true);
    const days = await readDayFiles(dataDir);
    expect([...days.values()].map((d) => d.date).sort()).toEqual(
      final.days.map((d) => d.date).sort(),
    );
    expect(await redisCli(redis.url, 'LLEN', `${names.queue}:processing:w-kill`)).toBe('0');
    await stopCleanly(restarted);
  });

  it('exits 3 when Redis stays away longer than REDIS_MAX_OUTAGE_MS, never printing its password', async () => {
    const password = 'pw-Sekr1t-outage';
    const server = await startRedisServer({ password });
    try {
      const daemon = await pool.start(
        { ...env('w-outage'), REDIS_URL: server.url, REDIS_MAX_OUTAGE_MS: '1000' },
        dir,
      );
      await server.stop();
      expect((await daemon.exited).code).toBe(3);
      const lines = daemon.jsonLines();
      expect(lines.find((l) => l.msg === 'ready')?.redis).toMatch(
        /^redis:\/\/:\*\*\*@127\.0\.0\.1:/,
      );
      expect(lines.at(-1)).toMatchObject({ level: 'fatal', error_type: 'REDIS_UNAVAILABLE' });
      expect(daemon.stdout() + daemon.stderr()).not.toContain(password);
    } finally {
      await server.close();
    }
  });
});
