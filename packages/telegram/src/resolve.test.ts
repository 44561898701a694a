import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FatalError, systemClock, type TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientInvoke } from './dialogs.js';
import { markedId, unmarkId } from './ids.js';
import { createFilePeerCache, createMemoryPeerCache } from './peer-cache.js';
import { resolveChat } from './resolve.js';
import { createTelegramSource } from './source.js';
import { createSimulatedSource, createSimulatedTelegram } from './testing/index.js';
import { createScriptedAccount } from './testing/scripted-account.js';
import { createScriptedTelegram } from './testing/scripted-telegram.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');

async function collect(iterable: AsyncIterable<TgMessage>): Promise<TgMessage[]> {
  const out: TgMessage[] = [];
  for await (const m of iterable) out.push(m);
  return out;
}
const signal = () => new AbortController().signal;

describe('marked ids', () => {
  it('round-trips channels, basic groups and users', () => {
    expect(markedId('channel', 1234567890)).toBe('-1001234567890');
    expect(markedId('channel', 5)).toBe('-1000000000005');
    expect(unmarkId('-1001234567890')).toEqual({ kind: 'channel', id: '1234567890' });
    expect(unmarkId('-4567')).toEqual({ kind: 'chat', id: '4567' });
    expect(unmarkId('4567')).toEqual({ kind: 'user', id: '4567' });
  });
});

describe('usernames', () => {
  const resolveOn = (client: ReturnType<typeof createScriptedTelegram>['client'], chat: string) =>
    resolveChat(chat, {
      invoke: clientInvoke(client),
      cache: createMemoryPeerCache(),
      client,
      clock: systemClock,
    });

  it('address a channel or a user with the access hash Telegram sent with it', async () => {
    const account = createScriptedAccount({
      channels: [
        { id: 76, accessHash: 1, username: 'elsewhere', messages: [] },
        { id: 77, accessHash: 9, username: 'forum', megagroup: true, forum: true, messages: [] },
      ],
      users: [
        new Api.User({
          id: returnBigInt(42),
          accessHash: returnBigInt(4242),
          username: 'someone',
          firstName: 'Some',
        }),
      ],
    });
    const forum = await resolveOn(account.client, '@Forum');
    expect(forum).toMatchObject({ ref: '-1000000000077', megagroup: true, forum: true });
    expect(forum.input).toBeInstanceOf(Api.InputPeerChannel);
    expect(String((forum.input as Api.InputPeerChannel).accessHash)).toBe('9');
    const user = await resolveOn(account.client, '@someone');
    expect(user).toMatchObject({ ref: '42', megagroup: false, forum: false });
    expect(user.input).toBeInstanceOf(Api.InputPeerUser);
    expect(String((user.input as Api.InputPeerUser).accessHash)).toBe('4242');
  });

  it('fail with CHAT_NOT_FOUND when the answer carries no access to the peer', async () => {
    const telegram = createScriptedTelegram(
      () =>
        new Api.contacts.ResolvedPeer({
          peer: new Api.PeerUser({ userId: returnBigInt(42) }),
          chats: [],
          users: [],
        }),
    );
    await expect(resolveOn(telegram.client, '@someone')).rejects.toMatchObject({
      code: 'CHAT_NOT_FOUND',
      message: expect.stringMatching(/sent no access/),
    });
  });
});

describe('numeric chat ids', () => {
  it('fail with CHAT_NOT_FOUND and a way out when the access hash was never seen', async () => {
    const source = createSimulatedSource({ now: NOW, historyDays: 5 });
    const chat = source.telegram.chat('by_number');
    const error = await collect(
      source.messages({ chat: chat.markedId, from: 0, to: NOW }, signal()),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalError);
    expect((error as FatalError).code).toBe('CHAT_NOT_FOUND');
    expect((error as FatalError).message).toMatch(/@username/);
    expect(source.telegram.stats.getHistory).toBe(0);
    await source.close();
  });

  it('work once the chat was fetched by username, through the peer cache', async () => {
    const peerCache = createMemoryPeerCache();
    const source = createSimulatedSource({ now: NOW, historyDays: 5, peerCache });
    const chat = source.telegram.chat('by_number');
    const byName = await collect(source.messages({ chat: chat.chat, from: 0, to: NOW }, signal()));
    expect(await peerCache.get(chat.markedId)).toEqual({
      accessHash: chat.accessHash,
      username: 'by_number',
    });
    const byId = await collect(
      source.messages({ chat: chat.markedId, from: 0, to: NOW }, signal()),
    );
    expect(byId.map((m) => m.id)).toEqual(byName.map((m) => m.id));
    expect(byId.every((m) => m.chat === chat.markedId)).toBe(true);
    await source.close();
  });

  it('work once the chat was seen by source.invoke (as tgfetch chats and resolve use it)', async () => {
    const peerCache = createMemoryPeerCache();
    const source = createSimulatedSource({ now: NOW, historyDays: 5, peerCache });
    const chat = source.telegram.chat('seen_by_tools');
    await source.invoke(new Api.contacts.ResolveUsername({ username: 'seen_by_tools' }));
    expect(await peerCache.get(chat.markedId)).toMatchObject({ accessHash: chat.accessHash });
    const byId = await collect(
      source.messages({ chat: chat.markedId, from: 0, to: NOW }, signal()),
    );
    expect(byId.map((m) => m.id).sort()).toEqual(
      chat
        .messages()
        .map((m) => m.id)
        .sort(),
    );
    await source.close();
  });

  it('remembers the users met in history pages', async () => {
    const peerCache = createMemoryPeerCache();
    const source = createSimulatedSource({
      now: NOW,
      historyDays: 3,
      peerCache,
      chatKind: () => 'supergroup',
    });
    const got = await collect(source.messages({ chat: '@talkers', from: 0, to: NOW }, signal()));
    const author = got.find((m) => typeof m.from_id === 'number')!;
    expect(await peerCache.get(String(author.from_id))).toMatchObject({
      accessHash: expect.stringMatching(/^\d+$/),
    });
    await source.close();
  });

  describe('with a JSON-file peer cache', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-peers-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps access hashes across sources (a restart)', async () => {
      const file = path.join(dir, 'nested', 'peers.json');
      const telegram = createSimulatedTelegram({ now: NOW, historyDays: 3 });
      const chat = telegram.chat('persisted');
      const first = createTelegramSource({ client: telegram.client, peerCacheFile: file });
      await collect(first.messages({ chat: chat.chat, from: 0, to: NOW }, signal()));
      await first.close();
      const saved = JSON.parse(await readFile(file, 'utf8')) as {
        peers?: Record<string, { accessHash: string }>;
      };
      expect(saved.peers?.[chat.markedId]?.accessHash).toBe(chat.accessHash);

      const second = createTelegramSource({ client: telegram.client, peerCacheFile: file });
      telegram.resetStats();
      const got = await collect(
        second.messages({ chat: chat.markedId, from: 0, to: NOW }, signal()),
      );
      expect(got.length).toBe(chat.messages().length);
      expect(telegram.stats.resolveUsername).toBe(0);
      await second.close();
    });

    it('treats a damaged file as empty rather than failing', async () => {
      const file = path.join(dir, 'peers.json');
      await writeFile(file, '{not json');
      const cache = createFilePeerCache({ file });
      expect(await cache.get('-1001')).toBeUndefined();
      await cache.set('-1001', { accessHash: '42' });
      await cache.close?.();
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
        peers: { '-1001': { accessHash: '42' } },
      });
    });
  });
});
