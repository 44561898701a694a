import { Api } from 'telegram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOwnedClient } from './client.js';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from './keep-alive.js';
import { sessionAt, TEST_API } from './testing/endpoints.js';
import { installScriptedSender } from './testing/scripted-sender.js';

/**
 * The pings an owned client sends in place of gramjs' update loop, on a real gramjs client
 * whose sender is scripted. Timers are vitest's, so 9 s intervals take no time.
 */

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function connected() {
  const owned = createOwnedClient({ ...TEST_API, session: await sessionAt() });
  const pings: string[] = [];
  installScriptedSender(owned.client, () => ({ error: 'METHOD_NOT_SCRIPTED' }), {
    onSend: (request) => {
      if (request instanceof Api.PingDelayDisconnect) pings.push(String(request.disconnectDelay));
    },
  });
  await owned.connect();
  const sender = (
    owned.client as unknown as {
      _sender: { send(request: Api.AnyRequest): Promise<unknown>; reconnect(): void };
    }
  )._sender;
  return { owned, pings, sender };
}

describe('keep-alive pings', () => {
  it('pings every 9 s once connected, and leaves no timer and sends no ping after shutdown', async () => {
    const { owned, pings } = await connected();
    expect(pings).toEqual([]);
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS);
    // Telegram is told to drop the connection a minute after the last ping.
    expect(pings).toEqual(['60']);
    await vi.advanceTimersByTimeAsync(2 * PING_INTERVAL_MS);
    expect(pings).toHaveLength(3);
    await owned.shutdown();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5 * PING_INTERVAL_MS);
    expect(pings).toHaveLength(3);
  });

  it('has gramjs reconnect when a ping goes unanswered, and goes on pinging', async () => {
    const { owned, sender } = await connected();
    const send = sender.send.bind(sender);
    let silent = true;
    let sent = 0;
    sender.send = (request) => {
      if (!(request instanceof Api.PingDelayDisconnect)) return send(request);
      sent++;
      return silent ? new Promise(() => {}) : send(request);
    };
    let reconnects = 0;
    sender.reconnect = () => {
      reconnects++;
    };
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS + PING_TIMEOUT_MS - 1);
    expect([sent, reconnects]).toEqual([1, 0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reconnects).toBe(1);
    silent = false;
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS);
    expect([sent, reconnects]).toEqual([2, 1]);
    await owned.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });
});
