import { RedisErrorCode } from '@tgfetch/redis-transport';

/**
 * What `tgfetch` exits with. The one table: `--help` and the daemon README print it, the commands
 * return these names, and the tests check a real process against it.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  redisUnavailable: 3,
  stillQueued: 4,
  interrupted: 130,
} as const;

export const EXIT_MEANINGS: ReadonlyArray<readonly [code: number, meaning: string]> = [
  [EXIT.ok, 'done (daemon and listen: stopped by a signal, cleanly)'],
  [EXIT.failed, 'the command failed (its error code is printed)'],
  [
    EXIT.usage,
    'usage or configuration mistake, or Redis refusing the credentials, database or a key type (a restart cannot fix it)',
  ],
  [EXIT.redisUnavailable, 'Redis unreachable for longer than REDIS_MAX_OUTAGE_MS'],
  [EXIT.stillQueued, 'send --wait: no result within --timeout; the command is still queued'],
  [EXIT.interrupted, 'fetch, send --wait, login: interrupted by Ctrl-C or SIGTERM'],
];

export function exitCodeTable(): string {
  return EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join(
    '\n',
  );
}

/** Codes of what a restart cannot fix: a usage or configuration mistake, or Redis refusing us. */
const USAGE_CODES: ReadonlySet<unknown> = new Set([
  'USAGE',
  'CONFIG',
  RedisErrorCode.REDIS_AUTH,
  RedisErrorCode.REDIS_CONFIG,
]);

/**
 * The exit code for an error that ended a command: usage for what a restart cannot fix
 * (a usage or configuration mistake; Redis refusing the credentials, the database number or
 * a key's type), redisUnavailable for Redis gone past REDIS_MAX_OUTAGE_MS (the supervisor
 * restarts it), failed otherwise.
 */
export function exitCodeFor(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  if (USAGE_CODES.has(code)) return EXIT.usage;
  return code === RedisErrorCode.REDIS_UNAVAILABLE ? EXIT.redisUnavailable : EXIT.failed;
}
