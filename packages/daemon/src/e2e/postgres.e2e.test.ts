import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CompletedEvent } from '@tgfetch/core';
import { eventually, redisCli } from '@tgfetch/test-utils';
import {
  type PgTestContext,
  pgTestContext,
  type RedisTestContext,
  redisTestContext,
} from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFiles, runCli, SECRETS, spawnCli, uniqueNames } from '../testing/cli-process.js';
import { daemonEnv, daemonPool } from '../testing/daemon-process.js';
import { listenForEvents } from '../testing/events.js';

/** The built `tgfetch` with STORE=postgres, `migrate`, MESSAGES_STREAM and `persist`. */

let dir: string;
let pg: PgTestContext;
let redis: RedisTestContext;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-pg-'));
  pg = await pgTestContext();
  redis = await redisTestContext();
});
afterEach(async () => {
  await pg.cleanup();
  await redis.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The test database's URL with a password in it: trust auth ignores it, logs must too. */
const PASSWORD = 'Pg-s3cret-never-printed';
const databaseUrl = () => {
  const url = new URL(pg.url);
  url.password = PASSWORD;
  return url.toString();
};
const env = (over: Record<string, string> = {}) => ({
  ...SECRETS,
  DATABASE_URL: databaseUrl(),
  DATABASE_SCHEMA: pg.schema,
  TGFETCH_SOURCE: 'simulated',
  ...over,
});
const count = async (schema: string) =>
  Number(
    (await pg.client.query(`SELECT count(*) AS n FROM "${schema}".messages`)).rows[0]?.n ?? -1,
  );

describe('tgfetch with PostgreSQL', () => {
  it('migrate applies the schema once, then finds it up to date', async () => {
    const first = await runCli(['migrate'], env(), dir);
    // Every version from 1 up, applied in order; the second run applies none.
    const applied = /applied version\(s\) ([\d, ]+); now at version (\d+)/.exec(first.stdout);
    expect(applied, first.stdout + first.stderr).not.toBeNull();
    const latest = Number(applied![2]);
    expect(applied![1]).toBe(Array.from({ length: latest }, (_, i) => i + 1).join(', '));
    expect(first.code).toBe(0);
    const again = await runCli(['migrate'], env(), dir);
    expect(again.stdout).toContain(`up to date at version ${latest}`);
    expect(first.stdout + first.stderr + again.stderr).not.toContain(PASSWORD);
  });

  it('fetch --store postgres writes rows, and events name the rows, not a file', async () => {
    const args = ['fetch', '--store', 'postgres', '--chat', 'x', '--days', '2', '--json'];
    const run = await runCli(args, env(), dir);
    expect(run.stderr).not.toContain(PASSWORD);
    expect(run.code).toBe(0);
    const event = JSON.parse(run.stdout) as CompletedEvent;
    expect(event.days).toHaveLength(2);
    for (const day of event.days) {
      // Rows of the chat's canonical identity (its marked id), as the event's chat says.
      expect(event.chat).toMatch(/^-100\d+$/);
      expect(day.file_path).toBe(`pg:${pg.schema}.days/${event.chat}/UTC/${day.date}`);
    }
    expect(await count(pg.schema)).toBe(event.processed);
    expect(await listFiles(dir)).toEqual([]);
    const again = JSON.parse((await runCli(args, env(), dir)).stdout) as CompletedEvent;
    expect(again.days.every((d) => d.skipped)).toBe(true);
  });

  it('appends stored messages to MESSAGES_STREAM, and persist moves them into PostgreSQL', async () => {
    const stream = `${redis.prefix}messages`;
    const fetched = await runCli(
      ['fetch', '--chat', 'y', '--days', '2', '--json', '--data-dir', 'data'],
      env({ MESSAGES_STREAM: stream, REDIS_URL: redis.url }),
      dir,
    );
    expect(fetched.code).toBe(0);
    const event = JSON.parse(fetched.stdout) as CompletedEvent;
    expect(await redis.client.xLen(stream)).toBe(event.processed);
    const schema = `${pg.schema}_p`;
    const persist = spawnCli(
      ['persist'],
      env({
        MESSAGES_STREAM: stream,
        REDIS_URL: redis.url,
        DATABASE_SCHEMA: schema,
        PERSIST_BATCH_SIZE: '7',
        WORKER_ID: 'persist-1',
      }),
      dir,
    );
    try {
      await eventually(async () => (await count(schema).catch(() => -1)) === event.processed, {
        what: 'persisted rows',
        timeoutMs: 15_000,
      });
      await eventually(
        async () =>
          Number((await redis.client.xPending(stream, 'post_persist_workers')).pending) === 0,
        { what: 'acks' },
      );
    } finally {
      persist.child.kill('SIGTERM');
    }
    const exit = await persist.exited;
    expect(exit.code, persist.stderr()).toBe(0);
    expect(persist.stdout()).not.toContain(PASSWORD);
    expect(persist.jsonLines().some((l) => l.msg === 'stopped')).toBe(true);
    await pg.client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('persist refuses to start without MESSAGES_STREAM', async () => {
    const run = await runCli(['persist'], env({ REDIS_URL: redis.url }), dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/MESSAGES_STREAM is required/);
  });

  it('STORE=postgres with a bad schema name is a configuration error', async () => {
    const run = await runCli(
      ['fetch', '--chat', 'x', '--days', '1'],
      env({ STORE: 'postgres', DATABASE_SCHEMA: 'Bad-Name' }),
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATABASE_SCHEMA must be a lower-case identifier/);
  });

  it('daemons on one queue and one database: every day in rows, one fetch per chat at a time', async () => {
    const names = uniqueNames(redis.prefix);
    const log = await listenForEvents(redis.url, names.channel);
    const pool = daemonPool();
    try {
      for (const id of ['pg-a', 'pg-b']) {
        await pool.start(
          daemonEnv({
            url: redis.url,
            names,
            dataDir: path.join(dir, 'unused'),
            workerId: id,
            extra: {
              STORE: 'postgres',
              DATABASE_URL: databaseUrl(),
              DATABASE_SCHEMA: pg.schema,
              TGFETCH_SIM: JSON.stringify({ latencyMs: 20 }),
            },
          }),
          dir,
        );
      }
      const ids = ['c1', 'c2', 'c3', 'c4'].map((c) => `${redis.prefix}${c}`);
      for (const id of ids) {
        const command = {
          command: 'fetch',
          chat: '@shared_chat',
          mode: 'days',
          days: 2,
          command_id: id,
          options: { force: true },
        };
        await redisCli(redis.url, 'RPUSH', names.queue, JSON.stringify(command));
      }
      const finals = await Promise.all(ids.map((id) => log.final(id, 30_000)));
      expect(finals.map((f) => f.event)).toEqual([
        'completed',
        'completed',
        'completed',
        'completed',
      ]);
      // Started and ended alternate on the one chat: no two fetches of it overlapped.
      const sequence = log.events
        .filter((e) => ids.includes(e.command_id) && e.event !== 'progress')
        .map((e) => e.event);
      expect(sequence).toEqual(ids.flatMap(() => ['started', 'completed']));
      for (const final of finals as CompletedEvent[]) {
        for (const day of final.days) {
          expect(day.file_path).toBe(`pg:${pg.schema}.days/${final.chat}/UTC/${day.date}`);
        }
      }
      const first = finals[0] as CompletedEvent;
      expect(await count(pg.schema)).toBe(first.processed);
      expect(pool.output()).not.toContain(PASSWORD);
    } finally {
      await pool.killAll();
      await log.close();
    }
  });
});
