import { type CliProcess, spawnCli } from './cli-process.js';

/** A running `tgfetch console`: the child and the address it said it listens on. */
export interface ConsoleProcess {
  proc: CliProcess;
  /** `http://127.0.0.1:<port>/`, as the console printed it. */
  url: string;
  /** SIGTERM, then the exit (killed at the deadline): the console stops on it as on Ctrl-C. */
  stop(): Promise<{ code: number | null }>;
}

const LISTENING = /console on (http:\/\/\S+)/;

/**
 * Spawns `tgfetch console` with exactly `env` (give it CONSOLE_PORT=0: a free port) and
 * waits for the line that names its address.
 */
export async function startConsoleCli(
  env: Record<string, string>,
  cwd: string,
): Promise<ConsoleProcess> {
  const proc = spawnCli(['console'], { CONSOLE_PORT: '0', ...env }, cwd);
  try {
    await proc.waitFor((run) => LISTENING.test(run.stderr()), {
      timeoutMs: 15_000,
      what: 'the console to listen',
    });
  } catch (error) {
    proc.child.kill('SIGKILL');
    throw error;
  }
  const url = LISTENING.exec(proc.stderr())![1]!;
  return {
    proc,
    url,
    async stop() {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill('SIGTERM');
      }
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
      try {
        return await proc.exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
