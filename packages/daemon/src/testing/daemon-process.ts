import { eventually } from '@tgfetch/test-utils';
import { type CliProcess, SECRETS, spawnCli } from './cli-process.js';

export interface DaemonEnv {
  url: string;
  names: { queue: string; channel: string; stream: string };
  dataDir: string;
  workerId: string;
  /** More variables (they win). */
  extra?: Record<string, string>;
}

/** The environment of a daemon on the simulated Telegram, secrets included to check they never leak. */
export function daemonEnv(options: DaemonEnv): Record<string, string> {
  return {
    REDIS_URL: options.url,
    TGFETCH_SOURCE: 'simulated',
    DATA_DIR: options.dataDir,
    QUEUE_NAME: options.names.queue,
    EVENTS_CHANNEL: options.names.channel,
    EVENTS_STREAM: options.names.stream,
    WORKER_ID: options.workerId,
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_MS: '2000',
    CHAT_LOCK_TTL_MS: '1500',
    TELEGRAM_API_ID: '12345',
    ...SECRETS,
    ...options.extra,
  };
}

/** Every daemon a test file started, to kill what a failed test left running. */
export function daemonPool() {
  const all: CliProcess[] = [];
  return {
    /** Spawns `tgfetch daemon` and waits for its `ready` log line. */
    async start(env: Record<string, string>, cwd: string): Promise<CliProcess> {
      const proc = spawnCli(['daemon'], env, cwd);
      all.push(proc);
      let exit: { code: number | null } | undefined;
      void proc.exited.then((result) => {
        exit = result;
      });
      await eventually(
        () => {
          if (exit) {
            throw new Error(
              `daemon exited (${exit.code}) before ready:\n${proc.stdout()}${proc.stderr()}`,
            );
          }
          return proc.jsonLines().some((line) => line.msg === 'ready');
        },
        { timeoutMs: 15_000, what: 'the daemon to be ready' },
      );
      return proc;
    },
    /** Everything all daemons wrote. */
    output: () => all.map((p) => p.stdout() + p.stderr()).join('\n'),
    async killAll() {
      for (const proc of all) {
        if (proc.child.exitCode === null && proc.child.signalCode === null) {
          proc.child.kill('SIGKILL');
          await proc.exited;
        }
      }
    },
  };
}
