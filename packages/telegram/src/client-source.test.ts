import type { TgMessage } from '@tgfetch/core';
import { TelegramClient } from 'telegram';
import { describe, expect, it, vi } from 'vitest';
import { createTelegramClientSource } from './client-source.js';
import { createSimulatedTelegram } from './testing/index.js';

const NOW = Date.parse('2025-11-08T12:00:00Z');

describe('createTelegramClientSource', () => {
  it('builds a quiet gramjs client that never sleeps on flood waits and connects only when used', async () => {
    const log = vi.spyOn(console, 'log');
    const source = createTelegramClientSource({
      apiId: 12345,
      apiHash: 'not-a-real-hash',
      session: '',
    });
    expect(source.client).toBeInstanceOf(TelegramClient);
    expect(source.client.floodSleepThreshold).toBe(0);
    expect(source.client.connected).toBeFalsy();
    await source.close();
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });

  it('connects once on first use and destroys (not disconnects) its client on close', async () => {
    const telegram = createSimulatedTelegram({ now: NOW, historyDays: 3 });
    const source = createTelegramClientSource({ apiId: 12345, apiHash: 'x', session: '' });
    const { client } = source;
    const calls: string[] = [];
    // Stand the simulated Telegram in for the network: the client object is gramjs' own.
    client.connect = async () => {
      calls.push('connect');
      return true;
    };
    client.invoke = telegram.client.invoke;
    const destroy = client.destroy.bind(client);
    client.destroy = async () => {
      calls.push('destroy');
      await destroy();
    };
    client.disconnect = async () => {
      calls.push('disconnect');
    };
    const got: TgMessage[] = [];
    for (const day of [1, 2]) {
      const request = {
        chat: '@owned',
        from: NOW - day * 86_400_000,
        to: NOW - (day - 1) * 86_400_000,
      };
      for await (const m of source.messages(request, new AbortController().signal)) got.push(m);
    }
    expect(got.length).toBeGreaterThan(0);
    await source.close();
    await source.close();
    // One connect for two walks; close goes through destroy (which disconnects inside), once.
    expect(calls).toEqual(['connect', 'destroy', 'disconnect']);
  });
});
