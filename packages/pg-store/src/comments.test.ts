import {
  createMemoryEventSink,
  createMemorySource,
  createVirtualClock,
  isoSeconds,
  runCommand,
  type TgMessage,
  tombstone,
} from '@tgfetch/core';
import { makeDay } from '@tgfetch/core/testing';
import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commentsOfQuery } from './days.js';
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

const NOW = Date.parse('2025-11-08T12:00:00Z');
const CHANNEL = '-1001000000001';
const GROUP = '-1001000000002';
const comment = (id: number, post: number, at: string): TgMessage => ({
  id,
  date: at,
  chat: GROUP,
  type: 'message',
  text: `on ${post}`,
  comment_of: { chat: CHANNEL, id: post, thread: 900 + post },
});

describe('pg-store comments', () => {
  it('answers the comments of a post, across the days they were written, in one indexed query', async () => {
    await store.writeDay(
      makeDay(GROUP, '2025-11-06', [
        comment(10, 1, '2025-11-06T10:00:00Z'),
        comment(11, 2, '2025-11-06T11:00:00Z'),
        { id: 12, date: '2025-11-06T12:00:00Z', chat: GROUP, text: 'just talk' },
      ]),
    );
    await store.writeDay(
      makeDay(GROUP, '2025-11-07', [
        comment(13, 1, '2025-11-07T01:00:00Z'),
        tombstone(comment(14, 1, '2025-11-07T02:00:00Z'), NOW),
      ]),
    );
    const ofFirst = await store.commentsOf({ chat: CHANNEL, id: 1 });
    expect(ofFirst.map((m) => m.id)).toEqual([10, 13, 14]);
    expect(ofFirst[2]?.deleted).toBe(true);
    expect((await store.commentsOf({ chat: CHANNEL, id: 2 })).map((m) => m.id)).toEqual([11]);
    expect(await store.commentsOf({ chat: CHANNEL, id: 3 })).toEqual([]);
    expect(await store.commentsOf({ chat: '-1009', id: 1 })).toEqual([]);
    await expect(store.commentsOf({ chat: 'not a chat!', id: 1 })).rejects.toMatchObject({
      code: 'STORE_INVALID_CHAT',
    });

    // The planner takes the partial index even on a table too small to need it.
    await ctx.client.query('SET enable_seqscan = off');
    const plan = await ctx.client.query(`EXPLAIN ${commentsOfQuery(ctx.schema)}`, [CHANNEL, '1']);
    const text = plan.rows.map((r: Record<string, string>) => Object.values(r)[0]).join('\n');
    expect(text).toContain('messages_comment_of');
  });

  it("keeps a post day's comments record in days.comments, readable by SQL too", async () => {
    const post: TgMessage = {
      id: 1,
      date: '2025-11-06T09:00:00Z',
      chat: CHANNEL,
      text: 'post',
      replies_count: 1,
      comments: { chat: GROUP, count: 1 },
    };
    const source = createMemorySource(
      { [CHANNEL]: [post], [GROUP]: [comment(10, 1, '2025-11-06T10:00:00Z')] },
      { discussions: { [CHANNEL]: GROUP } },
    );
    const ports = {
      source,
      store,
      progress: store,
      events: createMemoryEventSink(),
      lock: store.lock,
    };
    const run = (comments: boolean) =>
      runCommand(
        {
          command: 'fetch',
          chat: CHANNEL,
          mode: 'date',
          date: '2025-11-06',
          options: { comments, force: true },
        },
        ports,
        { clock: createVirtualClock(NOW) },
      );
    expect((await run(true)).event).toBe('completed');
    expect((await run(false)).event).toBe('completed');
    const rows = await ctx.client.query(
      `SELECT chat, comments, count FROM "${ctx.schema}".days ORDER BY chat`,
    );
    expect(rows.rows).toEqual([
      {
        chat: CHANNEL,
        count: 1,
        comments: {
          status: 'complete',
          chat: GROUP,
          read_at: isoSeconds(NOW).replace('Z', '.000Z'),
          count: 1,
        },
      },
      { chat: GROUP, count: 1, comments: null },
    ]);
    expect((await store.commentsOf({ chat: CHANNEL, id: 1 })).map((m) => m.text)).toEqual(['on 1']);
  });
});
