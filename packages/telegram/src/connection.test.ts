import { TransientError, UnreachableError } from '@tgfetch/core';
import { Api } from 'telegram';
import { afterEach, describe, expect, it } from 'vitest';
import { createOwnedClient, type OwnedClient, type TelegramClientOptions } from './client.js';
import { createTelegramConnection, type TelegramConnectionState } from './connection.js';
import { clientInvoke } from './dialogs.js';
import { translateTelegramError } from './errors.js';
import {
  closedPort,
  firstFailure,
  type SilentServer,
  sessionAt,
  silentServer,
  TEST_API,
} from './testing/endpoints.js';
import { installScriptedSender, type Script } from './testing/scripted-sender.js';

const servers: SilentServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('connect deadline', () => {
  it('fails a refused connection with a retryable TELEGRAM_UNREACHABLE naming the address', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await firstFailure({
      serverPort: port,
      connectTimeoutMs: 4000,
      connectionRetries: 2,
    });
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error).toMatchObject({ code: 'TELEGRAM_UNREACHABLE', retryable: true });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(4000 + 2000);
  });

  it('gives up on a server that accepts and stays silent, and closes the socket it opened', async () => {
    const server = await silentServer();
    servers.push(server);
    const error = await firstFailure({ serverPort: server.port, connectTimeoutMs: 1500 });
    expect(error).toMatchObject({ code: 'TELEGRAM_UNREACHABLE', retryable: true });
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
    expect(server.connections.length).toBeGreaterThan(0);
    await expect
      .poll(() => server.connections.every((c) => c.closed), { timeout: 3000 })
      .toBe(true);
  });

  it('bounds the connect of a client the caller owns (clientInvoke), and leaves it theirs', async () => {
    const server = await silentServer();
    servers.push(server);
    const refused = await closedPort();
    const owned = [
      // gramjs alone would wait 60 s on the silent server, and give up (false) on the refusal.
      createOwnedClient({
        ...TEST_API,
        session: await sessionAt(),
        serverPort: server.port,
        connectTimeoutMs: 60_000,
      }),
      createOwnedClient({
        ...TEST_API,
        session: await sessionAt(),
        serverPort: refused,
        connectionRetries: 1,
        connectTimeoutMs: 1000,
      }),
    ];
    try {
      for (const { client } of owned) {
        const started = Date.now();
        const invoke = clientInvoke(client, { connectTimeoutMs: 1500, requestTimeoutMs: 1500 });
        const error = await invoke(new Api.help.GetConfig()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnreachableError);
        expect(error).toMatchObject({ code: 'TELEGRAM_UNREACHABLE', retryable: true });
        expect(Date.now() - started).toBeLessThan(1500 + 2000);
        // The next request is bounded too (by the connect deadline, or by the request's once
        // gramjs counts a socket that never did its handshake as connected).
        const again = Date.now();
        await expect(invoke(new Api.help.GetConfig())).rejects.toMatchObject({ retryable: true });
        expect(Date.now() - again).toBeLessThan(1500 + 1500 + 2000);
      }
    } finally {
      for (const client of owned) await client.shutdown();
    }
  });

  it('tries again with a fresh client on the next request after being unreachable', async () => {
    const port = await closedPort();
    const built: OwnedClient[] = [];
    const connection = createTelegramConnection(
      {
        ...TEST_API,
        session: await sessionAt(),
        serverPort: port,
        connectTimeoutMs: 1000,
        connectionRetries: 1,
      },
      (options) => {
        const owned = createOwnedClient(options);
        built.push(owned);
        return owned;
      },
    );
    const request = () => connection.invoke(new Api.help.GetNearestDc());
    await expect(request()).rejects.toMatchObject({ code: 'TELEGRAM_UNREACHABLE' });
    await expect(request()).rejects.toMatchObject({ code: 'TELEGRAM_UNREACHABLE' });
    expect(built.length).toBeGreaterThanOrEqual(2);
    await connection.close();
  });
});

