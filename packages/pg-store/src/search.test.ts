import type { TgMessage } from '@tgfetch/core';
import { makeDay } from '@tgfetch/core/testing';
import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgStore, type PgStore } from './store.js';

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

const message = (chat: string, id: number, date: string, text: string, extra = {}): TgMessage => ({
  id,
  date,
  chat,
  type: 'message',
  from_id: 100 + (id % 3),
  text,
  ...extra,
});

async function fill() {
  await store.writeDay(
    makeDay('@alpha', '2025-11-06', [
      message('@alpha', 1, '2025-11-06T10:00:00Z', 'Asyncio in Python is lovely'),
      message('@alpha', 2, '2025-11-06T11:00:00Z', 'Привет, мир: питон'),
    ]),
  );
  await store.writeDay(
    makeDay('@alpha', '2025-11-07', [
      message('@alpha', 3, '2025-11-07T09:00:00Z', 'python packaging is hard'),
      message('@alpha', 4, '2025-11-07T10:00:00Z', 'nothing to see', { post_author: 'Ann' }),
    ]),
  );
  await store.writeDay(
    makeDay('@beta', '2025-11-07', [message('@beta', 1, '2025-11-07T12:00:00Z', 'PYTHON again')]),
  );
}

describe('searchMessages', () => {
  it('finds words across chats, newest first, with their day, bounded by limit', async () => {
    await fill();
    const all = await store.searchMessages({ text: 'python' });
    expect(all.messages.map((m) => `${m.chat}/${m.message.id}`)).toEqual([
      '@beta/1',
      '@alpha/3',
      '@alpha/1',
    ]);
    expect(all.messages[1]).toMatchObject({ chat: '@alpha', date: '2025-11-07' });
    expect(all.more).toBe(false);
    const one = await store.searchMessages({ text: 'python', limit: 1 });
    expect(one).toMatchObject({ more: true, messages: [{ chat: '@beta' }] });
    expect((await store.searchMessages({ text: 'мир' })).messages.map((m) => m.message.id)).toEqual(
      [2],
    );
    expect((await store.searchMessages({ text: '"python packaging"' })).messages).toHaveLength(1);
    expect((await store.searchMessages({ text: 'python -packaging' })).messages).toHaveLength(2);
  });

  it('narrows by chat, sender (id or post author) and days in the chat zone', async () => {
    await fill();
    const ids = async (q: Parameters<PgStore['searchMessages']>[0]) =>
      (await store.searchMessages(q)).messages.map((m) => `${m.chat}/${m.message.id}`);
    expect(await ids({ text: 'python', chat: '@alpha' })).toEqual(['@alpha/3', '@alpha/1']);
    expect(await ids({ chat: '@alpha', from: '2025-11-07', to: '2025-11-07' })).toEqual([
      '@alpha/4',
      '@alpha/3',
    ]);
    expect(await ids({ sender: '101' })).toEqual(['@beta/1', '@alpha/4', '@alpha/1']);
    expect(await ids({ sender: 'ann' })).toEqual(['@alpha/4']);
  });

  it('takes any text as words, never as SQL or query syntax errors', async () => {
    await fill();
    for (const text of ["'; DROP TABLE x; --", '&|!():*<>', '"', '\u0000python']) {
      await expect(store.searchMessages({ text })).resolves.toHaveProperty('messages');
    }
    await expect(store.searchMessages({ text: 'x'.repeat(501) })).rejects.toMatchObject({
      code: 'PG_INVALID_SEARCH',
    });
    await expect(store.searchMessages({ limit: 0 })).rejects.toMatchObject({
      code: 'PG_INVALID_SEARCH',
    });
    await expect(store.searchMessages({ chat: '../x' })).rejects.toMatchObject({
      code: 'STORE_INVALID_CHAT',
    });
  });

  it('can use the full-text index of migration 4', async () => {
    const plan = await ctx.client.query(
      `SET enable_seqscan = off; EXPLAIN SELECT id FROM "${ctx.schema}".messages
         WHERE to_tsvector('simple', text) @@ websearch_to_tsquery('simple', 'python')`,
    );
    const rows = (Array.isArray(plan) ? plan.at(-1) : plan).rows as Array<Record<string, string>>;
    expect(rows.map((r) => Object.values(r)[0]).join('\n')).toContain('messages_text_search');
  });
});

describe('the catalogue', () => {
  it('lists chats, days and complete days', async () => {
    await fill();
    await store.markComplete('@alpha', {
      date: '2025-11-06',
      count: 2,
      location: `pg:${ctx.schema}.days/@alpha/UTC/2025-11-06`,
      fetched_at: '2025-11-07T00:00:05.000Z',
      time_zone: 'UTC',
    });
    expect(await store.listChats()).toEqual(['@alpha', '@beta']);
    expect(await store.listDays('@alpha')).toEqual(['2025-11-06', '2025-11-07']);
    expect(await store.listProgress('@alpha')).toEqual([
      expect.objectContaining({ date: '2025-11-06', count: 2, time_zone: 'UTC' }),
    ]);
    expect(await store.listProgress('@beta')).toEqual([]);
  });
});
