import { afterEach, describe, expect, it } from 'vitest';
import { describeProxy, parseProxy } from './proxy.js';
import {
  closedPort,
  firstFailure,
  type Microsocks,
  type SilentServer,
  silentServer,
  startMicrosocks,
} from './testing/endpoints.js';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('parseProxy', () => {
  it('reads SOCKS5 with credentials, SOCKS4, and MTProxy in its link forms', () => {
    expect(parseProxy('socks5://alice:s%40cret@127.0.0.1:1080')).toEqual({
      ip: '127.0.0.1',
      port: 1080,
      socksType: 5,
      username: 'alice',
      password: 's@cret',
    });
    expect(parseProxy('socks4://[::1]:9050')).toEqual({ ip: '::1', port: 9050, socksType: 4 });
    const mt = { ip: 'proxy.example', port: 443, secret: SECRET, MTProxy: true };
    expect(parseProxy(`mtproxy://${SECRET}@proxy.example:443`)).toEqual(mt);
    expect(parseProxy(`https://t.me/proxy?server=proxy.example&port=443&secret=${SECRET}`)).toEqual(
      mt,
    );
    expect(parseProxy(`tg://proxy?server=proxy.example&port=443&secret=dd${SECRET}`)).toEqual({
      ...mt,
      secret: `dd${SECRET}`,
    });
  });

  it('refuses bad input with INVALID_PROXY and never repeats a password or secret', () => {
    const cases = [
      'http://user:hunter2@host:8080',
      'socks5://user:hunter2@host',
      'socks5://user:hunter2@:1080',
      `mtproxy://ee${SECRET}hunter2@host:443`,
      'hunter2',
    ];
    for (const url of cases) {
      let caught: unknown;
      try {
        parseProxy(url);
      } catch (error) {
        caught = error;
      }
      expect(caught, url).toMatchObject({ code: 'INVALID_PROXY' });
      expect((caught as Error).message).toMatch(/^TELEGRAM_PROXY /);
      expect((caught as Error).message).not.toContain('hunter2');
    }
  });

  it('describes a proxy without its credentials', () => {
    expect(describeProxy(parseProxy('socks5://alice:hunter2@127.0.0.1:1080'))).toBe(
      'socks5://127.0.0.1:1080',
    );
    expect(describeProxy(parseProxy(`mtproxy://${SECRET}@[::1]:443`))).toBe('mtproxy://[::1]:443');
  });
});

describe('connecting through a proxy', () => {
  let proxy: Microsocks | undefined;
  let server: SilentServer | undefined;
  afterEach(async () => {
    await proxy?.stop();
    await server?.close();
    proxy = undefined;
    server = undefined;
  });

  it('reaches the data center through a real SOCKS5 proxy (microsocks) with a user and password', async () => {
    // The data center listens on 127.0.0.1; microsocks leaves from 127.0.0.3, so the server
    // can tell a proxied connection from a direct one.
    server = await silentServer('127.0.0.1');
    proxy = await startMicrosocks({ user: 'alice', password: 'hunter2', bindAddress: '127.0.0.3' });
    const error = await firstFailure({
      serverPort: server.port,
      proxy: `socks5://alice:hunter2@127.0.0.1:${proxy.port}`,
      connectTimeoutMs: 1500,
    });
    expect(server.connections.length).toBeGreaterThan(0);
    expect(server.connections.every((c) => c.remoteAddress === '127.0.0.3')).toBe(true);
    // MTProto's first bytes went through the tunnel (the server never answers, so no more).
    expect(server.connections[0]?.bytes).toBeGreaterThan(0);
    // Nothing answers MTProto there: the deadline ends it, naming the proxy without secrets.
    expect(error).toMatchObject({ code: 'TELEGRAM_UNREACHABLE' });
    expect((error as Error).message).toContain(`through socks5://127.0.0.1:${proxy.port}`);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('is refused by the proxy with a wrong password, and says so within the deadline', async () => {
    server = await silentServer('127.0.0.1');
    proxy = await startMicrosocks({ user: 'alice', password: 'hunter2', bindAddress: '127.0.0.3' });
    const error = await firstFailure({
      serverPort: server.port,
      proxy: `socks5://alice:wrong@127.0.0.1:${proxy.port}`,
      connectTimeoutMs: 3000,
      connectionRetries: 1,
    });
    expect(error).toMatchObject({ code: 'TELEGRAM_UNREACHABLE' });
    expect((error as Error).message).toMatch(/Socks5 Authentication failed/i);
    expect(server.connections).toEqual([]);
  });

  it('speaks to an MTProxy at its own address, not the data center', async () => {
    server = await silentServer('127.0.0.1');
    const dcPort = await closedPort();
    const error = await firstFailure({
      serverPort: dcPort,
      proxy: `mtproxy://${SECRET}@127.0.0.1:${server.port}`,
      connectTimeoutMs: 1500,
    });
    expect(server.connections.length).toBeGreaterThan(0);
    // The obfuscated MTProxy header is 64 bytes.
    expect(server.connections[0]?.bytes).toBeGreaterThanOrEqual(64);
    expect((error as Error).message).toContain(`through mtproxy://127.0.0.1:${server.port}`);
  });
});
