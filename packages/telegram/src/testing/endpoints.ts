import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { AuthKey } from 'telegram/crypto/AuthKey.js';
import { StringSession } from 'telegram/sessions/index.js';
import { createTelegramClientSource, type TelegramClientSourceOptions } from '../client-source.js';

/**
 * Real TCP endpoints on loopback standing in for Telegram's data centers, for tests of
 * connecting, deadlines and proxies. Nothing here speaks MTProto.
 */

/** A gramjs string session for data center 2 at `ip`, with a random (never valid) auth key. */
export async function sessionAt(ip = '127.0.0.1'): Promise<string> {
  const session = new StringSession('');
  session.setDC(2, ip, 80);
  const key = new AuthKey();
  await key.setKey(randomBytes(256));
  session.setAuthKey(key);
  return session.save();
}

/** An API id and hash of the right shape; no Telegram ever sees them. */
export const TEST_API = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };

/**
 * What a client source whose data center is at 127.0.0.1 fails with when asked for one
 * day; the source is closed before this returns.
 */
export async function firstFailure(
  options: Omit<TelegramClientSourceOptions, 'apiId' | 'apiHash' | 'session'>,
): Promise<unknown> {
  const source = createTelegramClientSource({
    ...TEST_API,
    session: await sessionAt('127.0.0.1'),
    ...options,
  });
  const day = { chat: '@durov', from: Date.parse('2025-11-07'), to: Date.parse('2025-11-08') };
  try {
    for await (const _ of source.messages(day, new AbortController().signal));
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await source.close();
  }
}

/** A port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SilentServer {
  port: number;
  /** Every connection accepted: where it came from, what it sent, whether it closed. */
  readonly connections: Array<{ remoteAddress: string; bytes: number; closed: boolean }>;
  close(): Promise<void>;
}

/** Accepts connections, reads what comes, and never answers. */
export async function silentServer(host = '127.0.0.1'): Promise<SilentServer> {
  const connections: SilentServer['connections'] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const seen = { remoteAddress: socket.remoteAddress ?? '', bytes: 0, closed: false };
    connections.push(seen);
    sockets.add(socket);
    socket.on('data', (chunk) => {
      seen.bytes += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      seen.closed = true;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Microsocks {
  port: number;
  stop(): Promise<void>;
}

/**
 * Debian's `microsocks` (a real SOCKS5 server) on loopback; its outgoing connections leave
 * from `bindAddress`, so a server behind it can tell proxied connections from direct ones.
 */
export async function startMicrosocks(options: {
  user?: string;
  password?: string;
  bindAddress: string;
}): Promise<Microsocks> {
  const port = await closedPort();
  const args = ['-i', '127.0.0.1', '-p', String(port), '-b', options.bindAddress];
  if (options.user) args.push('-u', options.user, '-P', options.password ?? '');
  const child = spawn('microsocks', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  const deadline = Date.now() + 5000;
  // Ready when it accepts a TCP connection.
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error('microsocks did not start (is it installed? apt-get install microsocks)');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
