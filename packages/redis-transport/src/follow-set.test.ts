import { eventually, type RedisServer, startRedisServer } from '@tgfetch/test-utils';
import { type RedisTestContext, redisTestContext } from '@tgfetch/test-utils/vitest';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RedisClient } from './connection.js';
import {
  anyFollowed,
  createFollowSet,
  type FollowSetOptions,
  type FollowSnapshot,
} from './follow-set.js';

let ctx: RedisTestContext;
beforeEach(async () => {
  ctx = await redisTestContext();
});
afterEach(() => ctx.cleanup());

const open = (options: Partial<FollowSetOptions> = {}) =>
  createFollowSet({
    client: ctx.client as RedisClient,
    account: '12345',
    prefix: `${ctx.prefix}follow:`,
    ...options,
  });

describe('the follow set', () => {
  it('adds, lists, tells and removes chats by their canonical form, one version per change', async () => {
    const set = open();
    expect(await set.version()).toBe(0);
    expect(await set.add('https://t.me/Ru_Python', { by: 'ops' })).toEqual({
      added: true,
      version: 1,
    });
    expect(await set.add('@ru_python')).toEqual({ added: false, version: 1 });
    expect(await set.add('-1001234567890')).toEqual({ added: true, version: 2 });
    expect(await set.has('RU_PYTHON')).toBe(true);
    expect(await set.has('@someone_else')).toBe(false);
    const { version, entries, invalid } = await set.list();
    expect(version).toBe(2);
    expect(invalid).toEqual([]);
    expect(entries).toEqual([
      { chat: '-1001234567890', since: expect.any(String) },
      { chat: '@ru_python', since: expect.any(String), by: 'ops' },
    ]);
    for (const entry of entries) expect(new Date(entry.since).toISOString()).toBe(entry.since);
    expect(await set.remove('ru_python')).toEqual({ removed: true, version: 3 });
    expect(await set.remove('ru_python')).toEqual({ removed: false, version: 3 });
    expect((await set.list()).entries.map((e) => e.chat)).toEqual(['-1001234567890']);
    expect(set.keys).toEqual({
      set: `${ctx.prefix}follow:12345`,
      version: `${ctx.prefix}follow:12345:version`,
      changed: `${ctx.prefix}follow:12345:changed`,
    });
  });

  it('refuses what is not a chat or an account, and cuts who asked to 128 characters', async () => {
    const set = open();
    for (const chat of ['', 'a b', '../x', '@1abc', 'x'.repeat(65)]) {
      await expect(set.add(chat), chat).rejects.toMatchObject({ code: 'FOLLOW_INVALID_CHAT' });
      await expect(set.remove(chat), chat).rejects.toMatchObject({ code: 'FOLLOW_INVALID_CHAT' });
    }
    for (const account of ['', 'a:b', 'a b', '*', 'x'.repeat(65)]) {
      expect(() => open({ account }), account).toThrow(
        expect.objectContaining({ code: 'FOLLOW_INVALID_ACCOUNT' }),
      );
    }
    await set.add('@asked', { by: 'b'.repeat(10_000) });
    const [entry] = (await set.list()).entries;
    expect(entry!.by!.length).toBeLessThanOrEqual(128);
    expect(await set.version()).toBe(1);
  });

  it('holds at most maxChats chats, and re-adding one of them is no change', async () => {
    const set = open({ maxChats: 3 });
    for (const chat of ['@one', '@two', '@three']) await set.add(chat);
    await expect(set.add('@four')).rejects.toMatchObject({
      code: 'FOLLOW_SET_FULL',
      retryable: false,
    });
    expect(await set.add('@two')).toEqual({ added: false, version: 3 });
    await set.remove('@one');
    expect(await set.add('@four')).toEqual({ added: true, version: 5 });
    // Written past the limit by something else: not read rather than read in part.
    await ctx.client.hSet(set.keys.set, '@five', '{"chat":"@five","since":"2025-11-08T00:00:00Z"}');
    await expect(set.list()).rejects.toMatchObject({ code: 'FOLLOW_SET_TOO_LARGE' });
  });

  it('counts every one of concurrent adds from several daemons', async () => {
    const other = createClient({ url: ctx.url }) as RedisClient;
    await other.connect();
    try {
      const sets = [open(), open({ client: other })];
      const chats = Array.from({ length: 40 }, (_, i) => `@chat_${i}`);
      const results = await Promise.all(chats.map((chat, i) => sets[i % 2]!.add(chat)));
      expect(new Set(results.map((r) => r.version)).size).toBe(chats.length);
      const snapshot = await sets[0]!.list();
      expect(snapshot.version).toBe(chats.length);
      expect(snapshot.entries).toHaveLength(chats.length);
    } finally {
      other.destroy();
    }
  });

  it('lists the valid entries and names the fields written wrong, leaving them be', async () => {
    const set = open();
    await set.add('@good');
    await ctx.client.hSet(set.keys.set, {
      '@Bad_Case': '{"chat":"@Bad_Case","since":"2025-11-08T00:00:00Z"}',
      '@no_json': 'yes',
      '@other': '{"chat":"@another","since":"2025-11-08T00:00:00Z"}',
      '@no_since': '{"chat":"@no_since"}',
    });
    const { entries, invalid } = await set.list();
    expect(entries.map((e) => e.chat)).toEqual(['@good']);
    expect(invalid.map((i) => i.field).sort()).toEqual([
      '@Bad_Case',
      '@no_json',
      '@no_since',
      '@other',
    ]);
    expect(await ctx.client.hLen(set.keys.set)).toBe(5);
  });

  it('tells whether any account follows a chat, from the accounts index the sets keep', async () => {
    const client = ctx.client as RedisClient;
    const prefix = `${ctx.prefix}follow:`;
    const followed = () => anyFollowed({ client, prefix });
    expect(await followed()).toBe(false);
    const a = open();
    const b = open({ account: '67890' });
    await a.add('@one');
    await b.add('@two');
    await a.add('@three');
    expect(await followed()).toBe(true);
    await a.remove('@one');
    await b.remove('@two');
    // An account stays in the index while its set holds a chat.
    expect(await ctx.client.sMembers(`${prefix}#accounts`)).toEqual(['12345']);
    await a.remove('@three');
    expect(await followed()).toBe(false);
  });

  it('publishes each change on its channel', async () => {
    const set = open();
    const subscriber = ctx.client.duplicate();
    await subscriber.connect();
    const hints: string[] = [];
    try {
      await subscriber.subscribe(set.keys.changed, (message) => hints.push(message));
      await set.add('@hinted');
      await set.add('@hinted');
      await set.remove('@hinted');
      await eventually(() => hints.length >= 2, { what: 'the hints' });
      expect(hints).toEqual(['1', '2']);
    } finally {
      subscriber.destroy();
    }
  });
});

