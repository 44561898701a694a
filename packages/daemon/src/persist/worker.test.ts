import type { TgfetchError } from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { openPgStore, type PgStore } from '@tgfetch/pg-store';
import { createMessagesStream, type RedisClient } from '@tgfetch/redis-transport';
import { eventually, freePort } from '@tgfetch/test-utils';
import {
  type PgTestContext,
  pgTestContext,
  type RedisTestContext,
  redisTestContext,
} from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BatchReport, createPersistWorker, type PersistWorker } from './worker.js';

let redis: RedisTestContext;
let pg: PgTestContext;
let store: PgStore;
let blocking: RedisClient;
const workers: PersistWorker[] = [];

beforeEach(async () => {
  redis = await redisTestContext();
  pg = await pgTestContext();
  store = await openPgStore({ connection: { connectionString: pg.url }, schema: pg.schema });
  blocking = redis.client.duplicate();
  blocking.on('error', () => {});
  await blocking.connect();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 5_000 })));
  blocking.destroy();
  await store.close();
  await pg.cleanup();
  await redis.cleanup();
});

const CHAT = '@persisted';
const START = Date.parse('2025-11-07T00:00:00Z');
const names = () => ({ stream: `${redis.prefix}messages`, group: 'post_persist_workers' });

function start(over: Partial<Parameters<typeof createPersistWorker>[0]> = {}) {
  const reports: BatchReport[] = [];
  const retries: TgfetchError[] = [];
  const dead: Array<{ id: string; reason: string }> = [];
  const worker = createPersistWorker({
    client: redis.client,
    blocking,
    pool: store.pool,
    schema: pg.schema,
    ...names(),
    consumer: 'w1',
    batchSize: 50,
    maxDeliveries: 3,
    claimIdleMs: 60_000,
    blockMs: 100,
    onBatch: (r) => reports.push(r),
    onRetry: (e) => retries.push(e),
    onDeadLetter: (id, reason) => dead.push({ id, reason }),
    ...over,
  });
  workers.push(worker);
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
    const { reports } = start();
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

  it('replaces a message with a later edit', async () => {
    await appendDay(3);
    start();
    await eventually(async () => (await rows()).length === 3, { what: 'rows' });
    await appendDay(3, { text: 'edited', edit_date: '2025-11-07T23:00:00Z' });
    await eventually(async () => (await rows()).every((r) => r.text === 'edited'), {
      what: 'edits',
    });
  });

  it('acknowledges nothing while the database is down, and dead-letters nothing for it', async () => {
    await appendDay(10);
    const down = await openPgStore({
      connection: { host: '127.0.0.1', port: await freePort(), user: 'postgres' },
      migrate: false,
      connectTimeoutMs: 500,
    });
    const { retries, dead } = start({ pool: down.pool });
    await eventually(() => retries.length >= 2, { what: 'failed attempts' });
    expect(retries.every((e) => e.code === 'PG_UNAVAILABLE')).toBe(true);
    expect(await pending()).toBe(10);
    expect(dead).toEqual([]);
    await workers.pop()?.stop({ graceMs: 5_000 });
    await down.close();
    // Started again on a database that answers: the pending entries get stored.
    start({ consumer: 'w1' });
    await eventually(async () => (await rows()).length === 10, { what: 'rows after recovery' });
    await eventually(async () => (await pending()) === 0, { what: 'acks after recovery' });
  });

  it('takes over the entries of a consumer that died holding them', async () => {
    await appendDay(20);
    const { stream, group } = names();
    await redis.client.xGroupCreate(stream, group, '0', { MKSTREAM: true });
    // A consumer reads them and dies without acknowledging.
    await redis.client.xReadGroup(group, 'dead', { key: stream, id: '>' }, { COUNT: 100 });
    expect(await pending()).toBe(20);
    start({ consumer: 'alive', claimIdleMs: 200 });
    await eventually(async () => (await rows()).length === 20, { what: 'claimed rows' });
    await eventually(async () => (await pending()) === 0, { what: 'claimed acks' });
  });

  it('dead-letters malformed entries, entries the database refuses, and entries handed out too often', async () => {
    const { stream, group } = names();
    // First an entry handed out (and never acknowledged) more often than allowed.
    await redis.client.xGroupCreate(stream, group, '0', { MKSTREAM: true });
    const poison = await redis.client.xAdd(stream, '*', {
      chat: CHAT,
      time_zone: 'UTC',
      date: '2025-11-07',
      id: '5000',
      message: JSON.stringify({ id: 5000, date: '2025-11-07T01:00:00Z', chat: CHAT, text: 'x' }),
    });
    await redis.client.xReadGroup(group, 'crashing', { key: stream, id: '>' }, { COUNT: 1 });
    for (let i = 0; i < 3; i++) await redis.client.xClaim(stream, group, 'crashing', 0, [poison]);
    await appendDay(5);
    await redis.client.xAdd(stream, '*', { chat: CHAT, message: 'not json' });
    await appendDay(1, { id: 999, edit_date: 'not a time' });
    const { dead } = start({ claimIdleMs: 1_000 });
    await eventually(() => dead.length >= 3, { what: 'three dead letters' });
    await eventually(async () => (await rows()).length === 5, { what: 'the good rows' });
    const letters = (await redis.client.xRange(`${stream}:dead`, '-', '+')) ?? [];
    const reasons = letters.map((l) => l.message.reason ?? '');
    expect(reasons.some((r) => r.startsWith('INVALID_ENTRY'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('PG_ERROR'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('MAX_DELIVERIES'))).toBe(true);
    expect(letters.every((l) => l.message.source_id)).toBe(true);
    await eventually(async () => (await pending()) === 0, { what: 'everything settled' });
  });

  it('stops promptly when idle', async () => {
    const { worker } = start();
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await worker.stop({ graceMs: 10_000 });
    await worker.done;
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
