import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * A real `redis-server` from PATH for the transport tests: one per test run (vitest
 * `globalSetup`), and private ones for the fault tests that stop and restart their server.
 * It never touches a Redis already running on the machine: it picks a free port.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the shared test server. */
    redisUrl: string;
  }
}

export interface RedisServerOptions {
  /** Port to listen on. @default a free port */
  port?: number;
  /** Enables AUTH with this password (`--requirepass`). @default none */
  password?: string;
  /** How long to wait for the server to answer PING. @default 10_000 */
  startTimeoutMs?: number;
  /** Keeps data across `stop()`/`start()` (AOF, fsync always). @default false */
  persistent?: boolean;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Pid of the running server process, or undefined while stopped. */
  pid(): number | undefined;
  /** Stops the server (SIGTERM) and waits for it to exit. Data is lost unless `persistent`. */
  stop(): Promise<void>;
  /** SIGSTOP: sockets stay open and nothing answers (a frozen host). */
  freeze(): void;
  /** SIGCONT after `freeze()`. */
  thaw(): void;
  /** Starts it again on the same port and waits for PING. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tgfetch-redis-'));
  const port = options.port ?? (await freePort());
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      options.persistent ? 'yes' : 'no',
      '--appendfsync',
      'always',
    ];
    args.push('--dir', dir, '--daemonize', 'no', '--loglevel', 'warning');
    if (options.password) args.push('--requirepass', options.password);
    const proc = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    const exited = once(proc, 'exit').then(() => {
      if (child === proc) child = undefined;
      throw new Error(`redis-server exited before answering on port ${port}`);
    });
    exited.catch(() => {});
    await Promise.race([waitForPing(port, options.password, timeoutMs), exited]);
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      await exited;
    }
  };

  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    pid: () => child?.pid,
    start,
    stop: async () => {
      child?.kill('SIGCONT');
      await stop();
    },
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async restart() {
      await stop();
      await start();
    },
    async close() {
      child?.kill('SIGCONT');
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Polls with a raw PING until the server answers PONG, or throws at the deadline. */
export async function waitForPing(port: number, password?: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port, password)) return;
    if (Date.now() > deadline) throw new Error(`redis on port ${port} did not answer PING`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function pingOnce(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      socket.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n');
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('+PONG')) done(true);
      else if (reply.includes('-')) done(false);
    });
  });
}

/** vitest `globalSetup`: one server for the run (or `REDIS_URL`), its URL provided as `redisUrl`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.REDIS_URL;
  if (given) {
    project.provide('redisUrl', given);
    return async () => {};
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.close();
}
