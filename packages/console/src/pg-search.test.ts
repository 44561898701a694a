import type { DayDocument } from '@tgfetch/core';
import { openPgStore, type PgStore } from '@tgfetch/pg-store';
import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleServer } from './index.js';
import { injectSession } from './testing/session.js';

let ctx: PgTestContext;
let store: PgStore;
let app: FastifyInstance;

beforeEach(async () => {
  ctx = await pgTestContext();
  store = await openPgStore({ connection: { connectionString: ctx.url }, schema: ctx.schema });
  const day: DayDocument = {
    chat: '@pg_chat',
    date: '2025-11-07',
    time_zone: 'Europe/Berlin',
    fetched_at: '2025-11-08T00:00:05.000Z',
    complete: true,
    count: 2,
    messages: [
      {
        id: 1,
        date: '2025-11-07T08:00:00Z',
        chat: '@pg_chat',
        text: 'Asyncio <b>event loop</b>',
        from_id: 5,
      },
      { id: 2, date: '2025-11-07T09:00:00Z', chat: '@pg_chat', text: 'nothing else', from_id: 6 },
    ],
  };
  const written = await store.writeDay(day);
  await store.markComplete(day.chat, {
    date: day.date,
    count: written.count,
    location: written.location,
    fetched_at: day.fetched_at,
    time_zone: day.time_zone,
  });
  app = await createConsoleServer({ store });
});

afterEach(async () => {
  await app.close();
  await store.close();
  await ctx.cleanup();
});

describe('the console on a PostgreSQL store', () => {
  it('searches with the full-text index, shows times in the chat zone, and says the cost', async () => {
    const session = injectSession(app);
    const page = await session.get('/search?q=asyncio');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('One PostgreSQL full-text query');
    expect(page.body).toContain('Asyncio &lt;b&gt;event loop&lt;/b&gt;');
    expect(page.body).toContain('09:00:00'); // 08:00 UTC in Berlin
    expect(page.body).not.toContain('nothing else');
    const bySender = await session.get('/search?sender=6&from=2025-11-07&to=2025-11-07');
    expect(bySender.body).toContain('nothing else');
    expect(bySender.body).not.toContain('Asyncio');
  });

  it('lists the chat and its calendar from the tables', async () => {
    const session = injectSession(app);
    expect((await session.get('/chats')).body).toContain('pg_chat');
    const calendar = await session.get('/chats/pg_chat?year=2025&month=11');
    expect(calendar.body).toMatch(/aria-label="2025-11-07: stored, 2 messages"/);
    expect(calendar.body).toMatch(/aria-label="2025-11-06: not covered"/);
  });
});
