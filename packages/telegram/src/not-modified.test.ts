import {
  createMemoryEventSink,
  createMemoryProgress,
  createMemoryStore,
  createVirtualClock,
  defaultRetryPolicy,
  parseCommand,
  runFetch,
  TransientError,
} from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { createTelegramSource } from './source.js';
import { createScriptedAccount } from './testing/scripted-account.js';

/**
 * `messages.messagesNotModified` answers a history page with no messages (it is meant for
 * a `hash` the client already holds). It is no end of history: the page is asked again
 * under the retry policy, and a day is never stored complete on it. Below gramjs' `invoke`:
 * the answer is serialised and read back by `messages.GetHistory`'s own reader.
 */

const CHANNEL = 1_700_000_001;
const peer = new Api.PeerChannel({ channelId: returnBigInt(CHANNEL) });
const DATE = '2025-11-07';
const DAY_START = Date.parse(`${DATE}T00:00:00Z`) / 1000;

/** `n` messages spread over the day, ids 1..n. */
const day = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      new Api.Message({
        id: i + 1,
        peerId: peer,
        date: DAY_START + Math.floor(((i + 1) * 86_000) / (n + 1)),
        message: `post ${i + 1}`,
      }),
  );

/** One day of `@src` through the engine, the account answering `notModified(request)` pages. */
async function fetchDay(
  messages: Api.Message[],
  notModified: (request: Api.messages.GetHistory, n: number) => boolean,
) {
  let n = 0;
  const account = createScriptedAccount({
    channels: [{ id: CHANNEL, accessHash: 5, username: 'src', messages }],
    historyAnswer: (request) =>
      notModified(request, ++n) ? new Api.messages.MessagesNotModified({ count: 3 }) : undefined,
  });
  const clock = createVirtualClock();
  const source = createTelegramSource({ client: account.client, clock, pacing: false });
  const parsed = parseCommand(
    { command: 'fetch', chat: '@src', mode: 'date', date: DATE },
    { now: clock.now() },
  );
  if (!parsed.ok) throw parsed.error;
  const store = createMemoryStore();
  const progress = createMemoryProgress();
  const outcome = await runFetch(
    parsed.command,
    { source, store, progress, events: createMemoryEventSink() },
    { clock, random: () => 0.5 },
  );
  await source.close();
  // The engine stores and records the chat by its canonical (marked) id.
  expect(outcome.chat).toBe(`-100${CHANNEL}`);
  const recorded = await progress.completed(`-100${CHANNEL}`, [DATE]);
  return { outcome, store, recorded, pages: account.count('messages.GetHistory') };
}

describe('messages.messagesNotModified', () => {
  it('is asked again: one NotModified, then the real page gives the whole day', async () => {
    const messages = day(30);
    const { outcome, store, recorded, pages } = await fetchDay(messages, (_, n) => n === 1);
    expect(outcome.event).toBe('completed');
    const [stored] = store.days();
    expect(stored?.complete).toBe(true);
    expect(stored?.messages.map((m) => m.id).sort((a, b) => a - b)).toEqual(
      messages.map((m) => m.id),
    );
    expect(recorded.get(DATE)?.count).toBe(30);
    // The NotModified page, then the same page again (the whole day, down to id 1).
    expect(pages).toBe(2);
  });

  it('fails the day with a retryable HISTORY_NOT_MODIFIED when it never stops, marking nothing complete', async () => {
    const { outcome, store, recorded, pages } = await fetchDay(day(30), () => true);
    expect(outcome).toMatchObject({
      event: 'failed',
      error: { code: 'HISTORY_NOT_MODIFIED', retryable: true },
    });
    expect(recorded.has(DATE)).toBe(false);
    expect(store.days().filter((d) => d.complete)).toEqual([]);
    // Bounded by the retry policy: its tries of one request, no more.
    expect(pages).toBe(defaultRetryPolicy.maxAttempts);
  });

  it('on a later page, keeps the day open with what the earlier pages read', async () => {
    // 150 messages: the first page (100) is real, every page below it is NotModified.
    const { outcome, store, recorded, pages } = await fetchDay(
      day(150),
      (request) => request.offsetId !== 0,
    );
    expect(outcome).toMatchObject({ event: 'failed', error: { code: 'HISTORY_NOT_MODIFIED' } });
    expect(recorded.has(DATE)).toBe(false);
    expect(store.days().filter((d) => d.complete)).toEqual([]);
    expect(pages).toBe(1 + defaultRetryPolicy.maxAttempts);
  });

  it('reaches a caller of the source as a TransientError, not as an empty history', async () => {
    const account = createScriptedAccount({
      channels: [{ id: CHANNEL, accessHash: 5, username: 'src', messages: day(3) }],
      historyAnswer: () => new Api.messages.MessagesNotModified({ count: 3 }),
    });
    const source = createTelegramSource({ client: account.client });
    const walk = async () => {
      for await (const _ of source.messages(
        { chat: '@src', from: 0, to: (DAY_START + 86_400) * 1000 },
        new AbortController().signal,
      ));
    };
    const error = await walk().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'HISTORY_NOT_MODIFIED', retryable: true });
    expect((error as Error).message).toContain('messages.messagesNotModified');
    expect(account.count('messages.GetHistory')).toBe(1);
    await source.close();
  });
});
