import {
  applyChanges,
  createMemoryProgress,
  createMemoryStore,
  type DayDocument,
  TgfetchError,
} from '@tgfetch/core';
import { makeMessages } from '@tgfetch/core/testing';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessagesStream } from './messages-stream.js';
import { decodeMessagesStreamEntry } from './messages-stream-entry.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(async () => {
  await ctx.cleanup();
});

const day = (count: number, over: Partial<DayDocument> = {}): DayDocument => {
  const messages = makeMessages({ chat: '@s', start: Date.parse('2025-11-07T00:00:00Z'), count });
  return {
    chat: '@s',
    date: '2025-11-07',
    time_zone: 'Europe/Moscow',
    fetched_at: '2025-11-08T00:00:00.000Z',
    complete: true,
    count,
    messages,
    ...over,
  };
};

describe('messages stream', () => {
  it('appends each message of a stored day as one entry naming its day', async () => {
    const stream = `${ctx.prefix}messages`;
    const messages = await createMessagesStream({ url: ctx.url, stream });
    const memory = createMemoryStore();
    const store = messages.wrap(memory);
    const written = day(3);
    await store.writeDay(written);
    const entries = await ctx.client.xRange(stream, '-', '+');
    expect((entries ?? []).map((e) => e.message)).toEqual(
      written.messages.map((m) => ({
        change: 'new',
        chat: '@s',
        time_zone: 'Europe/Moscow',
        date: '2025-11-07',
        id: String(m.id),
        message: JSON.stringify(m),
      })),
    );
    expect(await store.readDay('@s', '2025-11-07')).toEqual(
      await memory.readDay('@s', '2025-11-07'),
    );
    await messages.close();
  });

  it('appends live changes as applied: edits as their new version, deletions as tombstones', async () => {
    const stream = `${ctx.prefix}live`;
    const messages = await createMessagesStream({ url: ctx.url, stream });
    const memory = createMemoryStore();
    // Through the wrapped store, so the zone rule and locating deletions reach the store.
    const ports = { store: messages.wrap(memory), progress: createMemoryProgress() };
    const [first, second] = day(2).messages as [
      DayDocument['messages'][number],
      DayDocument['messages'][number],
    ];
    await ports.store.writeDay(day(2));
    const applied = await applyChanges(ports, [
      {
        kind: 'edited',
        chat: '@s',
        message: { ...first, text: 'fixed', edit_date: '2025-11-07T05:00:00Z' },
      },
      { kind: 'deleted', chat: '@s', ids: [second.id], at: Date.parse('2025-11-08T00:00:00Z') },
    ]);
    const before = (await ctx.client.xLen(stream)) ?? 0;
    expect(await messages.appendApplied(applied.messages)).toBe(2);
    const entries = ((await ctx.client.xRange(stream, '-', '+')) ?? []).slice(before);
    const decoded = entries.map((e) => decodeMessagesStreamEntry(e.message));
    expect(
      decoded.map((d) =>
        d.ok
          ? [d.entry.change, d.entry.date, d.entry.message.text, d.entry.message.deleted]
          : d.error.message,
      ),
    ).toEqual([
      ['edited', '2025-11-07', 'fixed', undefined],
      ['deleted', '2025-11-07', second.text, true],
    ]);
    await messages.close();
  });

  it("keeps the wrapped store's file paths, so day events name the files", async () => {
    const messages = await createMessagesStream({ url: ctx.url, stream: `${ctx.prefix}m` });
    const memory = createMemoryStore();
    const store = messages.wrap({ ...memory, filePath: (location) => `data/${location}` });
    expect(store.filePath?.('x/2025/discussions_2025-11-07.json')).toBe(
      'data/x/2025/discussions_2025-11-07.json',
    );
    expect(messages.wrap(memory).filePath).toBeUndefined();
    await messages.close();
  });

  it('appends nothing when the day was not stored', async () => {
    const stream = `${ctx.prefix}messages`;
    const messages = await createMessagesStream({ url: ctx.url, stream });
    const failing = messages.wrap({
      writeDay: async () => {
        throw new TgfetchError('STORE_FULL', 'disk full', { retryable: true });
      },
      readDay: async () => undefined,
    });
    await expect(failing.writeDay(day(3))).rejects.toMatchObject({ code: 'STORE_FULL' });
    expect(await ctx.client.xLen(stream)).toBe(0);
    await messages.close();
  });

  it('keeps the stream near its bound', async () => {
    const stream = `${ctx.prefix}messages`;
    const messages = await createMessagesStream({ url: ctx.url, stream, maxLen: 10 });
    for (let i = 0; i < 5; i++) await messages.append(day(200));
    // Approximate trimming removes whole nodes (100 entries by default) only.
    expect(await ctx.client.xLen(stream)).toBeLessThanOrEqual(10 + 200);
    await messages.close();
  });

  it('fails a write whose messages could not be appended', async () => {
    const messages = await createMessagesStream({ url: ctx.url, stream: `${ctx.prefix}m` });
    const store = messages.wrap(createMemoryStore());
    // A key of another type makes XADD fail inside the transaction.
    await ctx.client.set(`${ctx.prefix}m`, 'not a stream');
    const failure = await store.writeDay(day(2)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TgfetchError);
    expect((failure as TgfetchError).message).toMatch(/failed/);
    await messages.close();
  });
});
