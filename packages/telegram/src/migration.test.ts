import {
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryStore,
  createVirtualClock,
  parseCommand,
  runFetch,
  type TgMessage,
} from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { createTelegramSource } from './source.js';
import { createScriptedAccount } from './testing/scripted-account.js';

const big = (v: string | number) => returnBigInt(v);
const SUPER = 1_800_000_001;
const OLD = 555;
const NOV3 = Date.parse('2025-11-03T00:00:00Z') / 1000;
const HALF_HOUR = 1800;

/**
 * A basic group upgraded to a supergroup on 2025-11-03 at 20:00 UTC: the group's ids 1..40
 * (the last being the migration), then the supergroup's own 1..40 — the same ids again.
 */
function migratedAccount() {
  const oldPeer = new Api.PeerChat({ chatId: big(OLD) });
  const newPeer = new Api.PeerChannel({ channelId: big(SUPER) });
  const from = new Api.PeerUser({ userId: big(42) });
  const oldMessages = Array.from(
    { length: 40 },
    (_, i) =>
      new Api.Message({
        id: i + 1,
        peerId: oldPeer,
        fromId: from,
        date: NOV3 + i * HALF_HOUR,
        message: `old ${i + 1}`,
      }),
  );
  const newMessages = Array.from(
    { length: 40 },
    (_, i) =>
      new Api.Message({
        id: i + 1,
        peerId: newPeer,
        fromId: from,
        date: NOV3 + 20 * 3600 + i * HALF_HOUR,
        message: `new ${i + 1}`,
      }),
  );
  return createScriptedAccount({
    channels: [
      {
        id: SUPER,
        accessHash: 3,
        username: 'upgraded',
        megagroup: true,
        migratedFrom: { chatId: OLD, maxId: 40 },
        messages: newMessages,
      },
    ],
    groups: [{ id: OLD, messages: oldMessages }],
  });
}

function command(from: string, to: string) {
  const parsed = parseCommand(
    { command: 'fetch', chat: '@upgraded', mode: 'range', from, to, command_id: 'm' },
    { now: Date.parse('2025-11-10T00:00:00Z') },
  );
  if (!parsed.ok) throw parsed.error;
  return parsed.command;
}

async function collect(iterable: AsyncIterable<TgMessage>): Promise<TgMessage[]> {
  const out: TgMessage[] = [];
  for await (const m of iterable) out.push(m);
  return out;
}

describe('a supergroup migrated from a basic group', () => {
  it('stores every message of both peers once across the migration date, old ids beside new', async () => {
    const account = migratedAccount();
    const source = createTelegramSource({ client: account.client });
    const store = createMemoryStore();
    const progress = createMemoryProgress();
    const outcome = await runFetch(
      command('2025-11-02', '2025-11-05'),
      { source, store, progress, events: createMemoryEventSink() },
      { clock: createVirtualClock(Date.parse('2025-11-10T00:00:00Z')) },
    );
    expect(outcome.event).toBe('completed');
    const chat = outcome.chat ?? '';
    expect(chat).toBe(`-100${SUPER}`);
    const all: TgMessage[] = [];
    for (const date of ['2025-11-02', '2025-11-03', '2025-11-04', '2025-11-05']) {
      all.push(...((await store.readDay(chat, date))?.messages ?? []));
    }
    const keys = all.map((m) => `${m.peer ? `${m.peer.kind}${m.peer.id}` : 'own'}:${m.id}`);
    expect(keys.length).toBe(80);
    expect(new Set(keys).size).toBe(80);
    expect(all.filter((m) => m.peer).every((m) => m.text.startsWith('old'))).toBe(true);
    expect(all.filter((m) => m.peer).map((m) => m.peer)).toContainEqual({ kind: 'chat', id: OLD });
    expect(all.filter((m) => !m.peer).every((m) => m.text.startsWith('new'))).toBe(true);
    // 2025-11-03 holds both peers: the old group's messages first.
    const nov3 = (await store.readDay(chat, '2025-11-03'))?.messages ?? [];
    expect(nov3[0]?.text).toBe('old 1');
    expect(nov3.at(-1)?.peer).toBeUndefined();
    expect(account.count('channels.GetFullChannel')).toBe(1);
    await source.close();
  });

  it('does not read the old group for days after the migration', async () => {
    const account = migratedAccount();
    const source = createTelegramSource({ client: account.client });
    const got = await collect(
      source.messages(
        { chat: '@upgraded', from: (NOV3 + 22 * 3600) * 1000, to: (NOV3 + 30 * 3600) * 1000 },
        new AbortController().signal,
      ),
    );
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((m) => !m.peer)).toBe(true);
    expect(account.calls.filter((c) => c === 'messages.GetHistory').length).toBe(1);
    await source.close();
  });

  it('resumes inside the old group from where an interrupted walk stopped', async () => {
    const account = migratedAccount();
    const source = createTelegramSource({ client: account.client });
    const got = await collect(
      source.messages(
        {
          chat: '@upgraded',
          from: NOV3 * 1000,
          to: (NOV3 + 86_400) * 1000,
          beforeId: 10,
          beforePeer: { kind: 'chat', id: OLD },
        },
        new AbortController().signal,
      ),
    );
    expect(got.map((m) => m.id)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(got.every((m) => m.peer?.kind === 'chat')).toBe(true);
    await source.close();
  });
});
