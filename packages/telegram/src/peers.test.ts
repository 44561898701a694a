import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createVirtualClock, FatalError, type TgMessage } from '@tgfetch/core';
import { describeMessageSource } from '@tgfetch/core/testing';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFilePeerCache } from './peer-cache.js';
import { createTelegramSource } from './source.js';
import { createScriptedAccount, type ScriptedChannel } from './testing/scripted-account.js';

const DATE = 1_762_510_000; // 2025-11-07
const signal = () => new AbortController().signal;
const big = (v: string | number) => returnBigInt(v);

async function collect(iterable: AsyncIterable<TgMessage>): Promise<TgMessage[]> {
  const out: TgMessage[] = [];
  for await (const m of iterable) out.push(m);
  return out;
}

function channel(id: number, username?: string): ScriptedChannel {
  const peerId = new Api.PeerChannel({ channelId: big(id) });
  return {
    id,
    accessHash: `${id}77`,
    ...(username ? { username } : {}),
    messages: [1, 2, 3].map(
      (n) => new Api.Message({ id: n, peerId, post: true, date: DATE + n, message: `m${n}` }),
    ),
  };
}

const ALL = { from: 0, to: (DATE + 86_400) * 1000 };

describe('peer cache on disk, one file per account', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-peers-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a numeric id fetched by username once works in a fresh process (a new source)', async () => {
    const account = { selfId: 4242, channels: [channel(1_500_000_001, 'news')] };
    const first = createScriptedAccount(account);
    const a = createTelegramSource({ client: first.client, peerCacheDir: dir });
    await collect(a.messages({ chat: '@news', ...ALL }, signal()));
    await a.close();
    expect(await readdir(dir)).toEqual(['4242.json']);

    const second = createScriptedAccount(account);
    const b = createTelegramSource({ client: second.client, peerCacheDir: dir });
    const got = await collect(b.messages({ chat: '-1001500000001', ...ALL }, signal()));
    await b.close();
    expect(got.map((m) => m.id)).toEqual([3, 2, 1]);
    expect(second.count('contacts.ResolveUsername')).toBe(0);
    expect(second.count('messages.GetDialogs')).toBe(0);
  });

  it("keeps accounts apart: another account's hashes are not used", async () => {
    const chats = [channel(1_500_000_001, 'news')];
    const mine = createScriptedAccount({ selfId: 1, channels: chats });
    const a = createTelegramSource({ client: mine.client, peerCacheDir: dir });
    await collect(a.messages({ chat: '@news', ...ALL }, signal()));
    await a.close();
    const theirs = createScriptedAccount({ selfId: 2, channels: chats });
    const b = createTelegramSource({ client: theirs.client, peerCacheDir: dir });
    const error = await collect(b.messages({ chat: '-1001500000001', ...ALL }, signal())).catch(
      (e: unknown) => e,
    );
    await b.close();
    expect((error as FatalError).code).toBe('CHAT_NOT_FOUND');
    expect((await readdir(dir)).sort()).toEqual(['1.json', '2.json']);
  });
});

