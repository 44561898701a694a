import { FatalError, type TgMessage } from '@tgfetch/core';
import { Api } from 'telegram';
import { returnBigInt } from 'telegram/Helpers.js';
import { describe, expect, it } from 'vitest';
import { createOwnedClient } from './client.js';
import { createTelegramConnection } from './connection.js';
import { createTelegramSource } from './source.js';
import { sessionAt } from './testing/endpoints.js';
import { createSimulatedSource } from './testing/index.js';
import { installScriptedSender, type Script } from './testing/scripted-sender.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');

async function collect(iterable: AsyncIterable<TgMessage>): Promise<TgMessage[]> {
  const out: TgMessage[] = [];
  for await (const m of iterable) out.push(m);
  return out;
}

describe('takeout mode', () => {
  it('starts a takeout session, wraps every call in InvokeWithTakeout, and finishes it on close', async () => {
    const source = createSimulatedSource({
      now: NOW,
      historyDays: 10,
      messagesPerDay: 40,
      takeout: true,
    });
    const chat = source.telegram.chat('exported');
    const got = await collect(
      source.messages({ chat: chat.chat, from: 0, to: NOW }, new AbortController().signal),
    );
    expect(got.length).toBe(chat.messages().length);
    await source.close();
    const { stats } = source.telegram;
    expect(stats.takeoutStarted).toBe(1);
    expect(stats.takeoutFinished).toBe(1);
    expect(stats.calls[0]).toBe('account.InitTakeoutSession');
    expect(stats.calls[stats.calls.length - 1]).toBe(
      'InvokeWithTakeout(account.FinishTakeoutSession)',
    );
    const middle = stats.calls.slice(1, -1);
    expect(middle).toContain('InvokeWithTakeout(contacts.ResolveUsername)');
    expect(middle.every((c) => c.startsWith('InvokeWithTakeout('))).toBe(true);
    expect(stats.takeoutWrapped).toBe(middle.length + 1);
  });

  it('does not start or finish a takeout when nothing was fetched', async () => {
    const source = createSimulatedSource({ now: NOW, historyDays: 2, takeout: true });
    await source.close();
    expect(source.telegram.stats.requests).toBe(0);
  });

  it('fails TAKEOUT_INIT_DELAY with a message asking to confirm on another device', async () => {
    const source = createSimulatedSource({
      now: NOW,
      historyDays: 2,
      takeout: true,
      takeoutDelaySec: 86_400,
    });
    const error = await collect(
      source.messages({ chat: '@exported', from: 0, to: NOW }, new AbortController().signal),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalError);
    expect((error as FatalError).code).toBe('TAKEOUT_DELAY');
    expect((error as FatalError).message).toMatch(/another device.*after 24 hours/);
    await source.close();
  });
});

describe('takeout over gramjs (scripted sender)', () => {
  const chat = '-4567'; // a basic group: addressed without resolving
  const day = { chat, from: NOW - 86_400_000, to: NOW };

  /** A source over a real gramjs client; the script plays Telegram's takeout rules. */
  async function takeoutSource(rules: { invalidate?: number[]; failHistory?: boolean }) {
    const finished: boolean[] = [];
    let nextId = 0;
    const script: Script = (request) => {
      if (request instanceof Api.account.InitTakeoutSession)
        return new Api.account.Takeout({ id: returnBigInt(++nextId) });
      if (!(request instanceof Api.InvokeWithTakeout)) return { error: 'TAKEOUT_REQUIRED' };
      const id = Number(request.takeoutId);
      if (rules.invalidate?.includes(id) || id !== nextId) return { error: 'TAKEOUT_INVALID' };
      const query = request.query;
      if (query instanceof Api.account.FinishTakeoutSession) {
        finished.push(Boolean(query.success));
        return true;
      }
      if (rules.failHistory) return { error: 'CHAT_FORBIDDEN', code: 403 };
      return new Api.messages.Messages({ messages: [], chats: [], users: [] });
    };
    const connection = createTelegramConnection(
      { apiId: 1, apiHash: 'x', session: await sessionAt(), requestTimeoutMs: 5000 },
      (options) => {
        const owned = createOwnedClient(options);
        installScriptedSender(owned.client, script);
        return owned;
      },
    );
    const source = createTelegramSource({ connection, takeout: true, pacing: false });
    return { source, finished, takeouts: () => nextId };
  }

  it('starts a new takeout after TAKEOUT_INVALID instead of reusing the dead id', async () => {
    const { source, finished, takeouts } = await takeoutSource({ invalidate: [1] });
    await collect(source.messages(day, new AbortController().signal));
    expect(takeouts()).toBe(2);
    await collect(source.messages(day, new AbortController().signal));
    expect(takeouts()).toBe(2);
    await source.close();
    expect(finished).toEqual([true]);
  });

  it('finishes the takeout with success=false after a fetch failed', async () => {
    const { source, finished } = await takeoutSource({ failHistory: true });
    const error = await collect(source.messages(day, new AbortController().signal)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'CHAT_PRIVATE' });
    await source.close();
    expect(finished).toEqual([false]);
  });
});
