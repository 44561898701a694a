import type { TgMessage } from '@tgfetch/core';
import { makeDay, makeMessages } from '@tgfetch/core/testing';
import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgMessageSink, type PgMessageSink } from './message-sink.js';
import { openPgStore } from './store.js';

// Batches of 40 or more rows not stored yet go in by COPY (COPY_MIN in copy.ts is 32);
// these tests hold that path to what the upsert alone does.

let ctx: PgTestContext;
let sink: PgMessageSink;
beforeEach(async () => {
  ctx = await pgTestContext();
  sink = await openPgMessageSink({ connection: { connectionString: ctx.url }, schema: ctx.schema });
});
afterEach(async () => {
  await sink.close();
  await ctx.client.query(`DROP SCHEMA IF EXISTS "${ctx.schema}_one" CASCADE`);
  await ctx.cleanup();
});

const CHAT = '@copied';
const START = Date.parse('2025-11-07T00:00:00Z');
const batch = (messages: TgMessage[]) => messages.map((message) => ({ chat: CHAT, message }));
const stored = async (schema: string) =>
  (
    await ctx.client.query(
      `SELECT peer, id, date, edit_date, sender, text, message, stored_at FROM "${schema}".messages
       WHERE chat = $1 ORDER BY peer, id`,
      [CHAT],
    )
  ).rows;

const links = async () =>
  (
    await ctx.client.query(
      `SELECT time_zone, date::text, peer, id FROM "${ctx.schema}".day_messages
       WHERE chat = $1 ORDER BY peer, id`,
      [CHAT],
    )
  ).rows;

/** Text COPY's format reads specially, and what PostgreSQL cannot hold (U+0000). */
const AWKWARD = [
  'a\ttab',
  'two\nlines',
  'carriage\r\nreturn',
  'back\\slash \\N \\. \\t',
  '\\N',
  '\\.',
  'nul\u0000inside',
  'quotes " \' and emoji 👍🏽',
  '',
];

function awkwardMessages(): TgMessage[] {
  return makeMessages({ chat: CHAT, start: START, count: 60 }).map((m, i) => {
    const message: TgMessage = { ...m, text: AWKWARD[i % AWKWARD.length] ?? '' };
    if (i % 4 === 0) message.edit_date = new Date(START + 3_600_000 + i).toISOString();
    if (i % 5 === 0) delete message.from_id;
    if (i % 7 === 0) message.peer = { kind: 'chat', id: 4_000 + i };
    if (i % 11 === 0) Object.assign(message, { deleted: true, deleted_at: '2025-11-08T00:00:00Z' });
    return message;
  });
}