describe('numeric ids through the dialogs', () => {
  it('finds a chat never fetched by username among the dialogs, paging through them', async () => {
    const wanted = channel(1_500_000_009);
    const others = [2, 3, 4, 5, 6].map((n) => channel(1_500_000_000 + n, `c${n}`));
    const account = createScriptedAccount({
      channels: [...others, wanted],
      dialogs: [...others.map((c) => `-100${c.id}`), '-1001500000009'],
      dialogsPage: 2,
    });
    const source = createTelegramSource({ client: account.client });
    const got = await collect(source.messages({ chat: '-1001500000009', ...ALL }, signal()));
    expect(got.map((m) => m.id)).toEqual([3, 2, 1]);
    expect(account.count('messages.GetDialogs')).toBe(3);
    // The walk's hashes are cached: the other chats need no walk now.
    await collect(source.messages({ chat: '-1001500000004', ...ALL }, signal()));
    expect(account.count('messages.GetDialogs')).toBe(3);
    await source.close();
  });

  it('reaches a private chat with a user who has no username', async () => {
    const user = new Api.User({ id: big(5555), accessHash: big(99), firstName: 'Ann' });
    const peerId = new Api.PeerUser({ userId: big(5555) });
    const account = createScriptedAccount({
      users: [user],
      privateChats: [
        {
          userId: 5555,
          messages: [new Api.Message({ id: 10, peerId, date: DATE, message: 'hi' })],
        },
      ],
      dialogs: ['5555'],
    });
    const source = createTelegramSource({ client: account.client });
    const got = await collect(source.messages({ chat: '5555', ...ALL }, signal()));
    expect(got.map((m) => [m.id, m.from])).toEqual([[10, { kind: 'user', id: 5555 }]]);
    await source.close();
  });

  it('fails a truly unknown id with CHAT_NOT_FOUND saying what to do, walking the dialogs once per TTL', async () => {
    const account = createScriptedAccount({
      channels: [channel(1_500_000_002, 'c2')],
      dialogs: ['-1001500000002'],
    });
    const clock = createVirtualClock(Date.parse('2025-11-08T00:00:00Z'));
    const source = createTelegramSource({ client: account.client, clock, peerTtlMs: 60_000 });
    const fail = () =>
      collect(source.messages({ chat: '-1009999999999', ...ALL }, signal())).catch(
        (e: unknown) => e,
      );
    const error = await fail();
    expect(error).toBeInstanceOf(FatalError);
    expect((error as FatalError).code).toBe('CHAT_NOT_FOUND');
    expect((error as FatalError).message).toMatch(/dialogs/);
    expect((error as FatalError).message).toMatch(/Join the chat|@username/);
    await fail();
    expect(account.count('messages.GetDialogs')).toBe(1);
    clock.advance(60_000);
    await fail();
    expect(account.count('messages.GetDialogs')).toBe(2);
    expect(account.count('messages.GetHistory')).toBe(0);
    await source.close();
  });
});

describe('usernames', () => {
  it('are resolved once per account within the TTL, again after it', async () => {
    const account = createScriptedAccount({ channels: [channel(1_500_000_003, 'Daily')] });
    const clock = createVirtualClock(Date.parse('2025-11-08T00:00:00Z'));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-peers-'));
    try {
      const open = () =>
        createTelegramSource({
          client: account.client,
          clock,
          peerCacheDir: dir,
          peerTtlMs: 3_600_000,
        });
      const a = open();
      await collect(a.messages({ chat: '@daily', ...ALL }, signal()));
      await a.close();
      const b = open();
      await collect(b.messages({ chat: '@daily', ...ALL }, signal()));
      await b.close();
      expect(account.count('contacts.ResolveUsername')).toBe(1);
      clock.advance(3_600_000);
      const c = open();
      await collect(c.messages({ chat: '@daily', ...ALL }, signal()));
      await c.close();
      expect(account.count('contacts.ResolveUsername')).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('two processes of one account', () => {
  it('keep what each other learnt in the shared file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-peers-'));
    try {
      const file = path.join(dir, '1.json');
      const daemon = createFilePeerCache({ file });
      const fetch = createFilePeerCache({ file });
      await daemon.get('-1001');
      await fetch.get('-1001');
      await daemon.set('-1001', { accessHash: '11' });
      await daemon.close?.();
      await fetch.set('-1002', { accessHash: '22' });
      await fetch.close?.();
      const later = createFilePeerCache({ file });
      expect(await later.get('-1001')).toEqual({ accessHash: '11' });
      expect(await later.get('-1002')).toEqual({ accessHash: '22' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeMessageSource(
  'gramjs source over a scripted account (serialised below invoke), by numeric id',
  async () => {
    const peerId = new Api.PeerChannel({ channelId: big(1_500_000_042) });
    const history = Array.from(
      { length: 250 },
      (_, i) =>
        new Api.Message({
          id: i + 1,
          peerId,
          post: true,
          date: DATE - 30 * 86_400 + i * 10_000,
          message: `m${i + 1}`,
        }),
    );
    const account = createScriptedAccount({
      channels: [{ id: 1_500_000_042, accessHash: 9, username: 'scripted', messages: history }],
      dialogs: ['-1001500000042'],
    });
    const source = createTelegramSource({ client: account.client });
    const messages = history.map((m) => ({
      id: m.id,
      date: new Date(m.date * 1000).toISOString().replace(/\.000Z$/, 'Z'),
      chat: '-1001500000042',
      text: m.message,
    }));
    return { source, chat: '-1001500000042', messages, cleanup: () => source.close() };
  },
  { unknownChat: '@no_such_chat' },
);
