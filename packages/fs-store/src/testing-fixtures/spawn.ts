import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A child running the bundled `child.ts`, with the JSON lines it has printed so far. */
export interface Child {
  process: ChildProcess;
  /** Every complete line parsed; a line cut short by a kill is dropped. */
  lines: unknown[];
  /** Resolves once `predicate` holds for the lines, or rejects at `timeoutMs`. */
  waitFor(predicate: (lines: unknown[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code or signal once the process is gone and its output read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function spawnChild(script: string, args: string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: unknown[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      lines.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
    }
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = once(child, 'close').then(([code, signal]) => {
    for (const wake of waiters) wake();
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  return {
    process: child,
    lines,
    exited,
    stderr: () => errors,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(lines)) return done(resolve);
          if (gone) done(() => reject(new Error(`child exited first: ${errors}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`child timed out: ${errors}`))),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      });
    },
  };
}