describe('request deadline and a sender that gave up', () => {
  /** A connection whose clients are real gramjs clients over scripted senders. */
  async function scripted(script: (client: number) => Script, requestTimeoutMs = 500) {
    const built: Array<ReturnType<typeof installScriptedSender>> = [];
    const connection = createTelegramConnection(
      { ...TEST_API, session: await sessionAt(), requestTimeoutMs },
      (options: TelegramClientOptions) => {
        const owned = createOwnedClient(options);
        built.push(installScriptedSender(owned.client, script(built.length)));
        return owned;
      },
    );
    return { connection, built };
  }
  const nearest = () => new Api.NearestDc({ country: 'NL', thisDc: 2, nearestDc: 2 });

  it('fails a request past its deadline as a retryable TIMEOUT, then uses a fresh client', async () => {
    const { connection, built } = await scripted(
      (client) => () => (client === 0 ? 'silent' : nearest()),
    );
    const error = await connection.invoke(new Api.help.GetNearestDc()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect((error as Error).message).toContain('help.GetNearestDc');
    const answer = await connection.invoke(new Api.help.GetNearestDc());
    expect(answer).toBeInstanceOf(Api.NearestDc);
    expect(built.map((b) => b.calls)).toEqual([['help.GetNearestDc'], ['help.GetNearestDc']]);
    await connection.close();
  });

  it('replaces a client whose sender spent its reconnection attempts', async () => {
    const { connection, built } = await scripted(() => () => nearest(), 5000);
    await connection.invoke(new Api.help.GetNearestDc());
    const first = connection.client;
    built[0]?.giveUp();
    // gramjs itself now refuses every request on that client ("while disconnected").
    await expect(first.invoke(new Api.help.GetNearestDc())).rejects.toThrow(/disconnected/);
    const answer = await connection.invoke(new Api.help.GetNearestDc());
    expect(answer).toBeInstanceOf(Api.NearestDc);
    expect(connection.client).not.toBe(first);
    expect(built).toHaveLength(2);
    await connection.close();
  });

  it('translates what a sender that gives up mid-request rejects with into a retryable DISCONNECTED', async () => {
    const { connection, built } = await scripted(() => () => 'silent', 5000);
    const pending = connection.invoke(new Api.help.GetNearestDc()).catch((e: unknown) => e);
    await expect.poll(() => built[0]?.calls.length).toBe(1);
    built[0]?.giveUp();
    const error = translateTelegramError(await pending);
    expect(error).toMatchObject({ code: 'DISCONNECTED', retryable: true });
    await connection.close();
  });
});

describe('connection state', () => {
  it('tells connecting, connected, reconnecting while gramjs reconnects, and closed', async () => {
    const states: TelegramConnectionState[] = [];
    const built: Array<ReturnType<typeof installScriptedSender>> = [];
    const connection = createTelegramConnection(
      { ...TEST_API, session: await sessionAt(), onConnectionState: (s) => states.push(s) },
      (options) => {
        const owned = createOwnedClient(options);
        built.push(
          installScriptedSender(
            owned.client,
            () => new Api.NearestDc({ country: 'NL', thisDc: 2, nearestDc: 2 }),
          ),
        );
        return owned;
      },
    );
    expect(states).toEqual([]);
    await connection.invoke(new Api.help.GetNearestDc());
    expect(states).toEqual(['connecting', 'connected']);
    built[0]?.loseLink();
    expect(states.at(-1)).toBe('reconnecting');
    built[0]?.regainLink();
    expect(states.at(-1)).toBe('connected');
    await connection.close();
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected', 'closed']);
    // What a closed client's sender tells afterwards changes nothing.
    built[0]?.loseLink();
    expect(states.at(-1)).toBe('closed');
  });

  it('tells disconnected when a client is given up, and ignores what that client tells after', async () => {
    const states: TelegramConnectionState[] = [];
    const built: Array<ReturnType<typeof installScriptedSender>> = [];
    const connection = createTelegramConnection(
      {
        ...TEST_API,
        session: await sessionAt(),
        requestTimeoutMs: 500,
        onConnectionState: (s) => states.push(s),
      },
      (options) => {
        const owned = createOwnedClient(options);
        const first = built.length === 0;
        built.push(
          installScriptedSender(owned.client, () =>
            first ? 'silent' : new Api.NearestDc({ country: 'NL', thisDc: 2, nearestDc: 2 }),
          ),
        );
        return owned;
      },
    );
    await expect(connection.invoke(new Api.help.GetNearestDc())).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
    built[0]?.regainLink();
    expect(states.at(-1)).toBe('disconnected');
    await connection.invoke(new Api.help.GetNearestDc());
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    await connection.close();
  });

  it('tells disconnected after a real gramjs client could not connect', async () => {
    const states: TelegramConnectionState[] = [];
    const connection = createTelegramConnection({
      ...TEST_API,
      session: await sessionAt(),
      serverPort: await closedPort(),
      connectTimeoutMs: 1000,
      connectionRetries: 1,
      onConnectionState: (s) => states.push(s),
    });
    await expect(connection.invoke(new Api.help.GetNearestDc())).rejects.toMatchObject({
      code: 'TELEGRAM_UNREACHABLE',
    });
    expect(states).toEqual(['connecting', 'disconnected']);
    await connection.close();
    expect(states).toEqual(['connecting', 'disconnected', 'closed']);
  });
});
