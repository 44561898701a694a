/**
 * The process's exit code for an error that ended a command: 2 for what a restart cannot
 * fix (Redis refusing the credentials, the database number or a key's type), 3 for Redis
 * gone past REDIS_MAX_OUTAGE_MS (the supervisor restarts it), 1 for anything else.
 */
export function exitCodeFor(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'REDIS_AUTH' || code === 'REDIS_CONFIG') return 2;
  return code === 'REDIS_UNAVAILABLE' ? 3 : 1;
}
