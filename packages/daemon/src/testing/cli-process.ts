import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildRun, spawnProcess } from '@tgfetch/test-utils';

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

/** A `tgfetch` run: its output so far, its JSON lines (pino logs, `--json` output), its exit. */
export type CliProcess = ChildRun;

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
  return spawnProcess(command, argv, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdin: options.stdin ?? 'ignore',
  });
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
