import type { CliContext } from '../cli/context.js';

export interface CapturedContext extends CliContext {
  out(): string;
  err(): string;
}

/** A `CliContext` whose outputs are kept in memory, for in-process runs of `main`. */
export function captureContext(options: {
  env?: Record<string, string | undefined>;
  cwd: string;
  isTTY?: boolean;
}): CapturedContext {
  let out = '';
  let err = '';
  const isTTY = options.isTTY ?? false;
  return {
    env: options.env ?? {},
    cwd: options.cwd,
    stdout: {
      isTTY,
      write(text: string) {
        out += text;
        return true;
      },
    },
    stderr: {
      isTTY,
      write(text: string) {
        err += text;
        return true;
      },
    },
    out: () => out,
    err: () => err,
  };
}
