import { Api, errors } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { createSimulatedTelegram } from './simulated-telegram.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');

function setup(options: Parameters<typeof createSimulatedTelegram>[0] = {}) {
  const telegram = createSimulatedTelegram({
    now: NOW,
    historyDays: 20,
    messagesPerDay: 30,
    ...options,
  });
  const chat = telegram.chat('semantics');
  const peer = new Api.InputPeerChannel({
    channelId: returnBigInt(chat.channelId),
    accessHash: returnBigInt(chat.accessHash),
  });
  const history = async (query: Partial<Omit<Api.messages.GetHistory, 'peer'>>) => {
    const result = await telegram.client.invoke(
      new Api.messages.GetHistory({ peer, limit: 100, ...query }),
    );
    if (!(result instanceof Api.messages.ChannelMessages))
      throw new Error('expected ChannelMessages');
    return result;
  };
  const ids = chat.apiMessages().map((m) => m.id); // ascending
  return { telegram, chat, history, ids };
}

describe('simulated Telegram', () => {
  it('keeps the names of its latest requests only, however many it answers', async () => {
    const { telegram } = setup({ historyDays: 1, messagesPerDay: 1 });
    // A request it refuses at once (not simulated), counted and named all the same.
    const ping = new Api.Ping({ pingId: returnBigInt(1) });
    for (let i = 0; i < 25_000; i++) await telegram.client.invoke(ping).catch(() => undefined);
    expect(telegram.stats.requests).toBe(25_000);
    expect(telegram.stats.calls.length).toBeGreaterThanOrEqual(10_000);
    expect(telegram.stats.calls.length).toBeLessThanOrEqual(20_000);
    expect(telegram.stats.calls.at(-1)).toBe('Ping');
  });

  it('is deterministic per seed and name, and differs across names', () => {
    const a = createSimulatedTelegram({ now: NOW, historyDays: 10 }).chat('alpha').messages();
    const b = createSimulatedTelegram({ now: NOW, historyDays: 10 }).chat('alpha').messages();
    const c = createSimulatedTelegram({ now: NOW, historyDays: 10 }).chat('beta').messages();
    const d = createSimulatedTelegram({ now: NOW, historyDays: 10, seed: 2 })
      .chat('alpha')
      .messages();
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(d).not.toEqual(a);
  });

  it('generates a varied history: service messages, edits, media, replies, forwards, reactions, albums, gaps', () => {
    const telegram = createSimulatedTelegram({ now: NOW, historyDays: 60, messagesPerDay: 40 });
    const group = telegram.chat('varied');
    const messages = group.messages();
    const kinds = new Set(messages.map((m) => m.media?.kind).filter(Boolean));
    expect(messages.some((m) => m.type === 'service')).toBe(true);
    expect(messages.some((m) => m.edit_date)).toBe(true);
    expect(messages.some((m) => m.forward)).toBe(true);
    expect(messages.some((m) => m.reactions?.length)).toBe(true);
    expect(messages.some((m) => typeof m.grouped_id === 'string')).toBe(true);
    expect(messages.some((m) => m.entities?.some((e) => e.type === 'url'))).toBe(true);
    expect([...kinds]).toEqual(
      expect.arrayContaining(['photo', 'document', 'video', 'webpage', 'poll']),
    );
    // Deleted ids leave gaps.
    expect(messages.length).toBeLessThan(group.lastId - messages[0]!.id + 1);
    const first = messages[0]!;
    const last = messages[messages.length - 1]!;
    // History starts at the UTC midnight 60 days before today and ends at `now`.
    expect(group.startMs).toBe(Date.parse('2025-09-09T00:00:00Z'));
    expect(Date.parse(first.date)).toBeGreaterThanOrEqual(group.startMs);
    expect(Date.parse(last.date)).toBeLessThan(NOW);
  });

  it('stands still in absolute time: a past day is the same whenever the process started', () => {
    const day = {
      from: Date.parse('2025-11-01T00:00:00Z'),
      to: Date.parse('2025-11-02T00:00:00Z'),
    };
    const at = (now: number, historyDays = 30) =>
      createSimulatedTelegram({ now, historyDays }).chat('steady').messages(day);
    const reference = at(NOW);
    expect(reference.length).toBeGreaterThan(0);
    // Seconds apart, a day later, and with a longer history: the same messages, ids included.
    expect(at(NOW + 7_000)).toEqual(reference);
    expect(at(NOW + 86_400_000)).toEqual(reference);
    expect(at(NOW, 400)).toEqual(reference);
    // Only today grows: later in the day, today holds what it held and more.
    const today = { from: Date.parse('2025-11-08T00:00:00Z') };
    const morning = createSimulatedTelegram({ now: NOW - 3_600_000 })
      .chat('steady')
      .messages(today);
    const noon = createSimulatedTelegram({ now: NOW }).chat('steady').messages(today);
    expect(noon.slice(0, morning.length).map((m) => m.id)).toEqual(morning.map((m) => m.id));
    expect(noon.length).toBeGreaterThanOrEqual(morning.length);
  });

  it('serves newest first from the top, below offset_id, and below offset_date', async () => {
    const { history, ids, chat } = setup();
    const top = await history({});
    expect(top.messages.map((m) => m.id)).toEqual(ids.slice(-100).reverse());
    expect(top.count).toBe(chat.lastId);
    expect(top.chats[0]).toBeInstanceOf(Api.Channel);

    const pivot = ids[ids.length - 150]!;
    const below = await history({ offsetId: pivot, limit: 10 });
    expect(below.messages.map((m) => m.id)).toEqual(
      ids
        .filter((id) => id < pivot)
        .slice(-10)
        .reverse(),
    );

    const at = chat.apiMessage(pivot)!.date;
    const dated = await history({ offsetDate: at, limit: 5 });
    const before = chat
      .apiMessages()
      .filter((m) => m.date < at)
      .map((m) => m.id);
    expect(dated.messages.map((m) => m.id)).toEqual(before.slice(-5).reverse());
  });

  it('applies add_offset (both signs), max_id and min_id', async () => {
    const { history, ids } = setup();
    const i = ids.length - 200;
    const pivot = ids[i]!;
    const skipped = await history({ offsetId: pivot, addOffset: 3, limit: 4 });
    expect(skipped.messages.map((m) => m.id)).toEqual([
      ids[i - 4],
      ids[i - 5],
      ids[i - 6],
      ids[i - 7],
    ]);
    const around = await history({ offsetId: pivot, addOffset: -2, limit: 4 });
    expect(around.messages.map((m) => m.id)).toEqual([ids[i + 1], ids[i], ids[i - 1], ids[i - 2]]);
    const bounded = await history({ maxId: ids[i + 5]!, minId: ids[i]!, limit: 100 });
    expect(bounded.messages.map((m) => m.id)).toEqual([
      ids[i + 4],
      ids[i + 3],
      ids[i + 2],
      ids[i + 1],
    ]);
    const capped = await history({ limit: 500 });
    expect(capped.messages.length).toBe(100);
  });

  it('answers with real gramjs errors: FloodWaitError from the token bucket, bad peers, unknown names', async () => {
    let now = NOW;
    const { telegram, history } = setup({
      clock: { now: () => now, sleep: async () => undefined },
      rateLimit: { requestsPerSecond: 2, burst: 2 },
      missingUsernames: ['ghost'],
    });
    await history({});
    await history({});
    const flood = await history({}).catch((e: unknown) => e);
    expect(flood).toBeInstanceOf(errors.FloodWaitError);
    expect((flood as errors.FloodWaitError).seconds).toBe(1);
    now += 1000;
    await expect(history({})).resolves.toBeInstanceOf(Api.messages.ChannelMessages);
    expect(telegram.stats.floodWaits).toBe(1);

    now += 10_000;
    const wrong = await telegram.client
      .invoke(
        new Api.messages.GetHistory({
          peer: new Api.InputPeerChannel({
            channelId: returnBigInt(1),
            accessHash: returnBigInt(2),
          }),
        }),
      )
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(errors.RPCError);
    expect((wrong as errors.RPCError).errorMessage).toBe('CHANNEL_INVALID');
    now += 10_000;
    const ghost = await telegram.client
      .invoke(new Api.contacts.ResolveUsername({ username: 'ghost' }))
      .catch((e: unknown) => e);
    expect((ghost as errors.RPCError).errorMessage).toBe('USERNAME_NOT_OCCUPIED');
  });

  it('keeps a million-message chat lazy: planning is instant and pages cost only their days', async () => {
    const telegram = createSimulatedTelegram({ now: NOW, historyDays: 365, messagesPerDay: 2740 });
    const chat = telegram.chat('huge');
    expect(chat.lastId).toBeGreaterThan(800_000);
    const peer = new Api.InputPeerChannel({
      channelId: returnBigInt(chat.channelId),
      accessHash: returnBigInt(chat.accessHash),
    });
    const page = await telegram.client.invoke(
      new Api.messages.GetHistory({
        peer,
        offsetDate: Math.floor((NOW - 180 * 86_400_000) / 1000),
        limit: 100,
      }),
    );
    expect('messages' in page && page.messages.length).toBe(100);
  });

  it('is a real TelegramClient that needs no network', async () => {
    const { telegram } = setup();
    await expect(telegram.client.connect()).resolves.toBe(true);
    const me = await telegram.client.getMe();
    expect(me).toBeInstanceOf(Api.User);
    await telegram.client.destroy();
  });
});
