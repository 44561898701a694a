import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './free-port.js';
import { tempDir } from './temp-dir.js';

/**
 * A real `redis-server` from PATH, owned by its caller: the vitest run's shared server, the
 * fault tests' private ones (stopped, frozen, restarted), the bench's and the chaos suite's.
 * It listens on loopback on a free port, so it never touches a Redis the machine runs.
 */

export interface RedisServerOptions {
  /** Port to listen on. @default a free port */
  port?: number;
  /** Enables AUTH with this password (`--requirepass`). @default none */
  password?: string;
  /** How long to wait for the server to answer PING. @default 10_000 */
  startTimeoutMs?: number;
  /**
   * Keeps data across `stop()`/`start()` (AOF, fsync always), as a production Redis with
   * persistence does after a crash. @default false (nothing is ever written to disk)
   */
  persistent?: boolean;
  /**
   * Folder of the server's files (AOF, `redis.log`), kept after `close()` (a chaos scenario
   * keeps it for post-mortems). @default a temp folder of its own, removed by `close()`
   */
  dir?: string;
  /**
   * More `redis-server` arguments, e.g. `['--key-load-delay', '10000']` for a server that
   * stays `LOADING` a while after each start. @default none
   */
  serverArgs?: readonly string[];
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Where its AOF and `redis.log` are. */
  readonly dir: string;
  /** True while the process runs (frozen counts as running). */
  readonly running: boolean;
  /** Pid of the running server process, or undefined while stopped. */
  pid(): number | undefined;
  /**
   * Ends the server with `signal` and waits for it to exit: SIGTERM is a shutdown, SIGKILL a
   * crash. Data is lost unless `persistent`. A frozen server is thawed first.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: its sockets stay open and nothing answers (a frozen host or VM). */
  freeze(): void;
  /** SIGCONT after `freeze()`. */
  thaw(): void;
  /** Starts it again on the same port and waits for PING. */
  start(): Promise<void>;
  /** `stop(signal)` then `start()`. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it and removes its folder (unless the folder was given). */
  close(): Promise<void>;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const own = options.dir === undefined ? await tempDir('tgfetch-redis-') : undefined;
  const dir = options.dir ?? own!.dir;
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const logFile = path.join(dir, 'redis.log');
  let child: ChildProcess | undefined;

  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  args.push('--appendonly', options.persistent ? 'yes' : 'no', '--appendfsync', 'always');
  args.push('--dir', dir, '--daemonize', 'no', '--loglevel', 'warning', '--logfile', logFile);
  if (options.password) args.push('--requirepass', options.password);
  args.push(...(options.serverArgs ?? []));

  const start = async () => {
    if (child) return;
    const proc = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' });
    child = proc;
    const exited = once(proc, 'exit').then(async () => {
      if (child === proc) child = undefined;
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`redis-server exited before answering on port ${port}: ${log.slice(-500)}`);
    });
    exited.catch(() => {});
    await Promise.race([waitForPing(port, options.password, timeoutMs), exited]);
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = once(proc, 'exit');
      // A stopped process does not act on SIGTERM until it is continued.
      proc.kill('SIGCONT');
      proc.kill(signal);
      await exited;
    }
  };

  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    dir,
    get running() {
      return child !== undefined;
    },
    pid: () => child?.pid,
    start,
    stop,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async restart(signal) {
      await stop(signal);
      await start();
    },
    async close() {
      await stop();
      await own?.cleanup();
    },
  };
}

/** Polls with a raw PING until the server answers PONG, or throws at the deadline. */
export async function waitForPing(
  port: number,
  password?: string,
  timeoutMs = 10_000,
): Promise<void> {
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
