import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FetchEvent } from '@tgfetch/core';
import { eventually } from '@tgfetch/test-utils';
import type { RedisTestContext } from '@tgfetch/test-utils/vitest';
import type { CliProcess } from './cli-process.js';
import { uniqueNames } from './cli-process.js';
import { type ConsoleProcess, startConsoleCli } from './console-process.js';
import { daemonEnv, daemonPool } from './daemon-process.js';
import { type EventLog, listenForEvents } from './events.js';

/**
 * One tgfetch installation as an operator runs it: a built `tgfetch daemon` on the
 * simulated Telegram and `tgfetch console` over the same store and Redis (the test's key
 * prefix), with the events heard on PubSub as another service hears them.
 */
export interface Installation {
  names: ReturnType<typeof uniqueNames>;
  dataDir: string;
  log: EventLog;
  daemon: CliProcess;
  console: ConsoleProcess;
  /** The environment of a daemon of this installation (`extra` wins). */
  daemonEnv(extra?: Record<string, string>): Record<string, string>;
  /** Starts a daemon (SIGTERM the last one first when it must not share the queue). */
  startDaemon(extra?: Record<string, string>): Promise<CliProcess>;
  /** Pushes a command onto the queue as any producer does; its `command_id`. */
  push(command: Record<string, unknown>): Promise<string>;
  /** The command's first `completed` (a failure fails the test with the daemon's output). */
  completed(id: string, timeoutMs?: number): Promise<FetchEvent>;
  /** Everything the daemons and the console wrote. */
  output(): string;
  close(): Promise<void>;
}

export interface InstallationOptions {
  redis: RedisTestContext;
  /** A temp folder: the working directory of the children, the data directory in it. */
  dir: string;
  /** The name of the queue, the events and the worker are made unique from it. */
  label: string;
  /** The store and anything else both the daemon and the console read (e.g. STORE, DATABASE_URL). */
  shared?: Record<string, string>;
  /** The daemon's own settings (MAX_DELIVERIES, ...). */
  daemon?: Record<string, string>;
  /** The console's own settings (CONSOLE_TOKEN_FILE, ...). */
  console?: Record<string, string>;
}

export const WORKER_ID = 'console-worker';

export async function startInstallation(options: InstallationOptions): Promise<Installation> {
  const { redis, dir } = options;
  const names = uniqueNames(`${redis.prefix}${options.label}:`);
  const dataDir = path.join(dir, 'data');
  const pool = daemonPool();
  const log = await listenForEvents(redis.url, names.channel);
  const envOf = (extra: Record<string, string> = {}) =>
    daemonEnv({
      url: redis.url,
      names,
      dataDir,
      workerId: WORKER_ID,
      extra: { ...options.shared, ...options.daemon, ...extra },
    });
  let consoleProc: ConsoleProcess | undefined;
  const output = () =>
    `${pool.output()}\n${consoleProc?.proc.stdout() ?? ''}${consoleProc?.proc.stderr() ?? ''}`;
  const close = async () => {
    await consoleProc?.stop();
    await pool.killAll();
    await log.close();
  };
  try {
    const daemon = await pool.start(envOf(), dir);
    consoleProc = await startConsoleCli(
      {
        REDIS_URL: redis.url,
        QUEUE_NAME: names.queue,
        EVENTS_STREAM: names.stream,
        DATA_DIR: dataDir,
        ...options.shared,
        ...options.console,
      },
      dir,
    );
    const installation: Installation = {
      names,
      dataDir,
      log,
      daemon,
      console: consoleProc,
      daemonEnv: envOf,
      async startDaemon(extra) {
        installation.daemon = await pool.start(envOf(extra), dir);
        return installation.daemon;
      },
      async push(command) {
        const id = typeof command.command_id === 'string' ? command.command_id : randomUUID();
        await redis.client.rPush(names.queue, JSON.stringify({ ...command, command_id: id }));
        return id;
      },
      async completed(id, timeoutMs = 20_000) {
        const final = await eventually(
          () => log.of(id).find((e) => e.event === 'completed' || e.event === 'failed'),
          { timeoutMs, what: `the end of command ${id}` },
        );
        if (final.event !== 'completed') {
          throw new Error(`${id} failed: ${JSON.stringify(final)}\n${output()}`);
        }
        return final;
      },
      output,
      close,
    };
    return installation;
  } catch (error) {
    await close();
    throw error;
  }
}