describe('watching the follow set', () => {
  it('tells of the set at once, then of each change by its hint', async () => {
    const seen: FollowSnapshot[] = [];
    await open().add('@first');
    // Re-reads far apart: only the hint can make a change seen within the deadline.
    const watch = await open().watch({ onChange: (s) => seen.push(s), everyMs: 60_000 });
    try {
      expect(seen.map((s) => s.entries.map((e) => e.chat))).toEqual([['@first']]);
      await open().add('@second');
      await eventually(() => seen.length === 2, { what: 'the change', timeoutMs: 5_000 });
      expect(seen[1]!.entries.map((e) => e.chat)).toEqual(['@first', '@second']);
      expect(seen[1]!.version).toBe(2);
    } finally {
      await watch.close();
    }
  });

  it('sees a change whose hint was lost at its next re-read', async () => {
    const seen: FollowSnapshot[] = [];
    const set = open();
    const watch = await set.watch({ onChange: (s) => seen.push(s), everyMs: 100 });
    try {
      // A change without a hint, as one published while the subscriber was away.
      await ctx.client
        .multi()
        .hSet(set.keys.set, '@quiet', '{"chat":"@quiet","since":"2025-11-08T00:00:00.000Z"}')
        .incr(set.keys.version)
        .exec();
      await eventually(() => seen.length === 2, { what: 'the re-read', timeoutMs: 5_000 });
      expect(seen[1]!.entries.map((e) => e.chat)).toEqual(['@quiet']);
    } finally {
      await watch.close();
    }
  });
});

describe('the follow set on a frozen redis-server', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    server?.thaw();
    await server?.close();
  });

  it('fails each call at its deadline', async () => {
    server = await startRedisServer();
    const client = createClient({ url: server.url, commandOptions: { timeout: 0 } }) as RedisClient;
    client.on('error', () => {});
    await client.connect();
    try {
      const set = createFollowSet({ client, account: 'frozen', replyTimeoutMs: 200 });
      server.freeze();
      for (const call of [() => set.add('@x'), () => set.list(), () => set.version()]) {
        await expect(call()).rejects.toMatchObject({ code: 'REDIS_NO_REPLY', retryable: true });
      }
    } finally {
      client.destroy();
    }
  });
});
