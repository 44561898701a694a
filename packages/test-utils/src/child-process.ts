import { type ChildProcess, spawn } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output is kept, for tests to wait on and check. */
export interface ChildRun {
  child: ChildProcess;
  /** Everything written so far to stdout / stderr. */
  stdout(): string;
  stderr(): string;
  /** The complete stdout lines so far that are JSON objects (pino logs, `--json` output, reports). */
  jsonLines(): Array<Record<string, unknown>>;
  /** Settles once the process is gone and both pipes are drained. */
  exited: Promise<Exit>;
  /**
   * Resolves once `check` holds, tested on every output; rejects when the process exits
   * first or at the deadline, with what it wrote to stderr.
   */
  waitFor(check: (run: ChildRun) => boolean, options?: WaitForOptions): Promise<void>;
}

export interface WaitForOptions {
  /** @default 10_000 */
  timeoutMs?: number;
  /** Named in the error. @default 'output' */
  what?: string;
}

export interface SpawnOptions {
  cwd?: string;
  /** The child's whole environment. @default the parent's */
  env?: Record<string, string | undefined>;
  /** @default 'ignore' */
  stdin?: 'ignore' | 'pipe';
}

/** Spawns `command args`, keeping what it writes. */
export function spawnProcess(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ChildRun {
  const child = spawn(command, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let parsedUpTo = 0;
  const lines: Array<Record<string, unknown>> = [];
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const waker of wakers) waker();
  };
  let gone = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    // Parsed as complete lines arrive: a line cut short by a kill is never parsed.
    let nl = out.indexOf('\n', parsedUpTo);
    while (nl >= 0) {
      const line = parseObject(out.slice(parsedUpTo, nl));
      if (line) lines.push(line);
      parsedUpTo = nl + 1;
      nl = out.indexOf('\n', parsedUpTo);
    }
    wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    // What a CLI tells a person (the console's address) comes on stderr: waiters see it too.
    wake();
  });
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': by then both pipes are drained.
    child.once('close', (code, signal) => {
      gone = true;
      wake();
      resolve({ code, signal });
    });
  });
  const run: ChildRun = {
    child,
    stdout: () => out,
    stderr: () => err,
    jsonLines: () => lines,
    exited,
    waitFor(check, { timeoutMs = 10_000, what = 'output' } = {}) {
      return new Promise((resolve, reject) => {
        const settle = (fn: () => void) => {
          clearTimeout(timer);
          wakers.delete(test);
          fn();
        };
        const test = () => {
          if (check(run)) settle(resolve);
          else if (gone) settle(() => reject(new Error(`process exited before ${what}: ${err}`)));
        };
        const timer = setTimeout(
          () => settle(() => reject(new Error(`timed out waiting for ${what}: ${err}`))),
          timeoutMs,
        );
        wakers.add(test);
        test();
      });
    },
  };
  return run;
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