describe('pg-store COPY of rows not stored yet', () => {
  it('stores a batch as the upsert stores it message by message, awkward text and all', async () => {
    const messages = awkwardMessages();
    expect(await sink.write(batch(messages))).toEqual({ written: 60, unchanged: 0, refused: [] });
    const one = await openPgMessageSink({
      connection: { connectionString: ctx.url },
      schema: `${ctx.schema}_one`,
    });
    try {
      for (const m of messages) await one.write(batch([m]));
    } finally {
      await one.close();
    }
    const strip = (rows: Array<Record<string, unknown>>) =>
      rows.map(({ stored_at: _, ...row }) => row);
    const copied = strip(await stored(ctx.schema));
    expect(copied).toHaveLength(60);
    expect(copied).toEqual(strip(await stored(`${ctx.schema}_one`)));
    expect(copied.some((r) => r.text === 'nul\uFFFDinside')).toBe(true);
  });

  it('copies the new rows of a batch, merges the stored ones, and a second write changes nothing', async () => {
    const first = makeMessages({ chat: CHAT, start: START, count: 40 });
    await sink.write(batch(first));
    const later = '2025-11-07T12:00:00Z';
    const edited = first.map((m) =>
      m.id % 4 === 0 ? { ...m, text: 'edited', edit_date: later } : m,
    );
    const fresh = makeMessages({ chat: CHAT, start: START, count: 40, firstId: 41 });
    const mixed = batch([...edited, ...fresh]);
    expect(await sink.write(mixed)).toEqual({ written: 50, unchanged: 30, refused: [] });
    const before = await stored(ctx.schema);
    expect(before.map((r) => Number(r.id))).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(before.filter((r) => r.text === 'edited')).toHaveLength(10);
    expect(await sink.write(mixed)).toEqual({ written: 0, unchanged: 80, refused: [] });
    expect(await stored(ctx.schema)).toEqual(before);
  });

  it('leaves out a row the database refuses from a batch large enough to copy', async () => {
    const messages = makeMessages({ chat: CHAT, start: START, count: 50 });
    messages[20] = { ...messages[20]!, edit_date: 'not a time' };
    const result = await sink.write(batch(messages));
    expect(result.written).toBe(49);
    expect(result.refused.map((r) => [r.index, r.error.code])).toEqual([[20, 'PG_ERROR']]);
    expect(await stored(ctx.schema)).toHaveLength(49);
  });

  it('writes a day large enough to copy once: written again, it changes no row, link or count', async () => {
    const store = await openPgStore({
      connection: { connectionString: ctx.url },
      schema: ctx.schema,
    });
    try {
      const day = makeDay(CHAT, '2025-11-07', awkwardMessages());
      expect((await store.writeDay(day)).count).toBe(60);
      const before = { rows: await stored(ctx.schema), links: await links() };
      expect(before.links).toHaveLength(60);
      expect((await store.writeDay(day)).count).toBe(60);
      expect({ rows: await stored(ctx.schema), links: await links() }).toEqual(before);
    } finally {
      await store.close();
    }
  });

  it('stores a new day whose messages the sink stored already as the upsert would: the COPY gives way', async () => {
    const messages = makeMessages({ chat: CHAT, start: START, count: 40 });
    await sink.write(batch(messages.slice(0, 20)));
    const before = await stored(ctx.schema);
    const later = '2025-11-07T12:00:00Z';
    const edited = messages.map((m) =>
      m.id === 3 ? { ...m, text: 'edited', edit_date: later } : m,
    );
    const store = await openPgStore({
      connection: { connectionString: ctx.url },
      schema: ctx.schema,
    });
    try {
      expect((await store.writeDay(makeDay(CHAT, '2025-11-07', edited))).count).toBe(40);
    } finally {
      await store.close();
    }
    const rows = await stored(ctx.schema);
    expect(rows).toHaveLength(40);
    expect(await links()).toHaveLength(40);
    // The copies stored already and seen the same are left alone, stored_at and all.
    const same = (r: { id: unknown }) => Number(r.id) <= 20 && Number(r.id) !== 3;
    expect(rows.filter(same)).toEqual(before.filter(same));
    expect(rows.find((r) => Number(r.id) === 3)?.text).toBe('edited');
  });

  it('ends two writers of one new day at once as one after the other would', async () => {
    const messages = makeMessages({ chat: CHAT, start: START, count: 60 });
    const later = '2025-11-07T12:00:00Z';
    const ours = messages.slice(0, 40);
    const theirs = messages
      .slice(20)
      .map((m) => (m.id % 2 === 0 ? { ...m, text: 'theirs', edit_date: later } : m));
    const open = () =>
      openPgStore({ connection: { connectionString: ctx.url }, schema: ctx.schema });
    const [a, b] = await Promise.all([open(), open()]);
    try {
      await Promise.all([
        a.writeDay(makeDay(CHAT, '2025-11-07', ours)),
        b.writeDay(makeDay(CHAT, '2025-11-07', theirs)),
      ]);
      expect((await a.readDay(CHAT, '2025-11-07'))?.count).toBe(60);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const rows = await stored(ctx.schema);
    expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.text === 'theirs').map((r) => Number(r.id))).toEqual(
      Array.from({ length: 20 }, (_, i) => 22 + 2 * i),
    );
    expect(await links()).toHaveLength(60);
  });

  // A new day's COPY runs without a look-up; a day stored already looks first, then copies.
  it.each([
    ['a new day', 0],
    ['a day stored already', 1],
  ])(
    'merges every row when another writer stores one of them before the COPY of %s',
    async (_, before) => {
      const messages = makeMessages({ chat: CHAT, start: START, count: 40 });
      const theirs = { ...messages[4]!, text: 'theirs', edit_date: '2025-11-07T12:00:00Z' };
      const earlier = makeMessages({ chat: CHAT, start: START, count: before, firstId: 1_000 });
      if (before > 0) {
        const first = await openPgStore({
          connection: { connectionString: ctx.url },
          schema: ctx.schema,
        });
        await first.writeDay(makeDay(CHAT, '2025-11-07', earlier)).finally(() => first.close());
      }
      // Their row is inserted but not committed: a look-up cannot see it, the COPY waits on
      // its key, and fails on it once they commit.
      await ctx.client.query('BEGIN');
      await ctx.client.query(
        `INSERT INTO "${ctx.schema}".messages (chat, peer, id, date, edit_date, text, message)
       VALUES ($1, $1, $2, $3, $4, $5, $6)`,
        [CHAT, theirs.id, theirs.date, theirs.edit_date, theirs.text, JSON.stringify(theirs)],
      );
      // A day, not the sink: the sink would hide a failed batch by writing it message by message.
      const store = await openPgStore({
        connection: { connectionString: ctx.url },
        schema: ctx.schema,
      });
      const writing = store.writeDay(makeDay(CHAT, '2025-11-07', [...messages, ...earlier]));
      // Another connection watches: inside their transaction, pg_stat_activity stays as it was
      // when first read.
      const watcher = new pg.Client({ connectionString: ctx.url });
      await watcher.connect();
      try {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const waiting = await watcher.query(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
            [`COPY "${ctx.schema}"."messages" %`],
          );
          if (waiting.rows.length > 0) break;
          if (Date.now() > deadline)
            throw new Error('the COPY never waited on the uncommitted row');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        await ctx.client.query('COMMIT');
        await watcher.end();
      }
      try {
        expect((await writing).count).toBe(40 + before);
      } finally {
        await store.close();
      }
      const rows = await stored(ctx.schema);
      expect(rows).toHaveLength(40 + before);
      // Their copy carries a later edit, so it stays.
      expect(rows[4]?.text).toBe('theirs');
    },
  );
});
