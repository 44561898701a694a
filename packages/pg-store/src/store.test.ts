import net from 'node:net';
import { type DayDocument, mergeMessage, tombstone } from '@tgfetch/core';
import { makeDay, makeMessages } from '@tgfetch/core/testing';
import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageRow, uniqueRows } from './rows.js';
import { openPgStore, type PgStore } from './store.js';
import { upsertMessages } from './upsert.js';

let ctx: PgTestContext;
let store: PgStore;
beforeEach(async () => {
  ctx = await pgTestContext();
  store = await openPgStore({ connection: { connectionString: ctx.url }, schema: ctx.schema });
});
afterEach(async () => {
  await store.close();
  await ctx.cleanup();
});

const CHAT = '@pg_chat';
const DATE = '2025-11-07';
const START = Date.parse(`${DATE}T00:00:00Z`);
const day = (
  messages = makeMessages({ chat: CHAT, start: START, count: 5 }),
  over: Partial<DayDocument> = {},
) => makeDay(CHAT, DATE, messages, over);

describe('pg-store', () => {
  it('keeps messages in typed columns a person can query, with the whole message as jsonb', async () => {
    const [first, ...rest] = makeMessages({ chat: CHAT, start: START, count: 3 });
    const edited = { ...first!, from_id: '9007199254740993', edit_date: '2025-11-07T05:00:00Z' };
    const result = await store.writeDay(day([edited, ...rest]));
    expect(result.location).toBe(`pg:${ctx.schema}.days/${CHAT}/UTC/${DATE}`);
    const rows = await ctx.client.query(
      `SELECT chat, peer, id, date, edit_date, sender, text, message->>'text' AS json_text
         FROM "${ctx.schema}".messages WHERE chat = $1 AND date >= $2 ORDER BY date`,
      [CHAT, `${DATE}T00:00:00Z`],
    );
    expect(rows.rows).toHaveLength(3);
    expect(rows.rows[0]).toMatchObject({
      chat: CHAT,
      peer: CHAT,
      id: String(first!.id),
      sender: '9007199254740993',
      text: first!.text,
      json_text: first!.text,
    });
    expect(rows.rows[0].edit_date.toISOString()).toBe('2025-11-07T05:00:00.000Z');
    const days = await ctx.client.query(
      `SELECT chat, time_zone, date::text, count, complete FROM "${ctx.schema}".days`,
    );
    expect(days.rows).toEqual([
      { chat: CHAT, time_zone: 'UTC', date: DATE, count: 3, complete: true },
    ]);
  });

  it('writes a day whole or not at all', async () => {
    await store.writeDay(day());
    const bad = makeMessages({ chat: CHAT, start: START, count: 8 }).map((m, i) =>
      // The last message fails inside the transaction, after the others went in.
      i === 7 ? { ...m, edit_date: 'not a time' } : { ...m, text: 'changed' },
    );
    await expect(store.writeDay(day(bad))).rejects.toMatchObject({ code: 'PG_ERROR' });
    const read = await store.readDay(CHAT, DATE);
    expect(read?.count).toBe(5);
    expect(read?.messages.every((m) => m.text !== 'changed')).toBe(true);
    const fresh = await store.writeDay(day(bad, { date: '2025-11-06' })).catch((e) => e);
    expect(fresh).toMatchObject({ code: 'PG_ERROR' });
    expect(await store.readDay(CHAT, '2025-11-06')).toBeUndefined();
  });

  it('keeps a chat in its zone: a day of another zone is refused and writes no row', async () => {
    const messages = makeMessages({ chat: CHAT, start: START, count: 4 });
    await store.writeDay(day(messages.slice(0, 2), { time_zone: 'UTC' }));
    await expect(
      store.writeDay(day(messages.slice(2), { time_zone: 'Europe/Moscow' })),
    ).rejects.toMatchObject({ code: 'ZONE_CONFLICT' });
    const rows = await ctx.client.query(
      `SELECT time_zone, count FROM "${ctx.schema}".days ORDER BY time_zone`,
    );
    expect(rows.rows).toEqual([{ time_zone: 'UTC', count: 2 }]);
    const zones = await ctx.client.query(`SELECT chat, time_zone FROM "${ctx.schema}".chat_zones`);
    expect(zones.rows).toEqual([{ chat: CHAT, time_zone: 'UTC' }]);
  });

  it('keeps a progress record in line with its day when the day grows', async () => {
    const first = await store.writeDay(day());
    await store.markComplete(CHAT, {
      date: DATE,
      count: first.count,
      location: first.location,
      fetched_at: '2025-11-08T00:00:05.000Z',
    });
    await store.writeDay(day(makeMessages({ chat: CHAT, start: START, count: 9 })));
    expect((await store.completed(CHAT, [DATE])).get(DATE)?.count).toBe(9);
  });

  it('stores a NUL character as U+FFFD rather than failing the day', async () => {
    const [m] = makeMessages({ chat: CHAT, start: START, count: 1 });
    await store.writeDay(day([{ ...m!, text: 'a\u0000b', extra: { s: '\\u0000' } }]));
    const read = await store.readDay(CHAT, DATE);
    expect(read?.messages[0]?.text).toBe('a\uFFFDb');
    // A backslash followed by u0000 in the text itself is not a NUL: it stays as it was.
    expect(read?.messages[0]?.extra).toEqual({ s: '\\u0000' });
  });

  it('keys messages by peer and id, and reads an earlier peer’s messages first, as the files do', async () => {
    const [own] = makeMessages({ chat: CHAT, start: START, count: 1 });
    const old = { ...own!, peer: { kind: 'chat' as const, id: 777 }, text: 'from the basic group' };
    await store.writeDay(day([own!, old]));
    const read = await store.readDay(CHAT, DATE);
    expect(read?.messages.map((m) => m.text)).toEqual(['from the basic group', own!.text]);
    const peers = await ctx.client.query(
      `SELECT peer FROM "${ctx.schema}".messages WHERE id = $1 ORDER BY peer`,
      [own!.id],
    );
    expect(peers.rows.map((r) => r.peer)).toEqual([CHAT, 'chat:777'].sort());
  });

  it('merges copies of a message as core does, in one batch and against the table: the later edit wins, a tombstone stays', async () => {
    const [m] = makeMessages({ chat: CHAT, start: START, count: 1 });
    const edit = { ...m!, text: 'edited', edit_date: '2025-11-07T05:00:00Z' };
    const dead = tombstone(m!, Date.parse('2025-11-08T00:00:00Z'));
    const later = tombstone(m!, Date.parse('2025-11-09T00:00:00Z'));
    const batch = [edit, dead, m!, later];
    const rows = uniqueRows(batch.map((x) => messageRow(x, CHAT)));
    const expected = batch.reduce((a, b) => mergeMessage(a, b));
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.message)).toEqual(expected);
    expect(rows[0]!.text).toBe('edited');
    const client = await store.pool.connect();
    try {
      await upsertMessages(client, ctx.schema, CHAT, [messageRow(edit, CHAT)]);
      for (const copy of [dead, m!, later, edit]) {
        await upsertMessages(client, ctx.schema, CHAT, [messageRow(copy, CHAT)]);
      }
      const stored = await client.query(`SELECT text, message FROM "${ctx.schema}".messages`);
      expect(stored.rows).toEqual([{ text: 'edited', message: expected }]);
      // Seen again, nothing is written.
      expect(await upsertMessages(client, ctx.schema, CHAT, rows)).toEqual({
        written: 0,
        unchanged: 1,
      });
    } finally {
      client.release();
    }
  });

  it('locates ids in days of zones far from UTC', async () => {
    for (const [chat, zone] of [
      ['@kiritimati', 'Pacific/Kiritimati'],
      ['@pago_pago', 'Pacific/Pago_Pago'],
    ] as const) {
      // A message at 23:30 UTC on the 6th is on the 7th in Kiritimati (+14), at 10:30 UTC on
      // the 7th on the 6th in Pago Pago (-11).
      const at = zone === 'Pacific/Kiritimati' ? '2025-11-06T23:30:00Z' : '2025-11-07T10:30:00Z';
      const date = zone === 'Pacific/Kiritimati' ? '2025-11-07' : '2025-11-06';
      const [m] = makeMessages({ chat, start: Date.parse(at), count: 1, firstId: 42 });
      await store.writeDay(makeDay(chat, date, [m!], { time_zone: zone }));
      expect(Object.fromEntries(await store.locate(chat, [42, 43]))).toEqual({ 42: date });
    }
  });

  it('refuses bad input with stable codes', async () => {
    await expect(store.writeDay(day(undefined, { chat: '../etc' }))).rejects.toMatchObject({
      code: 'STORE_INVALID_CHAT',
    });
    await expect(store.readDay(CHAT, '2025-13-40')).rejects.toMatchObject({
      code: 'STORE_INVALID_DATE',
    });
    await expect(
      store.writeDay(day([{ id: 1.5, date: 'x', chat: CHAT, text: '' }])),
    ).rejects.toMatchObject({ code: 'STORE_INVALID_DAY' });
  });

  it('refuses work after close', async () => {
    await store.close();
    await expect(store.readDay(CHAT, DATE)).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('reports a server that is not there as retryable PG_UNAVAILABLE', async () => {
    const port = await closedPort();
    const failure = await openPgStore({
      connection: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
      connectTimeoutMs: 2_000,
    }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'PG_UNAVAILABLE', retryable: true });
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
