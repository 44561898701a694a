import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built `tgfetch` as a child process, the way a user runs it. The bin imports
 * `dist/`: the root `pnpm test` builds first (run `pnpm build` before these tests alone).
 */
export const BIN = fileURLToPath(new URL('../../bin/tgfetch.js', import.meta.url));

/** Values the runs are given as secrets; no output of any run may contain them. */
export const SECRETS = {
  TELEGRAM_SESSION: `1SeSsIoN${'q'.repeat(40)}Zecret`,
  TELEGRAM_API_HASH: 'c0ffee00deadbeef1234567890abcdef',
} as const;

/** Names under a test's own key prefix, so tests never see each other's traffic. */
export function uniqueNames(prefix: string) {
  return {
    chat: `e2e_${prefix.replace(/\W/g, '')}`,
    queue: `${prefix}commands`,
    channel: `${prefix}events`,
    stream: `${prefix}events:stream`,
  };
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything written so far to stdout / stderr. */
  stdout(): string;
  stderr(): string;
  /** Settles with the exit code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The JSON lines of stdout (pino logs, `--json` output) that parse. */
  jsonLines(): Array<Record<string, unknown>>;
}

/**
 * Spawns `tgfetch ...args` with exactly `env` (plus PATH), in `cwd` (a temp dir: the CLI
 * reads `.env` from its working directory, and the repository's must not leak in).
 */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  options: { stdin?: 'ignore' | 'pipe'; direct?: boolean } = {},
): CliProcess {
  // `--` as the bin's shebang has it: Node 20 would take a later `--env-file` itself.
  // `direct` runs the bin file itself, so its shebang line is what starts Node.
  const [command, argv] = options.direct ? [BIN, args] : [process.execPath, ['--', BIN, ...args]];
  const child = spawn(command, argv, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      // 'close', not 'exit': by then both pipes are drained.
      child.once('close', (code, signal) => resolve({ code, signal }));
    },
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    jsonLines: () =>
      out.split('\n').flatMap((line) => {
        try {
          const value: unknown = JSON.parse(line);
          return typeof value === 'object' && value !== null
            ? [value as Record<string, unknown>]
            : [];
        } catch {
          return [];
        }
      }),
  };
}

/** Runs the CLI to its end (killed at `timeoutMs`) and returns its outputs. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 15_000,
  options: { direct?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnCli(args, env, cwd, options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  try {
    const { code } = await proc.exited;
    return { code, stdout: proc.stdout(), stderr: proc.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `redis-cli -u url ...args` (a real redis-cli) and returns its stdout. */
export async function redisCli(url: string, ...args: string[]): Promise<string> {
  const proc = spawn('redis-cli', ['-u', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', resolve);
  });
  if (code !== 0) throw new Error(`redis-cli ${args.join(' ')} exited ${code}: ${err}`);
  return out.trim();
}

/** Every file under `dir`, relative paths, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Parses every day file under `dir` (throws on a broken one) and returns them by path. */
export async function readDayFiles(
  dir: string,
): Promise<Map<string, { date: string; messages: Array<{ id: number }> }>> {
  const days = new Map<string, { date: string; messages: Array<{ id: number }> }>();
  for (const file of await listFiles(dir)) {
    if (!/discussions_\d{4}-\d{2}-\d{2}\.json$/.test(file)) continue;
    const text = await readFile(path.join(dir, file), 'utf8');
    days.set(file, JSON.parse(text));
  }
  return days;
}
