import type { TgfetchError } from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { openPgMessageSink, type PgMessageSink } from '@tgfetch/pg-store';
import {
  createMessagesStream,
  createMessagesStreamReader,
  type MessagesStreamReader,
} from '@tgfetch/redis-transport';
import { eventually, freePort } from '@tgfetch/test-utils';
import {
  type PgTestContext,
  pgTestContext,
  type RedisTestContext,
  redisTestContext,
} from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BatchReport, createPersistWorker, type PersistWorker } from './worker.js';

/**
 * The worker between the real reader and the real sink: what reaches PostgreSQL and what
 * is settled on the stream. The reader's own behaviour (takeover, dead letters of entries
 * that do not decode) is tested in redis-transport, the sink's in pg-store.
 */

let redis: RedisTestContext;
let pg: PgTestContext;
let sink: PgMessageSink;
const opened: Array<{ worker: PersistWorker; reader: MessagesStreamReader }> = [];

beforeEach(async () => {
  redis = await redisTestContext();
  pg = await pgTestContext();
  sink = await openPgMessageSink({ connection: { connectionString: pg.url }, schema: pg.schema });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map(stopOne));
  await sink.close();
  await pg.cleanup();
  await redis.cleanup();
});

const CHAT = '@persisted';
const START = Date.parse('2025-11-07T00:00:00Z');
const names = () => ({ stream: `${redis.prefix}messages`, group: 'post_persist_workers' });

async function stopOne({ worker, reader }: (typeof opened)[number]) {
  await worker.stop({ graceMs: 5_000 });
  await reader.close();
}

async function start(over: { sink?: PgMessageSink } = {}) {
  const reports: BatchReport[] = [];
  const retries: TgfetchError[] = [];
  const dead: Array<{ id: string; reason: string }> = [];
  const reader = await createMessagesStreamReader({
    url: redis.url,
    ...names(),
    consumer: 'w1',
    batchSize: 50,
    claimIdleMs: 60_000,
    blockMs: 100,
    onDeadLetter: (id, reason) => dead.push({ id, reason }),
  });
  const worker = createPersistWorker({
    reader,
    sink: over.sink ?? sink,
    onBatch: (r) => reports.push(r),
    onRetry: (e) => retries.push(e),
  });
  opened.push({ worker, reader });
  return { worker, reports, retries, dead };
}

async function appendDay(count: number, over: Record<string, unknown> = {}) {
  const messages = await createMessagesStream({ url: redis.url, stream: names().stream });
  const day = makeMessages({ chat: CHAT, start: START, count }).map((m) => ({ ...m, ...over }));
  await messages.append({
    chat: CHAT,
    date: '2025-11-07',
    time_zone: 'UTC',
    fetched_at: '2025-11-08T00:00:00.000Z',
    complete: true,
    count,
    messages: day,
  });
  await messages.close();
  return day;
}

const rows = async () =>
  (
    await pg.client.query(
      `SELECT id, text, stored_at FROM "${pg.schema}".messages WHERE chat = $1 ORDER BY id`,
      [CHAT],
    )
  ).rows;
const pending = async () =>
  Number((await redis.client.xPending(names().stream, names().group)).pending);

describe('persist worker', () => {
  it('stores every message of the stream once, acks them, and a redelivery changes nothing', async () => {
    const day = await appendDay(120);
    const { reports } = await start();
    await eventually(async () => (await rows()).length === 120, { what: 'all rows' });
    await eventually(async () => (await pending()) === 0, { what: 'all acked' });
    expect(reports.every((r) => r.entries <= 50)).toBe(true);
    const before = await rows();
    expect(before.map((r) => Number(r.id))).toEqual(day.map((m) => m.id));
    // The same day appended again (a re-run of the fetch): nothing changes, not even stored_at.
    await appendDay(120);
    await eventually(() => reports.reduce((n, r) => n + r.unchanged, 0) >= 120, {
      what: 'the redelivery to be seen',
    });
    expect(await rows()).toEqual(before);
    expect(await pending()).toBe(0);
  });

  it('acknowledges nothing while the database is down, and dead-letters nothing for it', async () => {
    await appendDay(10);
    const down = await openPgMessageSink({
      connection: { host: '127.0.0.1', port: await freePort(), user: 'postgres' },
      migrate: false,
      connectTimeoutMs: 500,
    });
    const { retries, dead } = await start({ sink: down });
    await eventually(() => retries.length >= 2, { what: 'failed attempts' });
    expect(retries.every((e) => e.code === 'PG_UNAVAILABLE')).toBe(true);
    expect(await pending()).toBe(10);
    expect(dead).toEqual([]);
    const first = opened.pop();
    if (first) await stopOne(first);
    await down.close();
    // Started again on a database that answers: the pending entries get stored.
    await start();
    await eventually(async () => (await rows()).length === 10, { what: 'rows after recovery' });
    await eventually(async () => (await pending()) === 0, { what: 'acks after recovery' });
  });

  it('dead-letters the messages the database refuses and stores the others', async () => {
    await appendDay(5);
    await appendDay(1, { id: 999, edit_date: 'not a time' });
    const { dead, reports } = await start();
    await eventually(async () => (await rows()).length === 5, { what: 'the good rows' });
    await eventually(async () => (await pending()) === 0, { what: 'everything settled' });
    expect(dead.map((d) => d.reason.split(':')[0])).toEqual(['PG_ERROR']);
    expect(reports.reduce((n, r) => n + r.dead, 0)).toBe(1);
    const letters = (await redis.client.xRange(`${names().stream}:dead`, '-', '+')) ?? [];
    expect(letters.map((l) => l.message.source_id)).toEqual(dead.map((d) => d.id));
  });

  it('stops promptly when idle', async () => {
    const { worker } = await start();
    await eventually(async () => (await redis.client.exists(names().stream)) === 1, {
      what: 'the group to be made',
    });
    const t0 = Date.now();
    await worker.stop({ graceMs: 10_000 });
    await worker.done;
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
