import { AbortError, FatalError, type TgMessage } from '@tgfetch/core';
import { describeMessageSource } from '@tgfetch/core/testing';
import { describe, expect, it } from 'vitest';
import { createSimulatedSource } from './testing/index.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');
const DAY = 86_400_000;

async function collect(iterable: AsyncIterable<TgMessage>): Promise<TgMessage[]> {
  const out: TgMessage[] = [];
  for await (const m of iterable) out.push(m);
  return out;
}

const signal = () => new AbortController().signal;

describeMessageSource(
  'gramjs source over the simulated Telegram',
  async () => {
    const source = createSimulatedSource({
      now: NOW,
      historyDays: 20,
      messagesPerDay: 15,
      seed: 7,
      missingUsernames: ['missing_chat'],
    });
    const chat = source.telegram.chat('conformance_chat');
    return { source, chat: chat.chat, messages: chat.messages(), cleanup: () => source.close() };
  },
  { unknownChat: '@missing_chat' },
);

describeMessageSource(
  'gramjs source, broadcast channel with short pages',
  async () => {
    const source = createSimulatedSource({
      now: NOW,
      historyDays: 10,
      messagesPerDay: 30,
      shortPages: true,
      chatKind: () => 'channel',
      missingUsernames: ['missing_chat'],
    });
    const chat = source.telegram.chat('news');
    return { source, chat: chat.chat, messages: chat.messages(), cleanup: () => source.close() };
  },
  { unknownChat: '@missing_chat' },
);

describe('createTelegramSource paging', () => {
  it('fetches a 30-day range in the middle of two years with ceil(n/100)+2 requests at most', async () => {
    const source = createSimulatedSource({ now: NOW, messagesPerDay: 40 });
    const chat = source.telegram.chat('long_history');
    const from = NOW - 400 * DAY;
    const to = from + 30 * DAY;
    const expected = chat
      .messages({ from, to })
      .map((m) => m.id)
      .reverse();
    source.telegram.resetStats();
    const got = await collect(source.messages({ chat: chat.chat, from, to }, signal()));
    expect(got.map((m) => m.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(500);
    // One ResolveUsername plus the pages.
    expect(source.telegram.stats.resolveUsername).toBe(1);
    expect(source.telegram.stats.getHistory).toBeLessThanOrEqual(
      Math.ceil(expected.length / 100) + 2,
    );
    await source.close();
  });

  it('does not take a short page for the end of history', async () => {
    const source = createSimulatedSource({
      now: NOW,
      historyDays: 15,
      messagesPerDay: 50,
      shortPages: true,
    });
    const chat = source.telegram.chat('shorty');
    const all = chat.messages();
    const got = await collect(source.messages({ chat: chat.chat, from: 0, to: NOW }, signal()));
    expect(got.length).toBe(all.length);
    // Short pages mean more requests than full ones would need: the walk went on past them.
    expect(source.telegram.stats.getHistory).toBeGreaterThan(Math.ceil(all.length / 100) + 1);
    await source.close();
  });

  it('resolves a username once per source, not once per walk', async () => {
    const source = createSimulatedSource({ now: NOW, historyDays: 5 });
    const chat = source.telegram.chat('once');
    for (let day = 1; day <= 3; day++) {
      await collect(
        source.messages(
          { chat: chat.chat, from: NOW - day * DAY, to: NOW - (day - 1) * DAY },
          signal(),
        ),
      );
    }
    expect(source.telegram.stats.resolveUsername).toBe(1);
    await source.close();
  });

  it('stops without another request when aborted between pages', async () => {
    const source = createSimulatedSource({ now: NOW, historyDays: 30, messagesPerDay: 40 });
    const chat = source.telegram.chat('abort_me');
    const controller = new AbortController();
    let seen = 0;
    const error = await (async () => {
      for await (const _ of source.messages(
        { chat: chat.chat, from: 0, to: NOW },
        controller.signal,
      )) {
        if (++seen === 150) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(seen).toBe(150);
    expect(source.telegram.stats.getHistory).toBe(2);
    await source.close();
  });

  it('fails a private chat and a missing username with fatal errors', async () => {
    const source = createSimulatedSource({
      now: NOW,
      historyDays: 5,
      privateChats: ['secret'],
      missingUsernames: ['nobody'],
    });
    const privateError = await collect(
      source.messages({ chat: '@secret', from: 0, to: NOW }, signal()),
    ).catch((e: unknown) => e);
    expect(privateError).toBeInstanceOf(FatalError);
    expect((privateError as FatalError).code).toBe('CHAT_PRIVATE');
    const missing = await collect(
      source.messages({ chat: '@nobody', from: 0, to: NOW }, signal()),
    ).catch((e: unknown) => e);
    expect((missing as FatalError).code).toBe('CHAT_NOT_FOUND');
    await source.close();
  });

  it('sets floodSleepThreshold to 0 so gramjs never sleeps on its own', () => {
    const source = createSimulatedSource({});
    expect(source.client.floodSleepThreshold).toBe(0);
  });
});

describe('the simulated source’s connection state', () => {
  it('is connected from the start (it answers in this process) until closed', async () => {
    const states: string[] = [];
    const source = createSimulatedSource({ onConnectionState: (s) => states.push(s) });
    expect(states).toEqual(['connected']);
    await source.close();
    await source.close();
    expect(states).toEqual(['connected', 'closed']);
  });
});
