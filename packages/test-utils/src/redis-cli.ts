import { spawnProcess } from './child-process.js';

/** Runs `redis-cli -u url ...args` (a real redis-cli) and returns its trimmed stdout. */
export async function redisCli(url: string, ...args: string[]): Promise<string> {
  const run = spawnProcess('redis-cli', ['-u', url, ...args]);
  const { code } = await run.exited;
  if (code !== 0) throw new Error(`redis-cli ${args.join(' ')} exited ${code}: ${run.stderr()}`);
  return run.stdout().trim();
}
