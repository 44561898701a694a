import { FatalError, type TgMessage } from '@tgfetch/core';
import { describe, expect, it } from 'vitest';
import { createSimulatedSource } from './testing/index.js';

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
    expect((error as FatalError).message).toMatch(/another device/);
    await source.close();
  });
});
