import type { TgMessage } from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { freePort } from '@tgfetch/test-utils';
import { type PgTestContext, pgTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgMessageSink, type PgMessageSink } from './message-sink.js';

let ctx: PgTestContext;
let sink: PgMessageSink;
beforeEach(async () => {
  ctx = await pgTestContext();
  sink = await openPgMessageSink({ connection: { connectionString: ctx.url }, schema: ctx.schema });
});
afterEach(async () => {
  await sink.close();
  await ctx.cleanup();
});

const CHAT = '@sunk';
const messages = (count: number, over: Partial<TgMessage> = {}) =>
  makeMessages({ chat: CHAT, start: Date.parse('2025-11-07T00:00:00Z'), count }).map((m) => ({
    chat: CHAT,
    message: { ...m, ...over },
  }));
const rows = async () =>
  (
    await ctx.client.query(
      `SELECT id, text, stored_at FROM "${ctx.schema}".messages WHERE chat = $1 ORDER BY id`,
      [CHAT],
    )
  ).rows;

describe('pg message sink', () => {
  it('stores a batch once: written again, it changes nothing, not even stored_at', async () => {
    const batch = messages(120);
    expect(await sink.write(batch)).toEqual({ written: 120, unchanged: 0, refused: [] });
    const before = await rows();
    expect(before.map((r) => Number(r.id))).toEqual(batch.map((m) => m.message.id));
    expect(await sink.write(batch)).toEqual({ written: 0, unchanged: 120, refused: [] });
    expect(await rows()).toEqual(before);
  });

  it('replaces a message with a later edit, never with an earlier one', async () => {
    await sink.write(messages(3, { text: 'first', edit_date: '2025-11-07T12:00:00Z' }));
    await sink.write(messages(3, { text: 'older', edit_date: '2025-11-07T11:00:00Z' }));
    expect((await rows()).map((r) => r.text)).toEqual(['first', 'first', 'first']);
    const result = await sink.write([
      ...messages(1, { text: 'later', edit_date: '2025-11-07T13:00:00Z' }),
      ...messages(1, { text: 'latest', edit_date: '2025-11-07T14:00:00Z' }),
    ]);
    // One message twice in a batch: the later edit wins, the other copy changes nothing.
    expect(result).toEqual({ written: 1, unchanged: 1, refused: [] });
    expect((await rows())[0]?.text).toBe('latest');
  });

  it('keeps a tombstone from the stream: a copy delivered again or out of order does not undo it', async () => {
    const deletedAt = '2025-11-08T00:00:00Z';
    await sink.write(messages(2));
    await sink.write(messages(1, { deleted: true, deleted_at: deletedAt }));
    // The fetch's own copy arrives late, then an edit made before the deletion.
    await sink.write(messages(1));
    await sink.write(messages(1, { text: 'edited', edit_date: '2025-11-07T06:00:00Z' }));
    const stored = await ctx.client.query(
      `SELECT id, message FROM "${ctx.schema}".messages WHERE chat = $1 ORDER BY id`,
      [CHAT],
    );
    expect(
      stored.rows.map((r) => [Number(r.id), r.message.deleted ?? false, r.message.deleted_at]),
    ).toEqual([
      [1, true, deletedAt],
      [2, false, undefined],
    ]);
    expect(stored.rows[0].message.text).toBe('edited');
  });

  it('leaves out what the database or the chat check refuses, storing the rest', async () => {
    const batch = messages(5);
    const [first] = messages(1, { id: 999, edit_date: 'not a time' });
    const result = await sink.write([
      ...batch.slice(0, 2),
      first!,
      { chat: 'not a chat!', message: batch[3]!.message },
      ...batch.slice(2),
    ]);
    expect(result.written).toBe(5);
    expect(result.refused.map((r) => [r.index, r.error.code])).toEqual([
      [2, 'PG_ERROR'],
      [3, 'STORE_INVALID_CHAT'],
    ]);
    expect(result.refused.every((r) => !r.error.retryable)).toBe(true);
    expect(await rows()).toHaveLength(5);
  });

  it('rejects with a retryable PG_UNAVAILABLE while the database is down', async () => {
    const down = await openPgMessageSink({
      connection: { host: '127.0.0.1', port: await freePort(), user: 'postgres' },
      migrate: false,
      connectTimeoutMs: 500,
    });
    await expect(down.write(messages(2))).rejects.toMatchObject({
      code: 'PG_UNAVAILABLE',
      retryable: true,
    });
    await expect(down.ping()).rejects.toMatchObject({ code: 'PG_UNAVAILABLE' });
    await down.close();
  });

  it('answers a ping, and refuses writes once closed', async () => {
    await expect(sink.ping()).resolves.toBeUndefined();
    await sink.close();
    await expect(sink.write(messages(1))).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
